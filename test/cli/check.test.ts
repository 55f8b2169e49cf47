import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { checkProject, main } from "../../src/cli/check";
import { formatPath } from "../../src/config/errors";
import { ROOT, runCli, runMain } from "../helpers/cli";

/** 1-based number of the first line of `file` that contains `text`. */
function lineOf(file: string, text: string): number {
  return (
    readFileSync(file, "utf8")
      .split("\n")
      .findIndex((l) => l.includes(text)) + 1
  );
}

function projectCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "check-"));
  for (const file of ["Pulumi.yaml", "Pulumi.home.yaml", "Pulumi.annex.yaml", "stacks"]) {
    cpSync(join(ROOT, file), join(dir, file), { recursive: true });
  }
  return dir;
}

describe("npm run check", () => {
  it("passes on the committed stacks and lists the secrets each needs", async () => {
    const result = await runMain(main, []);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^ok {2}Pulumi\.annex\.yaml {2}\(site annex\)\n/);
    assert.match(
      result.stdout,
      /ok {2}Pulumi\.home\.yaml {2}\(site home, member alexis with 4 peers\)/,
    );
    assert.match(
      result.stdout,
      /wg genkey \| pulumi config set --secret homelab:wireguardPrivateKey --stack annex/,
    );
    assert.match(result.stdout, /ok {2}stacks\/federation\.yaml\n$/);
    const quiet = await runMain(main, ["--quiet"]);
    assert.deepEqual(quiet, { status: 0, stdout: "", stderr: "" });
  });

  it("an unknown option is a usage error (exit 2)", async () => {
    const result = await runMain(main, ["--strict"]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^Unknown option '--strict'.*\n\nusage: npm run check/);
  });

  it("as a subprocess, as npm runs it: the same report", async () => {
    const result = runCli("check", []);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, (await runMain(main, [])).stdout);
  });

  it("reports the problems of every stack and of the registry together", () => {
    const dir = projectCopy();
    const home = join(dir, "Pulumi.home.yaml");
    writeFileSync(home, readFileSync(home, "utf8").replace("member: alexis", "member: alexsi"));
    const annex = join(dir, "Pulumi.annex.yaml");
    writeFileSync(annex, readFileSync(annex, "utf8").replace("vlan: 20", "vlan: 10"));
    const registry = join(dir, "stacks", "federation.yaml");
    writeFileSync(
      registry,
      readFileSync(registry, "utf8").replace("- id: estelle", "- id: dorian"),
    );
    const { problems } = checkProject(dir);
    assert.deepEqual(problems.map((p) => `${p.file} ${formatPath(p.path)}: ${p.message}`).sort(), [
      "Pulumi.annex.yaml homelab:unifi.networks[1].vlan: VLAN id 10 is already used at index 0: VLAN ids must be unique",
      'Pulumi.home.yaml homelab:federation.member: unknown member "alexsi" in stacks/federation.yaml: did you mean "alexis"?',
      'stacks/federation.yaml members[4].id: member id "dorian" is already used at index 3: member ids must be unique',
    ]);
  });

  it("checks every stack's networks against its member's prefixes in the registry", () => {
    const dir = projectCopy();
    const home = join(dir, "Pulumi.home.yaml");
    writeFileSync(
      home,
      readFileSync(home, "utf8").replace("pool: 172.26.0.0/24", "pool: 10.254.0.0/24"),
    );
    const registry = join(dir, "stacks", "federation.yaml");
    // Member number 18 needs /31s past the /24 pool: (4, 18) takes 17*16/2 + 3 = 139.
    writeFileSync(registry, readFileSync(registry, "utf8").replace("number: 5", "number: 18"));
    const { problems } = checkProject(dir);
    assert.deepEqual(
      problems.map((p) => `${p.file}:${p.line ?? "?"} ${formatPath(p.path)}: ${p.message}`).sort(),
      [
        `Pulumi.home.yaml:${lineOf(home, "dialupVpn:") + 1} homelab:fortigate.dialupVpn: 10.254.0.0/24 (network "vpn") is outside the prefixes member "alexis" owns in stacks/federation.yaml (172.24.0.0/14, 10.128.0.0/10): renumber it inside them, or register a prefix that covers it`,
        `stacks/federation.yaml:${lineOf(registry, "transferPool:")} transferPool: 172.31.254.0/24 holds 128 tunnel /31s, but the peering of "dorian" (number 4) and "estelle" (number 18) takes /31 number 139 (members i < j take (j-1)(j-2)/2 + (i-1)): the pool must be a /23 or larger (256 /31s)`,
      ],
    );
  });

  it("refuses what only a derivation sees, as the plan and the program do (quorum)", () => {
    const dir = projectCopy();
    const home = join(dir, "Pulumi.home.yaml");
    const text = readFileSync(home, "utf8");
    assert.ok(text.includes("votes: 2 #"));
    writeFileSync(home, text.replace("votes: 2 #", "votes: 1 #"));
    const { sites, problems } = checkProject(dir);
    assert.deepEqual(
      problems.map((p) => `${p.file}:${p.line ?? "?"} ${formatPath(p.path)}`),
      [`Pulumi.home.yaml:${lineOf(home, "votes: 1 #")} homelab:proxmox.nodes[0].votes`],
    );
    assert.match(problems[0]!.message, /^the nodes declared powered hold 1 of 2 corosync votes/);
    assert.deepEqual(
      sites.map((s) => s.stack),
      ["annex"],
    );
  });
});

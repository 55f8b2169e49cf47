import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { checkProject, main } from "../../src/cli/check";
import { stackOption, UsageError } from "../../src/cli/common";
import { formatPath } from "../../src/config/errors";
import { runCli, runMain } from "../helpers/cli";
import { ANNEX, HOME, REGISTRY, fixtureProject, pathOf } from "../helpers/sites";

/** 1-based number of the first line of `file` that contains `text`. */
function lineOf(file: string, text: string): number {
  return (
    readFileSync(file, "utf8")
      .split("\n")
      .findIndex((l) => l.includes(text)) + 1
  );
}

/** The stack files of a fixture project (HOME and ANNEX as a clone holds them). */
const HOME_FILE = `Pulumi.${HOME.stack}.yaml`;
const ANNEX_FILE = `Pulumi.${ANNEX.stack}.yaml`;
const home = ["--stack", "home", "--config", pathOf(HOME)];

describe("npm run check", () => {
  it("--stack: passes on a stack and lists the secrets it needs", async () => {
    const result = await runMain(main, home);
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /^ok {2}test\/fixtures\/sites\/home\.yaml {2}\(site home, member alexis with 4 peers\)\n {4}secrets to set before a real run:\n/,
    );
    assert.match(result.stdout, /pulumi config set --secret homelab:psk-estelle --stack home\n/);
    assert.doesNotMatch(
      result.stdout,
      /ok {2}stacks\/federation\.yaml/,
      "one stack: no registry line",
    );
    const annex = await runMain(main, ["--stack", "annex", "--config", pathOf(ANNEX)]);
    assert.match(
      annex.stdout,
      /^ok {2}test\/fixtures\/sites\/annex\.yaml {2}\(site annex\)\n[^]*wg genkey \| pulumi config set --secret homelab:wireguardPrivateKey --stack annex\n/,
    );
    const quiet = await runMain(main, [...home, "--quiet"]);
    assert.deepEqual(quiet, { status: 0, stdout: "", stderr: "" });
  });

  it("--stack: an unknown stack is a usage error that suggests the closest (exit 2)", async () => {
    const result = await runMain(main, ["--stack", "no/such"]);
    assert.equal(result.status, 2);
    assert.match(
      result.stderr,
      /^--stack: unknown stack "no\/such" \(no Pulumi\.no\/such\.yaml\): /,
    );
    const config = await runMain(main, ["--config", pathOf(HOME)]);
    assert.equal(config.status, 2);
    assert.match(config.stderr, /^--config needs --stack <name>\n/);
  });

  it("--stack names the closest stack, or the stacks there are, or how to write one", () => {
    const dir = fixtureProject();
    const message = (stack: string, root = dir) => {
      try {
        stackOption(root, stack, undefined);
      } catch (error) {
        assert.ok(error instanceof UsageError);
        return error.message;
      }
      return assert.fail(`${stack} was accepted`);
    };
    assert.equal(stackOption(dir, "home", undefined), "home");
    assert.equal(
      message("hoem"),
      '--stack: unknown stack "hoem" (no Pulumi.hoem.yaml): did you mean "home"?',
    );
    assert.equal(
      message("office"),
      '--stack: unknown stack "office" (no Pulumi.office.yaml): the stacks are "annex", "home"',
    );
    assert.equal(
      message("home", mkdtempSync(join(tmpdir(), "empty-"))),
      '--stack: unknown stack "home" (no Pulumi.home.yaml): there is no stack yet: npm run new-site -- <name> writes one',
    );
  });

  it("a whole project: every stack's problems and the registry's, each once", () => {
    const dir = fixtureProject();
    const { sites, problems } = checkProject(dir);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      sites.map((s) => [s.file, s.peers.length]),
      [
        [ANNEX_FILE, 0],
        [HOME_FILE, 4],
      ],
    );
  });

  it("an unknown option is a usage error (exit 2)", async () => {
    const result = await runMain(main, ["--strict"]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^Unknown option '--strict'.*\n\nusage: npm run check/);
  });

  it("as a subprocess, as npm runs it: the same report", async () => {
    const result = runCli("check", home);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, (await runMain(main, home)).stdout);
  });

  it("reports the problems of every stack and of the registry together", () => {
    const dir = fixtureProject();
    const home = join(dir, HOME_FILE);
    writeFileSync(home, readFileSync(home, "utf8").replace("member: alexis", "member: alexsi"));
    const annex = join(dir, ANNEX_FILE);
    writeFileSync(annex, readFileSync(annex, "utf8").replace("vlan: 20", "vlan: 10"));
    const registry = join(dir, REGISTRY);
    writeFileSync(
      registry,
      readFileSync(registry, "utf8").replace("- id: estelle", "- id: dorian"),
    );
    const { problems } = checkProject(dir);
    assert.deepEqual(problems.map((p) => `${p.file} ${formatPath(p.path)}: ${p.message}`).sort(), [
      `${ANNEX_FILE} homelab:unifi.networks[1].vlan: VLAN id 10 is already used at index 0: VLAN ids must be unique`,
      `${HOME_FILE} homelab:federation.member: unknown member "alexsi" in ${REGISTRY}: did you mean "alexis"?`,
      `${REGISTRY} members[4].id: member id "dorian" is already used at index 3: member ids must be unique`,
    ]);
  });

  it("checks every stack's networks against its member's prefixes in the registry", () => {
    const dir = fixtureProject();
    const home = join(dir, HOME_FILE);
    writeFileSync(
      home,
      readFileSync(home, "utf8").replace("pool: 172.26.0.0/24", "pool: 10.254.0.0/24"),
    );
    const registry = join(dir, REGISTRY);
    // Member number 18 needs /31s past the /24 pool: (4, 18) takes 17*16/2 + 3 = 139.
    writeFileSync(registry, readFileSync(registry, "utf8").replace("number: 5", "number: 18"));
    const { problems } = checkProject(dir);
    assert.deepEqual(
      problems.map((p) => `${p.file}:${p.line ?? "?"} ${formatPath(p.path)}: ${p.message}`).sort(),
      [
        `${HOME_FILE}:${lineOf(home, "dialupVpn:") + 1} homelab:fortigate.dialupVpn: 10.254.0.0/24 (network "vpn") overlaps 10.192.0.0/10, which federation member "dorian" registered in ${REGISTRY}: both sites would route those addresses. Renumber it inside the prefixes member "alexis" owns in ${REGISTRY} (172.24.0.0/14, 10.128.0.0/10)`,
        `${REGISTRY}:${lineOf(registry, "number: 18")} members[4].number: number 18 makes the peering of "dorian" (number 4) and "estelle" take /31 number 139 (members i < j take (j-1)(j-2)/2 + (i-1)), beyond the 128 the transfer pool 172.31.254.0/24 holds: grow transferPool to a /23 or larger (256 /31s)`,
      ],
    );
  });

  it("refuses what only a derivation sees, as the plan and the program do (quorum)", () => {
    const dir = fixtureProject();
    const home = join(dir, HOME_FILE);
    const text = readFileSync(home, "utf8");
    assert.ok(text.includes("votes: 2 #"));
    writeFileSync(home, text.replace("votes: 2 #", "votes: 1 #"));
    const { sites, problems } = checkProject(dir);
    assert.deepEqual(
      problems.map((p) => `${p.file}:${p.line ?? "?"} ${formatPath(p.path)}`),
      [`${HOME_FILE}:${lineOf(home, "votes: 1 #")} homelab:proxmox.nodes[0].votes`],
    );
    assert.match(problems[0]!.message, /^the nodes declared powered hold 1 of 2 corosync votes/);
    assert.deepEqual(
      sites.map((s) => s.stack),
      ["annex"],
    );
  });
});

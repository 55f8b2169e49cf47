/**
 * One evaluation, two tools (issue 13, item 4): `npm run check -- --stack` and
 * `npm run plan -- --stack` run on every negative fixture (test/fixtures/invalid, and each
 * negative registry of test/fixtures/registry through a member stack naming it) and on the
 * fixture sites, and agree: the same exit code and the same report, never an internal error
 * or a stack trace. Then the cases the issue found silently wrong, each now a clear error in
 * both tools or correct output.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { main as check } from "../../src/cli/check";
import { main as plan } from "../../src/cli/plan";
import { planStack } from "../../src/cli/offline";
import { runMain, type CliResult } from "../helpers/cli";
import { readFixtureHeader } from "../helpers/fixtures";
import { ANNEX, HOME, ROOT, pathOf, variant } from "../helpers/sites";

const INVALID = join(ROOT, "test", "fixtures", "invalid");
const REGISTRIES = join(ROOT, "test", "fixtures", "registry");
const work = mkdtempSync(join(tmpdir(), "check-plan-"));

/** Both tools on one stack file: their results, and that they agree. */
async function bothAgree(
  stack: string,
  file: string,
): Promise<{ check: CliResult; plan: CliResult }> {
  const args = ["--stack", stack, "--config", file];
  const c = await runMain(check, args);
  const p = await runMain(plan, args);
  for (const [tool, result] of [
    ["check", c],
    ["plan", p],
  ] as const) {
    assert.doesNotMatch(result.stderr, /internal error|\n\s+at /, `${tool} on ${file}`);
  }
  assert.equal(
    c.status,
    p.status,
    `${file}: check exits ${String(c.status)}, plan ${String(p.status)}\n${c.stderr}\n${p.stderr}`,
  );
  // The offline plan also warns what it assumes of the devices (the program's runtime notes).
  const report = (text: string) => text.replace(/^warning: \[runtime\] .*\n/gm, "");
  assert.equal(c.stderr, report(p.stderr), `${file}: check and plan report differently`);
  return { check: c, plan: p };
}

/** A member stack naming `registry` (relative to the project), as its first member. */
function memberOf(registry: string): string {
  const doc = parse(readFileSync(join(ROOT, registry), "utf8")) as { members: { id: string }[] };
  const file = join(work, `${registry.replaceAll("/", "-")}`);
  writeFileSync(
    file,
    `config:\n  homelab:site: { name: t }\n  homelab:federation:\n    member: ${doc.members[0]!.id}\n    registry: ${registry}\n`,
  );
  return file;
}

describe("check and plan agree", () => {
  const invalid = readdirSync(INVALID)
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  it(`on every negative stack fixture (${invalid.length}): same exit code, same report`, async () => {
    let refused = 0;
    for (const file of invalid) {
      const header = readFixtureHeader(join(INVALID, file));
      const { check: c } = await bothAgree("fixture", join(INVALID, file));
      // Offline, secrets are placeholders: a fixture of missing secrets passes both.
      if (header.options.includes("require-secrets")) continue;
      assert.equal(c.status, 1, `${file} is refused`);
      assert.match(c.stderr, /^Invalid configuration: \d+ problems?\n/);
      refused++;
    }
    assert.ok(refused >= 130, `only ${refused} refused`);
  });

  const registries = readdirSync(REGISTRIES)
    .filter((f) => f.endsWith(".yaml"))
    .filter((f) => readFixtureHeader(join(REGISTRIES, f)).rule !== "")
    .sort();
  it(`on every negative registry fixture (${registries.length}), through a member stack`, async () => {
    for (const file of registries) {
      const registry = `test/fixtures/registry/${file}`;
      const { check: c } = await bothAgree("t", memberOf(registry));
      assert.equal(c.status, 1, `${file} is refused`);
      assert.ok(c.stderr.includes(`${registry}:`), `${file}: the registry's problems\n${c.stderr}`);
    }
  });

  it("on the fixture sites: both pass", async () => {
    for (const site of [HOME, ANNEX]) {
      const { check: c, plan: p } = await bothAgree(site.stack, pathOf(site));
      assert.equal(c.status, 0, c.stderr);
      assert.match(c.stdout, /^ok {2}/);
      assert.match(p.stdout, /homelab:index:Homelab/);
    }
  });
});

describe("what the issue found silently wrong", () => {
  it("proxy.tls.acme: cloudflare-dns without homelab:cloudflare: both pass, Caddy gets the DNS token", async () => {
    const site = variant(HOME, (text) =>
      text
        .replace("acme: http", "acme: cloudflare-dns")
        .replace(/\n {2}homelab:cloudflare:\n( {4}.*\n)+/, "\n"),
    );
    assert.doesNotMatch(readFileSync(site.file, "utf8"), /homelab:cloudflare:/);
    const { check: c } = await bothAgree(site.stack, site.file);
    assert.equal(c.status, 0, c.stderr);
    assert.match(c.stdout, /homelab:cloudflareDnsToken/);
    const { plan: p } = await planStack(ROOT, site.stack, site.file);
    const caddyfile = JSON.stringify(p.resources.filter((r) => r.name.includes("caddy")));
    assert.match(caddyfile, /acme_dns cloudflare/);
  });

  it("an access list naming a network with no address: a clear error, not an empty matcher", async () => {
    const site = variant(ANNEX, (text) =>
      text.replace(
        "expose: { hostname: git, public: true, access: open }",
        "expose: { hostname: git, public: true, access: [federation] }",
      ),
    );
    const { check: c } = await bothAgree(site.stack, site.file);
    assert.equal(c.status, 1);
    assert.match(
      c.stderr,
      /homelab:services\[\d+\]\.expose\.access\[0\]\n {4}network "federation" \(every peer's prefixes\) holds no address here: this site is not a federation member/,
    );
  });

  it("a federation member with a UniFi edge: refused, not shown peers and asked for PSKs", async () => {
    const { check: c } = await bothAgree(
      "fixture",
      join(INVALID, "federation-member-without-fortigate.yaml"),
    );
    assert.equal(c.status, 1);
    assert.match(c.stderr, /this site has a UniFi gateway: its peerings would be listed/);
    assert.doesNotMatch(c.stderr + c.stdout, /psk-/);
  });

  it("a catalog app's volume path: refused when it differs from the app's, not ignored", async () => {
    const { check: c } = await bothAgree("fixture", join(INVALID, "catalog-volume-path.yaml"));
    assert.equal(c.status, 1);
    assert.match(c.stderr, /Immich mounts its volume "upload" at \/data, not \/photos/);
  });
});

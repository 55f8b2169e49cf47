/**
 * What a user does to the project's stacks leaves the suite green (issue 13, item 1): in a
 * copy of the project's code with the example sites (the suite's copies), (1) a new site
 * written by `npm run new-site` joins the federation as a sixth registry member, exactly as
 * the README says; (2) with no stack and no registry at all (the examples removed). Each
 * copy runs the tests that read the project's stacks (test/examples/project.test.ts) and
 * the rule that no other test reads them (test/structure/generic-only.test.ts); every other
 * test reads its own fixtures, so it cannot notice. The whole `npm test` on such a clone was
 * run by hand when this landed (see the closing note); here, the parts that can see
 * the difference.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, describe, it } from "node:test";
import { NODE_FLAGS } from "../helpers/cli";
import { ANNEX, HOME, REGISTRY, ROOT, pathOf, type StackFile } from "../helpers/sites";

const work = mkdtempSync(join(tmpdir(), "clone-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** The project's own stacks and registry: whatever the user has there, the clones leave out. */
const isStack = (src: string): boolean =>
  /^Pulumi\.[^.]+\.yaml$/.test(relative(ROOT, src)) ||
  relative(ROOT, src) === join("stacks", "federation.yaml");

/**
 * A copy of the project's code (no .git, node_modules linked) without its stacks; with
 * `sites`, the suite's copies of the example sites as its stacks and their registry as
 * stacks/federation.yaml, as in a fresh clone (so the copy is the same whatever stacks this
 * repository holds).
 */
function clone(name: string, sites: readonly StackFile[]): string {
  const dir = join(work, name);
  cpSync(ROOT, dir, {
    recursive: true,
    filter: (src) =>
      ![".git", "node_modules"].some((skip) => src === join(ROOT, skip)) && !isStack(src),
  });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  if (sites.length > 0) cpSync(join(ROOT, REGISTRY), join(dir, "stacks", "federation.yaml"));
  for (const site of sites) {
    const text = readFileSync(pathOf(site), "utf8").replace(`    registry: ${REGISTRY}\n`, "");
    writeFileSync(join(dir, `Pulumi.${site.stack}.yaml`), text);
  }
  return dir;
}

function node(dir: string, args: string[]) {
  // Without the runner's marker, or node:test in the child skips the files as "recursive".
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const result = spawnSync(process.execPath, args, {
    cwd: dir,
    encoding: "utf8",
    env: { ...env, NO_COLOR: "1", TEST_TIMEOUT_MS: "300000" },
  });
  return { status: result.status, out: result.stdout + result.stderr };
}

const cli = (dir: string, name: string, args: string[]) =>
  node(dir, [...NODE_FLAGS, "--require", "./src/boot/register.js", `src/cli/${name}.ts`, ...args]);

/** The tests that read the project's stacks, run in `dir`. */
const genericTests = (dir: string) =>
  node(dir, [
    "scripts/run-tests.mjs",
    "test/examples/project.test.ts",
    "test/structure/generic-only.test.ts",
  ]);

/** A registry member for the new site, appended as the README's "Joining" says. */
const NEWCOMER = `  - id: newcomer
    number: 6
    name: Newcomer
    asn: 4200000006
    routerId: 172.30.10.1
    endpoint: 192.0.2.60
    prefixes: [172.30.0.0/16]
    edge: fortigate
    ike:
      proposals: [aes256gcm-prfsha384]
      dhGroups: [20]
    ipsec:
      proposals: [aes256gcm]
`;

describe("a user's clone keeps npm test green", () => {
  it("with a new site from new-site that joins the federation as a sixth member", () => {
    const dir = clone("joined", [HOME, ANNEX]);
    const written = cli(dir, "new-site", ["newcomer", "--edge", "fortigate"]);
    assert.equal(written.status, 0, written.out);
    assert.match(written.out, /^wrote Pulumi\.newcomer\.yaml\n/);
    const file = join(dir, "Pulumi.newcomer.yaml");
    // The user's edits: their addresses (inside their prefix), the federation sections.
    const site = readFileSync(file, "utf8")
      .replaceAll("192.168.10.", "172.30.10.")
      .replace(
        "  # homelab:federation:\n  #   member: your-id",
        "  homelab:federation:\n    member: newcomer",
      )
      .replace(
        "    # federation: # with homelab:federation: the tunnels' interface, the networks peers reach\n    #   interface: wan1\n    #   networks: [lan]",
        "    federation:\n      interface: wan1\n      networks: [lan]",
      );
    assert.match(site, /^ {2}homelab:federation:\n {4}member: newcomer$/m);
    assert.match(site, /^ {4}federation:\n {6}interface: wan1$/m);
    writeFileSync(file, site);
    appendFileSync(join(dir, "stacks", "federation.yaml"), NEWCOMER);

    const check = cli(dir, "check", []);
    assert.equal(check.status, 0, check.out);
    assert.match(check.out, /^ok {2}Pulumi\.newcomer\.yaml/m);
    const tests = genericTests(dir);
    assert.equal(tests.status, 0, tests.out);
    assert.match(tests.out, /ok \d+ - newcomer plans offline/);
    assert.match(tests.out, /# fail 0/);
    const sheet = cli(dir, "peering-sheet", ["--member", "newcomer", "--peer", "alexis"]);
    assert.equal(sheet.status, 0, sheet.out);
    assert.match(sheet.out, /accept from newcomer +172\.30\.0\.0\/16/);
  });

  it("with no stack and no registry (the examples removed)", () => {
    const dir = clone("empty", []);
    assert.ok(!existsSync(join(dir, "stacks", "federation.yaml")));
    const tests = genericTests(dir);
    assert.equal(tests.status, 0, tests.out);
    assert.match(tests.out, /# pass [1-9]/);
    assert.match(tests.out, /# fail 0/);
  });
});

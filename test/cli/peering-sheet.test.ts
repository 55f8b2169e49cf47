/**
 * `npm run peering-sheet`: the sheet of every pair of the fixture registry in both
 * directions (what the command prints, a pure function of the registry), its errors (the
 * command in process), and the command as a subprocess.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { main, sheetOutput, stacksOfMember } from "../../src/cli/peering-sheet";
import { parseRegistry } from "../../src/config/registry";
import { readYaml } from "../../src/config/yaml";
import type { PeeringSheet } from "../../src/model/peering-sheet";
import { runCli, runMain } from "../helpers/cli";
import { checkEverySheet, peeringPairs } from "../helpers/sheets";
import { HOME, REGISTRY, ROOT, fixtureProject } from "../helpers/sites";

const registry = parseRegistry(readYaml(join(ROOT, REGISTRY), REGISTRY).value, REGISTRY).registry!;
/** A project holding the fixture sites: HOME is member alexis of REGISTRY. */
const project = fixtureProject();

/** What `npm run peering-sheet -- --member x --peer y --registry REGISTRY` prints here. */
function sheet(x: string, y: string, json: boolean): string {
  return sheetOutput(registry, {
    member: x,
    peer: y,
    json,
    registryFile: REGISTRY,
    memberStacks: stacksOfMember(ROOT, REGISTRY, x),
  });
}

describe("npm run peering-sheet", () => {
  it(`every ordered pair of the fixture registry (${peeringPairs(registry).length}): JSON and text match both members' derivations`, () => {
    const pairs = checkEverySheet({
      root: project,
      registry,
      registryFile: REGISTRY,
      // alexis is the site of HOME; no other member has a stack in the project.
      memberStacks: (x) =>
        x === "alexis" ? [{ stack: HOME.stack, file: `Pulumi.${HOME.stack}.yaml` }] : [],
    });
    assert.equal(pairs, 20, "a full mesh of 5 members");
  });

  it("names the member's stack where its PSK secret lives", () => {
    const text = sheetOutput(registry, {
      member: "alexis",
      peer: "camille",
      json: false,
      registryFile: REGISTRY,
      memberStacks: stacksOfMember(project, REGISTRY, "alexis"),
    });
    assert.match(
      text,
      /alexis's stack holds it as the secret homelab:psk-camille \(stack home, Pulumi\.home\.yaml\)\./,
    );
    assert.match(text, /if camille runs this program too, as homelab:psk-alexis\./);
  });

  it("as a subprocess, as npm runs it: the same sheet", () => {
    const result = runCli("peering-sheet", [
      "--member",
      "alexis",
      "--peer",
      "camille",
      "--registry",
      REGISTRY,
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, sheet("alexis", "camille", false));
  });

  it("rejects an unknown member or peer with a suggestion (exit 2)", async () => {
    const member = await runMain(main, [
      "--member",
      "alexsi",
      "--peer",
      "camille",
      "--registry",
      REGISTRY,
    ]);
    assert.equal(member.status, 2);
    assert.equal(member.stdout, "");
    assert.match(
      member.stderr,
      /^--member: unknown member "alexsi" in test\/fixtures\/sites\/federation\.yaml: did you mean "alexis"\?\n/,
    );
    const peer = await runMain(main, [
      "--member",
      "alexis",
      "--peer",
      "zoe",
      "--registry",
      REGISTRY,
    ]);
    assert.equal(peer.status, 2);
    assert.match(
      peer.stderr,
      /^--peer: unknown member "zoe" in test\/fixtures\/sites\/federation\.yaml: declared members are "alexis", "baptiste", "camille", "dorian", "estelle"\n/,
    );
  });

  it("rejects members that do not peer, and a member with itself (exit 2)", async () => {
    const result = await runMain(main, [
      "--member",
      "alpha",
      "--peer",
      "charlie",
      "--registry",
      "test/fixtures/registry/pairs.yaml",
    ]);
    assert.equal(result.status, 2);
    assert.equal(result.stdout, "");
    assert.match(
      result.stderr,
      /^"alpha" and "charlie" do not peer in test\/fixtures\/registry\/pairs\.yaml: alpha's peers are "bravo"\n/,
    );
    const self = await runMain(main, [
      "--member",
      "dorian",
      "--peer",
      "dorian",
      "--registry",
      REGISTRY,
    ]);
    assert.equal(self.status, 2);
    assert.match(self.stderr, /^--member and --peer are both "dorian"/);
  });

  it("as a subprocess: works on another registry given with --registry", () => {
    const result = runCli("peering-sheet", [
      "--member",
      "bravo",
      "--peer",
      "charlie",
      "--json",
      "--registry",
      "test/fixtures/registry/pairs.yaml",
    ]);
    assert.equal(result.status, 0, result.stderr);
    const doc = JSON.parse(result.stdout) as PeeringSheet;
    assert.equal(doc.registry, "test/fixtures/registry/pairs.yaml");
    assert.deepEqual(doc.ike.proposals, ["aes128-sha256"]);
    assert.deepEqual(doc.psk.memberStacks, []);
  });

  it("reports an invalid or missing registry like npm run check (exit 1)", async () => {
    const invalid = await runMain(main, [
      "--member",
      "alpha",
      "--peer",
      "bravo",
      "--registry",
      "test/fixtures/registry/duplicate-number.yaml",
    ]);
    assert.equal(invalid.status, 1);
    assert.equal(invalid.stdout, "");
    assert.match(
      invalid.stderr,
      /^Invalid configuration: 1 problem\n\ntest\/fixtures\/registry\/duplicate-number\.yaml:\d+:\d+ {2}members\[1\]\.number\n {4}registry number 1 is already used at index 0/,
    );
    const missing = await runMain(main, [
      "--member",
      "alpha",
      "--peer",
      "bravo",
      "--registry",
      "nowhere.yaml",
    ]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /cannot read nowhere\.yaml: file not found/);
  });

  it("needs --member and --peer (usage, exit 2)", async () => {
    const result = await runMain(main, ["--member", "alexis"]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^--peer <id> is required\n\nusage: npm run peering-sheet/);
    const help = await runMain(main, ["--help"]);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^usage: npm run peering-sheet -- --member <id> --peer <id>/);
  });
});

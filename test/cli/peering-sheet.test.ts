/**
 * `npm run peering-sheet`: the sheet of every pair of the committed registry in both
 * directions (what the command prints, a pure function of the registry), its errors (the
 * command in process), and the command as a subprocess.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { main, sheetOutput, stacksOfMember } from "../../src/cli/peering-sheet";
import type { Member } from "../../src/config/federation";
import { parseRegistry } from "../../src/config/registry";
import { readYaml } from "../../src/config/yaml";
import { derivePeering } from "../../src/model/federation";
import type { PeeringSheet, SheetStack } from "../../src/model/peering-sheet";
import { ROOT, runCli, runMain } from "../helpers/cli";

const REGISTRY = "stacks/federation.yaml";
const registry = parseRegistry(
  readYaml(join(ROOT, "stacks", "federation.yaml"), REGISTRY).value,
  REGISTRY,
).registry!;
const ids = registry.members.map((m) => m.id);
const member = (id: string) => registry.members.find((m) => m.id === id) as Member;
const pairs = ids.flatMap((x) => ids.filter((y) => y !== x).map((y) => [x, y] as const));

const stacks = new Map<string, SheetStack[]>();
/** What `npm run peering-sheet -- --member x --peer y [--json]` prints. */
function sheet(x: string, y: string, json: boolean): string {
  if (!stacks.has(x)) stacks.set(x, stacksOfMember(ROOT, REGISTRY, x));
  return sheetOutput(registry, {
    member: x,
    peer: y,
    json,
    registryFile: REGISTRY,
    memberStacks: stacks.get(x)!,
  });
}

describe("npm run peering-sheet", () => {
  it(`--json works for every ordered pair of the committed registry (${pairs.length}) and matches both stacks' derivations`, () => {
    for (const [x, y] of pairs) {
      const doc = JSON.parse(sheet(x, y, true)) as PeeringSheet;
      // What X's own stack configures for this peering, and Y's view of it.
      const xSide = derivePeering(registry, x, y)!;
      const ySide = derivePeering(registry, y, x)!;
      assert.equal(doc.member, x);
      assert.equal(doc.peer, y);
      assert.equal(doc.local.id, y);
      assert.equal(doc.remote.id, x);
      assert.equal(doc.tunnel.localEndpoint, member(y).endpoint);
      assert.equal(doc.tunnel.remoteGateway, member(x).endpoint);
      assert.equal(doc.tunnel.localAddress, xSide.remoteAddress);
      assert.equal(doc.tunnel.remoteAddress, xSide.localAddress);
      assert.equal(doc.bgp.neighbor, xSide.localAddress);
      assert.equal(doc.tunnel.prefixLength, 31);
      assert.equal(doc.tunnel.interfaceName, ySide.interfaceName);
      assert.deepEqual(doc.ike.proposals, xSide.ike.proposals);
      assert.deepEqual(doc.ike.dhGroups, xSide.ike.dhGroups);
      assert.equal(doc.ike.version, 2);
      assert.deepEqual(doc.ipsec.proposals, xSide.ipsec.proposals);
      assert.deepEqual(doc.ipsec.pfsGroups, xSide.ipsec.pfsGroups);
      assert.equal(doc.ike.lifetime, registry.lifetimes.ike);
      assert.equal(doc.ipsec.lifetime, registry.lifetimes.ipsec);
      assert.equal(doc.bgp.localAsn, member(y).asn);
      assert.equal(doc.bgp.remoteAsn, member(x).asn);
      assert.equal(doc.bgp.routerId, member(y).routerId);
      assert.deepEqual(doc.bgp.accept, member(x).prefixes);
      assert.deepEqual(doc.bgp.announce, member(y).prefixes);
      assert.deepEqual(
        [doc.bgp.keepalive, doc.bgp.holdtime, doc.bgp.maxPrefix],
        [registry.bgp.keepalive, registry.bgp.holdtime, registry.bgp.maxPrefix],
      );
      assert.equal(doc.psk.memberSecret, `homelab:psk-${y}`);
      assert.equal(doc.psk.peerSecret, `homelab:psk-${x}`);
      // alexis is the site of Pulumi.home.yaml; no other member has a stack here.
      assert.deepEqual(
        doc.psk.memberStacks,
        x === "alexis" ? [{ stack: "home", file: "Pulumi.home.yaml" }] : [],
      );
      assert.match(doc.psk.exchange, /out of band/);
    }
  });

  it(`prints a readable sheet for every ordered pair (${pairs.length})`, () => {
    for (const [x, y] of pairs) {
      const text = sheet(x, y, false);
      const xSide = derivePeering(registry, x, y)!;
      assert.match(text, new RegExp(`^FGN peering sheet: ${y} \\(.+\\) <-> ${x} \\(`));
      const line = (label: string, value: string) =>
        assert.ok(
          text.split("\n").some((l) => l.startsWith(`  ${label}`) && l.endsWith(` ${value}`)),
          `${x}/${y}: no line "${label} ... ${value}" in\n${text}`,
        );
      line(`remote gateway (${x})`, member(x).endpoint);
      line(`local (${y})`, member(y).endpoint);
      line("local address", `${xSide.remoteAddress}/31`);
      line("remote address", xSide.localAddress);
      line("version", "IKEv2");
      line(
        `remote ID (${x})`,
        `${member(x).endpoint} (${/^[\d.]+$/.test(member(x).endpoint) ? "address" : "fqdn"})`,
      );
      line("proposals", xSide.ike.proposals.join(" "));
      line("DH groups", xSide.ike.dhGroups.join(" "));
      line("PFS", `yes, DH groups ${xSide.ipsec.pfsGroups.join(" ")}`);
      line("local ASN", String(member(y).asn));
      line("remote ASN", String(member(x).asn));
      line(`accept from ${x}`, member(x).prefixes.join(" "));
      line(`announce to ${x}`, member(y).prefixes.join(" "));
      assert.match(text, new RegExp(`secret homelab:psk-${y}\\b`));
      assert.match(text, /out of band/);
      // Never a secret value: no offline placeholder, no "secure:" blob, nothing from a stack.
      assert.doesNotMatch(text, /placeholder|secure|BEGIN/);
    }
  });

  it("as a subprocess, as npm runs it: names the member's stack where its PSK secret lives", () => {
    const result = runCli("peering-sheet", ["--member", "alexis", "--peer", "camille"]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, sheet("alexis", "camille", false));
    assert.match(
      result.stdout,
      /alexis's stack holds it as the secret homelab:psk-camille \(stack home, Pulumi\.home\.yaml\)\./,
    );
    assert.match(result.stdout, /if camille runs this program too, as homelab:psk-alexis\./);
  });

  it("rejects an unknown member or peer with a suggestion (exit 2)", async () => {
    const member = await runMain(main, ["--member", "alexsi", "--peer", "camille"]);
    assert.equal(member.status, 2);
    assert.equal(member.stdout, "");
    assert.match(
      member.stderr,
      /^--member: unknown member "alexsi" in stacks\/federation\.yaml: did you mean "alexis"\?\n/,
    );
    const peer = await runMain(main, ["--member", "alexis", "--peer", "zoe"]);
    assert.equal(peer.status, 2);
    assert.match(
      peer.stderr,
      /^--peer: unknown member "zoe" in stacks\/federation\.yaml: declared members are "alexis", "baptiste", "camille", "dorian", "estelle"\n/,
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
    const self = await runMain(main, ["--member", "dorian", "--peer", "dorian"]);
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

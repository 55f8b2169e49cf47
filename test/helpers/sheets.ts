/**
 * The peering sheets of every peering of a registry, both directions: what
 * `npm run peering-sheet` prints (JSON and text) against both members' own derivations. The
 * suite runs it on the fixture registry (test/cli/peering-sheet.test.ts) and, generically, on
 * the project's registry (test/examples/).
 */
import assert from "node:assert/strict";
import { sheetOutput, stacksOfMember } from "../../src/cli/peering-sheet";
import type { Member, Registry } from "../../src/config/federation";
import { peersOf } from "../../src/config/peerings";
import { derivePeering } from "../../src/model/federation";
import type { PeeringSheet, SheetStack } from "../../src/model/peering-sheet";

export interface SheetCheck {
  /** Project whose stacks hold the members' PSK secrets. */
  readonly root: string;
  readonly registry: Registry;
  /** The registry's path relative to the project (as stacks name it). */
  readonly registryFile: string;
  /** The stacks expected to hold a member's secrets (default: none is checked). */
  readonly memberStacks?: (member: string) => SheetStack[];
}

/** Every ordered pair of members that peer. */
export function peeringPairs(registry: Registry): (readonly [string, string])[] {
  return registry.members.flatMap((x) => peersOf(registry, x.id).map((y) => [x.id, y] as const));
}

/** Checks the sheet of every ordered peering pair; returns how many pairs. */
export function checkEverySheet(check: SheetCheck): number {
  const { registry } = check;
  const member = (id: string) => registry.members.find((m) => m.id === id) as Member;
  const pairs = peeringPairs(registry);
  const stacks = new Map<string, SheetStack[]>();
  const sheet = (x: string, y: string, json: boolean): string => {
    if (!stacks.has(x)) stacks.set(x, stacksOfMember(check.root, check.registryFile, x));
    return sheetOutput(registry, {
      member: x,
      peer: y,
      json,
      registryFile: check.registryFile,
      memberStacks: stacks.get(x)!,
    });
  };
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
    if (check.memberStacks) assert.deepEqual(doc.psk.memberStacks, check.memberStacks(x));
    assert.match(doc.psk.exchange, /out of band/);
  }
  for (const [x, y] of pairs) {
    const text = sheet(x, y, false);
    const xSide = derivePeering(registry, x, y)!;
    assert.match(text, new RegExp(`^${registry.name} peering sheet: ${y} \\(.+\\) <-> ${x} \\(`));
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
  return pairs.length;
}

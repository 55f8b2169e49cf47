/**
 * Properties of the federation derivation over random valid registries (fast-check):
 * symmetry (X's view of X-Y mirrors Y's view of Y-X in every field) and stability (adding,
 * removing or reordering members never changes the tunnel addresses or names of peerings
 * that still exist).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Registry } from "../../src/config/federation";
import { pskSecretName } from "../../src/config/secrets";
import {
  derivePeerings,
  peersOf,
  tunnelInterfaceName,
  type Peering,
} from "../../src/model/federation";
import { containsAddress, parseIPv4, prefix } from "../../src/lib/net";
import {
  POOL,
  registryArb,
  registryOf,
  topologyArb,
  universeArb,
  type RawMember,
} from "../helpers/registries";

const RUNS = 250;

/** Every member's peerings, by "local peer". */
function allViews(registry: Registry): Map<string, Peering> {
  const views = new Map<string, Peering>();
  for (const member of registry.members)
    for (const view of derivePeerings(registry, member.id))
      views.set(`${view.local} ${view.peer}`, view);
  return views;
}

/** What the other side's view must be, computed from one view and the registry. */
function mirror(view: Peering, registry: Registry): Peering {
  const local = registry.members.find((m) => m.id === view.local)!;
  const peer = registry.members.find((m) => m.id === view.peer)!;
  return {
    local: view.peer,
    peer: view.local,
    peerName: local.name,
    peerEdge: local.edge,
    interfaceName: tunnelInterfaceName(view.local),
    localAddress: view.remoteAddress,
    remoteAddress: view.localAddress,
    prefixLength: view.prefixLength,
    localEndpoint: view.remoteGateway,
    remoteGateway: view.localEndpoint,
    ike: view.ike,
    ipsec: view.ipsec,
    localAsn: view.remoteAsn,
    remoteAsn: view.localAsn,
    localRouterId: peer.routerId,
    acceptPrefixes: view.announcePrefixes,
    announcePrefixes: view.acceptPrefixes,
    bgp: view.bgp,
    pskSecret: pskSecretName(view.local),
  };
}

describe("federation properties", () => {
  it(`symmetry: X's view of X-Y mirrors Y's view of Y-X in every field (${RUNS} registries)`, () => {
    let checked = 0;
    fc.assert(
      fc.property(registryArb(2, 12), (registry) => {
        const views = allViews(registry);
        const pool = prefix(POOL);
        for (const view of views.values()) {
          const other = views.get(`${view.peer} ${view.local}`);
          assert.ok(other, `${view.peer} has no view of its peering with ${view.local}`);
          assert.deepEqual(other, mirror(view, registry));
          // Facts of one side that the mirror alone cannot show.
          const local = registry.members.find((m) => m.id === view.local)!;
          const peer = registry.members.find((m) => m.id === view.peer)!;
          assert.equal(view.localRouterId, local.routerId);
          assert.equal(view.peerName, peer.name);
          assert.deepEqual(view.acceptPrefixes, peer.prefixes);
          assert.deepEqual(view.announcePrefixes, local.prefixes);
          assert.ok(view.interfaceName.length <= 15);
          const a = parseIPv4(view.localAddress)!;
          const b = parseIPv4(view.remoteAddress)!;
          assert.equal(Math.abs(a - b), 1);
          assert.equal(Math.min(a, b) % 2, 0, "both addresses are in one /31");
          assert.ok(containsAddress(pool, a) && containsAddress(pool, b));
          assert.ok(view.ike.proposals.length > 0 && view.ike.dhGroups.length > 0);
          assert.ok(view.ipsec.proposals.length > 0);
          checked++;
        }
      }),
      { numRuns: RUNS },
    );
    assert.ok(checked > RUNS, `only ${checked} peerings checked`);
  });

  it(`symmetry: no two peerings share a tunnel network, no member two interface names (${RUNS} registries)`, () => {
    fc.assert(
      fc.property(registryArb(2, 16), (registry) => {
        const networks = new Map<number, string>();
        for (const member of registry.members) {
          const peerings = derivePeerings(registry, member.id);
          assert.deepEqual(
            peerings.map((p) => p.peer),
            peersOf(registry, member.id),
          );
          const names = peerings.map((p) => p.interfaceName);
          assert.equal(new Set(names).size, names.length);
          for (const p of peerings) {
            const network = Math.min(parseIPv4(p.localAddress)!, parseIPv4(p.remoteAddress)!);
            const pair = [p.local, p.peer].sort().join("-");
            const owner = networks.get(network);
            assert.ok(owner === undefined || owner === pair, `${pair} reuses ${owner ?? ""}'s /31`);
            networks.set(network, pair);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it(`stability: adding, removing or reordering members moves no surviving tunnel (${RUNS} pairs of registries)`, () => {
    let compared = 0;
    // Two registries drawn from one universe of members (a member keeps its number and
    // attributes): whatever joined, left, was reordered or re-paired in between, a peering
    // present in both keeps its interface names and addresses on both sides.
    const registryFrom = (universe: RawMember[]) =>
      fc
        .shuffledSubarray(universe, { minLength: 2 })
        .chain((members) => topologyArb(members).map((t) => registryOf(members, t)));
    const before = universeArb(3, 14).chain((universe) =>
      fc.tuple(registryFrom(universe), registryFrom(universe)),
    );
    fc.assert(
      fc.property(before, ([first, second]) => {
        const a = allViews(first);
        const b = allViews(second);
        for (const [key, view] of a) {
          const other = b.get(key);
          if (!other) continue;
          assert.equal(other.interfaceName, view.interfaceName, key);
          assert.equal(other.localAddress, view.localAddress, key);
          assert.equal(other.remoteAddress, view.remoteAddress, key);
          compared++;
        }
      }),
      { numRuns: RUNS },
    );
    assert.ok(compared > RUNS, `only ${compared} surviving peerings compared`);
  });

  it(`stability: reordering members and pairs changes nothing at all (${RUNS} registries)`, () => {
    const reordered = registryArb(2, 12).chain((registry) =>
      fc
        .record({
          members: fc.shuffledSubarray(registry.members, {
            minLength: registry.members.length,
          }),
          pairs:
            registry.topology === "full-mesh"
              ? fc.constant(undefined)
              : fc
                  .shuffledSubarray(registry.topology.pairs, {
                    minLength: registry.topology.pairs.length,
                  })
                  .map((pairs) => pairs.map(([x, y]): [string, string] => [y, x])),
        })
        .map(({ members, pairs }) => ({
          registry,
          shuffled: {
            ...registry,
            members,
            topology: pairs ? { pairs } : registry.topology,
          },
        })),
    );
    fc.assert(
      fc.property(reordered, ({ registry, shuffled }) => {
        for (const member of registry.members)
          assert.deepEqual(
            derivePeerings(shuffled, member.id),
            derivePeerings(registry, member.id),
          );
      }),
      { numRuns: RUNS },
    );
  });
});

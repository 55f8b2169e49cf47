/**
 * What the federation registry itself defines about its peerings (pure registry facts, used
 * by its validation and by the derivations in src/model/federation.ts): which members peer,
 * the /31 of the transfer pool each pair is allotted, and the tunnel interface name of each
 * peer. Both members of a peering compute these from the same registry.
 */
import { createHash } from "node:crypto";
import type { Member, Registry } from "./federation";
import type { Prefix } from "../lib/net";

/** Prefix length of every tunnel network. */
export const TUNNEL_PREFIX_LENGTH = 31;
/** FortiOS limit on phase1-interface (tunnel interface) names. */
export const INTERFACE_NAME_MAX = 15;
/** Tunnel interface names start with this. */
export const TUNNEL_NAME_PREFIX = "fgn-";

/**
 * Index of the /31 of the pair of registry numbers `a` and `b` (distinct, from 1): with
 * i < j, (j-1)(j-2)/2 + (i-1). Pairs (1,2), (1,3), (2,3), (1,4) ... get 0, 1, 2, 3 ...:
 * a bijection between pairs and indexes that depends on nothing but the two numbers.
 */
export function pairIndex(a: number, b: number): number {
  const i = Math.min(a, b);
  const j = Math.max(a, b);
  return ((j - 1) * (j - 2)) / 2 + (i - 1);
}

/** How many /31s a pool of this prefix length holds. */
export function tunnelCapacity(pool: Prefix): number {
  return pool.length > TUNNEL_PREFIX_LENGTH ? 0 : 2 ** (TUNNEL_PREFIX_LENGTH - pool.length);
}

/** The longest pool prefix length that holds `count` /31s. */
export function poolLengthFor(count: number): number {
  let length = TUNNEL_PREFIX_LENGTH;
  while (length > 0 && 2 ** (TUNNEL_PREFIX_LENGTH - length) < count) length--;
  return length;
}

/** The /31 of the pair of numbers `a`, `b` in `pool`, or undefined when the pool is too small. */
export function transferNetwork(pool: Prefix, a: number, b: number): Prefix | undefined {
  const index = pairIndex(a, b);
  if (index >= tunnelCapacity(pool)) return undefined;
  return { network: (pool.network + 2 * index) >>> 0, length: TUNNEL_PREFIX_LENGTH };
}

/**
 * Tunnel interface name for the peering with `peerId`: `fgn-<peerId>` when it fits in 15
 * characters, else `fgn-` + the id's first 6 characters + `-` + 4 hex digits of its SHA-256.
 * Depends on the peer's id alone, so it never changes while the peering exists.
 */
export function tunnelInterfaceName(peerId: string): string {
  const full = TUNNEL_NAME_PREFIX + peerId;
  if (full.length <= INTERFACE_NAME_MAX) return full;
  const hash = createHash("sha256").update(peerId).digest("hex").slice(0, 4);
  return `${TUNNEL_NAME_PREFIX}${peerId.slice(0, 6)}-${hash}`;
}

/**
 * Ids of the members `memberId` peers with, sorted: every other member in a full mesh,
 * or the partners named in explicit pairs.
 */
export function peersOf(registry: Registry, memberId: string): string[] {
  const ids = registry.members.map((m) => m.id);
  if (registry.topology === "full-mesh") return ids.filter((id) => id !== memberId).sort();
  const peers = new Set<string>();
  for (const [a, b] of registry.topology.pairs) {
    if (a === memberId && b !== memberId) peers.add(b);
    if (b === memberId && a !== memberId) peers.add(a);
  }
  return [...peers].sort();
}

/**
 * Every peering of the registry once, as [a, b] with a's id before b's: all pairs in a full
 * mesh, the declared pairs (deduplicated) otherwise. Pairs naming an unknown member or the
 * same member twice are skipped (validation reports them).
 */
export function peeringPairs(registry: Registry): [Member, Member][] {
  const members = [...registry.members].sort((x, y) => compareIds(x.id, y.id));
  if (registry.topology === "full-mesh") {
    const out: [Member, Member][] = [];
    for (let i = 0; i < members.length; i++)
      for (let j = i + 1; j < members.length; j++) out.push([members[i]!, members[j]!]);
    return out;
  }
  const byId = new Map(members.map((m) => [m.id, m]));
  const seen = new Set<string>();
  const out: [Member, Member][] = [];
  for (const pair of registry.topology.pairs) {
    const [x, y] = [...pair].sort(compareIds) as [string, string];
    const a = byId.get(x);
    const b = byId.get(y);
    const key = `${x} ${y}`;
    if (!a || !b || x === y || seen.has(key)) continue;
    seen.add(key);
    out.push([a, b]);
  }
  return out;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

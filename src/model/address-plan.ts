/**
 * The address plan of Proxmox guests (pure).
 *
 * A NIC on a vnet gets its static address, or with `ip: auto` an address allocated from the
 * vnet's first subnet: never the gateway, a reserved range or the DHCP range.
 *
 * Stability: an auto address depends only on the guest's name (its first name, when it was
 * renamed), the NIC index and its subnet's settings, never on other guests; so adding,
 * removing or reordering other guests never renumbers a guest. (No allocator can promise
 * that and also resolve collisions silently: if guest A alone gets address a and guest B
 * alone gets b, adding either to the other forces a ≠ b, for every pair of names.) So when two guests land on the same address,
 * the plan reports it and suggests a free address to pin, instead of moving anyone. The
 * report does not depend on declaration order (statics win over autos, then names decide),
 * and the suggested address is one that no NIC of the site wants.
 *
 * The properties are tested with fast-check in test/model/address-plan.test.ts.
 */
import type { PathSegment, Problem } from "../config/errors";
import type { ProxmoxConfig, SdnSubnet } from "../config/proxmox";
import { firstName } from "../config/renames";
import { configKey } from "../config/stack";
import {
  containsAddress,
  formatIPv4,
  formatPrefix,
  hostRange,
  parseAddressWithPrefix,
  parseIPv4,
  parsePrefix,
  parseRange,
  type Prefix,
  type Range,
} from "../lib/net";

export interface NicAddress {
  readonly guest: string;
  readonly nic: number;
  /** SDN vnet, when on one. */
  readonly vnet?: string;
  /** IPv4 address, or undefined for `ip: dhcp`. */
  readonly address?: string;
  readonly prefixLength?: number;
  readonly gateway?: string;
  /** How the address was chosen. */
  readonly source: "static" | "auto" | "dhcp";
}

export interface AddressPlan {
  /** Every NIC of every guest, in declaration order. */
  readonly nics: readonly NicAddress[];
  /** Allocation problems (collisions, exhausted subnets). Empty for a valid plan. */
  readonly problems: readonly Problem[];
}

/** 32-bit FNV-1a: small, fast, stable across platforms and Node versions. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Usable addresses of a subnet minus excluded ranges, as sorted disjoint segments. */
export function allocatablePool(subnet: Prefix, excluded: readonly Range[]): Range[] {
  const hosts = hostRange(subnet);
  let segments: Range[] = [{ first: hosts.first, last: hosts.last }];
  for (const cut of excluded) {
    segments = segments.flatMap((s) => {
      if (cut.last < s.first || cut.first > s.last) return [s];
      const out: Range[] = [];
      if (cut.first > s.first) out.push({ first: s.first, last: cut.first - 1 });
      if (cut.last < s.last) out.push({ first: cut.last + 1, last: s.last });
      return out;
    });
  }
  return segments;
}

export function poolSize(pool: readonly Range[]): number {
  return pool.reduce((n, s) => n + (s.last - s.first + 1), 0);
}

/** The n-th address of the pool (0-based). */
export function poolAddress(pool: readonly Range[], n: number): number {
  let rest = n;
  for (const segment of pool) {
    const size = segment.last - segment.first + 1;
    if (rest < size) return segment.first + rest;
    rest -= size;
  }
  throw new RangeError(`index ${n} is beyond the pool`);
}

/** The address `ip: auto` gives a NIC: a function of the guest name, NIC index and pool only. */
export function autoAddress(
  pool: readonly Range[],
  guest: string,
  nic: number,
): number | undefined {
  const size = poolSize(pool);
  if (size === 0) return undefined;
  return poolAddress(pool, fnv1a(nic === 0 ? guest : `${guest}#${nic}`) % size);
}

/** Ranges a subnet never allocates: gateway, reserved ranges and the DHCP range. */
export function excludedRanges(subnet: SdnSubnet): Range[] {
  const out: Range[] = [];
  const gateway = subnet.gateway ? parseIPv4(subnet.gateway) : undefined;
  if (gateway !== undefined) out.push({ first: gateway, last: gateway });
  for (const text of subnet.reserved) {
    const range = parseRange(text);
    if (range) out.push(range);
  }
  const dhcp = subnet.dhcp ? parseRange(subnet.dhcp.range) : undefined;
  if (dhcp) out.push(dhcp);
  return out.sort((a, b) => a.first - b.first);
}

function vnetSubnets(proxmox: ProxmoxConfig): Map<string, SdnSubnet[]> {
  const map = new Map<string, SdnSubnet[]>();
  for (const zone of proxmox.sdn.zones)
    for (const vnet of zone.vnets) map.set(vnet.name, vnet.subnets);
  return map;
}

/** A NIC that wants a specific address (static, or the one `ip: auto` hashes it to). */
interface Candidate {
  readonly guest: string;
  readonly g: number;
  readonly n: number;
  readonly address: number;
  readonly source: "static" | "auto";
  /** Where a replacement address would come from (its subnet's allocatable pool). */
  readonly pool?: readonly Range[];
  readonly prefix?: Prefix;
  readonly result: NicAddress;
}

/** Statics before autos, then by guest name and NIC: independent of declaration order. */
function byPriority(a: Candidate, b: Candidate): number {
  if (a.source !== b.source) return a.source === "static" ? -1 : 1;
  return a.guest.localeCompare(b.guest) || a.n - b.n;
}

const pathOf = (g: number, n: number): PathSegment[] => [
  configKey("proxmox"),
  "guests",
  g,
  "nics",
  n,
  "ip",
];

/**
 * Plans every guest NIC. Assumes the config passed schema and cross-field validation
 * (vnets exist, static addresses are inside their vnet). Problems belong to `file`, the
 * stack file's label.
 *
 * Two guests that want the same address are a problem reported at every guest but the
 * first (statics before autos, then by name, so the report does not depend on the order of
 * declaration); nobody is moved, and the message suggests an address nobody wants.
 */
export function planAddresses(proxmox: ProxmoxConfig | undefined, file = ""): AddressPlan {
  if (!proxmox) return { nics: [], problems: [] };
  const subnetsByVnet = vnetSubnets(proxmox);
  const problems: Problem[] = [];
  const planned = new Map<string, NicAddress>();
  const candidates: Candidate[] = [];

  proxmox.guests.forEach((guest, g) => {
    guest.nics.forEach((nic, n) => {
      if (nic.ip === "dhcp") {
        planned.set(`${g}/${n}`, { guest: guest.name, nic: n, vnet: nic.vnet, source: "dhcp" });
        return;
      }
      const subnets = nic.vnet ? (subnetsByVnet.get(nic.vnet) ?? []) : [];
      if (nic.ip === "auto") {
        const subnet = subnets[0];
        const parsed = subnet ? parsePrefix(subnet.cidr) : undefined;
        if (!subnet || !parsed || parsed.hostBits) {
          problems.push({
            file,
            path: pathOf(g, n),
            message: nic.vnet
              ? `vnet "${nic.vnet}" has no subnet to allocate from: add a subnet to it (ip: auto allocates from its first subnet; a static address must lie in one too)`
              : "ip: auto needs a vnet with a subnet",
          });
          return;
        }
        const pool = allocatablePool(parsed.prefix, excludedRanges(subnet));
        // A renamed guest keeps the address its first name hashes to.
        const address = autoAddress(pool, firstName(guest), n);
        if (address === undefined) {
          problems.push({
            file,
            path: pathOf(g, n),
            message: `subnet ${formatPrefix(parsed.prefix)} of vnet "${nic.vnet ?? "?"}" has no address left to allocate (gateway, reserved and DHCP ranges take it all): shrink them or use a larger subnet`,
          });
          return;
        }
        candidates.push({
          guest: guest.name,
          g,
          n,
          address,
          source: "auto",
          pool,
          prefix: parsed.prefix,
          result: {
            guest: guest.name,
            nic: n,
            vnet: nic.vnet,
            address: formatIPv4(address),
            prefixLength: parsed.prefix.length,
            gateway: nic.gateway ?? subnet.gateway,
            source: "auto",
          },
        });
        return;
      }
      const withPrefix = parseAddressWithPrefix(nic.ip);
      const address = withPrefix?.address ?? parseIPv4(nic.ip);
      if (address === undefined) return;
      let subnet: SdnSubnet | undefined;
      let prefix: Prefix | undefined;
      for (const s of subnets) {
        const p = parsePrefix(s.cidr);
        if (p && !p.hostBits && containsAddress(p.prefix, address)) {
          subnet = s;
          prefix = p.prefix;
          break;
        }
      }
      candidates.push({
        guest: guest.name,
        g,
        n,
        address,
        source: "static",
        pool: subnet && prefix ? allocatablePool(prefix, excludedRanges(subnet)) : undefined,
        prefix,
        result: {
          guest: guest.name,
          nic: n,
          vnet: nic.vnet,
          address: formatIPv4(address),
          prefixLength: withPrefix?.length ?? prefix?.length,
          gateway: nic.gateway ?? subnet?.gateway,
          source: "static",
        },
      });
    });
  });

  const wanted = new Set(candidates.map((c) => c.address));
  const groups = new Map<number, Candidate[]>();
  for (const candidate of candidates) {
    const group = groups.get(candidate.address);
    if (group) group.push(candidate);
    else groups.set(candidate.address, [candidate]);
  }
  for (const group of groups.values()) {
    const [first, ...others] = [...group].sort(byPriority);
    if (!first) continue;
    planned.set(`${first.g}/${first.n}`, first.result);
    for (const other of others) {
      problems.push({
        file,
        path: pathOf(other.g, other.n),
        message: collisionMessage(other, first, wanted),
      });
    }
  }

  const nics: NicAddress[] = [];
  proxmox.guests.forEach((guest, g) =>
    guest.nics.forEach((_, n) => {
      const nic = planned.get(`${g}/${n}`);
      if (nic) nics.push(nic);
    }),
  );
  return { nics, problems };
}

function collisionMessage(
  loser: Candidate,
  winner: Candidate,
  wanted: ReadonlySet<number>,
): string {
  const address = formatIPv4(loser.address);
  const owner =
    winner.guest === loser.guest ? `NIC ${winner.n} of the same guest` : `guest "${winner.guest}"`;
  const what =
    loser.source === "auto"
      ? `ip: auto gives ${address}, which ${owner} also has (${winner.source === "static" ? "static" : "ip: auto"})`
      : `${address} is already the address of ${owner}`;
  if (!loser.pool || !loser.prefix) return `${what}: every guest needs its own address`;
  const free = freeAddress(loser.pool, loser.address, wanted);
  if (free === undefined) {
    return `${what}, and subnet ${formatPrefix(loser.prefix)} has no free address left: use a larger subnet or shrink its reserved and DHCP ranges`;
  }
  return (
    `${what}: every guest needs its own address. Pin one of the two to a free address, ` +
    `e.g. ip: ${formatIPv4(free)} (pin the guest you are adding, so the other keeps its address)`
  );
}

/** The first pool address after `from` (wrapping around) that no NIC wants. */
function freeAddress(
  pool: readonly Range[],
  from: number,
  wanted: ReadonlySet<number>,
): number | undefined {
  const size = poolSize(pool);
  let start = 0;
  let offset = 0;
  for (const segment of pool) {
    if (from >= segment.first && from <= segment.last) {
      start = offset + (from - segment.first);
      break;
    }
    offset += segment.last - segment.first + 1;
  }
  for (let k = 1; k <= size; k++) {
    const candidate = poolAddress(pool, (start + k) % size);
    if (!wanted.has(candidate)) return candidate;
  }
  return undefined;
}

/** The planned address of a guest's first NIC, if it has a known one. */
export function guestAddress(plan: AddressPlan, guest: string): NicAddress | undefined {
  return plan.nics.find((n) => n.guest === guest && n.nic === 0);
}

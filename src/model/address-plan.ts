/**
 * The address plan of Proxmox guests (pure).
 *
 * A NIC on a vnet gets its static address, or with `ip: auto` an address allocated from the
 * vnet's first subnet: never the gateway, a reserved range or the DHCP range.
 *
 * Stability: an auto address depends only on the guest's name, the NIC index and its
 * subnet's settings, never on other guests; so adding, removing or reordering other guests
 * never renumbers a guest. (No allocator can promise that and also resolve collisions
 * silently: if guest A alone gets address a and guest B alone gets b, adding either to the
 * other forces a ≠ b, for every pair of names.) So when two guests land on the same address,
 * the plan reports it and suggests a free address to pin, instead of moving anyone.
 */
import type { PathSegment, Problem } from "../config/errors";
import type { Guest, ProxmoxConfig, SdnSubnet } from "../config/proxmox";
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
} from "./net";

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

interface Claim {
  readonly guest: string;
  readonly guestIndex: number;
  readonly nic: number;
  readonly source: "static" | "auto";
}

/**
 * Plans every guest NIC. Assumes the config passed schema and cross-field validation
 * (vnets exist, static addresses are inside their vnet).
 */
export function planAddresses(proxmox: ProxmoxConfig | undefined): AddressPlan {
  if (!proxmox) return { nics: [], problems: [] };
  const subnetsByVnet = vnetSubnets(proxmox);
  const nics: NicAddress[] = [];
  const problems: Problem[] = [];
  const claims = new Map<number, Claim>();
  const pathOf = (g: number, n: number): PathSegment[] => [
    configKey("proxmox"),
    "guests",
    g,
    "nics",
    n,
    "ip",
  ];

  // Statics first (they are what they are), then autos in name order, so the report is
  // the same whatever the declaration order.
  const order: { guest: Guest; g: number }[] = proxmox.guests.map((guest, g) => ({ guest, g }));
  const planned = new Map<string, NicAddress>();
  const autos: { guest: Guest; g: number; n: number; subnet: SdnSubnet; prefix: Prefix }[] = [];

  for (const { guest, g } of order) {
    guest.nics.forEach((nic, n) => {
      const key = `${g}/${n}`;
      if (nic.ip === "dhcp") {
        planned.set(key, { guest: guest.name, nic: n, vnet: nic.vnet, source: "dhcp" });
        return;
      }
      const subnets = nic.vnet ? (subnetsByVnet.get(nic.vnet) ?? []) : [];
      if (nic.ip === "auto") {
        const subnet = subnets[0];
        const parsed = subnet ? parsePrefix(subnet.cidr) : undefined;
        if (!subnet || !parsed || parsed.hostBits) {
          problems.push({
            file: "",
            path: pathOf(g, n),
            message: nic.vnet
              ? `vnet "${nic.vnet}" has no subnet to allocate from: add a subnet or give a static address`
              : "ip: auto needs a vnet with a subnet",
          });
          return;
        }
        autos.push({ guest, g, n, subnet, prefix: parsed.prefix });
        return;
      }
      const withPrefix = parseAddressWithPrefix(nic.ip);
      const address = withPrefix?.address ?? parseIPv4(nic.ip);
      if (address === undefined) return;
      const subnet = subnets.find((s) => {
        const p = parsePrefix(s.cidr);
        return p && !p.hostBits && containsAddress(p.prefix, address);
      });
      const prefixLength =
        withPrefix?.length ?? (subnet ? parsePrefix(subnet.cidr)?.prefix.length : undefined);
      planned.set(key, {
        guest: guest.name,
        nic: n,
        vnet: nic.vnet,
        address: formatIPv4(address),
        prefixLength,
        gateway: nic.gateway ?? subnet?.gateway,
        source: "static",
      });
      const earlier = claims.get(address);
      if (earlier) {
        problems.push({
          file: "",
          path: pathOf(g, n),
          message: `${formatIPv4(address)} is already the address of guest "${earlier.guest}": every guest needs its own address`,
        });
      } else claims.set(address, { guest: guest.name, guestIndex: g, nic: n, source: "static" });
    });
  }

  autos.sort((a, b) => a.guest.name.localeCompare(b.guest.name) || a.n - b.n);
  for (const { guest, g, n, subnet, prefix } of autos) {
    const pool = allocatablePool(prefix, excludedRanges(subnet));
    const address = autoAddress(pool, guest.name, n);
    if (address === undefined) {
      problems.push({
        file: "",
        path: pathOf(g, n),
        message: `subnet ${formatPrefix(prefix)} of vnet "${guest.nics[n]?.vnet ?? "?"}" has no address left to allocate (gateway, reserved and DHCP ranges take it all): shrink them or use a larger subnet`,
      });
      continue;
    }
    const earlier = claims.get(address);
    if (earlier) {
      const free = firstFree(pool, address, claims);
      problems.push({
        file: "",
        path: pathOf(g, n),
        message:
          `ip: auto gives ${formatIPv4(address)}, which guest "${earlier.guest}" already has ` +
          `(${earlier.source === "static" ? "static" : "auto"}): pin this guest to a free address instead, e.g. ip: ${free === undefined ? "<a free address>" : formatIPv4(free)}`,
      });
      continue;
    }
    claims.set(address, { guest: guest.name, guestIndex: g, nic: n, source: "auto" });
    planned.set(`${g}/${n}`, {
      guest: guest.name,
      nic: n,
      vnet: guest.nics[n]?.vnet,
      address: formatIPv4(address),
      prefixLength: prefix.length,
      gateway: guest.nics[n]?.gateway ?? subnet.gateway,
      source: "auto",
    });
  }

  proxmox.guests.forEach((guest, g) =>
    guest.nics.forEach((_, n) => {
      const nic = planned.get(`${g}/${n}`);
      if (nic) nics.push(nic);
    }),
  );
  return { nics, problems };
}

/** The first pool address after `from` (wrapping) that nobody claims. */
function firstFree(
  pool: readonly Range[],
  from: number,
  claims: ReadonlyMap<number, Claim>,
): number | undefined {
  const size = poolSize(pool);
  let start = 0;
  for (let i = 0; i < size; i++) {
    if (poolAddress(pool, i) === from) {
      start = i;
      break;
    }
  }
  for (let k = 1; k < size; k++) {
    const candidate = poolAddress(pool, (start + k) % size);
    if (!claims.has(candidate)) return candidate;
  }
  return undefined;
}

/** The planned address of a guest's first NIC, if it has a known one. */
export function guestAddress(plan: AddressPlan, guest: string): NicAddress | undefined {
  return plan.nics.find((n) => n.guest === guest && n.nic === 0);
}

/**
 * Where things are, seen from the FortiGate (pure): the address of each interface (parsed
 * once), which interface leads to each site network, which interface carries each route,
 * and deterministic ids for the integer-keyed tables. The plan's steps and its reach checks
 * (src/model/fortigate/reach.ts) share one topology.
 */
import type { FortigateConfig } from "../../config/fortigate";
import type { SiteNetwork } from "../../config/networks";
import { fnv1a } from "../address-plan";
import {
  containsAddress,
  containsPrefix,
  formatPrefix,
  maskOf,
  parseAddressWithPrefix,
  parseIPv4,
  parsePrefix,
  type AddressWithPrefix,
  type Prefix,
} from "../../lib/net";
import type { RouteIntent } from "../routes";

/** A FortiGate interface with a static address. */
export interface InterfaceAddress extends AddressWithPrefix {
  readonly name: string;
  /** The subnet the address is in. */
  readonly subnet: Prefix;
}

/** A route the FortiGate installs: destination, next hop, outgoing interface. */
export interface FortigateRoute {
  /** As written (it names the route's object and id). */
  readonly dst: string;
  readonly prefix: Prefix;
  readonly gateway: string;
  readonly device: string;
  readonly distance: number;
  readonly comment: string;
}

/** A prefix of validated input ("10.128.0.0/24"). */
export function parsedPrefix(text: string): Prefix {
  const parsed = parsePrefix(text);
  if (!parsed) throw new Error(`internal error: not a prefix: ${text}`);
  return parsed.prefix;
}

/** An `address/length` of validated input ("172.24.0.1/24"). */
export function parsedAddress(text: string): AddressWithPrefix {
  const parsed = parseAddressWithPrefix(text);
  if (!parsed) throw new Error(`internal error: not an address with a prefix: ${text}`);
  return parsed;
}

/** The addresses of the interfaces in static mode, parsed once. */
function interfaceAddresses(fg: FortigateConfig): InterfaceAddress[] {
  return fg.interfaces.flatMap((iface) => {
    if (iface.mode !== "static" || !iface.ip) return [];
    const { address, length } = parsedAddress(iface.ip);
    const subnet = { network: (address & maskOf(length)) >>> 0, length };
    return [{ name: iface.name, address, length, subnet }];
  });
}

/** The FortiGate's interfaces and routes, and what they lead to. */
export class FortigateTopology {
  /** Interfaces with a static address, in declaration order. */
  readonly interfaces: readonly InterfaceAddress[];
  /**
   * Every static route: the configured ones, then the site's routes (the Proxmox SDN subnet
   * via its node), each through the interface whose subnet holds its gateway.
   */
  readonly routes: readonly FortigateRoute[];
  /** Site routes whose gateway is on no interface (a config problem). */
  readonly unreachable: readonly RouteIntent[];

  constructor(
    private readonly fg: FortigateConfig,
    siteRoutes: readonly RouteIntent[],
  ) {
    this.interfaces = interfaceAddresses(fg);
    const routes: FortigateRoute[] = fg.staticRoutes.map((r) => ({
      dst: r.dst,
      prefix: parsedPrefix(r.dst),
      gateway: r.gateway,
      device: r.device,
      distance: r.distance,
      comment: r.comment ?? "",
    }));
    const unreachable: RouteIntent[] = [];
    for (const route of siteRoutes) {
      if (routes.some((r) => r.dst === route.dst)) continue; // configured explicitly
      const gateway = parseIPv4(route.gateway);
      const device = gateway === undefined ? undefined : this.interfaceForAddress(gateway);
      if (!device) unreachable.push(route);
      else
        routes.push({
          dst: route.dst,
          prefix: parsedPrefix(route.dst),
          gateway: route.gateway,
          device,
          distance: 10,
          comment: route.description,
        });
    }
    this.routes = routes;
    this.unreachable = unreachable;
  }

  /** The static address of interface `name`, if it has one. */
  addressOf(name: string): InterfaceAddress | undefined {
    return this.interfaces.find((i) => i.name === name);
  }

  /** The interface whose subnet holds `address` (a gateway, a host), if any. */
  interfaceForAddress(address: number): string | undefined {
    return this.interfaces.find((i) => containsAddress(i.subnet, address))?.name;
  }

  /**
   * The interfaces that lead to a site network: its own interface, the dial-up VPN or a
   * tunnel for their networks, else the interface whose subnet holds each of its prefixes,
   * else the device of a static route to it. Undefined when some prefix is reached through
   * none.
   */
  interfacesForNetwork(network: SiteNetwork): string[] | undefined {
    const [section, part] = network.source;
    if (section === "homelab:fortigate") {
      if (part === "interfaces") return [network.name];
      if (part === "dialupVpn" && this.fg.dialupVpn) return [this.fg.dialupVpn.name];
      if (part === "tunnels") return [network.name];
    }
    if (network.prefixes.length === 0) return undefined;
    const found = new Set<string>();
    for (const prefix of network.prefixes) {
      const device =
        this.interfaces.find((i) => containsPrefix(i.subnet, prefix))?.name ??
        this.routes.find((r) => containsPrefix(r.prefix, prefix))?.device;
      if (!device) return undefined;
      found.add(device);
    }
    return [...found].sort();
  }

  /**
   * The interface that leads to a host address: the interface whose subnet holds it, else
   * the one that leads to the site network holding it.
   */
  interfaceTowards(networks: readonly SiteNetwork[], address: string): string | undefined {
    const value = parseIPv4(address);
    if (value === undefined) return undefined;
    const direct = this.interfaceForAddress(value);
    if (direct) return direct;
    const network = networks.find((n) => n.prefixes.some((p) => containsAddress(p, value)));
    return network ? this.interfacesForNetwork(network)?.[0] : undefined;
  }
}

/** "10.128.0.0/24, 10.129.0.0/24" for messages. */
export function describePrefixes(network: SiteNetwork): string {
  return network.prefixes.map(formatPrefix).join(", ") || "no prefix";
}

/** How many ids one integer-keyed table may use above `idBase`. */
export const ID_SPAN = 100_000;

/**
 * Deterministic ids in [base, base + ID_SPAN) for objects of an integer-keyed table (static
 * routes, policies, DHCP servers), from each object's identity: an id depends on its own
 * identity only, so adding or removing an object never renumbers another (short of a hash
 * collision, resolved by probing in identity order).
 */
export function allocateIds(identities: readonly string[], base: number): Map<string, number> {
  const ids = new Map<string, number>();
  const taken = new Set<number>();
  for (const identity of [...new Set(identities)].sort()) {
    let slot = fnv1a(identity) % ID_SPAN;
    while (taken.has(slot)) slot = (slot + 1) % ID_SPAN;
    taken.add(slot);
    ids.set(identity, base + slot);
  }
  return ids;
}

/** `allocateIds` as a lookup; asking for an identity that was not allocated is a bug. */
export function idsOf(identities: readonly string[], base: number): (identity: string) => number {
  const ids = allocateIds(identities, base);
  return (identity) => {
    const id = ids.get(identity);
    if (id === undefined) throw new Error(`internal error: no id allocated for ${identity}`);
    return id;
  };
}

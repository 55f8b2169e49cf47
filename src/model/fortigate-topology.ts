/**
 * Where things are, seen from the FortiGate (pure): which interface leads to each site
 * network, which interface carries each route, and deterministic ids for the integer-keyed
 * tables. Shared by validation (so a network the FortiGate cannot reach is a config problem)
 * and by the FortiGate plan.
 */
import type { FortigateConfig } from "../config/fortigate";
import { fnv1a } from "./address-plan";
import {
  containsAddress,
  containsPrefix,
  formatPrefix,
  maskOf,
  parseAddressWithPrefix,
  parseIPv4,
  parsePrefix,
  type Prefix,
} from "../lib/net";
import type { SiteNetwork } from "../config/networks";
import type { RouteIntent } from "./routes";

/** Subnet of each FortiGate interface with a static address. */
export function interfaceSubnets(fg: FortigateConfig): { name: string; subnet: Prefix }[] {
  const out: { name: string; subnet: Prefix }[] = [];
  for (const iface of fg.interfaces) {
    if (iface.mode !== "static" || !iface.ip) continue;
    const parsed = parseAddressWithPrefix(iface.ip);
    if (!parsed) continue;
    out.push({
      name: iface.name,
      subnet: { network: (parsed.address & maskOf(parsed.length)) >>> 0, length: parsed.length },
    });
  }
  return out;
}

/** The interface whose subnet holds `address` (a gateway, a host), if any. */
export function interfaceForAddress(fg: FortigateConfig, address: string): string | undefined {
  const value = parseIPv4(address);
  if (value === undefined) return undefined;
  return interfaceSubnets(fg).find((i) => containsAddress(i.subnet, value))?.name;
}

/** A route the FortiGate installs: destination, next hop, outgoing interface. */
export interface FortigateRoute {
  readonly dst: string;
  readonly gateway: string;
  readonly device: string;
  readonly distance: number;
  readonly comment: string;
}

/**
 * Every static route: the configured ones, then the site's routes (the Proxmox SDN subnet
 * via its node), each through the interface whose subnet holds its gateway. Site routes
 * whose gateway is on no interface are returned in `unreachable` (a config problem).
 */
export function fortigateRoutes(
  fg: FortigateConfig,
  siteRoutes: readonly RouteIntent[],
): { routes: FortigateRoute[]; unreachable: RouteIntent[] } {
  const routes: FortigateRoute[] = fg.staticRoutes.map((r) => ({
    dst: r.dst,
    gateway: r.gateway,
    device: r.device,
    distance: r.distance,
    comment: r.comment ?? "",
  }));
  const unreachable: RouteIntent[] = [];
  for (const route of siteRoutes) {
    if (routes.some((r) => r.dst === route.dst)) continue; // configured explicitly
    const device = interfaceForAddress(fg, route.gateway);
    if (!device) unreachable.push(route);
    else
      routes.push({
        dst: route.dst,
        gateway: route.gateway,
        device,
        distance: 10,
        comment: route.description,
      });
  }
  return { routes, unreachable };
}

/**
 * The FortiGate interfaces that lead to a site network: its own interface, the dial-up VPN
 * or a tunnel for their networks, else the interface whose subnet holds each of its
 * prefixes, else the device of a static route to it. Undefined when some prefix is reached
 * through none.
 */
export function interfacesForNetwork(
  fg: FortigateConfig,
  network: SiteNetwork,
  routes: readonly FortigateRoute[],
): string[] | undefined {
  const [section, part] = network.source;
  if (section === "homelab:fortigate") {
    if (part === "interfaces") return [network.name];
    if (part === "dialupVpn" && fg.dialupVpn) return [fg.dialupVpn.name];
    if (part === "tunnels") return [network.name];
  }
  if (network.prefixes.length === 0) return undefined;
  const found = new Set<string>();
  for (const prefix of network.prefixes) {
    const viaInterface = interfaceSubnets(fg).find((i) => containsPrefix(i.subnet, prefix));
    if (viaInterface) {
      found.add(viaInterface.name);
      continue;
    }
    const viaRoute = routes.find((r) => {
      const dst = parsePrefix(r.dst);
      return dst !== undefined && containsPrefix(dst.prefix, prefix);
    });
    if (!viaRoute) return undefined;
    found.add(viaRoute.device);
  }
  return [...found].sort();
}

/**
 * The interface that leads to a host address: the interface whose subnet holds it, else the
 * one that leads to the site network holding it.
 */
export function interfaceTowards(
  fg: FortigateConfig,
  networks: readonly SiteNetwork[],
  routes: readonly FortigateRoute[],
  address: string,
): string | undefined {
  const direct = interfaceForAddress(fg, address);
  if (direct) return direct;
  const value = parseIPv4(address);
  if (value === undefined) return undefined;
  const network = networks.find((n) => n.prefixes.some((p) => containsAddress(p, value)));
  return network ? interfacesForNetwork(fg, network, routes)?.[0] : undefined;
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

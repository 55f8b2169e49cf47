/**
 * The site's network namespace: every network a site has, by name, wherever it is declared
 * (named networks, FortiGate interfaces and VPN pools, SDN vnets, UniFi VLANs, WireGuard).
 * Rules, access lists and the federation cross-check all resolve names through this.
 */
import type { PathSegment } from "./errors";
import type { Vnet, Zone } from "./proxmox";
import { configKey, type SiteConfig } from "./stack";
import { parseAddressWithPrefix, parseIPv4, parsePrefix, maskOf, type Prefix } from "../lib/net";

export type NetworkKind =
  /** A LAN behind a managed router interface. */
  | "lan"
  /** A VLAN of a UniFi gateway. */
  | "vlan"
  /** A Proxmox SDN vnet. */
  | "sdn"
  /** A VPN client address pool. */
  | "vpn"
  /** The router's WAN side. */
  | "wan"
  /** Remote networks reached through a static tunnel. */
  | "remote"
  /** Addresses outside the site (an office's public IP). */
  | "external"
  | "other";

export interface SiteNetwork {
  readonly name: string;
  readonly kind: NetworkKind;
  readonly prefixes: readonly Prefix[];
  /** Gateway address on this network, when the site routes it. */
  readonly gateway?: number;
  readonly vlan?: number;
  /**
   * A Proxmox vnet the edge router routes (`routedBy: edge`): the router's VLAN interface or
   * network of the same name is this network, not another one.
   */
  readonly routedByEdge?: boolean;
  /** Where it is declared (for error messages). */
  readonly source: readonly PathSegment[];
}

/**
 * Names every rule may use without declaring them: `any` (everything), `cloudflare`
 * (Cloudflare's published ranges) and `federation` (every other member's prefixes).
 */
export const BUILTIN_NETWORKS = ["any", "cloudflare", "federation"] as const;

/** Kinds of networks the site itself routes (they must not overlap each other). */
export const INTERNAL_KINDS: ReadonlySet<NetworkKind> = new Set([
  "lan",
  "vlan",
  "sdn",
  "vpn",
  "other",
]);

function prefixOf(text: string): Prefix | undefined {
  const parsed = parsePrefix(text);
  return parsed && !parsed.hostBits ? parsed.prefix : undefined;
}

/**
 * Every network of the site, in declaration order (named networks, FortiGate, Proxmox,
 * UniFi). Malformed prefixes are skipped: schema validation reports them.
 */
export function siteNetworks(config: SiteConfig): SiteNetwork[] {
  const out: SiteNetwork[] = [];
  const routed = new Set(edgeRoutedVnets(config).map((r) => r.vnet.name));
  for (const [name, network] of Object.entries(config.networks)) {
    const cidrs = Array.isArray(network.cidr) ? network.cidr : [network.cidr];
    out.push({
      name,
      kind: network.kind,
      prefixes: cidrs.map(prefixOf).filter((p): p is Prefix => p !== undefined),
      source: [configKey("networks"), name],
    });
  }
  const fortigate = config.fortigate;
  if (fortigate) {
    fortigate.interfaces.forEach((iface, i) => {
      if (!iface.ip || routed.has(iface.name)) return;
      const parsed = parseAddressWithPrefix(iface.ip);
      if (!parsed) return;
      out.push({
        name: iface.name,
        kind: iface.role === "wan" ? "wan" : "lan",
        prefixes: [
          { network: (parsed.address & maskOf(parsed.length)) >>> 0, length: parsed.length },
        ],
        gateway: parsed.address,
        vlan: iface.type === "vlan" ? iface.vlanId : undefined,
        source: [configKey("fortigate"), "interfaces", i],
      });
    });
    if (fortigate.dialupVpn) {
      const pool = prefixOf(fortigate.dialupVpn.pool);
      out.push({
        name: fortigate.dialupVpn.name,
        kind: "vpn",
        prefixes: pool ? [pool] : [],
        source: [configKey("fortigate"), "dialupVpn"],
      });
    }
    fortigate.tunnels.forEach((tunnel, i) => {
      out.push({
        name: tunnel.name,
        kind: "remote",
        prefixes: tunnel.remoteSubnets.map(prefixOf).filter((p): p is Prefix => p !== undefined),
        source: [configKey("fortigate"), "tunnels", i],
      });
    });
  }
  config.proxmox?.sdn.zones.forEach((zone, z) => {
    zone.vnets.forEach((vnet, v) => {
      const first = vnet.subnets[0];
      out.push({
        name: vnet.name,
        kind: "sdn",
        prefixes: vnet.subnets
          .map((s) => prefixOf(s.cidr))
          .filter((p): p is Prefix => p !== undefined),
        gateway: first?.gateway ? parseIPv4(first.gateway) : undefined,
        vlan: zone.type === "vlan" ? vnet.tag : undefined,
        ...(routed.has(vnet.name) ? { routedByEdge: true } : {}),
        source: [configKey("proxmox"), "sdn", "zones", z, "vnets", v],
      });
    });
  });
  const unifi = config.unifi;
  if (unifi) {
    unifi.networks.forEach((network, i) => {
      if (routed.has(network.name)) return;
      const p = prefixOf(network.cidr);
      out.push({
        name: network.name,
        kind: "vlan",
        prefixes: p ? [p] : [],
        gateway: parseIPv4(network.gateway),
        vlan: network.vlan,
        source: [configKey("unifi"), "networks", i],
      });
    });
    if (unifi.wireguard) {
      const p = prefixOf(unifi.wireguard.cidr);
      out.push({
        name: unifi.wireguard.name,
        kind: "vpn",
        prefixes: p ? [p] : [],
        gateway: parseIPv4(unifi.wireguard.gateway),
        source: [configKey("unifi"), "wireguard"],
      });
    }
  }
  return out;
}

/** A vnet the edge router routes, where it is declared. */
export interface EdgeRoutedVnet {
  readonly zone: Zone;
  readonly vnet: Vnet;
  readonly path: readonly PathSegment[];
}

/** The vnets of vlan zones marked `routedBy: edge` (the section's rules refuse it elsewhere). */
export function edgeRoutedVnets(config: SiteConfig): EdgeRoutedVnet[] {
  return (config.proxmox?.sdn.zones ?? []).flatMap((zone, z) =>
    zone.type !== "vlan"
      ? []
      : zone.vnets.flatMap((vnet, v) =>
          vnet.routedBy === "edge"
            ? [{ zone, vnet, path: [configKey("proxmox"), "sdn", "zones", z, "vnets", v] }]
            : [],
        ),
  );
}

/** Names a rule may refer to: every site network plus the built-ins. */
export function networkNames(networks: readonly SiteNetwork[]): string[] {
  return [...networks.map((n) => n.name), ...BUILTIN_NETWORKS];
}

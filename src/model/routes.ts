/**
 * Routes other parts of the site must install (pure): how the edge router reaches networks
 * that live behind something else, such as a routed Proxmox SDN subnet behind a node.
 */
import type { SiteConfig } from "../config/stack";
import { parsePrefix, formatPrefix } from "../lib/net";

export interface RouteIntent {
  /** Destination prefix. */
  readonly dst: string;
  /** Next hop. */
  readonly gateway: string;
  /** Why the route exists (comment on the device). */
  readonly description: string;
}

/**
 * Routes to SDN subnets of simple (routed) zones, via the first powered node that carries the
 * zone: "10.128.0.0/24 via pve1's LAN address". Only subnets with a gateway are routed; VLAN
 * and VXLAN zones are layer 2 and need no route.
 */
export function sdnRoutes(config: SiteConfig): RouteIntent[] {
  const proxmox = config.proxmox;
  if (!proxmox) return [];
  const out: RouteIntent[] = [];
  for (const zone of proxmox.sdn.zones) {
    if (zone.type !== "simple") continue;
    const node = proxmox.nodes.find(
      (n) => n.powered && (!zone.nodes || zone.nodes.includes(n.name)),
    );
    if (!node) continue;
    for (const vnet of zone.vnets) {
      for (const subnet of vnet.subnets) {
        const parsed = parsePrefix(subnet.cidr);
        if (!subnet.gateway || !parsed || parsed.hostBits) continue;
        out.push({
          dst: formatPrefix(parsed.prefix),
          gateway: node.address,
          description: `Proxmox SDN ${zone.name}/${vnet.name} via ${node.name}`,
        });
      }
    }
  }
  return out;
}

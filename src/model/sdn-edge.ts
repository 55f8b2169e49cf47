/**
 * The edge router's side of the Proxmox vnets it routes (`routedBy: edge`), derived from
 * each vnet, the one declaration of the network: a FortiGate VLAN interface on
 * `fortigate.sdnVlans.parent` (named after the vnet, its tag as VLAN id, the subnet's
 * gateway as address), or a UniFi corporate network (its tag, subnet and gateway). One the
 * edge section declares itself is kept as declared (the config rules cross-checked it:
 * src/config/sdn.references.ts). The plans then treat them as any other LAN: policies,
 * Internet access, BGP's connected routes, the FortiGate's DNS server.
 */
import {
  interfaceSchema,
  type FortigateConfig,
  type FortigateInterface,
} from "../config/fortigate";
import { edgeRoutedVnets, type EdgeRoutedVnet } from "../config/networks";
import type { SiteConfig } from "../config/stack";
import { unifiNetworkSchema, type UnifiConfig, type UnifiNetwork } from "../config/unifi";

/** What the vnet says about itself, for the device's description field. */
function describe(routed: EdgeRoutedVnet): string {
  const { zone, vnet } = routed;
  return `Proxmox SDN vnet ${zone.name}/${vnet.name}${vnet.alias ? ` (${vnet.alias})` : ""}`.slice(
    0,
    255,
  );
}

/** The vnet's subnet and gateway (valid config has exactly one subnet with a gateway). */
function subnetOf(routed: EdgeRoutedVnet): { cidr: string; gateway: string } | undefined {
  const [subnet] = routed.vnet.subnets;
  return subnet?.gateway ? { cidr: subnet.cidr, gateway: subnet.gateway } : undefined;
}

/** The FortiGate's interfaces with the VLAN interface of every routed vnet it does not declare. */
export function fortigateWithRoutedVnets(config: SiteConfig): FortigateConfig | undefined {
  const fg = config.fortigate;
  if (!fg) return undefined;
  const trunk = fg.sdnVlans;
  const derived: FortigateInterface[] = [];
  for (const routed of edgeRoutedVnets(config)) {
    const subnet = subnetOf(routed);
    if (!trunk || !subnet || fg.interfaces.some((i) => i.name === routed.vnet.name)) continue;
    derived.push(
      interfaceSchema.parse({
        name: routed.vnet.name,
        type: "vlan",
        role: "lan",
        parent: trunk.parent,
        vlanId: routed.vnet.tag,
        ip: `${subnet.gateway}/${subnet.cidr.split("/")[1] ?? ""}`,
        allowaccess: trunk.allowaccess,
        description: describe(routed),
      }),
    );
  }
  return derived.length === 0 ? fg : { ...fg, interfaces: [...fg.interfaces, ...derived] };
}

/** The UniFi networks with the network of every routed vnet it does not declare. */
export function unifiWithRoutedVnets(config: SiteConfig): UnifiConfig | undefined {
  const uf = config.unifi;
  if (!uf) return undefined;
  const derived: UnifiNetwork[] = [];
  for (const routed of edgeRoutedVnets(config)) {
    const subnet = subnetOf(routed);
    if (!subnet || uf.networks.some((n) => n.name === routed.vnet.name)) continue;
    derived.push(
      unifiNetworkSchema.parse({
        name: routed.vnet.name,
        vlan: routed.vnet.tag,
        cidr: subnet.cidr,
        gateway: subnet.gateway,
        purpose: "corporate",
        description: describe(routed),
      }),
    );
  }
  return derived.length === 0 ? uf : { ...uf, networks: [...uf.networks, ...derived] };
}

/**
 * The rules between a Proxmox vnet routed by the edge router (`routedBy: edge`) and the
 * edge router (run from references.ts once the sections it reads are well-formed). The vnet is the
 * one declaration of the network (name, tag, subnet, gateway): the FortiGate VLAN interface
 * or the UniFi network of the same name is derived from it (src/model/sdn-edge.ts), or, when
 * the edge section declares it too (for its DHCP server, its own access), cross-checked
 * against it here: the same VLAN id, subnet and gateway. Proxmox does not route a vlan zone
 * (pve-network's VlanPlugin writes no address on the vnet; SimplePlugin puts the subnet's
 * gateway on the vnet bridge), so the subnet's gateway is the router's address.
 */
import type { PathSegment } from "./errors";
import type { FortigateConfig } from "./fortigate";
import { edgeRoutedVnets, type EdgeRoutedVnet } from "./networks";
import type { SdnSubnet } from "./proxmox";
import type { ProblemSink } from "./problems";
import { configKey, type SiteConfig } from "./stack";
import type { UnifiConfig } from "./unifi";
import {
  formatPrefix,
  maskOf,
  parseAddressWithPrefix,
  parseIPv4,
  parsePrefix,
  parseRange,
  type Range,
} from "../lib/net";

/** The vnet's one subnet, with its gateway (the section's rules guarantee both). */
function routedSubnet(routed: EdgeRoutedVnet): SdnSubnet | undefined {
  const [subnet] = routed.vnet.subnets;
  return subnet?.gateway ? subnet : undefined;
}

/** "10.30.0.0/24", normalized (undefined for a malformed one: the schema reports it). */
function normalized(cidr: string): string | undefined {
  const parsed = parsePrefix(cidr);
  return parsed ? formatPrefix(parsed.prefix) : undefined;
}

/** An edge DHCP range on a routed vnet lies in the vnet's reserved addresses (not its guests'). */
function checkDhcpReserved(
  out: ProblemSink,
  path: PathSegment[],
  range: string,
  routed: EdgeRoutedVnet,
  subnet: SdnSubnet,
  router: string,
): void {
  const r = parseRange(range);
  if (!r) return;
  const reserved = subnet.reserved.map(parseRange).filter((x): x is Range => x !== undefined);
  if (reserved.some((x) => x.first <= r.first && r.last <= x.last)) return;
  out.add(
    path,
    `the ${router}'s DHCP range ${range} on "${routed.vnet.name}" is not among the vnet's reserved addresses, so a guest could be given an address a lease takes: add ${range} to the vnet subnet's reserved list`,
  );
}

/** The FortiGate side: the declared VLAN interface agrees, or the derived one has a parent. */
function checkFortigate(fg: FortigateConfig, routed: EdgeRoutedVnet, out: ProblemSink): void {
  const subnet = routedSubnet(routed);
  if (!subnet?.gateway) return;
  const { vnet } = routed;
  const index = fg.interfaces.findIndex((i) => i.name === vnet.name);
  const iface = fg.interfaces[index];
  const root = configKey("fortigate");
  if (!iface) {
    if (!fg.sdnVlans) {
      out.add(
        [...routed.path, "routedBy"],
        `the FortiGate makes vnet "${vnet.name}"'s VLAN interface (tag ${vnet.tag ?? "?"}, ${subnet.gateway}) on the interface toward Proxmox: add fortigate.sdnVlans: { parent: <that interface> }, or declare interface "${vnet.name}" (type: vlan) in fortigate.interfaces`,
      );
      return;
    }
    const clash = fg.interfaces.find(
      (i) => i.type === "vlan" && i.parent === fg.sdnVlans?.parent && i.vlanId === vnet.tag,
    );
    if (clash)
      out.add(
        [...routed.path, "tag"],
        `VLAN ${vnet.tag ?? ""} is already used by FortiGate interface "${clash.name}" on ${fg.sdnVlans.parent}, where the vnets' VLAN interfaces are made (fortigate.sdnVlans.parent): give the vnet another tag, or name the vnet "${clash.name}" if they are the same network`,
      );
    return;
  }
  const path: PathSegment[] = [root, "interfaces", index];
  const same = `it is vnet "${vnet.name}" (routedBy: edge), the same network`;
  if (iface.type !== "vlan") {
    out.add(
      [...path, "type"],
      `interface "${iface.name}" routes vnet "${vnet.name}": ${same}, so it is a VLAN interface (type: vlan, vlanId: ${vnet.tag ?? "the vnet's tag"})`,
    );
    return;
  }
  if (iface.vlanId !== undefined && iface.vlanId !== vnet.tag)
    out.add(
      [...path, "vlanId"],
      `VLAN id ${iface.vlanId} differs from vnet "${vnet.name}"'s tag ${vnet.tag ?? "(none)"}: ${same}: use vlanId: ${vnet.tag ?? "the tag"}`,
    );
  const ip = iface.ip ? parseAddressWithPrefix(iface.ip) : undefined;
  const expected = `${subnet.gateway}/${subnet.cidr.split("/")[1] ?? ""}`;
  if (iface.mode !== "static" || !ip) {
    out.add(
      [...path, "ip"],
      `interface "${iface.name}" holds vnet "${vnet.name}"'s gateway: ${same}: give it ip: ${expected}`,
    );
    return;
  }
  const ownSubnet = formatPrefix({
    network: (ip.address & maskOf(ip.length)) >>> 0,
    length: ip.length,
  });
  if (ownSubnet !== normalized(subnet.cidr))
    out.add(
      [...path, "ip"],
      `${iface.ip ?? ""} is in ${ownSubnet}, not in vnet "${vnet.name}"'s subnet ${subnet.cidr}: ${same}: use ip: ${expected}`,
    );
  else if (ip.address !== parseIPv4(subnet.gateway))
    out.add(
      [...path, "ip"],
      `${iface.ip ?? ""} is not vnet "${vnet.name}"'s gateway ${subnet.gateway}: ${same}, and its guests route through the gateway: use ip: ${expected}`,
    );
  fg.dhcp.forEach((server, i) => {
    if (server.interface === vnet.name)
      checkDhcpReserved(out, [root, "dhcp", i, "range"], server.range, routed, subnet, "FortiGate");
  });
}

/** The UniFi side: the declared network agrees, or the derived one fits the console. */
function checkUnifi(uf: UnifiConfig, routed: EdgeRoutedVnet, out: ProblemSink): void {
  const subnet = routedSubnet(routed);
  if (!subnet?.gateway) return;
  const { vnet } = routed;
  const index = uf.networks.findIndex((n) => n.name === vnet.name);
  const network = uf.networks[index];
  if (!network) {
    const tag = vnet.tag ?? 0;
    if (tag < 2 || tag > 4018)
      out.add(
        [...routed.path, "tag"],
        `the UniFi network of vnet "${vnet.name}" takes its tag, and UniFi accepts VLAN ids 2-4018 for new networks (1 is the untagged default LAN): use another tag`,
      );
    const clash = uf.networks.find((n) => n.vlan === tag);
    if (clash)
      out.add(
        [...routed.path, "tag"],
        `VLAN ${tag} is already UniFi network "${clash.name}": give the vnet another tag, or name the vnet "${clash.name}" if they are the same network`,
      );
    return;
  }
  const path: PathSegment[] = [configKey("unifi"), "networks", index];
  const same = `it is vnet "${vnet.name}" (routedBy: edge), the same network`;
  if (network.purpose === "vlan-only")
    out.add(
      [...path, "purpose"],
      `network "${network.name}" routes vnet "${vnet.name}", but vlan-only networks are not routed by the console: make it corporate (or guest)`,
    );
  if (network.vlan !== vnet.tag)
    out.add(
      [...path, "vlan"],
      `VLAN ${network.vlan} differs from vnet "${vnet.name}"'s tag ${vnet.tag ?? "(none)"}: ${same}: use vlan: ${vnet.tag ?? "the tag"}`,
    );
  if (normalized(network.cidr) !== normalized(subnet.cidr))
    out.add(
      [...path, "cidr"],
      `${network.cidr} is not vnet "${vnet.name}"'s subnet ${subnet.cidr}: ${same}: use cidr: ${subnet.cidr}`,
    );
  else if (parseIPv4(network.gateway) !== parseIPv4(subnet.gateway))
    out.add(
      [...path, "gateway"],
      `${network.gateway} is not vnet "${vnet.name}"'s gateway ${subnet.gateway}: ${same}, and its guests route through the gateway: use gateway: ${subnet.gateway}`,
    );
  if (network.dhcp)
    checkDhcpReserved(
      out,
      [...path, "dhcp", "range"],
      network.dhcp.range,
      routed,
      subnet,
      "UniFi gateway",
    );
}

export function sdnEdgeReferences(config: SiteConfig, out: ProblemSink): void {
  for (const routed of edgeRoutedVnets(config)) {
    if (config.fortigate) checkFortigate(config.fortigate, routed, out);
    else if (config.unifi) checkUnifi(config.unifi, routed, out);
    else
      out.add(
        [...routed.path, "routedBy"],
        `vnet "${routed.vnet.name}" is routed by the edge router, but the site declares none: add homelab:fortigate or homelab:unifi, or remove routedBy (your own router then holds the gateway)`,
      );
  }
}

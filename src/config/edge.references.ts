/**
 * The edge router's rules across sections: what `homelab:fortigate` and `homelab:unifi`
 * name that other sections declare (networks, the federation membership), and the one edge
 * router a site has. Their rules within the section are refinements of their schemas
 * (fortigate.rules.ts, unifi.rules.ts); these run once the sections they read are well-formed.
 */
import type { PathSegment } from "./errors";
import { BUILTIN_NETWORKS, edgeRoutedVnets } from "./networks";
import { checkNetworkRefs, unknownReference, type Problems } from "./problems";
import { configKey, type SiteConfig } from "./stack";
import { networkNamesOf } from "./unifi";

/**
 * What the section names elsewhere: local networks (declared, and not a built-in name but
 * "federation" in the dial-up VPN's access of a member), and the federation membership
 * that tunnels and BGP come from.
 */
export function fortigateReferences(
  config: SiteConfig,
  out: Problems,
  allNetworks: readonly string[],
): void {
  const fg = config.fortigate;
  if (!fg) return;
  const root = configKey("fortigate");
  const localNetworks = (
    refs: readonly string[],
    path: PathSegment[],
    what: string,
    allowed: readonly string[] = [],
  ) => {
    checkNetworkRefs(out, allNetworks, refs, path);
    refs.forEach((ref, i) => {
      if ((BUILTIN_NETWORKS as readonly string[]).includes(ref) && !allowed.includes(ref))
        out.add(
          [...path, i],
          `"${ref}" is not a network of this site: ${what} lists local networks by name${allowed.length ? ` (or ${allowed.map((a) => `"${a}"`).join(", ")})` : ""}`,
        );
    });
  };
  if (fg.federation) {
    const path = [root, "federation"];
    localNetworks(fg.federation.networks, [...path, "networks"], "federation.networks");
    if (!config.federation) {
      out.add(
        path,
        "this site is not a federation member: add homelab:federation (member: <id>) or remove this block",
      );
    }
  } else if (config.federation) {
    out.add(
      [root],
      "the site is a federation member with a FortiGate edge: add fortigate.federation (interface and networks)",
    );
  }
  if (fg.internet)
    localNetworks(fg.internet.networks, [root, "internet", "networks"], "internet.networks");
  if (fg.dialupVpn) {
    const allowed = config.federation ? ["federation"] : [];
    localNetworks(fg.dialupVpn.access, [root, "dialupVpn", "access"], "dialupVpn.access", allowed);
  }
  fg.tunnels.forEach((tunnel, t) => {
    localNetworks(tunnel.localNetworks, [root, "tunnels", t, "localNetworks"], "localNetworks");
  });
  if (fg.bgp && !config.federation) {
    out.add(
      [root, "bgp"],
      "BGP runs with the federation (its AS number and router id come from the registry): add homelab:federation, or remove bgp",
    );
  }
}

/**
 * What the UniFi allows name: the networks the console routes (its VLANs, not vlan-only
 * ones, and the WireGuard pool); another network of the site or an unknown name is a
 * problem, each with its own fix.
 */
export function unifiReferences(
  config: SiteConfig,
  out: Problems,
  allNetworks: readonly string[],
): void {
  const uf = config.unifi;
  if (!uf) return;
  const root = configKey("unifi");
  const declared = uf.networks.map((n) => n.name);
  const routed = [
    ...uf.networks.filter((n) => n.purpose !== "vlan-only").map((n) => n.name),
    // Vnets routed by the edge: their UniFi networks are derived (src/model/sdn-edge.ts).
    ...edgeRoutedVnets(config)
      .map((r) => r.vnet.name)
      .filter((n) => !declared.includes(n)),
    ...(uf.wireguard ? [uf.wireguard.name] : []),
  ];
  const layer2 = uf.networks.filter((n) => n.purpose === "vlan-only").map((n) => n.name);
  const checkEnds = (refs: string | readonly string[], path: PathSegment[]) => {
    networkNamesOf(refs).forEach((ref, j) => {
      const at = typeof refs === "string" ? path : [...path, j];
      if (routed.includes(ref)) return;
      if (layer2.includes(ref)) {
        out.add(
          at,
          `network "${ref}" is vlan-only (layer 2, not routed by the console), so no firewall rule sees its traffic: make it corporate, or leave it out`,
        );
      } else if (allNetworks.includes(ref)) {
        out.add(
          at,
          `"${ref}" is not a network of the UniFi gateway: allows are between its networks (${routed.map((n) => `"${n}"`).join(", ")}); WAN exposure comes from homelab:proxy.publish`,
        );
      } else {
        out.add(at, unknownReference("network", ref, routed));
      }
    });
  };
  uf.firewall.allow.forEach((rule, i) => {
    checkEnds(rule.from, [root, "firewall", "allow", i, "from"]);
    checkEnds(rule.to, [root, "firewall", "allow", i, "to"]);
  });
}

/** A site has one edge router. */
export function checkOneEdge(config: SiteConfig, out: Problems): void {
  if (config.fortigate && config.unifi) {
    out.add(
      [configKey("unifi")],
      "a site has one edge router: declare homelab:fortigate or homelab:unifi, not both",
    );
  }
}

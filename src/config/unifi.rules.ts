/**
 * The rules of `homelab:unifi` within the section, beyond each field's schema: a refinement
 * of the schema (paths relative to the section). Gateways and DHCP ranges lie in their
 * subnets, a vlan-only network has no DHCP, password auth names its user, the allows fit
 * the console's rule indexes and their port ranges are ranges of ports. What the allows name is checked by edge.references.ts.
 *
 * The schema imports this file, and stack.ts imports the schema: nothing here may import
 * stack.ts or what imports it (networks.ts), or loading would go round in a circle.
 */
import { checkGateway, checkRange, subnetOf, type Problems } from "./problems";
import { MAX_LEGACY_ALLOWS, type UnifiConfig } from "./unifi";
import { parseIPv4 } from "../lib/net";

export function unifiRules(uf: UnifiConfig, out: Problems): void {
  uf.networks.forEach((network, i) => {
    const prefix = subnetOf(network.cidr);
    if (prefix) {
      checkGateway(out, ["networks", i, "gateway"], network.gateway, prefix);
      if (network.dhcp) {
        const range = network.dhcp.range;
        checkRange(
          out,
          ["networks", i, "dhcp", "range"],
          range,
          prefix,
          parseIPv4(network.gateway),
        );
      }
    }
    if (network.purpose === "vlan-only" && network.dhcp) {
      out.add(
        ["networks", i, "dhcp"],
        "a vlan-only network is layer 2 only (no gateway on the console), so it has no DHCP server: remove dhcp, or make the network corporate",
      );
    }
  });
  if (uf.wireguard) {
    const prefix = subnetOf(uf.wireguard.cidr);
    if (prefix) checkGateway(out, ["wireguard", "gateway"], uf.wireguard.gateway, prefix);
  }
  if (uf.auth === "password" && !uf.username) {
    out.add(["username"], "auth: password needs the local admin username");
  }
  const allow = uf.firewall.allow;
  if (allow.length > MAX_LEGACY_ALLOWS) {
    out.add(
      ["firewall", "allow"],
      `at most ${MAX_LEGACY_ALLOWS} allow rules fit between the console's rule indexes (there are ${allow.length}): merge some`,
    );
  }
  allow.forEach((rule, i) => {
    if (rule.ports && !["tcp", "udp", "tcp_udp"].includes(rule.protocol)) {
      out.add(
        ["firewall", "allow", i, "ports"],
        `ports need protocol tcp, udp or tcp_udp (this rule is ${rule.protocol})`,
      );
    }
    rule.ports?.forEach((entry, j) => {
      const problem = typeof entry === "string" ? portRangeProblem(entry) : undefined;
      if (problem) out.add(["firewall", "allow", i, "ports", j], problem);
    });
  });
}

/**
 * What is wrong with a port range "8000-8100": a port past 65535 (or 0), or the ports
 * reversed. The console's port groups take any text (`group_members: [""]` in the 9.5.21
 * field definitions), so such a range would reach it.
 */
export function portRangeProblem(range: string): string | undefined {
  const [low, high] = range.split("-").map(Number) as [number, number];
  for (const port of [low, high]) {
    if (port < 1 || port > 65535) {
      return `port range ${range}: ${port} is not a port number (1-65535)`;
    }
  }
  if (low > high) {
    return `port range ${range} is reversed: write the lower port first (${high}-${low})`;
  }
  return undefined;
}

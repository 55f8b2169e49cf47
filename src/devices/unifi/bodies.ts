/**
 * Typed specifications of the UniFi objects we manage and the exact bodies the controller
 * receives for them (pure). Ids of other objects (networks, groups, zones, policies) are
 * opaque values of type `I`: the model uses symbolic references, resources use Outputs.
 */

/** A JSON-like body; ids and secrets may be any opaque value (references, Outputs). */
export type Body = Record<string, unknown>;

export type NetworkPurpose = "corporate" | "guest" | "vlan-only";

/** A VLAN network (`rest/networkconf`). */
export interface NetworkSpec {
  readonly name: string;
  readonly purpose: NetworkPurpose;
  readonly vlan: number;
  /** Gateway address of the console on this network. */
  readonly gateway: string;
  /** Prefix length of the subnet. */
  readonly prefixLength: number;
  readonly dhcp?: {
    readonly start: string;
    readonly stop: string;
    /** Up to 4 servers; empty: the gateway. */
    readonly dns: readonly string[];
    readonly leaseSeconds: number;
  };
  readonly domain?: string;
  readonly isolated: boolean;
  readonly internetAccess: boolean;
  readonly igmpSnooping: boolean;
}

/** The body of a VLAN network: `ip_subnet` is the GATEWAY address with the prefix length. */
export function networkBody(n: NetworkSpec): Body {
  if (n.purpose === "vlan-only") {
    return {
      name: n.name,
      purpose: "vlan-only",
      networkgroup: "LAN",
      enabled: true,
      vlan_enabled: true,
      vlan: n.vlan,
      igmp_snooping: n.igmpSnooping,
    };
  }
  const body: Body = {
    name: n.name,
    purpose: n.purpose,
    networkgroup: "LAN",
    enabled: true,
    vlan_enabled: true,
    vlan: n.vlan,
    ip_subnet: `${n.gateway}/${n.prefixLength}`,
    is_nat: true,
    domain_name: n.domain ?? "",
    dhcpd_enabled: n.dhcp !== undefined,
  };
  if (n.dhcp) {
    body.dhcpd_start = n.dhcp.start;
    body.dhcpd_stop = n.dhcp.stop;
    body.dhcpd_leasetime = n.dhcp.leaseSeconds;
    body.dhcpd_dns_enabled = n.dhcp.dns.length > 0;
    n.dhcp.dns.slice(0, 4).forEach((server, i) => {
      body[`dhcpd_dns_${i + 1}`] = server;
    });
  }
  body.igmp_snooping = n.igmpSnooping;
  body.internet_access_enabled = n.internetAccess;
  body.network_isolation_enabled = n.isolated;
  body.ipv6_interface_type = "none";
  return body;
}

/** The WireGuard remote-access server (`rest/networkconf`, purpose remote-user-vpn). */
export interface WireGuardSpec {
  readonly name: string;
  /** Server address inside the client pool. */
  readonly gateway: string;
  readonly prefixLength: number;
  readonly port: number;
  /** DNS servers handed to clients (empty: none pushed). */
  readonly dns: readonly string[];
  readonly wanInterface: string;
}

/** The body of the WireGuard server; the private key is a secret (an Output in resources). */
export function wireguardBody(w: WireGuardSpec, privateKey: unknown): Body {
  const body: Body = {
    name: w.name,
    purpose: "remote-user-vpn",
    vpn_type: "wireguard-server",
    enabled: true,
    setting_preference: "manual",
    ip_subnet: `${w.gateway}/${w.prefixLength}`,
    local_port: w.port,
    x_wireguard_private_key: privateKey,
    wireguard_interface: w.wanInterface,
    wireguard_local_wan_ip: "any",
    dhcpd_dns_enabled: w.dns.length > 0,
  };
  w.dns.slice(0, 4).forEach((server, i) => {
    body[`dhcpd_dns_${i + 1}`] = server;
  });
  return body;
}

/** A firewall group (`rest/firewallgroup`). Names are unique on the controller. */
export interface FirewallGroupSpec {
  readonly name: string;
  readonly type: "address-group" | "port-group";
  /** Addresses, CIDRs or ranges (address groups); ports or ranges (port groups). */
  readonly members: readonly string[];
}

export function firewallGroupBody(g: FirewallGroupSpec): Body {
  return { name: g.name, group_type: g.type, group_members: [...g.members] };
}

export type LegacyRuleset = "LAN_IN" | "WAN_IN";
export type RuleProtocol = "all" | "tcp" | "udp" | "tcp_udp" | "icmp";

/** A legacy firewall rule (`rest/firewallrule`, before the zone-based firewall). */
export interface LegacyRuleSpec<I> {
  readonly name: string;
  readonly ruleset: LegacyRuleset;
  /** Unique per ruleset; 2000-2999 run before the controller's predefined rules. */
  readonly index: number;
  readonly action: "accept" | "drop" | "reject";
  readonly protocol: RuleProtocol;
  /** Address group of the sources (at most one per type and side). */
  readonly srcAddressGroup?: I;
  readonly dstAddressGroup?: I;
  /** A single destination address (the published host). */
  readonly dstAddress?: string;
  readonly dstPortGroup?: I;
  /** Match only established and related connections. */
  readonly establishedRelated?: boolean;
}

/**
 * The body of a legacy rule: the full set of fields go-unifi sends to real consoles
 * (ubiquiti-community/go-unifi unifi/firewall_rule.generated.go:36-65: every field without
 * `omitempty` always goes out, empty or false when unset: `icmp_typename`, `icmpv6_typename`,
 * `ipsec`, `protocol_v6`, `src_mac_address`, `src_networkconf_id`, `dst_networkconf_id`, the
 * `state_*` flags; terraform-provider-unifi sets `src_networkconf_type` and
 * `dst_networkconf_type` to "NETv4" by default, paultyng/terraform-provider-unifi
 * internal/provider/resource_firewall_rule.go:109,150). A sparse body leaves the controller
 * to fill what it pleases; this one says every match criterion.
 */
export function legacyRuleBody<I>(r: LegacyRuleSpec<I>): Body {
  const src: I[] = r.srcAddressGroup === undefined ? [] : [r.srcAddressGroup];
  const dst: I[] = [
    ...(r.dstAddressGroup === undefined ? [] : [r.dstAddressGroup]),
    ...(r.dstPortGroup === undefined ? [] : [r.dstPortGroup]),
  ];
  const stateful = r.establishedRelated === true;
  return {
    name: r.name,
    ruleset: r.ruleset,
    rule_index: r.index,
    enabled: true,
    action: r.action,
    protocol: r.protocol,
    protocol_v6: "",
    protocol_match_excepted: false,
    icmp_typename: "",
    icmpv6_typename: "",
    logging: false,
    state_established: stateful,
    state_related: stateful,
    state_new: false,
    state_invalid: false,
    src_firewallgroup_ids: src,
    src_address: "",
    src_mac_address: "",
    src_networkconf_id: "",
    src_networkconf_type: "NETv4",
    dst_firewallgroup_ids: dst,
    dst_address: r.dstAddress ?? "",
    dst_networkconf_id: "",
    dst_networkconf_type: "NETv4",
    ipsec: "",
  };
}

/** One end of a zone-based policy. */
export type PolicyTarget<I> =
  | { readonly kind: "any" }
  | { readonly kind: "networks"; readonly networks: readonly I[] }
  | { readonly kind: "addresses"; readonly addresses: readonly string[] }
  | { readonly kind: "addressGroup"; readonly group: I };

/** A zone-based firewall policy (v2 `firewall-policies`, Network 9+). */
export interface PolicySpec<I> {
  readonly name: string;
  readonly action: "ALLOW" | "BLOCK" | "REJECT";
  readonly protocol: RuleProtocol;
  readonly sourceZone: I;
  readonly destinationZone: I;
  /** The controller's key of the destination zone ("internal", "external", ...). */
  readonly destinationZoneKey: string;
  readonly source: PolicyTarget<I>;
  readonly destination: PolicyTarget<I>;
  /** Destination ports ("80,443", "8000-8100"); omitted: any. */
  readonly ports?: string;
  /** Match only established and related connections. */
  readonly establishedRelated?: boolean;
}

/**
 * Whether a policy asks the controller for its return-traffic companion
 * (`create_allow_respond`). The controller refuses the request
 * (`api.err.FirewallPolicyCreateRespondTrafficPolicyNotAllowed`, 400) on a BLOCK or REJECT
 * (liambeeton/unifig docs/adr/0022, measured on Network 10.5.67, on create and on an update
 * from ALLOW), on ICMP (ubiquiti-community/terraform-provider-unifi CHANGELOG.md:162, #259) and
 * into the External zone (unifig docs/adr/0030; alexklibisz/terraform-provider-terrifi#107);
 * every other ALLOW asks, as the controller's own policies and its defaults template do
 * (`create_allow_respond: true`). Always sent (go-unifi sends it on every write too:
 * unifi/firewall_policy.generated.go:39, no `omitempty`), never left to the stored value: a
 * policy turned from ALLOW to BLOCK would otherwise keep the stored `true` and be refused.
 */
export function createAllowRespond(p: {
  readonly action: string;
  readonly protocol: string;
  readonly destinationZoneKey: string;
}): boolean {
  return (
    p.action === "ALLOW" &&
    p.protocol !== "icmp" &&
    p.protocol !== "icmpv6" &&
    p.destinationZoneKey !== "external"
  );
}

function policyEnd<I>(zone: I, target: PolicyTarget<I>, ports?: string): Body {
  const end: Body = { zone_id: zone };
  switch (target.kind) {
    case "any":
      end.matching_target = "ANY";
      break;
    case "networks":
      end.matching_target = "NETWORK";
      end.matching_target_type = "SPECIFIC";
      end.network_ids = [...target.networks];
      break;
    case "addresses":
      end.matching_target = "IP";
      end.matching_target_type = "SPECIFIC";
      end.ips = [...target.addresses];
      break;
    case "addressGroup":
      end.matching_target = "IP";
      end.matching_target_type = "OBJECT";
      end.ip_group_id = target.group;
      break;
  }
  if (ports === undefined) {
    end.port_matching_type = "ANY";
  } else {
    end.port_matching_type = "SPECIFIC";
    end.port = ports;
  }
  end.match_opposite_ports = false;
  return end;
}

export function policyBody<I>(p: PolicySpec<I>): Body {
  return {
    name: p.name,
    enabled: true,
    action: p.action,
    ip_version: "IPV4",
    protocol: p.protocol,
    connection_state_type: p.establishedRelated ? "CUSTOM" : "ALL",
    connection_states: p.establishedRelated ? ["ESTABLISHED", "RELATED"] : [],
    logging: false,
    schedule: { mode: "ALWAYS" },
    source: policyEnd(p.sourceZone, p.source),
    destination: policyEnd(p.destinationZone, p.destination, p.ports),
    create_allow_respond: createAllowRespond(p),
  };
}

/** The order of our policies between two zones (v2 `firewall-policies/batch-reorder`). */
export function policyOrderBody<I>(
  sourceZone: I,
  destinationZone: I,
  policies: readonly I[],
): Body {
  return {
    source_zone_id: sourceZone,
    destination_zone_id: destinationZone,
    before_predefined_ids: [...policies],
    after_predefined_ids: [],
  };
}

/** A port forward (`rest/portforward`), optionally limited to an address group of sources. */
export interface PortForwardSpec<I> {
  readonly name: string;
  readonly wanInterface: string;
  readonly port: number;
  readonly forwardTo: string;
  readonly forwardPort: number;
  readonly protocol: "tcp" | "udp" | "tcp_udp";
  /** Only these sources are forwarded (an address group). */
  readonly sourceGroup?: I;
}

export function portForwardBody<I>(f: PortForwardSpec<I>): Body {
  const body: Body = {
    name: f.name,
    enabled: true,
    pfwd_interface: f.wanInterface,
    destination_ip: "any",
    src: "any",
    dst_port: String(f.port),
    fwd: f.forwardTo,
    fwd_port: String(f.forwardPort),
    proto: f.protocol,
    log: false,
    src_limiting_enabled: f.sourceGroup !== undefined,
  };
  if (f.sourceGroup !== undefined) {
    body.src_limiting_type = "firewall_group";
    body.src_firewall_group_id = f.sourceGroup;
  }
  return body;
}

/** A static DNS record of the console's resolver (v2 `static-dns`). */
export interface DnsRecordSpec {
  readonly name: string;
  readonly type: "A" | "CNAME";
  readonly value: string;
}

export function dnsRecordBody(r: DnsRecordSpec): Body {
  return { key: r.name, record_type: r.type, value: r.value, enabled: true };
}

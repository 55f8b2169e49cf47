/**
 * Field rules of the UniFi Network controller for the objects we write: for the classic
 * collections, the controller's own field definitions verbatim (Network 9.5.21, `ace.jar`
 * `api/fields/*.json`), for the fields we may send; for the zone-based firewall and static
 * DNS, the documented v2 object shapes (the controller ships no field file for those). The
 * controller's patterns are not always strict (its port lists take "65536" and reversed
 * ranges): what they let through, the provider's `check` refuses on its own terms.
 *
 * Semantics, as the controller applies them: each pattern must match the WHOLE value (the
 * controller's alternations are unanchored; Java's `matches()` anchors them); numbers and
 * booleans are checked through their text ("10", "true"); a one-element array is the rule of
 * every element; an object is the rules of a nested object; "" accepts anything. A key with
 * no rule is unknown: older controllers reject such bodies, so we never send one.
 *
 * Used two ways: the provider pre-validates bodies in `check` (a bad body fails the
 * preview, not half-way through an update), and a test validates every body of the offline
 * plan. The emulator validates classic writes with the controller's complete files
 * (test/emulators/unifi-fields.json) and v2 writes with these rules. Runs inside the serialized provider: plain data
 * (pattern sources, compiled on use) and functions only.
 */
import type { Collection } from "./api";

/** A field rule: a pattern source, `[rule]` for arrays, `{...}` for nested objects. */
export type FieldRule = string | readonly [FieldRule] | { readonly [field: string]: FieldRule };

const OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
const IPV4 = `${OCTET}(?:\\.${OCTET}){3}`;
const PREFIX_0_32 = "(?:[0-9]|[12][0-9]|3[0-2])";
const PORT =
  "(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])";
const PORT_OR_RANGE = `${PORT}(?:-${PORT})?`;
/** One port, a range, or a comma list of up to 15 of them. */
const PORT_LIST = `${PORT_OR_RANGE}(?:,${PORT_OR_RANGE}){0,14}`;
const BOOL = "true|false";
const OBJECT_ID = "[0-9a-f]{24}";
const DIGITS = "[0-9]+";
const MAC = "(?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}";
const HOSTNAME =
  "(?=.{1,253}$)(?:(?!-)[a-zA-Z0-9_-]{1,63}(?<!-)\\.)*(?!-)[a-zA-Z0-9_-]{1,63}(?<!-)";
/** An IPv4 address, CIDR or range (zone-based policy targets). */
const IP_TARGET = `${IPV4}(?:/${PREFIX_0_32}|-${IPV4})?`;
const IP_PROTOCOLS =
  "ah|ax\\.25|dccp|ddp|egp|eigrp|encap|esp|etherip|fc|ggp|gre|hip|hmp|icmp|idpr-cmtp|idrp|igmp|igp|ip|ipcomp|ipencap|ipip|ipv6|ipv6-frag|ipv6-icmp|ipv6-nonxt|ipv6-opts|ipv6-route|isis|iso-tp4|l2tp|manet|mobility-header|mpls-in-ip|ospf|pim|pup|rdp|rohc|rspf|rsvp|sctp|shim6|skip|st|tcp|udp|udplite|vmtp|vrrp|wesp|xns-idp|xtp";
const PROTOCOL_NUMBER = "25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]";

// The classic collections: the controller's own patterns, verbatim (Network 9.5.21 ace.jar
// api/fields/*.json; test/providers/unifi/fields.test.ts holds each one to the extracted
// copy, test/emulators/unifi-fields.json). Only the fields this project may send are listed
// (the provider carries this module into every resource's state); the emulator validates
// against every field of the controller's files.
const CTL_OPTIONAL_IPV4 =
  "^(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\.){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])$|^$";
const CTL_ANY_OR_IPV4 =
  "^any$|^(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\.){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])$";
const CTL_PORT_LIST =
  "(([1-9][0-9]{0,3}|[1-5][0-9]{4}|[6][0-4][0-9]{3}|[6][5][0-4][0-9]{2}|[6][5][5][0-2][0-9]|[6][5][5][3][0-5])|([1-9][0-9]{0,3}|[1-5][0-9]{4}|[6][0-4][0-9]{3}|[6][5][0-4][0-9]{2}|[6][5][5][0-2][0-9]|[6][5][5][3][0-5])-([1-9][0-9]{0,3}|[1-5][0-9]{4}|[6][0-4][0-9]{3}|[6][5][0-4][0-9]{2}|[6][5][5][0-2][0-9]|[6][5][5][3][0-5]))+(,([1-9][0-9]{0,3}|[1-5][0-9]{4}|[6][0-4][0-9]{3}|[6][5][0-4][0-9]{2}|[6][5][5][0-2][0-9]|[6][5][5][3][0-5])|,([1-9][0-9]{0,3}|[1-5][0-9]{4}|[6][0-4][0-9]{3}|[6][5][0-4][0-9]{2}|[6][5][5][0-2][0-9]|[6][5][5][3][0-5])-([1-9][0-9]{0,3}|[1-5][0-9]{4}|[6][0-4][0-9]{3}|[6][5][0-4][0-9]{2}|[6][5][5][0-2][0-9]|[6][5][5][3][0-5])){0,14}";

const networkconf: Record<string, FieldRule> = {
  name: ".{1,128}",
  enabled: "true|false",
  purpose: "corporate|guest|remote-user-vpn|site-vpn|vlan-only|vpn-client|wan",
  vpn_type:
    "auto|ipsec-vpn|openvpn-client|openvpn-server|openvpn-vpn|pptp-client|l2tp-server|pptp-server|sdwan-hub-spoke-tunnel|sdwan-mesh-tunnel|uid-server|wireguard-server|wireguard-client",
  networkgroup: "LAN[2-8]?",
  setting_preference: "auto|manual",
  vlan_enabled: "false|true",
  vlan: "[2-9]|[1-9][0-9]{1,2}|[1-3][0-9]{3}|400[0-9]|401[0-8]|^$",
  ip_subnet:
    "^(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\.){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\/([1-9]|[1-2][0-9]|3[0-2])$",
  is_nat: "true|false",
  domain_name:
    "(?=^.{3,253}$)(^((?!-)[a-zA-Z0-9-]{1,63}(?<!-)\\.)+[a-zA-Z]{2,63}$)|^$|[a-zA-Z0-9-]{1,63}",
  dhcpd_enabled: "true|false",
  dhcpd_start: CTL_OPTIONAL_IPV4,
  dhcpd_stop: CTL_OPTIONAL_IPV4,
  dhcpd_leasetime: "[\\d]+",
  dhcpd_dns_enabled: "true|false",
  dhcpd_dns_1: CTL_OPTIONAL_IPV4,
  dhcpd_dns_2: CTL_OPTIONAL_IPV4,
  dhcpd_dns_3: CTL_OPTIONAL_IPV4,
  dhcpd_dns_4: CTL_OPTIONAL_IPV4,
  igmp_snooping: "true|false",
  internet_access_enabled: "true|false",
  network_isolation_enabled: "true|false",
  ipv6_interface_type: "static|pd|single_network|none",
  local_port:
    "^([1-9][0-9]{0,3}|[1-5][0-9]{4}|[6][0-4][0-9]{3}|[6][5][0-4][0-9]{2}|[6][5][5][0-2][0-9]|[6][5][5][3][0-5])$",
  x_wireguard_private_key: "",
  wireguard_interface: "wan[2-9]?",
  wireguard_local_wan_ip: CTL_ANY_OR_IPV4,
};

const firewallgroup: Record<string, FieldRule> = {
  name: ".{1,64}",
  group_type: "address-group|port-group|ipv6-address-group",
  group_members: [""],
};

const firewallrule: Record<string, FieldRule> = {
  name: ".{1,128}",
  ruleset:
    "WAN_IN|WAN_OUT|WAN_LOCAL|LAN_IN|LAN_OUT|LAN_LOCAL|GUEST_IN|GUEST_OUT|GUEST_LOCAL|WANv6_IN|WANv6_OUT|WANv6_LOCAL|LANv6_IN|LANv6_OUT|LANv6_LOCAL|GUESTv6_IN|GUESTv6_OUT|GUESTv6_LOCAL",
  rule_index: "2[0-9]{3,4}|4[0-9]{3,4}",
  enabled: "true|false",
  action: "drop|reject|accept",
  protocol:
    "^$|all|([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])|tcp_udp|ah|ax.25|dccp|ddp|egp|eigrp|encap|esp|etherip|fc|ggp|gre|hip|hmp|icmp|idpr-cmtp|idrp|igmp|igp|ip|ipcomp|ipencap|ipip|ipv6|ipv6-frag|ipv6-icmp|ipv6-nonxt|ipv6-opts|ipv6-route|isis|iso-tp4|l2tp|manet|mobility-header|mpls-in-ip|ospf|pim|pup|rdp|rohc|rspf|rsvp|sctp|shim6|skip|st|tcp|udp|udplite|vmtp|vrrp|wesp|xns-idp|xtp",
  protocol_v6:
    "^$|([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])|ah|all|dccp|eigrp|esp|gre|icmpv6|ipcomp|ipv6|ipv6-frag|ipv6-icmp|ipv6-nonxt|ipv6-opts|ipv6-route|isis|l2tp|manet|mobility-header|mpls-in-ip|ospf|pim|rsvp|sctp|shim6|tcp|tcp_udp|udp|vrrp",
  protocol_match_excepted: "false|true",
  state_established: "false|true",
  state_invalid: "false|true",
  state_new: "false|true",
  state_related: "false|true",
  ipsec: "match-ipsec|match-none|^$",
  icmp_typename:
    "^$|address-mask-reply|address-mask-request|any|communication-prohibited|destination-unreachable|echo-reply|echo-request|fragmentation-needed|host-precedence-violation|host-prohibited|host-redirect|host-unknown|host-unreachable|ip-header-bad|network-prohibited|network-redirect|network-unknown|network-unreachable|parameter-problem|port-unreachable|precedence-cutoff|protocol-unreachable|redirect|required-option-missing|router-advertisement|router-solicitation|source-quench|source-route-failed|time-exceeded|timestamp-reply|timestamp-request|TOS-host-redirect|TOS-host-unreachable|TOS-network-redirect|TOS-network-unreachable|ttl-zero-during-reassembly|ttl-zero-during-transit",
  icmpv6_typename:
    "^$|address-unreachable|bad-header|beyond-scope|communication-prohibited|destination-unreachable|echo-reply|echo-request|failed-policy|neighbor-advertisement|neighbor-solicitation|no-route|packet-too-big|parameter-problem|port-unreachable|redirect|reject-route|router-advertisement|router-solicitation|time-exceeded|ttl-zero-during-reassembly|ttl-zero-during-transit|unknown-header-type|unknown-option",
  logging: "false|true",
  src_address: "",
  src_firewallgroup_ids: ["[\\d\\w]+"],
  src_networkconf_id: "[\\d\\w]+|^$",
  src_networkconf_type: "ADDRv4|NETv4",
  src_mac_address: "^([0-9A-Fa-f]{2}:){5}([0-9A-Fa-f]{2})$|^$",
  dst_address: "",
  dst_firewallgroup_ids: ["[\\d\\w]+"],
  dst_networkconf_id: "[\\d\\w]+|^$",
  dst_networkconf_type: "ADDRv4|NETv4",
};

const portforward: Record<string, FieldRule> = {
  name: ".{1,128}",
  enabled: "true|false",
  pfwd_interface: "wan[2-9]?|both|all",
  destination_ip:
    "^(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\.){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])$|^any$",
  src: "^(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\.){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])$|^(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\.){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])-(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\.){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])$|^(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\.){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])/([0-9]|[1-2][0-9]|3[0-2])$|^!(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\.){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])$|^!(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\.){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])-(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\.){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])$|^!(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\.){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])/([0-9]|[1-2][0-9]|3[0-2])$|^any$",
  src_limiting_enabled: "true|false",
  src_limiting_type: "ip|firewall_group",
  src_firewall_group_id: "",
  dst_port: CTL_PORT_LIST,
  fwd: "^(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\.){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])$",
  fwd_port: CTL_PORT_LIST,
  proto: "tcp_udp|tcp|udp",
  log: "true|false",
};

const policyEndpoint: Record<string, FieldRule> = {
  zone_id: OBJECT_ID,
  matching_target: "ANY|CLIENT|NETWORK|IP|MAC|DEVICE|WEB|APP|APP_CATEGORY|REGION",
  matching_target_type: "SPECIFIC|OBJECT",
  network_ids: [OBJECT_ID],
  ips: [IP_TARGET],
  client_macs: [MAC],
  ip_group_id: OBJECT_ID,
  port_group_id: OBJECT_ID,
  port_matching_type: "ANY|SPECIFIC|OBJECT",
  port: PORT_LIST,
  match_opposite_ports: BOOL,
  match_opposite_ips: BOOL,
  match_opposite_networks: BOOL,
  match_mac: BOOL,
};

/** v2 zone-based firewall policy (no controller field file: from the documented shape). */
const firewallPolicies: Record<string, FieldRule> = {
  name: ".{1,128}",
  description: "",
  enabled: BOOL,
  action: "ALLOW|BLOCK|REJECT",
  index: DIGITS,
  ip_version: "BOTH|IPV4|IPV6",
  protocol: `all|tcp_udp|tcp|udp|icmp|icmpv6|${PROTOCOL_NUMBER}|${IP_PROTOCOLS}`,
  match_opposite_protocol: BOOL,
  connection_state_type: "ALL|RESPOND_ONLY|CUSTOM",
  connection_states: ["NEW|ESTABLISHED|RELATED|INVALID"],
  create_allow_respond: BOOL,
  logging: BOOL,
  match_ip_sec: BOOL,
  match_ip_sec_type: "MATCH_IP_SEC|MATCH_NON_IP_SEC",
  icmp_typename: "",
  icmp_v6_typename: "",
  schedule: { mode: "ALWAYS|EVERY_DAY|EVERY_WEEK|ONE_TIME_ONLY|CUSTOM" },
  source: policyEndpoint,
  destination: policyEndpoint,
  predefined: BOOL,
};

const firewallZone: Record<string, FieldRule> = {
  name: ".{1,64}",
  zone_key: "",
  network_ids: [OBJECT_ID],
};

const batchReorder: Record<string, FieldRule> = {
  source_zone_id: OBJECT_ID,
  destination_zone_id: OBJECT_ID,
  before_predefined_ids: [OBJECT_ID],
  after_predefined_ids: [OBJECT_ID],
};

/** v2 static DNS record (from the documented shape). */
const staticDns: Record<string, FieldRule> = {
  key: HOSTNAME,
  record_type: "A|AAAA|CNAME|MX|NS|SRV|TXT",
  value: ".+",
  enabled: BOOL,
  ttl: DIGITS,
  port: PORT,
  priority: DIGITS,
  weight: DIGITS,
};

/** Field rules per collection. */
export const FIELD_RULES: Readonly<Record<Collection, Readonly<Record<string, FieldRule>>>> = {
  networkconf,
  firewallgroup,
  firewallrule,
  portforward,
  "firewall/zone": firewallZone,
  "firewall-policies": firewallPolicies,
  "firewall-policies/batch-reorder": batchReorder,
  "static-dns": staticDns,
};

/**
 * Fields the controller sets itself and returns on read: accepted back in a full-object PUT,
 * never validated, never managed.
 */
export const CONTROLLER_FIELDS: readonly string[] = [
  "_id",
  "site_id",
  "attr_hidden",
  "attr_hidden_id",
  "attr_no_delete",
  "attr_no_edit",
  "external_id",
  "wireguard_id",
  "default_zone",
  "origin_type",
];

/**
 * What the controller takes for a field an object does not have: a field we send that the
 * controller does not keep compares equal to this, so it is no change (and no PUT on every
 * run). A sent field without a default here that is missing on read is a change. Sources:
 * - networkconf: the UI's defaults of a new network (`v2 lan/defaults`, captured on Network
 *   9.5.21: lexfrei/go-unifi dig/scan/lan-defaults.json); the WireGuard server's WAN and
 *   listening address as a UI-made server stores them, `l2tp_interface: "wan"`,
 *   `l2tp_local_wan_ip: "any"`, without any `wireguard_*` field (api-networkconf.json of the
 *   same capture): the controller may well not keep the `wireguard_*` names we send.
 * - firewallrule: go-unifi reads a missing field as its zero value ("", false, none:
 *   unifi/firewall_rule.generated.go), the network types as terraform-provider-unifi's
 *   default "NETv4".
 * - portforward: go-unifi's zero values (unifi/port_forward.generated.go), "any" for the
 *   source and destination as the captured forwards have them.
 */
export const FIELD_DEFAULTS: Readonly<
  Partial<Record<Collection, Readonly<Record<string, unknown>>>>
> = {
  networkconf: {
    networkgroup: "LAN",
    is_nat: true,
    domain_name: "",
    dhcpd_dns_enabled: false,
    dhcpd_leasetime: 86400,
    igmp_snooping: false,
    ipv6_interface_type: "none",
    wireguard_interface: "wan",
    wireguard_local_wan_ip: "any",
  },
  firewallrule: {
    protocol_v6: "",
    protocol_match_excepted: false,
    icmp_typename: "",
    icmpv6_typename: "",
    logging: false,
    state_established: false,
    state_related: false,
    state_new: false,
    state_invalid: false,
    src_firewallgroup_ids: [],
    src_address: "",
    src_mac_address: "",
    src_networkconf_id: "",
    src_networkconf_type: "NETv4",
    dst_firewallgroup_ids: [],
    dst_address: "",
    dst_networkconf_id: "",
    dst_networkconf_type: "NETv4",
    ipsec: "",
  },
  portforward: { log: false, src: "any", destination_ip: "any", src_limiting_enabled: false },
};

/**
 * Fields the controller may keep under another name: a UI-made WireGuard server has
 * `l2tp_interface` / `l2tp_local_wan_ip` where we send `wireguard_interface` /
 * `wireguard_local_wan_ip` (the 9.5.21 capture above; UNCERTAIN whether the controller
 * renames what an API client sends, so both are read).
 */
export const FIELD_ALIASES: Readonly<
  Partial<Record<Collection, Readonly<Record<string, string>>>>
> = {
  networkconf: {
    wireguard_interface: "l2tp_interface",
    wireguard_local_wan_ip: "l2tp_local_wan_ip",
  },
};

/** The controller's value of `field` in `doc`: as kept, under its alias, or its default. */
export function storedValue(
  collection: Collection | undefined,
  doc: Readonly<Record<string, unknown>>,
  field: string,
): unknown {
  if (doc[field] !== undefined) return doc[field];
  if (collection === undefined) return undefined;
  const alias = FIELD_ALIASES[collection]?.[field];
  if (alias !== undefined && doc[alias] !== undefined) return doc[alias];
  return FIELD_DEFAULTS[collection]?.[field];
}

export interface FieldViolation {
  /** Dotted path of the field ("source.port", "group_members[1]"). */
  readonly field: string;
  /** What the controller expects. */
  readonly expected: string;
  /** True when the field has no rule at all (older controllers reject unknown keys). */
  readonly unknown?: boolean;
}

/** Whole-value match of a controller pattern ("" accepts anything). */
export function matchesPattern(pattern: string, value: string): boolean {
  if (pattern === "") return true;
  return new RegExp(`^(?:${pattern})$`).test(value);
}

/** How a pattern reads in a message: "one of a, b, c" for plain alternations of words. */
export function describePattern(pattern: string): string {
  if (/^[A-Za-z0-9_,.-]+(\|[A-Za-z0-9_,.-]+)+$/.test(pattern)) {
    return `one of ${pattern.split("|").join(", ")}`;
  }
  return `a value matching the controller's pattern ${pattern}`;
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  return undefined;
}

function check(
  rule: FieldRule,
  value: unknown,
  field: string,
  skip: (value: unknown) => boolean,
  out: FieldViolation[],
): void {
  if (skip(value)) return;
  if (typeof rule === "string") {
    const text = scalarText(value);
    if (text === undefined) {
      out.push({ field, expected: `a string, number or boolean (${describePattern(rule)})` });
    } else if (!matchesPattern(rule, text)) {
      out.push({ field, expected: describePattern(rule) });
    }
    return;
  }
  if (Array.isArray(rule)) {
    if (!Array.isArray(value)) {
      out.push({ field, expected: "a list" });
      return;
    }
    value.forEach((item, i) => check(rule[0] as FieldRule, item, `${field}[${i}]`, skip, out));
    return;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    out.push({ field, expected: "an object" });
    return;
  }
  checkObject(
    rule as Record<string, FieldRule>,
    value as Record<string, unknown>,
    `${field}.`,
    skip,
    out,
  );
}

function checkObject(
  rules: Readonly<Record<string, FieldRule>>,
  body: Readonly<Record<string, unknown>>,
  prefix: string,
  skip: (value: unknown) => boolean,
  out: FieldViolation[],
): void {
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    const rule = rules[key];
    if (rule === undefined) {
      if (prefix === "" && CONTROLLER_FIELDS.includes(key)) continue;
      out.push({ field: `${prefix}${key}`, expected: "no such field", unknown: true });
      continue;
    }
    check(rule, value, `${prefix}${key}`, skip, out);
  }
}

export interface ValidateOptions {
  /** Values not to check (preview unknowns, masked secrets). */
  readonly skip?: (value: unknown) => boolean;
}

/** Every field of `body` that breaks `rules` (field rules of one object type). */
export function ruleViolations(
  rules: Readonly<Record<string, FieldRule>>,
  body: Readonly<Record<string, unknown>>,
  options: ValidateOptions = {},
): FieldViolation[] {
  const out: FieldViolation[] = [];
  checkObject(rules, body, "", options.skip ?? (() => false), out);
  return out;
}

/** Every field of `body` that breaks the controller's rules for `collection`. */
export function fieldViolations(
  collection: Collection,
  body: Readonly<Record<string, unknown>>,
  options: ValidateOptions = {},
): FieldViolation[] {
  return ruleViolations(FIELD_RULES[collection], body, options);
}

/** What is wrong with the field ("expected one of ..."). */
export function violationReason(violation: FieldViolation): string {
  return violation.unknown
    ? "not a field of this object (the controller rejects unknown fields)"
    : `expected ${violation.expected}`;
}

/** "vlan: expected one of ..." lines, for messages. */
export function formatViolation(violation: FieldViolation): string {
  return `${violation.field}: ${violationReason(violation)}`;
}

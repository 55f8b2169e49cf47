/**
 * Field rules of the UniFi Network controller for the objects we write, encoded from the
 * controller's own field definitions (Network 9.5.21, `ace.jar` `api/fields/*.json`) for the
 * classic collections, and from the documented v2 object shapes for the zone-based firewall
 * and static DNS (the controller ships no field file for those).
 *
 * Semantics, as the controller applies them: each pattern must match the WHOLE value (the
 * controller's alternations are unanchored; Java's `matches()` anchors them); numbers and
 * booleans are checked through their text ("10", "true"); a one-element array is the rule of
 * every element; an object is the rules of a nested object; "" accepts anything. A key with
 * no rule is unknown: older controllers reject such bodies, so we never send one.
 *
 * Used three ways: the provider pre-validates bodies in `check` (a bad body fails the
 * preview, not half-way through an update), the emulator validates every write, and a test
 * validates every body of the offline plan. Runs inside the serialized provider: plain data
 * (pattern sources, compiled on use) and functions only.
 */
import type { Collection } from "./api";

/** A field rule: a pattern source, `[rule]` for arrays, `{...}` for nested objects. */
export type FieldRule = string | readonly [FieldRule] | { readonly [field: string]: FieldRule };

const OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
const IPV4 = `${OCTET}(?:\\.${OCTET}){3}`;
const OPTIONAL_IPV4 = `${IPV4}|^$`;
const PREFIX_1_32 = "(?:[1-9]|[12][0-9]|3[0-2])";
const PREFIX_0_32 = "(?:[0-9]|[12][0-9]|3[0-2])";
const PORT =
  "(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])";
const PORT_OR_RANGE = `${PORT}(?:-${PORT})?`;
/** One port, a range, or a comma list of up to 15 of them. */
const PORT_LIST = `${PORT_OR_RANGE}(?:,${PORT_OR_RANGE}){0,14}`;
const BOOL = "true|false";
const OBJECT_ID = "[0-9a-f]{24}";
/** The controller's id pattern (`[\d\w]+`). */
const ID = "[0-9A-Za-z_]+";
const WAN = "wan[2-9]?";
const DIGITS = "[0-9]+";
const DOMAIN =
  "(?=.{3,253}$)(?:(?!-)[a-zA-Z0-9-]{1,63}(?<!-)\\.)+[a-zA-Z]{2,63}|[a-zA-Z0-9-]{1,63}|^$";
const MAC = "(?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}";
const HOSTNAME =
  "(?=.{1,253}$)(?:(?!-)[a-zA-Z0-9_-]{1,63}(?<!-)\\.)*(?!-)[a-zA-Z0-9_-]{1,63}(?<!-)";
/** An IPv4 address, range, or CIDR, optionally negated, or "any" (port forward sources). */
const PFWD_SOURCE = `!?(?:${IPV4}|${IPV4}-${IPV4}|${IPV4}/${PREFIX_0_32})|any`;
/** An IPv4 address, CIDR or range (zone-based policy targets). */
const IP_TARGET = `${IPV4}(?:/${PREFIX_0_32}|-${IPV4})?`;
const RULESETS = ["WAN", "LAN", "GUEST"]
  .flatMap((zone) =>
    ["", "v6"].flatMap((v) => ["IN", "OUT", "LOCAL"].map((d) => `${zone}${v}_${d}`)),
  )
  .join("|");
const IP_PROTOCOLS =
  "ah|ax\\.25|dccp|ddp|egp|eigrp|encap|esp|etherip|fc|ggp|gre|hip|hmp|icmp|idpr-cmtp|idrp|igmp|igp|ip|ipcomp|ipencap|ipip|ipv6|ipv6-frag|ipv6-icmp|ipv6-nonxt|ipv6-opts|ipv6-route|isis|iso-tp4|l2tp|manet|mobility-header|mpls-in-ip|ospf|pim|pup|rdp|rohc|rspf|rsvp|sctp|shim6|skip|st|tcp|udp|udplite|vmtp|vrrp|wesp|xns-idp|xtp";
const PROTOCOL_NUMBER = "25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]";
const ICMP_TYPES =
  "any|address-mask-reply|address-mask-request|communication-prohibited|destination-unreachable|echo-reply|echo-request|fragmentation-needed|host-precedence-violation|host-prohibited|host-redirect|host-unknown|host-unreachable|ip-header-bad|network-prohibited|network-redirect|network-unknown|network-unreachable|parameter-problem|port-unreachable|precedence-cutoff|protocol-unreachable|redirect|required-option-missing|router-advertisement|router-solicitation|source-quench|source-route-failed|time-exceeded|timestamp-reply|timestamp-request|TOS-host-redirect|TOS-host-unreachable|TOS-network-redirect|TOS-network-unreachable|ttl-zero-during-reassembly|ttl-zero-during-transit";

const networkconf: Record<string, FieldRule> = {
  name: ".{1,128}",
  enabled: BOOL,
  purpose: "corporate|guest|remote-user-vpn|site-vpn|vlan-only|vpn-client|wan",
  vpn_type:
    "auto|ipsec-vpn|openvpn-client|openvpn-server|openvpn-vpn|pptp-client|l2tp-server|pptp-server|sdwan-hub-spoke-tunnel|sdwan-mesh-tunnel|uid-server|wireguard-server|wireguard-client",
  networkgroup: "LAN[2-8]?",
  setting_preference: "auto|manual",
  ipv6_setting_preference: "auto|manual",
  vlan_enabled: BOOL,
  /** 2-4018 (1 is the untagged default LAN), or empty. */
  vlan: "[2-9]|[1-9][0-9]{1,2}|[1-3][0-9]{3}|400[0-9]|401[0-8]|^$",
  gateway_type: "default|switch",
  /** The GATEWAY address with the prefix length ("10.0.10.1/24"). */
  ip_subnet: `${IPV4}/${PREFIX_1_32}`,
  is_nat: BOOL,
  domain_name: DOMAIN,
  dhcpd_enabled: BOOL,
  dhcpd_start: OPTIONAL_IPV4,
  dhcpd_stop: OPTIONAL_IPV4,
  dhcpd_leasetime: DIGITS,
  dhcpd_dns_enabled: BOOL,
  dhcpd_dns_1: OPTIONAL_IPV4,
  dhcpd_dns_2: OPTIONAL_IPV4,
  dhcpd_dns_3: OPTIONAL_IPV4,
  dhcpd_dns_4: OPTIONAL_IPV4,
  dhcpd_gateway_enabled: BOOL,
  dhcpd_gateway: OPTIONAL_IPV4,
  dhcpd_ntp_enabled: BOOL,
  dhcpd_ntp_1: OPTIONAL_IPV4,
  dhcpd_ntp_2: OPTIONAL_IPV4,
  dhcpd_wins_enabled: BOOL,
  dhcpd_wins_1: OPTIONAL_IPV4,
  dhcpd_wins_2: OPTIONAL_IPV4,
  dhcpd_boot_enabled: BOOL,
  dhcpd_boot_server: `${OPTIONAL_IPV4}|${DOMAIN}`,
  dhcpd_boot_filename: ".{1,256}",
  dhcpd_unifi_controller: OPTIONAL_IPV4,
  dhcpd_time_offset_enabled: BOOL,
  dhcpd_tftp_server: "",
  dhcpd_wpad_url: "",
  dhcpd_conflict_checking: BOOL,
  dhcp_relay_enabled: BOOL,
  dhcpguard_enabled: BOOL,
  dhcpdv6_enabled: BOOL,
  igmp_snooping: BOOL,
  igmp_fastleave: BOOL,
  internet_access_enabled: BOOL,
  network_isolation_enabled: BOOL,
  mdns_enabled: BOOL,
  upnp_lan_enabled: BOOL,
  lte_lan_enabled: BOOL,
  auto_scale_enabled: BOOL,
  ipv6_interface_type: "static|pd|single_network|none",
  ipv6_client_address_assignment: "slaac|dhcpv6",
  ipv6_ra_enabled: BOOL,
  ipv6_ra_priority: "high|medium|low",
  firewall_zone_id: "",
  usergroup_id: "",
  radiusprofile_id: "",
  dpi_enabled: BOOL,
  local_port: PORT,
  x_wireguard_private_key: "",
  wireguard_public_key: "",
  wireguard_interface: WAN,
  wireguard_local_wan_ip: `any|${IPV4}`,
  l2tp_interface: WAN,
  l2tp_local_wan_ip: `any|${IPV4}`,
  wan_networkgroup: "WAN[2-9]?|WAN_LTE_FAILOVER",
  wan_type:
    "disabled|dhcp|static|pppoe|dslite|map-e,hubspoke|map-e,jpix|map-e,ntt|dslite-over-pppoe",
};

const firewallgroup: Record<string, FieldRule> = {
  name: ".{1,64}",
  group_type: "address-group|port-group|ipv6-address-group",
  group_members: [""],
};

const firewallrule: Record<string, FieldRule> = {
  name: ".{1,128}",
  ruleset: RULESETS,
  /** 2000-2999 and 20000-29999 before the predefined rules, 4000-4999/40000-49999 after. */
  rule_index: "2[0-9]{3,4}|4[0-9]{3,4}",
  enabled: BOOL,
  action: "drop|reject|accept",
  protocol: `^$|all|tcp_udp|${PROTOCOL_NUMBER}|${IP_PROTOCOLS}`,
  protocol_v6: `^$|all|tcp_udp|icmpv6|${PROTOCOL_NUMBER}|${IP_PROTOCOLS}`,
  protocol_match_excepted: BOOL,
  state_established: BOOL,
  state_invalid: BOOL,
  state_new: BOOL,
  state_related: BOOL,
  ipsec: "match-ipsec|match-none|^$",
  icmp_typename: `^$|${ICMP_TYPES}`,
  icmpv6_typename: "",
  logging: BOOL,
  src_address: "",
  src_address_ipv6: "",
  src_port: "",
  src_firewallgroup_ids: [ID],
  src_networkconf_id: `${ID}|^$`,
  src_networkconf_type: "ADDRv4|NETv4",
  src_mac_address: `${MAC}|^$`,
  dst_address: "",
  dst_address_ipv6: "",
  dst_port: "",
  dst_firewallgroup_ids: [ID],
  dst_networkconf_id: `${ID}|^$`,
  dst_networkconf_type: "ADDRv4|NETv4",
  setting_preference: "auto|manual",
};

const portforward: Record<string, FieldRule> = {
  name: ".{1,128}",
  enabled: BOOL,
  pfwd_interface: `${WAN}|both|all`,
  destination_ip: `${IPV4}|any`,
  destination_ips: [{ interface: WAN, destination_ip: `${IPV4}|any` }],
  src: PFWD_SOURCE,
  src_limiting_enabled: BOOL,
  src_limiting_type: "ip|firewall_group",
  src_firewall_group_id: "",
  dst_port: PORT_LIST,
  fwd: IPV4,
  fwd_port: PORT_LIST,
  proto: "tcp_udp|tcp|udp",
  log: BOOL,
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

/** Every field of `body` that breaks the controller's rules for `collection`. */
export function fieldViolations(
  collection: Collection,
  body: Readonly<Record<string, unknown>>,
  options: ValidateOptions = {},
): FieldViolation[] {
  const out: FieldViolation[] = [];
  checkObject(FIELD_RULES[collection], body, "", options.skip ?? (() => false), out);
  return out;
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

/**
 * The emulated FortiGate's CMDB schema: the tables the edge component uses, their keys, field
 * types, defaults (what the device fills in on create), option values in SCHEMA ORDER (the
 * device re-orders multi-value options into this order), and references between tables
 * (for -651 on a dangling reference and -23 on deleting a referenced object).
 *
 * Written from ../shared/reference/fortios-api.md §8 (7.0/7.2 defaults), independently of
 * the provider's normalisation, so a provider that relied on the wrong spelling would show a
 * perpetual diff here. Fields not in the reference (DHCP server, VIP, phase1 mode-config,
 * neighbor maximum-prefix) follow the FortiOS 7.2 CLI reference.
 */

export type Field =
  | {
      readonly kind: "string";
      readonly max: number;
      readonly default?: string;
      /** Tables whose keys this value must name ("" never refers). */
      readonly ref?: readonly string[];
      /** Values accepted without a referenced object ("any"). */
      readonly special?: readonly string[];
    }
  | { readonly kind: "user"; readonly default?: string }
  | {
      readonly kind: "integer";
      readonly min: number;
      readonly max: number;
      readonly default?: number;
      /** A sentinel outside the range meaning "unset/inherit" (4294967295). */
      readonly sentinel?: number;
      /** The empty string is a valid "unset" (prefix-list ge/le). */
      readonly emptyOk?: boolean;
    }
  | { readonly kind: "option"; readonly values: readonly string[]; readonly default: string }
  | { readonly kind: "multi"; readonly values: readonly string[]; readonly default: string }
  /** ipv4-classnet(-host/-any): "A.B.C.D M.M.M.M"; `any` accepts "any". */
  | { readonly kind: "ipmask"; readonly default: string; readonly any?: boolean }
  | { readonly kind: "ipv4"; readonly default: string }
  | { readonly kind: "password" }
  | { readonly kind: "uuid" }
  | { readonly kind: "mac"; readonly default: string }
  /** Set by the device only; writes are refused. */
  | { readonly kind: "readonly"; readonly default: string }
  | {
      readonly kind: "table";
      /** Key of each element. */
      readonly key: string;
      readonly keyKind: "string" | "integer";
      readonly fields: Readonly<Record<string, Field>>;
      /** Entries fixed by the device (router/bgp redistribute). */
      readonly fixed?: readonly string[];
    };

export interface TableSchema {
  readonly path: string;
  readonly category: "table" | "complex";
  /** Key attribute of a table. */
  readonly mkey?: string;
  readonly mkeyKind?: "string" | "integer";
  readonly fields: Readonly<Record<string, Field>>;
  /** Attributes a POST must carry. */
  readonly required?: readonly string[];
  /** The table is global (system/interface); entries carry a vdom attribute. */
  readonly global?: boolean;
}

const str = (max: number, extra: Partial<Extract<Field, { kind: "string" }>> = {}): Field => ({
  kind: "string",
  max,
  default: "",
  ...extra,
});
const int = (min: number, max: number, def: number, extra: object = {}): Field => ({
  kind: "integer",
  min,
  max,
  default: def,
  ...extra,
});
const opt = (values: string, def: string): Field => ({
  kind: "option",
  values: values.split(" "),
  default: def,
});
const multi = (values: string, def = ""): Field => ({
  kind: "multi",
  values: values.split(" "),
  default: def,
});
const enable = (def: "enable" | "disable"): Field => opt("enable disable", def);
const NET_ZERO = "0.0.0.0 0.0.0.0";
const ipmask = (extra: { any?: boolean } = {}): Field => ({
  kind: "ipmask",
  default: NET_ZERO,
  ...extra,
});
const ipv4 = (def = "0.0.0.0"): Field => ({ kind: "ipv4", default: def });
const members = (ref: readonly string[], key = "name", special?: readonly string[]): Field => ({
  kind: "table",
  key,
  keyKind: "string",
  fields: { [key]: { kind: "string", max: 79, ref, special } },
});

export const INTERFACE = "system/interface";
export const ADDRESS = "firewall/address";
export const ADDRGRP = "firewall/addrgrp";
export const VIP = "firewall/vip";
export const POLICY = "firewall/policy";
export const SERVICE = "firewall.service/custom";
export const SERVICE_GROUP = "firewall.service/group";
export const SCHEDULE = "firewall.schedule/recurring";
export const STATIC = "router/static";
export const PREFIX_LIST = "router/prefix-list";
export const ROUTE_MAP = "router/route-map";
export const BGP = "router/bgp";
export const PHASE1 = "vpn.ipsec/phase1-interface";
export const PHASE2 = "vpn.ipsec/phase2-interface";
export const DHCP = "system.dhcp/server";

const ADDRESSES = [ADDRESS, ADDRGRP];
const DST_ADDRESSES = [ADDRESS, ADDRGRP, VIP];

const IKE_PROPOSALS =
  "des-md5 des-sha1 des-sha256 des-sha384 des-sha512 3des-md5 3des-sha1 3des-sha256 3des-sha384 3des-sha512 aes128-md5 aes128-sha1 aes128-sha256 aes128-sha384 aes128-sha512 aes128gcm-prfsha1 aes128gcm-prfsha256 aes128gcm-prfsha384 aes128gcm-prfsha512 aes192-md5 aes192-sha1 aes192-sha256 aes192-sha384 aes192-sha512 aes256-md5 aes256-sha1 aes256-sha256 aes256-sha384 aes256-sha512 aes256gcm-prfsha1 aes256gcm-prfsha256 aes256gcm-prfsha384 aes256gcm-prfsha512 chacha20poly1305-prfsha1 chacha20poly1305-prfsha256 chacha20poly1305-prfsha384 chacha20poly1305-prfsha512";
const ESP_PROPOSALS =
  "null-md5 null-sha1 null-sha256 null-sha384 null-sha512 des-null des-md5 des-sha1 des-sha256 des-sha384 des-sha512 3des-null 3des-md5 3des-sha1 3des-sha256 3des-sha384 3des-sha512 aes128-null aes128-md5 aes128-sha1 aes128-sha256 aes128-sha384 aes128-sha512 aes128gcm aes192-null aes192-md5 aes192-sha1 aes192-sha256 aes192-sha384 aes192-sha512 aes256-null aes256-md5 aes256-sha1 aes256-sha256 aes256-sha384 aes256-sha512 aes256gcm chacha20poly1305";
const DH_GROUPS = "1 2 5 14 15 16 17 18 19 20 21 27 28 29 30 31 32";
const ALLOW_ACCESS =
  "ping https ssh snmp http telnet fgfm radius-acct probe-response fabric ftm speed-test";
/** BGP per-neighbor "inherit" value of timers and weight. */
export const INHERIT = 4294967295;

export const SCHEMAS: readonly TableSchema[] = [
  {
    path: INTERFACE,
    category: "table",
    mkey: "name",
    mkeyKind: "string",
    global: true,
    required: ["vdom"],
    fields: {
      name: str(15),
      vdom: str(31),
      type: opt(
        "physical vlan aggregate redundant tunnel vdom-link loopback switch hard-switch",
        "vlan",
      ),
      mode: opt("static dhcp pppoe", "static"),
      ip: ipmask(),
      allowaccess: multi(ALLOW_ACCESS),
      status: opt("up down", "up"),
      role: opt("lan wan dmz undefined", "undefined"),
      alias: str(25),
      description: str(255),
      interface: str(15, { ref: [INTERFACE] }),
      vlanid: int(0, 4094, 0),
      "vlan-protocol": opt("8021q 8021ad", "8021q"),
      member: members([INTERFACE], "interface-name"),
      "lacp-mode": opt("static passive active", "active"),
      "lacp-speed": opt("slow fast", "slow"),
      "min-links": int(1, 32, 1),
      algorithm: opt("L2 L3 L4", "L4"),
      "remote-ip": ipmask(),
      "mtu-override": enable("disable"),
      mtu: int(68, 9216, 1500),
      "device-identification": enable("disable"),
      distance: int(1, 255, 5),
      defaultgw: enable("enable"),
      "tcp-mss": int(0, 65535, 0),
      macaddr: { kind: "mac", default: "00:00:00:00:00:00" },
      aggregate: { kind: "readonly", default: "" },
    },
  },
  {
    path: ADDRESS,
    category: "table",
    mkey: "name",
    mkeyKind: "string",
    fields: {
      name: str(79),
      uuid: { kind: "uuid" },
      type: opt("ipmask iprange fqdn geography wildcard dynamic interface-subnet mac", "ipmask"),
      subnet: ipmask(),
      "start-ip": ipv4(),
      "end-ip": ipv4(),
      fqdn: str(255),
      country: str(2),
      interface: str(35, { ref: [INTERFACE] }),
      "associated-interface": str(35, { ref: [INTERFACE] }),
      "allow-routing": enable("disable"),
      comment: str(255),
      color: int(0, 32, 0),
    },
  },
  {
    path: ADDRGRP,
    category: "table",
    mkey: "name",
    mkeyKind: "string",
    required: ["member"],
    fields: {
      name: str(79),
      uuid: { kind: "uuid" },
      type: opt("default folder", "default"),
      member: members(ADDRESSES),
      comment: str(255),
      exclude: enable("disable"),
      "allow-routing": enable("disable"),
      color: int(0, 32, 0),
    },
  },
  {
    path: VIP,
    category: "table",
    mkey: "name",
    mkeyKind: "string",
    fields: {
      name: str(79),
      uuid: { kind: "uuid" },
      type: opt("static-nat load-balance server-load-balance dns-translation fqdn", "static-nat"),
      comment: str(255),
      extip: { kind: "user", default: "0.0.0.0" },
      mappedip: { kind: "table", key: "range", keyKind: "string", fields: { range: str(79) } },
      extintf: str(35, { ref: [INTERFACE], special: ["any"], default: "any" }),
      "arp-reply": enable("enable"),
      portforward: enable("disable"),
      protocol: opt("tcp udp sctp icmp", "tcp"),
      extport: { kind: "user", default: "0-65535" },
      mappedport: { kind: "user", default: "0-65535" },
      color: int(0, 32, 0),
    },
  },
  {
    path: SERVICE,
    category: "table",
    mkey: "name",
    mkeyKind: "string",
    fields: {
      name: str(79),
      protocol: opt("TCP/UDP/SCTP ICMP ICMP6 IP", "TCP/UDP/SCTP"),
      "tcp-portrange": { kind: "user", default: "" },
      "udp-portrange": { kind: "user", default: "" },
      comment: str(255),
    },
  },
  {
    path: SERVICE_GROUP,
    category: "table",
    mkey: "name",
    mkeyKind: "string",
    fields: { name: str(79), member: members([SERVICE, SERVICE_GROUP]), comment: str(255) },
  },
  {
    path: SCHEDULE,
    category: "table",
    mkey: "name",
    mkeyKind: "string",
    fields: {
      name: str(31),
      day: multi("sunday monday tuesday wednesday thursday friday saturday none"),
      start: { kind: "user", default: "00:00" },
      end: { kind: "user", default: "00:00" },
    },
  },
  {
    path: POLICY,
    category: "table",
    mkey: "policyid",
    mkeyKind: "integer",
    required: ["srcintf", "dstintf", "srcaddr", "dstaddr", "service", "schedule"],
    fields: {
      policyid: int(0, 4294967294, 0),
      name: str(35),
      uuid: { kind: "uuid" },
      status: enable("enable"),
      srcintf: members([INTERFACE], "name", ["any"]),
      dstintf: members([INTERFACE], "name", ["any"]),
      srcaddr: members(DST_ADDRESSES),
      dstaddr: members(DST_ADDRESSES),
      service: members([SERVICE, SERVICE_GROUP]),
      schedule: str(35, { ref: [SCHEDULE] }),
      action: opt("accept deny ipsec", "deny"),
      nat: enable("disable"),
      logtraffic: opt("all utm disable", "utm"),
      "logtraffic-start": enable("disable"),
      comments: str(1023),
      "srcaddr-negate": enable("disable"),
      "dstaddr-negate": enable("disable"),
      "service-negate": enable("disable"),
      "inspection-mode": opt("flow proxy", "flow"),
      "utm-status": enable("disable"),
      "ssl-ssh-profile": str(35, { default: "no-inspection" }),
      "profile-protocol-options": str(35, { default: "default" }),
    },
  },
  {
    path: STATIC,
    category: "table",
    mkey: "seq-num",
    mkeyKind: "integer",
    fields: {
      "seq-num": int(0, 4294967295, 0),
      status: enable("enable"),
      dst: ipmask(),
      src: ipmask(),
      gateway: ipv4(),
      device: str(35, { ref: [INTERFACE] }),
      distance: int(1, 255, 10),
      weight: int(0, 255, 0),
      priority: int(0, 65535, 1),
      comment: str(255),
      blackhole: enable("disable"),
      "dynamic-gateway": enable("disable"),
      "link-monitor-exempt": enable("disable"),
      bfd: enable("disable"),
      dstaddr: str(79, { ref: [ADDRESS, ADDRGRP] }),
    },
  },
  {
    path: PREFIX_LIST,
    category: "table",
    mkey: "name",
    mkeyKind: "string",
    fields: {
      name: str(35),
      comments: str(127),
      rule: {
        kind: "table",
        key: "id",
        keyKind: "integer",
        fields: {
          id: int(0, 4294967295, 0),
          action: opt("permit deny", "permit"),
          prefix: ipmask({ any: true }),
          ge: int(0, 32, 0, { emptyOk: true, default: undefined }),
          le: int(0, 32, 0, { emptyOk: true, default: undefined }),
          flags: int(0, 4294967295, 0),
        },
      },
    },
  },
  {
    path: ROUTE_MAP,
    category: "table",
    mkey: "name",
    mkeyKind: "string",
    fields: { name: str(35), comments: str(127) },
  },
  {
    path: BGP,
    category: "complex",
    fields: {
      as: { kind: "user", default: "" },
      "router-id": ipv4(""),
      "keepalive-timer": int(0, 65535, 60),
      "holdtime-timer": int(3, 65535, 180),
      "ebgp-multipath": enable("disable"),
      "ibgp-multipath": enable("disable"),
      "graceful-restart": enable("disable"),
      "log-neighbour-changes": enable("enable"),
      "network-import-check": enable("enable"),
      "distance-external": int(1, 255, 20),
      "distance-internal": int(1, 255, 200),
      "distance-local": int(1, 255, 200),
      "scan-time": int(5, 60, 60),
      neighbor: {
        kind: "table",
        key: "ip",
        keyKind: "string",
        fields: {
          ip: str(45),
          "remote-as": { kind: "user", default: "" },
          interface: str(15, { ref: [INTERFACE] }),
          "update-source": str(15, { ref: [INTERFACE] }),
          description: str(63),
          password: { kind: "password" },
          "prefix-list-in": str(35, { ref: [PREFIX_LIST] }),
          "prefix-list-out": str(35, { ref: [PREFIX_LIST] }),
          "route-map-in": str(35, { ref: [ROUTE_MAP] }),
          "route-map-out": str(35, { ref: [ROUTE_MAP] }),
          "keep-alive-timer": int(0, 65535, INHERIT, { sentinel: INHERIT }),
          "holdtime-timer": int(3, 65535, INHERIT, { sentinel: INHERIT }),
          "connect-timer": int(1, 65535, INHERIT, { sentinel: INHERIT }),
          weight: int(0, 65535, INHERIT, { sentinel: INHERIT }),
          "advertisement-interval": int(0, 600, 30),
          activate: enable("enable"),
          activate6: enable("enable"),
          "soft-reconfiguration": enable("disable"),
          "next-hop-self": enable("disable"),
          "ebgp-enforce-multihop": enable("disable"),
          "ebgp-multihop-ttl": int(1, 255, 255),
          bfd: enable("disable"),
          "capability-default-originate": enable("disable"),
          shutdown: enable("disable"),
          "send-community": opt("standard extended both disable", "both"),
          "maximum-prefix": int(0, 4294967295, 0),
          "maximum-prefix-threshold": int(1, 100, 75),
          "maximum-prefix-warning-only": enable("disable"),
        },
      },
      network: {
        kind: "table",
        key: "id",
        keyKind: "integer",
        fields: {
          id: int(0, 4294967295, 0),
          prefix: ipmask(),
          backdoor: enable("disable"),
          "route-map": str(35, { ref: [ROUTE_MAP] }),
        },
      },
      redistribute: {
        kind: "table",
        key: "name",
        keyKind: "string",
        fixed: ["connected", "rip", "ospf", "static", "isis"],
        fields: {
          name: str(35),
          status: enable("disable"),
          "route-map": str(35, { ref: [ROUTE_MAP] }),
        },
      },
    },
  },
  {
    path: PHASE1,
    category: "table",
    mkey: "name",
    mkeyKind: "string",
    required: ["interface", "psksecret"],
    fields: {
      name: str(15),
      type: opt("static dynamic ddns", "static"),
      interface: str(35, { ref: [INTERFACE] }),
      "ip-version": opt("4 6", "4"),
      "ike-version": opt("1 2", "1"),
      "local-gw": ipv4(),
      "remote-gw": ipv4(),
      "remotegw-ddns": str(63),
      peertype: opt("any one dialup peer peergrp", "peer"),
      peerid: str(255),
      localid: str(63),
      "localid-type": opt("auto fqdn user-fqdn keyid address asn1dn", "auto"),
      authmethod: opt("psk signature", "psk"),
      psksecret: { kind: "password" },
      proposal: multi(
        IKE_PROPOSALS,
        "aes128-sha256 aes256-sha256 aes128gcm-prfsha256 aes256gcm-prfsha384 chacha20poly1305-prfsha256",
      ),
      dhgrp: multi(DH_GROUPS, "14 5"),
      keylife: int(120, 172800, 86400),
      dpd: opt("disable on-idle on-demand", "on-demand"),
      "dpd-retrycount": int(0, 10, 3),
      "dpd-retryinterval": { kind: "user", default: "20" },
      nattraversal: opt("enable disable forced", "enable"),
      keepalive: int(5, 900, 10),
      fragmentation: enable("enable"),
      "auto-negotiate": enable("enable"),
      "net-device": enable("disable"),
      "add-route": enable("enable"),
      "add-gw-route": enable("disable"),
      "mode-cfg": enable("disable"),
      "assign-ip": enable("enable"),
      "assign-ip-from": opt("range usrgrp dhcp name", "range"),
      "ipv4-start-ip": ipv4(),
      "ipv4-end-ip": ipv4(),
      "ipv4-netmask": ipv4("255.255.255.255"),
      "dns-mode": opt("manual auto", "manual"),
      "ipv4-dns-server1": ipv4(),
      "ipv4-dns-server2": ipv4(),
      "ipv4-dns-server3": ipv4(),
      "ipv4-split-include": str(79, { ref: ADDRESSES }),
      "exchange-interface-ip": enable("disable"),
      "network-overlay": enable("disable"),
      distance: int(1, 255, 15),
      priority: int(1, 65535, 1),
      comments: str(255),
    },
  },
  {
    path: PHASE2,
    category: "table",
    mkey: "name",
    mkeyKind: "string",
    required: ["phase1name"],
    fields: {
      name: str(35),
      phase1name: str(15, { ref: [PHASE1] }),
      proposal: multi(
        ESP_PROPOSALS,
        "aes128-sha1 aes256-sha1 aes128-sha256 aes256-sha256 aes128gcm aes256gcm chacha20poly1305",
      ),
      pfs: enable("enable"),
      dhgrp: multi(DH_GROUPS, "14 5"),
      replay: enable("enable"),
      keepalive: enable("disable"),
      "auto-negotiate": enable("disable"),
      "keylife-type": opt("seconds kbs both", "seconds"),
      keylifeseconds: int(120, 172800, 43200),
      keylifekbs: int(5120, 4294967295, 5120),
      encapsulation: opt("tunnel-mode transport-mode", "tunnel-mode"),
      "src-addr-type": opt("subnet range ip name", "subnet"),
      "dst-addr-type": opt("subnet range ip name", "subnet"),
      "src-subnet": ipmask(),
      "dst-subnet": ipmask(),
      "src-name": str(79, { ref: ADDRESSES }),
      "dst-name": str(79, { ref: ADDRESSES }),
      protocol: int(0, 255, 0),
      "src-port": int(0, 65535, 0),
      "dst-port": int(0, 65535, 0),
      "add-route": opt("phase1 enable disable", "phase1"),
      comments: str(255),
    },
  },
  {
    path: DHCP,
    category: "table",
    mkey: "id",
    mkeyKind: "integer",
    required: ["interface"],
    fields: {
      id: int(0, 4294967295, 0),
      status: enable("enable"),
      "lease-time": int(300, 8640000, 604800),
      "dns-service": opt("local default specify", "specify"),
      "dns-server1": ipv4(),
      "dns-server2": ipv4(),
      "dns-server3": ipv4(),
      "dns-server4": ipv4(),
      "ntp-service": opt("local default specify", "specify"),
      domain: str(35),
      "default-gateway": ipv4(),
      netmask: ipv4(),
      interface: str(15, { ref: [INTERFACE] }),
      "ip-range": {
        kind: "table",
        key: "id",
        keyKind: "integer",
        fields: { id: int(0, 4294967295, 0), "start-ip": ipv4(), "end-ip": ipv4() },
      },
      "reserved-address": {
        kind: "table",
        key: "id",
        keyKind: "integer",
        fields: {
          id: int(0, 4294967295, 0),
          ip: ipv4(),
          mac: { kind: "mac", default: "00:00:00:00:00:00" },
          action: opt("assign block reserved", "reserved"),
          description: str(255),
        },
      },
    },
  },
];

export function schemaOf(path: string): TableSchema | undefined {
  return SCHEMAS.find((s) => s.path === path);
}

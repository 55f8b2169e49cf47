/**
 * The emulated FortiGate's CMDB schema, in two layers:
 *
 * 1. **What the device accepts**: Fortinet's own schema of FortiOS 7.4
 *    (fortigate-schema-7.4.json, extracted by scripts/fortios-schema.mjs from the
 *    fortinet.fortios Ansible collection's `versioned_schema` and documentation, with string
 *    lengths from Fortinet's Terraform provider): attribute names, nested tables and their
 *    keys, option values (in schema order: the device re-orders multi-value options into
 *    it), multi-value options, integer ranges, string lengths, and the tables a value names
 *    (for -651 on a dangling reference and -23 on deleting a referenced object).
 * 2. **How it stores and shows values** (our notes, ../shared/reference/fortios-api.md §8,
 *    which the vendor schema does not carry): defaults filled in on create, spellings
 *    (addresses with masks, secrets read back masked), fixed tables, the readonly
 *    `aggregate` of a physical port, values accepted without a referenced object ("any").
 *    A note on an attribute the vendor schema does not have is a test failure, except
 *    device-only readonly attributes.
 *
 * Where the vendor schema has no range for an integer, the note's range (or 0-4294967295)
 * applies.
 */
import VENDOR_JSON from "./fortigate-schema-7.4.json";

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
  | { readonly kind: "option"; readonly values: readonly string[]; readonly default?: string }
  | { readonly kind: "multi"; readonly values: readonly string[]; readonly default?: string }
  /** ipv4-classnet(-host/-any): "A.B.C.D M.M.M.M"; `any` accepts "any". */
  | { readonly kind: "ipmask"; readonly default: string; readonly any?: boolean }
  | { readonly kind: "ipv4"; readonly default: string }
  | { readonly kind: "password"; readonly max?: number }
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
    }
  /** A nested object (system/interface `ipv6`). */
  | { readonly kind: "object"; readonly fields: Readonly<Record<string, Field>> };

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
  /** FortiOS release of the vendor schema (7.4.4; 7.4.2 for system/virtual-switch). */
  readonly version: string;
}

// ------------------------------------------------------------------ the vendor schema

export interface VendorAttribute {
  readonly type: "string" | "integer" | "option" | "multi" | "table" | "object";
  readonly options?: readonly string[];
  readonly range?: readonly [number, number];
  readonly maxLength?: number;
  readonly references?: readonly string[];
  readonly key?: string;
  readonly children?: Readonly<Record<string, VendorAttribute>>;
  /** Disputed attributes: the last release the collection lists them for. */
  readonly listedUpTo?: string;
}

export interface VendorTable {
  readonly module: string;
  readonly version: string;
  readonly category: "table" | "complex";
  readonly mkey?: string;
  readonly attributes: Readonly<Record<string, VendorAttribute>>;
  /** Attributes the collection drops at this release although the device may have them. */
  readonly disputed?: Readonly<Record<string, VendorAttribute>>;
}

export interface VendorSchema {
  readonly fortios: string;
  readonly sources: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly tables: Readonly<Record<string, VendorTable>>;
}

export const VENDOR = VENDOR_JSON as unknown as VendorSchema;

// ------------------------------------------------------------------ our notes

/** What the vendor schema does not say about one attribute. */
export interface Note {
  readonly default?: unknown;
  /** How the device stores a value the vendor schema calls a string. */
  readonly kind?: "ipmask" | "ipv4" | "password" | "mac" | "uuid" | "user" | "readonly";
  readonly any?: boolean;
  readonly sentinel?: number;
  readonly emptyOk?: boolean;
  /** Range where the vendor schema has none. */
  readonly range?: readonly [number, number];
  readonly special?: readonly string[];
  readonly fixed?: readonly string[];
  readonly fields?: Readonly<Record<string, Note>>;
  /** An attribute the device shows but no schema lists (readonly). */
  readonly deviceOnly?: true;
}

interface TableNotes {
  readonly required?: readonly string[];
  readonly global?: boolean;
  readonly fields: Readonly<Record<string, Note>>;
}

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
export const USER_LOCAL = "user/local";
export const USER_GROUP = "user/group";
export const VIRTUAL_SWITCH = "system/virtual-switch";
export const SWITCH_INTERFACE = "system/switch-interface";
export const ZONE = "system/zone";

/** BGP per-neighbor "inherit" value of timers and weight. */
export const INHERIT = 4294967295;
const NET_ZERO = "0.0.0.0 0.0.0.0";

const d = (value: unknown): Note => ({ default: value });
const ipmask = (extra: Partial<Note> = {}): Note => ({
  kind: "ipmask",
  default: NET_ZERO,
  ...extra,
});
const ipv4 = (value = "0.0.0.0"): Note => ({ kind: "ipv4", default: value });
const inherit = (range: [number, number]): Note => ({
  default: INHERIT,
  sentinel: INHERIT,
  range,
});
const uuid: Note = { kind: "uuid" };
const password: Note = { kind: "password" };

const NOTES: Readonly<Record<string, TableNotes>> = {
  [INTERFACE]: {
    global: true,
    required: ["vdom"],
    fields: {
      name: d(""),
      vdom: d(""),
      type: d("vlan"),
      mode: d("static"),
      ip: ipmask(),
      allowaccess: d(""),
      status: d("up"),
      role: d("undefined"),
      alias: d(""),
      description: d(""),
      interface: d(""),
      vlanid: d(0),
      "vlan-protocol": d("8021q"),
      member: {},
      "lacp-mode": d("active"),
      "lacp-speed": d("slow"),
      "min-links": d(1),
      algorithm: d("L4"),
      "remote-ip": ipmask(),
      "mtu-override": d("disable"),
      mtu: d(1500),
      "device-identification": d("disable"),
      distance: d(5),
      defaultgw: d("enable"),
      "tcp-mss": d(0),
      macaddr: { kind: "mac", default: "00:00:00:00:00:00" },
      aggregate: { kind: "readonly", default: "", deviceOnly: true },
    },
  },
  [ADDRESS]: {
    fields: {
      name: d(""),
      uuid,
      type: d("ipmask"),
      subnet: ipmask(),
      "start-ip": ipv4(),
      "end-ip": ipv4(),
      fqdn: d(""),
      country: d(""),
      interface: d(""),
      "associated-interface": d(""),
      "allow-routing": d("disable"),
      comment: d(""),
      color: d(0),
    },
  },
  [ADDRGRP]: {
    required: ["member"],
    fields: {
      name: d(""),
      uuid,
      type: d("default"),
      member: {},
      comment: d(""),
      exclude: d("disable"),
      "allow-routing": d("disable"),
      color: d(0),
    },
  },
  [VIP]: {
    fields: {
      name: d(""),
      uuid,
      type: d("static-nat"),
      comment: d(""),
      extip: { kind: "user", default: "0.0.0.0" },
      mappedip: {},
      extintf: { default: "any", special: ["any"] },
      "arp-reply": d("enable"),
      portforward: d("disable"),
      protocol: d("tcp"),
      extport: { kind: "user", default: "0-65535" },
      mappedport: { kind: "user", default: "0-65535" },
      color: d(0),
    },
  },
  [SERVICE]: {
    fields: {
      name: d(""),
      protocol: d("TCP/UDP/SCTP"),
      "tcp-portrange": { kind: "user", default: "" },
      "udp-portrange": { kind: "user", default: "" },
      comment: d(""),
    },
  },
  [SERVICE_GROUP]: { fields: { name: d(""), member: {}, comment: d("") } },
  [SCHEDULE]: {
    fields: {
      name: d(""),
      day: d(""),
      start: { kind: "user", default: "00:00" },
      end: { kind: "user", default: "00:00" },
    },
  },
  [POLICY]: {
    required: ["srcintf", "dstintf", "srcaddr", "dstaddr", "service", "schedule"],
    fields: {
      policyid: d(0),
      name: d(""),
      uuid,
      status: d("enable"),
      srcintf: { fields: { name: { special: ["any"] } } },
      dstintf: { fields: { name: { special: ["any"] } } },
      srcaddr: {},
      dstaddr: {},
      service: {},
      schedule: d(""),
      action: d("deny"),
      nat: d("disable"),
      logtraffic: d("utm"),
      "logtraffic-start": d("disable"),
      comments: d(""),
      "srcaddr-negate": d("disable"),
      "dstaddr-negate": d("disable"),
      "service-negate": d("disable"),
      "inspection-mode": d("flow"),
      "utm-status": d("disable"),
      "ssl-ssh-profile": { default: "no-inspection", kind: "user" },
      "profile-protocol-options": { default: "default", kind: "user" },
      groups: {},
    },
  },
  [STATIC]: {
    fields: {
      "seq-num": d(0),
      status: d("enable"),
      dst: ipmask(),
      src: ipmask(),
      gateway: ipv4(),
      device: d(""),
      distance: d(10),
      weight: d(0),
      priority: d(1),
      comment: d(""),
      blackhole: d("disable"),
      "dynamic-gateway": d("disable"),
      "link-monitor-exempt": d("disable"),
      bfd: d("disable"),
      dstaddr: d(""),
    },
  },
  [PREFIX_LIST]: {
    fields: {
      name: d(""),
      comments: d(""),
      rule: {
        fields: {
          id: d(0),
          action: d("permit"),
          prefix: ipmask({ any: true }),
          ge: { emptyOk: true },
          le: { emptyOk: true },
        },
      },
    },
  },
  [ROUTE_MAP]: {
    fields: {
      name: d(""),
      comments: d(""),
      rule: { fields: { id: d(0), action: d("permit"), "match-ip-address": d("") } },
    },
  },
  [BGP]: {
    fields: {
      as: { kind: "user", default: "" },
      "router-id": ipv4(""),
      "keepalive-timer": d(60),
      "holdtime-timer": { default: 180, range: [3, 65535] },
      "ebgp-multipath": d("disable"),
      "ibgp-multipath": d("disable"),
      "graceful-restart": d("disable"),
      "log-neighbour-changes": d("enable"),
      "network-import-check": d("enable"),
      "distance-external": d(20),
      "distance-internal": d(200),
      "distance-local": d(200),
      "scan-time": d(60),
      neighbor: {
        fields: {
          ip: d(""),
          "remote-as": { kind: "user", default: "" },
          interface: d(""),
          "update-source": d(""),
          description: d(""),
          password,
          "prefix-list-in": d(""),
          "prefix-list-out": d(""),
          "route-map-in": d(""),
          "route-map-out": d(""),
          "keep-alive-timer": inherit([0, 65535]),
          "holdtime-timer": inherit([3, 65535]),
          "connect-timer": inherit([1, 65535]),
          weight: inherit([0, 65535]),
          "advertisement-interval": d(30),
          activate: d("enable"),
          activate6: d("enable"),
          "soft-reconfiguration": d("disable"),
          "next-hop-self": d("disable"),
          "ebgp-enforce-multihop": d("disable"),
          "ebgp-multihop-ttl": d(255),
          bfd: d("disable"),
          "capability-default-originate": d("disable"),
          shutdown: d("disable"),
          "send-community": d("both"),
          "maximum-prefix": d(0),
          "maximum-prefix-threshold": d(75),
          "maximum-prefix-warning-only": d("disable"),
        },
      },
      network: {
        fields: {
          id: d(0),
          prefix: ipmask(),
          backdoor: d("disable"),
          "route-map": d(""),
          "network-import-check": d("global"),
        },
      },
      // Only on devices whose schema has it (FortiGateEmulatorOptions.bgpRedistribute).
      redistribute: {
        fixed: ["connected", "rip", "ospf", "static", "isis"],
        fields: { name: d(""), status: d("disable"), "route-map": d("") },
      },
    },
  },
  [PHASE1]: {
    required: ["interface", "psksecret"],
    fields: {
      name: d(""),
      type: d("static"),
      interface: d(""),
      "ip-version": d("4"),
      "ike-version": d("1"),
      "local-gw": ipv4(),
      "remote-gw": ipv4(),
      "remotegw-ddns": d(""),
      peertype: d("peer"),
      peerid: d(""),
      localid: d(""),
      "localid-type": d("auto"),
      authmethod: d("psk"),
      psksecret: password,
      proposal: d(
        "aes128-sha256 aes256-sha256 aes128gcm-prfsha256 aes256gcm-prfsha384 chacha20poly1305-prfsha256",
      ),
      dhgrp: d("14 5"),
      keylife: d(86400),
      dpd: d("on-demand"),
      "dpd-retrycount": d(3),
      "dpd-retryinterval": { kind: "user", default: "20" },
      nattraversal: d("enable"),
      keepalive: d(10),
      fragmentation: d("enable"),
      "auto-negotiate": d("enable"),
      "net-device": d("disable"),
      "add-route": d("enable"),
      "add-gw-route": d("disable"),
      "mode-cfg": d("disable"),
      "assign-ip": d("enable"),
      "assign-ip-from": d("range"),
      "ipv4-start-ip": ipv4(),
      "ipv4-end-ip": ipv4(),
      "ipv4-netmask": ipv4("255.255.255.255"),
      "dns-mode": d("manual"),
      "ipv4-dns-server1": ipv4(),
      "ipv4-dns-server2": ipv4(),
      "ipv4-dns-server3": ipv4(),
      "ipv4-split-include": d(""),
      "exchange-interface-ip": d("disable"),
      "network-overlay": d("disable"),
      distance: d(15),
      priority: d(1),
      comments: d(""),
      eap: d("disable"),
      "eap-identity": d("use-id-payload"),
      authusrgrp: d(""),
    },
  },
  [PHASE2]: {
    required: ["phase1name"],
    fields: {
      name: d(""),
      phase1name: d(""),
      proposal: d(
        "aes128-sha1 aes256-sha1 aes128-sha256 aes256-sha256 aes128gcm aes256gcm chacha20poly1305",
      ),
      pfs: d("enable"),
      dhgrp: d("14 5"),
      replay: d("enable"),
      keepalive: d("disable"),
      "auto-negotiate": d("disable"),
      "keylife-type": d("seconds"),
      keylifeseconds: d(43200),
      keylifekbs: d(5120),
      encapsulation: d("tunnel-mode"),
      "src-addr-type": d("subnet"),
      "dst-addr-type": d("subnet"),
      "src-subnet": ipmask(),
      "dst-subnet": ipmask(),
      "src-name": d(""),
      "dst-name": d(""),
      protocol: d(0),
      "src-port": d(0),
      "dst-port": d(0),
      "add-route": d("phase1"),
      comments: d(""),
    },
  },
  [DHCP]: {
    required: ["interface"],
    fields: {
      id: d(0),
      status: d("enable"),
      "lease-time": d(604800),
      "dns-service": d("specify"),
      "dns-server1": ipv4(),
      "dns-server2": ipv4(),
      "dns-server3": ipv4(),
      "dns-server4": ipv4(),
      "ntp-service": d("specify"),
      domain: d(""),
      "default-gateway": ipv4(),
      netmask: ipv4(),
      interface: d(""),
      "ip-range": {
        fields: { id: d(0), "start-ip": ipv4(), "end-ip": ipv4() },
      },
      "reserved-address": {
        fields: {
          id: d(0),
          ip: ipv4(),
          mac: { kind: "mac", default: "00:00:00:00:00:00" },
          action: d("reserved"),
          description: d(""),
        },
      },
    },
  },
  [USER_LOCAL]: {
    fields: { name: d(""), status: d("enable"), type: d("password"), passwd: password },
  },
  [USER_GROUP]: {
    fields: { name: d(""), "group-type": d("firewall"), member: {} },
  },
  [VIRTUAL_SWITCH]: {
    fields: { name: d(""), "physical-switch": { kind: "user", default: "sw0" }, port: {} },
  },
  [SWITCH_INTERFACE]: { fields: { name: d(""), vdom: d(""), member: {}, type: d("switch") } },
  [ZONE]: { fields: { name: d(""), interface: {} } },
};

// ------------------------------------------------------------------ the merge

const MAX_UINT32 = 4294967295;

function fieldOf(
  where: string,
  vendor: VendorAttribute,
  note: Note | undefined,
  tables: ReadonlySet<string>,
): Field {
  const nested = (children: Readonly<Record<string, VendorAttribute>>) =>
    fieldsOf(where, children, note?.fields ?? {}, tables);
  switch (vendor.type) {
    case "table": {
      const key = vendor.key;
      if (!key) throw new Error(`${where}: the vendor schema gives this table no key`);
      const fields = nested(vendor.children ?? {});
      return {
        kind: "table",
        key,
        keyKind: vendor.children?.[key]?.type === "integer" ? "integer" : "string",
        fields,
        ...(note?.fixed ? { fixed: note.fixed } : {}),
      };
    }
    case "object":
      return { kind: "object", fields: nested(vendor.children ?? {}) };
    case "option":
      return { kind: "option", values: vendor.options ?? [], default: note?.default as string };
    case "multi":
      if (!vendor.options) return { kind: "user", default: note?.default as string };
      return { kind: "multi", values: vendor.options, default: note?.default as string };
    case "integer": {
      const [min, max] = vendor.range ?? note?.range ?? [0, MAX_UINT32];
      return {
        kind: "integer",
        min,
        max,
        default: note?.default as number | undefined,
        ...(note?.sentinel !== undefined ? { sentinel: note.sentinel } : {}),
        ...(note?.emptyOk ? { emptyOk: true } : {}),
      };
    }
    case "string": {
      switch (note?.kind) {
        case "ipmask":
          return { kind: "ipmask", default: note.default as string, any: note.any };
        case "ipv4":
          return { kind: "ipv4", default: note.default as string };
        case "password":
          return { kind: "password", max: vendor.maxLength };
        case "mac":
          return { kind: "mac", default: note.default as string };
        case "uuid":
          return { kind: "uuid" };
        case "user":
          return { kind: "user", default: note.default as string };
        case "readonly":
          return { kind: "readonly", default: note.default as string };
        default: {
          const ref = (vendor.references ?? []).filter((r) => tables.has(r));
          return {
            kind: "string",
            max: vendor.maxLength ?? 4095,
            default: note?.default as string | undefined,
            ...(ref.length > 0 ? { ref } : {}),
            ...(note?.special ? { special: note.special } : {}),
          };
        }
      }
    }
  }
}

function fieldsOf(
  where: string,
  vendor: Readonly<Record<string, VendorAttribute>>,
  notes: Readonly<Record<string, Note>>,
  tables: ReadonlySet<string>,
): Record<string, Field> {
  const out: Record<string, Field> = {};
  for (const [name, note] of Object.entries(notes)) {
    if (vendor[name] || !note.deviceOnly) continue;
    out[name] = { kind: "readonly", default: (note.default as string) ?? "" };
  }
  for (const [name, attribute] of Object.entries(vendor)) {
    out[name] = fieldOf(`${where} ${name}`, attribute, notes[name], tables);
  }
  return out;
}

/** Notes on attributes the vendor schema does not have (a test holds this empty). */
export function strayNotes(): string[] {
  const out: string[] = [];
  const walk = (
    where: string,
    notes: Readonly<Record<string, Note>>,
    vendor: Readonly<Record<string, VendorAttribute>>,
  ) => {
    for (const [name, note] of Object.entries(notes)) {
      const attribute = vendor[name];
      if (!attribute) {
        if (!note.deviceOnly) out.push(`${where} ${name}`);
        continue;
      }
      if (note.fields) walk(`${where} ${name}`, note.fields, attribute.children ?? {});
    }
  };
  for (const [path, notes] of Object.entries(NOTES)) {
    const table = VENDOR.tables[path];
    if (!table) {
      out.push(path);
      continue;
    }
    walk(path, notes.fields, { ...table.attributes, ...table.disputed });
  }
  return out;
}

export interface SchemaOptions {
  /**
   * Model a device whose router/bgp schema has `redistribute` (Fortinet's Terraform provider
   * sends it on every release; the Ansible collection lists it only up to 7.0.5/7.2.0).
   * @default false: the vendor schema of 7.4 as the collection has it
   */
  readonly bgpRedistribute?: boolean;
  /**
   * Model an older FortiOS whose schema lacks these attributes, by path (vpn.ipsec/phase1-
   * interface `internal-domain-list`: 7.4.1 and later, per the Ansible collection).
   */
  readonly lacking?: Readonly<Record<string, readonly string[]>>;
}

/** Every table the emulator has: the vendor's, with our notes. */
export function buildSchemas(options: SchemaOptions = {}): TableSchema[] {
  const tables = new Set(Object.keys(VENDOR.tables));
  return Object.entries(VENDOR.tables).map(([path, table]) => {
    const notes = NOTES[path] ?? { fields: {} };
    const lacking = new Set(options.lacking?.[path] ?? []);
    const attributes = Object.fromEntries(
      Object.entries({
        ...table.attributes,
        ...(path === BGP && options.bgpRedistribute ? table.disputed : {}),
      }).filter(([name]) => !lacking.has(name)),
    );
    const fields = fieldsOf(path, attributes, notes.fields, tables);
    const mkey = table.mkey;
    return {
      path,
      category: table.category,
      ...(mkey
        ? { mkey, mkeyKind: table.attributes[mkey]?.type === "integer" ? "integer" : "string" }
        : {}),
      fields,
      ...(notes.required ? { required: notes.required } : {}),
      ...(notes.global ? { global: true } : {}),
      version: table.version,
    };
  });
}

/**
 * The device's answer to `GET cmdb/<path>?action=schema` (the shape of a FortiOS schema:
 * name, category, mkey, children with their type, options, sizes and ranges).
 */
export function schemaAnswer(schema: TableSchema): Record<string, unknown> {
  const describe = (name: string, field: Field): Record<string, unknown> => {
    switch (field.kind) {
      case "table":
        return {
          name,
          category: "table",
          mkey: field.key,
          mkey_type: field.keyKind,
          ...(field.fixed ? { readonly: true } : {}),
          children: children(field.fields),
        };
      case "object":
        return { name, category: "complex", children: children(field.fields) };
      case "option":
      case "multi":
        return {
          name,
          category: "unitary",
          type: "option",
          ...(field.kind === "multi" ? { multiple_values: true } : {}),
          options: field.values.map((value) => ({ name: value })),
        };
      case "integer":
        return {
          name,
          category: "unitary",
          type: "integer",
          "min-value": field.min,
          "max-value": field.max,
        };
      case "string":
        return { name, category: "unitary", type: "string", size: field.max };
      case "password":
        return { name, category: "unitary", type: "password" };
      case "readonly":
        return { name, category: "unitary", type: "string", readonly: true };
      default:
        return { name, category: "unitary", type: field.kind };
    }
  };
  const children = (fields: Readonly<Record<string, Field>>) =>
    Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, describe(name, f)]));
  const slash = schema.path.lastIndexOf("/");
  return {
    name: schema.path.slice(slash + 1),
    path: schema.path.slice(0, slash),
    category: schema.category,
    ...(schema.mkey ? { mkey: schema.mkey, mkey_type: schema.mkeyKind } : {}),
    children: children(schema.fields),
  };
}

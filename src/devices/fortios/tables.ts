/**
 * Typed helpers for the FortiOS tables the edge uses: a typed body per table (attribute names
 * as the CLI spells them) and a function building the generic object spec (`path`, `key`,
 * `body`, `mode`, secrets, identity) that a `CmdbObject` is made from.
 *
 * Values are written in the device's own spelling ("A.B.C.D M.M.M.M" masks, multi-value
 * options as one space-separated string, AS numbers as strings as on FortiOS ≥ 7.2.1), so what
 * is sent is what the device stores. Pure: no Pulumi here. Secrets appear as `SecretRef`
 * markers that the component replaces with the stack's secret Outputs.
 */
/**
 * How an object is managed: created, updated and deleted, or (an object the device always
 * has, such as a factory interface or `router/bgp`) only updated.
 */
export type CmdbMode = "create-update-delete" | "update-only";

/** A value that is the stack secret `homelab:<name>`. */
export interface SecretRef {
  readonly $secret: string;
}

export function isSecretRef(value: unknown): value is SecretRef {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as { $secret?: unknown }).$secret === "string"
  );
}

/** What a `CmdbObject` is made from. */
export interface CmdbSpec<B extends object = object> {
  readonly path: string;
  readonly key?: string | number;
  readonly body: B;
  readonly mode: CmdbMode;
  readonly secretFields: readonly string[];
  readonly identity: readonly string[];
  readonly reset?: Record<string, unknown>;
  /**
   * Never deleted nor replaced by Pulumi (`protect`): the interface holding the address the
   * stack reaches the FortiGate at, which a delete would cut off mid-run.
   */
  readonly protect?: boolean;
  /** What to send instead to a FortiOS whose schema of `path` lacks an attribute. */
  readonly fallback?: Fallback;
}

/**
 * The body (and reset) a FortiOS gets when its own schema of the object (`GET
 * cmdb/<path>?action=schema`) lacks the attribute `missing`: the provider asks the device in
 * `check`, at preview and before any write, and uses what it supports.
 */
export interface Fallback {
  readonly missing: string;
  /**
   * @default the object's body without `missing` (a body holding secrets needs no second
   * copy of them: `fallback` is an input kept in state as given)
   */
  readonly body?: Record<string, unknown>;
  readonly reset?: Record<string, unknown>;
}

export const PATHS = {
  interface: "system/interface",
  address: "firewall/address",
  addrgrp: "firewall/addrgrp",
  vip: "firewall/vip",
  policy: "firewall/policy",
  staticRoute: "router/static",
  prefixList: "router/prefix-list",
  routeMap: "router/route-map",
  bgp: "router/bgp",
  phase1: "vpn.ipsec/phase1-interface",
  phase2: "vpn.ipsec/phase2-interface",
  dhcpServer: "system.dhcp/server",
  userLocal: "user/local",
  userGroup: "user/group",
  dnsDatabase: "system/dns-database",
  dnsServer: "system/dns-server",
} as const;

type EnableDisable = "enable" | "disable";

/**
 * A table entry this stack creates, updates and deletes: its key (`name` unless given),
 * its secret attributes, and the attributes that must match before an existing entry with
 * its key is adopted.
 */
function entry<B extends object>(
  path: string,
  key: string | number,
  body: B,
  options: { secretFields?: readonly string[]; identity?: readonly string[] } = {},
): CmdbSpec<B> {
  return {
    path,
    key,
    body,
    mode: "create-update-delete",
    secretFields: options.secretFields ?? [],
    identity: options.identity ?? [],
  };
}

/** A member-table element (`[{"name":"port1"}]`). */
export interface NameRef {
  readonly name: string;
}

export interface InterfaceBody {
  readonly name: string;
  /** Required when creating. */
  readonly vdom?: string;
  readonly type?: "aggregate" | "vlan" | "loopback";
  readonly mode?: "static" | "dhcp";
  /** "A.B.C.D M.M.M.M" */
  readonly ip?: string;
  /** Tunnel interfaces: the peer's address with the tunnel mask. */
  readonly "remote-ip"?: string;
  /** Space-separated: "ping https ssh". */
  readonly allowaccess?: string;
  readonly role?: "lan" | "wan" | "dmz" | "undefined";
  readonly alias?: string;
  readonly description?: string;
  /** Parent of a VLAN. */
  readonly interface?: string;
  readonly vlanid?: number;
  readonly member?: readonly { readonly "interface-name": string }[];
  readonly "lacp-mode"?: "active" | "passive" | "static";
}

/** An interface this stack creates (aggregate, VLAN, loopback). */
export function createdInterface(
  body: InterfaceBody & { vdom: string; type: string },
): CmdbSpec<InterfaceBody> {
  return {
    path: PATHS.interface,
    key: body.name,
    body,
    mode: "create-update-delete",
    secretFields: [],
    identity: [],
  };
}

/**
 * An interface FortiOS owns (a physical port, the tunnel interface of a phase1): updated,
 * never created nor deleted.
 */
export function existingInterface(body: InterfaceBody): CmdbSpec<InterfaceBody> {
  return {
    path: PATHS.interface,
    key: body.name,
    body,
    mode: "update-only",
    secretFields: [],
    identity: [],
  };
}

export interface AddressBody {
  readonly name: string;
  readonly type: "ipmask" | "iprange";
  readonly subnet?: string;
  readonly "start-ip"?: string;
  readonly "end-ip"?: string;
  readonly comment?: string;
  readonly "allow-routing"?: EnableDisable;
}

export function firewallAddress(body: AddressBody): CmdbSpec<AddressBody> {
  return entry(PATHS.address, body.name, body);
}

export interface AddrgrpBody {
  readonly name: string;
  readonly member: readonly NameRef[];
  readonly comment?: string;
}

export function addressGroup(body: AddrgrpBody): CmdbSpec<AddrgrpBody> {
  return entry(PATHS.addrgrp, body.name, body);
}

export interface VipBody {
  readonly name: string;
  readonly type: "static-nat";
  /** "0.0.0.0": the address of extintf (works with a DHCP WAN). */
  readonly extip: string;
  readonly extintf: string;
  readonly mappedip: readonly { readonly range: string }[];
  readonly portforward: EnableDisable;
  readonly protocol: "tcp" | "udp";
  readonly extport: string;
  readonly mappedport: string;
  readonly comment?: string;
}

export function virtualIp(body: VipBody): CmdbSpec<VipBody> {
  return entry(PATHS.vip, body.name, body);
}

export interface PolicyBody {
  readonly policyid: number;
  readonly name: string;
  readonly srcintf: readonly NameRef[];
  readonly dstintf: readonly NameRef[];
  readonly srcaddr: readonly NameRef[];
  readonly dstaddr: readonly NameRef[];
  readonly service: readonly NameRef[];
  readonly schedule: string;
  readonly action: "accept" | "deny";
  readonly nat: EnableDisable;
  readonly logtraffic?: "all" | "utm" | "disable";
  readonly comments?: string;
  readonly status?: EnableDisable;
}

/** A firewall policy with a deterministic id; its name identifies it when adopting. */
export function firewallPolicy(body: PolicyBody): CmdbSpec<PolicyBody> {
  return entry(PATHS.policy, body.policyid, body, { identity: ["name"] });
}

export interface StaticRouteBody {
  readonly "seq-num": number;
  readonly dst: string;
  readonly gateway?: string;
  readonly device?: string;
  /** Drops what it matches (a pool's covering route: clients have their own /32s). */
  readonly blackhole?: EnableDisable;
  readonly distance?: number;
  readonly comment?: string;
  readonly status?: EnableDisable;
}

/**
 * A static route with a deterministic sequence number; destination and device (or
 * blackhole) identify it.
 */
export function staticRoute(body: StaticRouteBody): CmdbSpec<StaticRouteBody> {
  return entry(PATHS.staticRoute, body["seq-num"], body, {
    identity: body.blackhole === "enable" ? ["dst", "blackhole"] : ["dst", "device"],
  });
}

export interface PrefixRule {
  readonly id: number;
  readonly action: "permit" | "deny";
  readonly prefix: string;
  readonly ge?: number;
  readonly le?: number;
}

export interface PrefixListBody {
  readonly name: string;
  readonly comments?: string;
  readonly rule: readonly PrefixRule[];
}

export function prefixList(body: PrefixListBody): CmdbSpec<PrefixListBody> {
  return entry(PATHS.prefixList, body.name, body);
}

export interface RouteMapRule {
  readonly id: number;
  readonly action: "permit" | "deny";
  /** A prefix list (or access list) the route must match. */
  readonly "match-ip-address"?: string;
}

export interface RouteMapBody {
  readonly name: string;
  readonly comments?: string;
  readonly rule: readonly RouteMapRule[];
}

/** A route map: rules in id order, the first that matches decides; no match denies. */
export function routeMap(body: RouteMapBody): CmdbSpec<RouteMapBody> {
  return entry(PATHS.routeMap, body.name, body);
}

export interface BgpNeighbor {
  readonly ip: string;
  readonly "remote-as": string;
  readonly interface: string;
  readonly "update-source": string;
  readonly description: string;
  readonly "prefix-list-in": string;
  readonly "prefix-list-out": string;
  readonly "keep-alive-timer": number;
  readonly "holdtime-timer": number;
  readonly "maximum-prefix": number;
  readonly "soft-reconfiguration": EnableDisable;
  readonly activate: EnableDisable;
}

export type Redistributed = "connected" | "rip" | "ospf" | "static" | "isis";

/** The five entries of FortiOS's fixed redistribute table. */
export const REDISTRIBUTE_SOURCES: readonly Redistributed[] = [
  "connected",
  "rip",
  "ospf",
  "static",
  "isis",
];

export interface Redistribution {
  readonly name: Redistributed;
  readonly status: EnableDisable;
  /** Only the routes this route map permits are redistributed. */
  readonly "route-map"?: string;
}

export interface BgpBody {
  /** String on FortiOS ≥ 7.2.1 (asplain), also accepted for the integer of older releases. */
  readonly as: string;
  readonly "router-id": string;
  readonly "keepalive-timer": number;
  readonly "holdtime-timer": number;
  readonly neighbor: readonly BgpNeighbor[];
  readonly network: readonly { readonly id: number; readonly prefix: string }[];
  /** Only on a FortiOS whose router/bgp schema has it (the program asks the device). */
  readonly redistribute?: readonly Redistribution[];
}

/** What deleting router/bgp PUTs: tables emptied (the redistribute table where the body has it). */
function bgpReset(body: BgpBody): Record<string, unknown> {
  return {
    as: null,
    "router-id": null,
    "keepalive-timer": null,
    "holdtime-timer": null,
    neighbor: [],
    network: [],
    ...(body.redistribute
      ? { redistribute: REDISTRIBUTE_SOURCES.map((name) => ({ name, status: "disable" })) }
      : {}),
  };
}

/**
 * router/bgp, owned whole by one object: AS, router id, timers, every neighbor, the network
 * table and redistribution. Deleting it empties the tables and resets the rest. `withoutRedistribute`:
 * the body for a FortiOS whose router/bgp has no redistribute table (Fortinet's sources
 * disagree about 7.4: the provider asks the device).
 */
export function bgp(body: BgpBody, withoutRedistribute?: BgpBody): CmdbSpec<BgpBody> {
  return {
    path: PATHS.bgp,
    body,
    mode: "create-update-delete",
    secretFields: [],
    identity: [],
    reset: bgpReset(body),
    ...(withoutRedistribute
      ? {
          fallback: {
            missing: "redistribute",
            body: { ...withoutRedistribute },
            reset: bgpReset(withoutRedistribute),
          },
        }
      : {}),
  };
}

/**
 * The redistribute table with `sources` enabled and every other entry disabled; a source
 * with a route map in `maps` only redistributes what the map permits.
 */
export function redistribution(
  sources: readonly Redistributed[],
  maps: Partial<Record<Redistributed, string>> = {},
): Redistribution[] {
  return REDISTRIBUTE_SOURCES.map((name) => {
    const map = sources.includes(name) ? maps[name] : undefined;
    return {
      name,
      status: sources.includes(name) ? "enable" : "disable",
      ...(map !== undefined ? { "route-map": map } : {}),
    };
  });
}

export interface Phase1Body {
  readonly name: string;
  readonly type: "static" | "dynamic" | "ddns";
  readonly interface: string;
  readonly "ike-version": "2";
  readonly "remote-gw"?: string;
  readonly "remotegw-ddns"?: string;
  readonly peertype: "any";
  /** The IKE identity sent (our public endpoint: the WAN address may be a NATed one). */
  readonly localid?: string;
  readonly "localid-type"?: "address" | "fqdn";
  readonly authmethod: "psk";
  readonly psksecret: SecretRef;
  /** IKEv2 EAP: each client authenticates as a user of `authusrgrp` (dial-up only). */
  readonly eap?: EnableDisable;
  readonly "eap-identity"?: "send-request" | "use-id-payload";
  readonly authusrgrp?: string;
  /** Space-separated. */
  readonly proposal: string;
  /** Space-separated group numbers. */
  readonly dhgrp: string;
  readonly keylife?: number;
  readonly dpd: "on-idle" | "on-demand";
  /** Dial-up only: one interface per client (disable: one interface, routes per client). */
  readonly "net-device"?: EnableDisable;
  readonly "auto-negotiate"?: EnableDisable;
  readonly "add-route"?: EnableDisable;
  readonly "mode-cfg"?: EnableDisable;
  readonly "assign-ip"?: EnableDisable;
  readonly "assign-ip-from"?: "range";
  readonly "ipv4-start-ip"?: string;
  readonly "ipv4-end-ip"?: string;
  readonly "ipv4-netmask"?: string;
  readonly "dns-mode"?: "manual" | "auto";
  readonly "ipv4-dns-server1"?: string;
  readonly "ipv4-dns-server2"?: string;
  readonly "ipv4-dns-server3"?: string;
  readonly "ipv4-split-include"?: string;
  /**
   * Split DNS: the domains the mode-config DNS servers are for (IKEv2 INTERNAL_DNS_DOMAIN,
   * FortiOS 7.4.1 and later; Fortinet's Ansible collection, fortios_vpn_ipsec_phase1_interface).
   */
  readonly "internal-domain-list"?: readonly { readonly "domain-name": string }[];
  readonly comments?: string;
}

/**
 * A route-based IPsec phase1; creating it makes FortiOS create its tunnel interface. With
 * `internal-domain-list`, a FortiOS whose schema lacks it (before 7.4.1) gets the body
 * without it (the provider asks the device: `fallback`).
 */
export function phase1(body: Phase1Body): CmdbSpec<Phase1Body> {
  const spec = entry(PATHS.phase1, body.name, body, { secretFields: ["psksecret"] });
  return body["internal-domain-list"]
    ? { ...spec, fallback: { missing: "internal-domain-list" } }
    : spec;
}

export interface Phase2Body {
  readonly name: string;
  readonly phase1name: string;
  readonly proposal: string;
  readonly pfs: EnableDisable;
  readonly dhgrp?: string;
  readonly "auto-negotiate"?: EnableDisable;
  readonly keylifeseconds?: number;
  readonly comments?: string;
}

export function phase2(body: Phase2Body): CmdbSpec<Phase2Body> {
  return entry(PATHS.phase2, body.name, body);
}

export interface DhcpServerBody {
  readonly id: number;
  readonly interface: string;
  readonly status: EnableDisable;
  readonly "default-gateway": string;
  readonly netmask: string;
  readonly "lease-time": number;
  readonly "dns-service": "local" | "default" | "specify";
  readonly "dns-server1"?: string;
  readonly "dns-server2"?: string;
  readonly "dns-server3"?: string;
  readonly "dns-server4"?: string;
  readonly domain?: string;
  readonly "ip-range": readonly {
    readonly id: number;
    readonly "start-ip": string;
    readonly "end-ip": string;
  }[];
  readonly "reserved-address": readonly {
    readonly id: number;
    readonly ip: string;
    readonly mac: string;
    readonly description?: string;
  }[];
}

/** A DHCP server with a deterministic id; its interface identifies it when adopting. */
export function dhcpServer(body: DhcpServerBody): CmdbSpec<DhcpServerBody> {
  return entry(PATHS.dhcpServer, body.id, body, { identity: ["interface"] });
}

export interface UserLocalBody {
  readonly name: string;
  readonly type: "password";
  readonly passwd: SecretRef;
  readonly status: EnableDisable;
}

/** A local user (its password a stack secret, compared by salted hash). */
export function userLocal(body: UserLocalBody): CmdbSpec<UserLocalBody> {
  return entry(PATHS.userLocal, body.name, body, { secretFields: ["passwd"] });
}

export interface UserGroupBody {
  readonly name: string;
  readonly "group-type": "firewall";
  readonly member: readonly NameRef[];
}

/** A firewall user group (who may authenticate where it is named). */
export function userGroup(body: UserGroupBody): CmdbSpec<UserGroupBody> {
  return entry(PATHS.userGroup, body.name, body);
}

export interface DnsDatabaseBody {
  readonly name: string;
  readonly domain: string;
  readonly type: "primary";
  /** shadow: answers the clients of the FortiGate's DNS servers (not the public view). */
  readonly view: "shadow";
  readonly authoritative: EnableDisable;
  readonly ttl: number;
  readonly status: EnableDisable;
  readonly "dns-entry": readonly {
    readonly id: number;
    readonly status: EnableDisable;
    readonly type: "A";
    /** Relative to the zone's domain ("photos"). */
    readonly hostname: string;
    readonly ip: string;
  }[];
}

/** A DNS zone the FortiGate serves from its own database. */
export function dnsDatabase(body: DnsDatabaseBody): CmdbSpec<DnsDatabaseBody> {
  return entry(PATHS.dnsDatabase, body.name, body);
}

export interface DnsServerBody {
  /** The interface it listens on. */
  readonly name: string;
  /** recursive: the shadow databases first, then forward to the system DNS servers. */
  readonly mode: "recursive";
}

/** The FortiGate's DNS server on one interface. */
export function dnsServer(body: DnsServerBody): CmdbSpec<DnsServerBody> {
  return entry(PATHS.dnsServer, body.name, body);
}

/** Replaces every `SecretRef` in a body (at any depth) by `resolve(name)`. */
export function mapSecrets<T>(value: unknown, resolve: (name: string) => T): unknown {
  if (isSecretRef(value)) return resolve(value.$secret);
  if (Array.isArray(value)) return value.map((v) => mapSecrets(v, resolve));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapSecrets(v, resolve)]));
  }
  return value;
}

/** Top-level attributes of a body that hold a `SecretRef`. */
export function secretAttributes(body: object): string[] {
  return Object.entries(body)
    .filter(([, v]) => isSecretRef(v))
    .map(([k]) => k);
}

/**
 * The UniFi gateway of a site as a list of controller objects (pure, deterministic): VLAN
 * networks, the WireGuard server, firewall groups, the inter-VLAN policy (legacy LAN_IN
 * rules or zone-based policies), the WAN exposure of the reverse proxy, static DNS records.
 *
 * Objects refer to each other by role (`{ ref: "group-cloudflare" }`) and to secrets by name
 * (`{ secret: "wireguardPrivateKey" }`); the component turns those into Outputs.
 *
 * Inter-VLAN default deny, in both firewall generations:
 *   1. allow established/related (first),
 *   2. the explicit allows,
 *   3. drop/block everything between the site's networks (last).
 * Legacy rule indexes are unique per ruleset and the controller refuses a move onto a used
 * index, so allows get stable indexes derived from their names (2001-2998, probing on
 * collision): adding or removing one never renumbers the others. Their relative order does
 * not matter (they all accept). Zone-based policies get their order from a batch-reorder
 * object per zone pair.
 */
import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import type { AllowRule, UnifiConfig } from "../config/unifi";
import type {
  DnsRecordSpec,
  FirewallGroupSpec,
  LegacyRuleSpec,
  NetworkSpec,
  PolicySpec,
  PolicyTarget,
  PortForwardSpec,
  WireGuardSpec,
} from "../devices/unifi/bodies";
import { formatIPv4, formatPrefix, parsePrefix, parseRange } from "../lib/net";
import type { SiteNetwork } from "../config/networks";
import { PlanBuilder, type DevicePlan, type PlannedObject, type Ref } from "../devices/plan";
import type { PublishIntent } from "./publish";

export type FirewallMode = "zone" | "legacy";

/** A reference to a stack secret, by name (homelab:<name>). */
export interface SecretRef {
  readonly secret: string;
}

/** The WireGuard server and the stack secret holding its private key. */
export interface WireGuardServerSpec {
  readonly server: WireGuardSpec;
  readonly privateKey: SecretRef;
}

/** The order of the policies between two zones (a batch reorder on the controller). */
export interface PolicyOrderSpec {
  readonly sourceZone: Ref;
  readonly destinationZone: Ref;
  readonly policies: readonly Ref[];
}

/** One controller object; the controller's own zones are looked up by key, never created. */
export type UnifiIntent =
  | PlannedObject<"Network", NetworkSpec>
  | PlannedObject<"WireGuardServer", WireGuardServerSpec>
  | PlannedObject<"FirewallGroup", FirewallGroupSpec>
  | PlannedObject<"FirewallRule", LegacyRuleSpec<Ref>>
  | PlannedObject<"FirewallZone", { readonly zoneKey: string }>
  | PlannedObject<"FirewallPolicy", PolicySpec<Ref>>
  | PlannedObject<"FirewallPolicyOrder", PolicyOrderSpec>
  | PlannedObject<"PortForward", PortForwardSpec<Ref>>
  | PlannedObject<"DnsRecord", DnsRecordSpec>;

export type UnifiIntentKind = UnifiIntent["kind"];

/** An internal DNS name served by the console's resolver. */
export interface DnsRecordIntent {
  /** Fully qualified name ("photos.home.arpa"). */
  readonly name: string;
  /** IPv4 address. */
  readonly address: string;
}

export interface UnifiPlanInput {
  readonly config: UnifiConfig;
  /** The site's network namespace (prefixes of every named network). */
  readonly networks: readonly SiteNetwork[];
  readonly publish?: PublishIntent;
  readonly dnsRecords?: readonly DnsRecordIntent[];
  readonly firewallMode: FirewallMode;
}

export interface UnifiPlan extends DevicePlan<UnifiIntent> {
  readonly firewallMode: FirewallMode;
}

/** First index of the explicit legacy allows; established/related sits just before. */
export const LEGACY_FIRST_INDEX = 2000;
/** Index of the final inter-VLAN drop. */
export const LEGACY_DENY_INDEX = 2999;
const ALLOW_SLOTS = LEGACY_DENY_INDEX - LEGACY_FIRST_INDEX - 1;
/** How many explicit allows fit (validation refuses more). */
export const MAX_LEGACY_ALLOWS = ALLOW_SLOTS;

/** "Users to DNS" → "users-to-dns". */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "x"
  );
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Stable rule indexes for names: each name hashes to a slot in 2001-2998; a slot already
 * taken by an earlier name moves on to the next free one. Names must be unique.
 */
export function legacyAllowIndexes(names: readonly string[]): number[] {
  if (names.length > ALLOW_SLOTS) {
    throw new Error(`at most ${ALLOW_SLOTS} allow rules fit between the legacy rule indexes`);
  }
  const used = new Set<number>();
  return names.map((name) => {
    let slot = fnv1a(name) % ALLOW_SLOTS;
    while (used.has(slot)) slot = (slot + 1) % ALLOW_SLOTS;
    used.add(slot);
    return LEGACY_FIRST_INDEX + 1 + slot;
  });
}

/** The names of `ref` (a name or a list). */
function namesOf(ref: string | readonly string[]): string[] {
  return typeof ref === "string" ? [ref] : [...ref];
}

/** The rule's name: given, or "<from> to <to>". */
export function allowRuleName(rule: AllowRule): string {
  return rule.name ?? `${namesOf(rule.from).join("+")} to ${namesOf(rule.to).join("+")}`;
}

/** A firewall group name from a set of names (at most 64 characters). */
export function groupName(kind: string, names: readonly string[]): string {
  const full = `homelab ${kind}${names.length > 0 ? ` ${names.join("+")}` : ""}`;
  if (full.length <= 64) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  return `${full.slice(0, 64 - 9)}~${hash}`;
}

function portsText(ports: readonly (number | string)[]): string {
  return ports.map(String).join(",");
}

/** "10.0.10.100-10.0.10.199" → start/stop. */
function rangeOf(text: string): { start: string; stop: string } {
  const range = parseRange(text);
  if (!range) throw new Error(`invalid range ${text}`);
  return { start: formatIPv4(range.first), stop: formatIPv4(range.last) };
}

function prefixLength(cidr: string): number {
  const parsed = parsePrefix(cidr);
  if (!parsed) throw new Error(`invalid prefix ${cidr}`);
  return parsed.prefix.length;
}

/** The specification of a configured VLAN network. */
export function networkSpec(network: UnifiConfig["networks"][number]): NetworkSpec {
  return {
    name: network.name,
    purpose: network.purpose,
    vlan: network.vlan,
    gateway: network.gateway,
    prefixLength: prefixLength(network.cidr),
    dhcp: network.dhcp
      ? {
          ...rangeOf(network.dhcp.range),
          dns: network.dhcp.dns,
          leaseSeconds: network.dhcp.leaseSeconds,
        }
      : undefined,
    domain: network.domain,
    isolated: network.isolated,
    internetAccess: network.internetAccess,
    igmpSnooping: network.igmpSnooping,
  };
}

type WithoutDependencies<T> = T extends unknown ? Omit<T, "dependsOn"> : never;

/** Collects the plan; objects refer to each other by `{ ref }` only (no `dependsOn`). */
class Builder {
  private readonly plan = new PlanBuilder<UnifiIntent>("UniFi");
  readonly objects = this.plan.objects;
  has(role: string): boolean {
    return this.plan.has(role);
  }
  add(intent: WithoutDependencies<UnifiIntent>): Ref {
    return this.plan.add({ ...intent, dependsOn: [] });
  }
}

/** The networks the console routes: VLANs (not vlan-only ones) then the WireGuard pool. */
function gatewayNetworks(config: UnifiConfig): { name: string; zone: "internal" | "vpn" }[] {
  return [
    ...config.networks
      .filter((n) => n.purpose !== "vlan-only")
      .map((n) => ({ name: n.name, zone: "internal" as const })),
    ...(config.wireguard ? [{ name: config.wireguard.name, zone: "vpn" as const }] : []),
  ];
}

function prefixesOf(networks: readonly SiteNetwork[], names: readonly string[]): string[] {
  return names.flatMap((name) =>
    (networks.find((n) => n.name === name)?.prefixes ?? []).map(formatPrefix),
  );
}

/** Everything the gateway should have on the controller. */
export function unifiPlan(input: UnifiPlanInput): UnifiPlan {
  const { config } = input;
  const b = new Builder();
  const netRefs = new Map<string, Ref>();
  for (const network of config.networks) {
    netRefs.set(
      network.name,
      b.add({ role: `net-${slug(network.name)}`, kind: "Network", spec: networkSpec(network) }),
    );
  }
  const wg = config.wireguard;
  if (wg) {
    netRefs.set(
      wg.name,
      b.add({
        role: "wireguard",
        kind: "WireGuardServer",
        spec: {
          server: {
            name: wg.name,
            gateway: wg.gateway,
            prefixLength: prefixLength(wg.cidr),
            port: wg.port,
            dns: wg.dns,
            wanInterface: wg.wanInterface,
          },
          privateKey: { secret: "wireguardPrivateKey" },
        },
      }),
    );
  }
  if (input.firewallMode === "legacy") legacyFirewall(input, b);
  else zoneFirewall(input, b, netRefs);
  for (const record of input.dnsRecords ?? []) {
    b.add({
      role: `dns-${slug(record.name)}`,
      kind: "DnsRecord",
      spec: { name: record.name, type: "A", value: record.address },
    });
  }
  return { firewallMode: input.firewallMode, objects: b.objects };
}

/** An address group per distinct set of networks, a port group per distinct port list. */
function groups(input: UnifiPlanInput, b: Builder) {
  const allNames = gatewayNetworks(input.config).map((n) => n.name);
  const addressGroup = (names: readonly string[]): Ref => {
    const sorted = [...new Set(names)].sort();
    const every = sorted.length === allNames.length && allNames.every((n) => sorted.includes(n));
    const name = every ? groupName("site networks", []) : groupName("nets", sorted);
    const role = `group-${slug(name.replace(/^homelab /, ""))}`;
    if (!b.has(role)) {
      b.add({
        role,
        kind: "FirewallGroup",
        spec: {
          name,
          type: "address-group",
          members: prefixesOf(input.networks, every ? allNames : sorted),
        },
      });
    }
    return { ref: role };
  };
  const portGroup = (ports: readonly (number | string)[]): Ref => {
    const text = portsText(ports);
    const name = groupName("ports", [text]);
    const role = `group-${slug(`ports ${text}`)}`;
    if (!b.has(role)) {
      b.add({
        role,
        kind: "FirewallGroup",
        spec: { name, type: "port-group", members: ports.map(String) },
      });
    }
    return { ref: role };
  };
  return { addressGroup, portGroup, allNames };
}

/** The address group of the WAN sources allowed to reach the proxy. */
function publishSources(publish: PublishIntent, b: Builder): Ref | undefined {
  if (publish.sources === "any") return undefined;
  const name = groupName(publish.sourceName, []);
  return b.add({
    role: `group-${slug(publish.sourceName)}`,
    kind: "FirewallGroup",
    spec: { name, type: "address-group", members: [...publish.sources] },
  });
}

function portForwards(publish: PublishIntent, source: Ref | undefined, b: Builder): void {
  for (const port of publish.ports) {
    b.add({
      role: `forward-${port}`,
      kind: "PortForward",
      spec: {
        name: `homelab ${publish.host} ${port}`,
        wanInterface: "wan",
        port,
        forwardTo: publish.address,
        forwardPort: port,
        protocol: "tcp",
        sourceGroup: source,
      },
    });
  }
}

function legacyFirewall(input: UnifiPlanInput, b: Builder): void {
  const { config, publish } = input;
  const firewall = config.firewall;
  const g = groups(input, b);
  const deny = firewall.interVlan === "deny" && g.allNames.length > 1;
  const site = deny ? g.addressGroup(g.allNames) : undefined;
  const rules: { role: string; spec: LegacyRuleSpec<Ref> }[] = [];
  if (deny) {
    rules.push({
      role: "lan-in-established-related",
      spec: {
        name: "homelab allow established/related",
        ruleset: "LAN_IN",
        index: LEGACY_FIRST_INDEX,
        action: "accept",
        protocol: "all",
        establishedRelated: true,
      },
    });
  }
  const names = firewall.allow.map(allowRuleName);
  const indexes = legacyAllowIndexes(names);
  firewall.allow.forEach((rule, i) => {
    const name = names[i]!;
    rules.push({
      role: `lan-in-${slug(name)}`,
      spec: {
        name,
        ruleset: "LAN_IN",
        index: indexes[i]!,
        action: "accept",
        protocol: rule.protocol,
        srcAddressGroup: g.addressGroup(namesOf(rule.from)),
        dstAddressGroup: g.addressGroup(namesOf(rule.to)),
        dstPortGroup: rule.ports ? g.portGroup(rule.ports) : undefined,
      },
    });
  });
  if (deny && site) {
    rules.push({
      role: "lan-in-deny-inter-vlan",
      spec: {
        name: "homelab deny inter-VLAN",
        ruleset: "LAN_IN",
        index: LEGACY_DENY_INDEX,
        action: "drop",
        protocol: "all",
        srcAddressGroup: site,
        dstAddressGroup: site,
      },
    });
  }
  for (const rule of rules) b.add({ role: rule.role, kind: "FirewallRule", spec: rule.spec });
  if (publish) {
    const source = publishSources(publish, b);
    const ports = g.portGroup(publish.ports);
    b.add({
      role: `wan-in-${slug(`allow ${publish.host} from ${publish.sourceName}`)}`,
      kind: "FirewallRule",
      spec: {
        name: `homelab allow ${publish.host} from ${publish.sourceName}`,
        ruleset: "WAN_IN",
        index: LEGACY_FIRST_INDEX,
        action: "accept",
        protocol: "tcp",
        srcAddressGroup: source,
        dstAddress: publish.address,
        dstPortGroup: ports,
      },
    });
    portForwards(publish, source, b);
  }
}

type ZoneKey = "internal" | "vpn" | "external";

function zoneFirewall(input: UnifiPlanInput, b: Builder, netRefs: ReadonlyMap<string, Ref>): void {
  const { config, publish } = input;
  const firewall = config.firewall;
  const networks = gatewayNetworks(config);
  const zoneOf = new Map(networks.map((n) => [n.name, n.zone]));
  const zones = new Map<ZoneKey, Ref>();
  const zone = (key: ZoneKey): Ref => {
    let ref = zones.get(key);
    if (!ref) {
      ref = b.add({ role: `zone-${key}`, kind: "FirewallZone", spec: { zoneKey: key } });
      zones.set(key, ref);
    }
    return ref;
  };
  const zoneKeys = [...new Set(networks.map((n) => n.zone))];
  for (const key of zoneKeys) zone(key);
  const inZone = (names: readonly string[], key: ZoneKey) =>
    names.filter((n) => zoneOf.get(n) === key).map((n) => netRefs.get(n)!);
  const target = (refs: readonly Ref[]): PolicyTarget<Ref> => ({
    kind: "networks",
    networks: refs,
  });

  /** Policies per (source zone, destination zone), in order. */
  const pairs = new Map<string, { src: ZoneKey; dst: ZoneKey; policies: Ref[] }>();
  const pair = (src: ZoneKey, dst: ZoneKey) => {
    const id = `${src}-${dst}`;
    let entry = pairs.get(id);
    if (!entry) {
      entry = { src, dst, policies: [] };
      pairs.set(id, entry);
    }
    return entry;
  };
  const deny = firewall.interVlan === "deny" && networks.length > 1;
  const all = networks.map((n) => n.name);
  /** Adds a policy between the networks `from` of zone `src` and `to` of zone `dst`. */
  const policy = (
    src: ZoneKey,
    dst: ZoneKey,
    role: string,
    spec: Omit<PolicySpec<Ref>, "sourceZone" | "destinationZone" | "source" | "destination">,
    from: readonly string[] = all,
    to: readonly string[] = all,
  ) => {
    pair(src, dst).policies.push(
      b.add({
        role: `policy-${slug(role)}`,
        kind: "FirewallPolicy",
        spec: {
          ...spec,
          sourceZone: zone(src),
          destinationZone: zone(dst),
          source: target(inZone(from, src)),
          destination: target(inZone(to, dst)),
        },
      }),
    );
  };
  // Zone pairs the deny covers: traffic between two different networks of the site.
  const denyPairs: [ZoneKey, ZoneKey][] = [];
  if (deny) {
    for (const src of zoneKeys) {
      for (const dst of zoneKeys) {
        const sources = networks.filter((n) => n.zone === src);
        const targets = networks.filter((n) => n.zone === dst);
        if (src === dst && sources.length < 2) continue;
        if (sources.length > 0 && targets.length > 0) denyPairs.push([src, dst]);
      }
    }
    for (const [src, dst] of denyPairs) {
      policy(src, dst, `established related ${src} ${dst}`, {
        name: `homelab allow established/related ${src} to ${dst}`,
        action: "ALLOW",
        protocol: "all",
        establishedRelated: true,
      });
    }
  }
  for (const rule of firewall.allow) {
    const name = allowRuleName(rule);
    const from = namesOf(rule.from);
    const to = namesOf(rule.to);
    const srcZones = [...new Set(from.map((n) => zoneOf.get(n)!))];
    const dstZones = [...new Set(to.map((n) => zoneOf.get(n)!))];
    const split = srcZones.length * dstZones.length > 1;
    for (const src of srcZones) {
      for (const dst of dstZones) {
        const policyName = split ? `${name} (${src} to ${dst})` : name;
        const ports = rule.ports ? { ports: portsText(rule.ports) } : {};
        policy(
          src,
          dst,
          policyName,
          { name: policyName, action: "ALLOW", protocol: rule.protocol, ...ports },
          from,
          to,
        );
      }
    }
  }
  for (const [src, dst] of denyPairs) {
    policy(src, dst, `deny inter-vlan ${src} ${dst}`, {
      name: `homelab deny inter-VLAN ${src} to ${dst}`,
      action: "BLOCK",
      protocol: "all",
    });
  }
  if (deny) {
    for (const entry of pairs.values()) {
      b.add({
        role: `order-${entry.src}-${entry.dst}`,
        kind: "FirewallPolicyOrder",
        spec: {
          sourceZone: zone(entry.src),
          destinationZone: zone(entry.dst),
          policies: entry.policies,
        },
      });
    }
  }
  if (publish) {
    const source = publishSources(publish, b);
    const external = zone("external");
    const internal = zone("internal");
    b.add({
      role: `policy-${slug(`allow ${publish.host} from ${publish.sourceName}`)}`,
      kind: "FirewallPolicy",
      spec: {
        name: `homelab allow ${publish.host} from ${publish.sourceName}`,
        action: "ALLOW",
        protocol: "tcp",
        sourceZone: external,
        destinationZone: internal,
        source: source ? { kind: "addressGroup", group: source } : { kind: "any" },
        destination: { kind: "addresses", addresses: [publish.address] },
        ports: portsText(publish.ports),
      },
    });
    portForwards(publish, source, b);
  }
}

/** DER prefix of a PKCS#8 X25519 private key (the 32 key bytes follow). */
const X25519_PKCS8_PREFIX = "302e020100300506032b656e04220420";

/** The public key of a WireGuard private key (base64), or undefined if it is not one. */
export function wireguardPublicKey(privateKey: string): string | undefined {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(privateKey)) return undefined;
  const raw = Buffer.from(privateKey, "base64");
  if (raw.length !== 32) return undefined;
  const der = Buffer.concat([Buffer.from(X25519_PKCS8_PREFIX, "hex"), raw]);
  const key = createPublicKey(createPrivateKey({ key: der, format: "der", type: "pkcs8" }));
  const spki = key.export({ format: "der", type: "spki" });
  return spki.subarray(spki.length - 32).toString("base64");
}

/** The firewall generation a run configures, and why (shown in plans and stack outputs). */
export interface FirewallModeDecision {
  readonly mode: FirewallMode;
  /** configured: pinned in the config; detected: asked the controller; assumed: offline guess. */
  readonly source: "configured" | "detected" | "assumed";
  /** Whether static DNS records can be created (v2 API; assumed when not detected). */
  readonly staticDns: boolean;
  /** Network application version, when detected. */
  readonly version?: string;
  /** One line for people. */
  readonly message: string;
}

const MODE_TEXT: Record<FirewallMode, string> = {
  zone: "zone-based firewall policies (Network 9+)",
  legacy: "legacy LAN_IN/WAN_IN firewall rules",
};

/**
 * Which firewall generation to configure: the configured one; for `auto`, what the
 * controller runs (`facts`, asked by a real run) or, offline, the zone-based firewall (the
 * default of current controllers), saying it is an assumption.
 */
export function decideFirewallMode(
  configured: "auto" | FirewallMode,
  facts?: {
    readonly version?: string;
    readonly zoneBasedFirewall: boolean;
    readonly staticDns: boolean;
  },
): FirewallModeDecision {
  if (configured !== "auto") {
    return {
      mode: configured,
      source: "configured",
      staticDns: facts?.staticDns ?? true,
      version: facts?.version,
      message: `UniFi firewall: ${MODE_TEXT[configured]}, as configured (homelab:unifi.firewall.mode: ${configured})`,
    };
  }
  if (!facts) {
    return {
      mode: "zone",
      source: "assumed",
      staticDns: true,
      message: `UniFi firewall: ${MODE_TEXT.zone}, ASSUMED: firewall.mode is auto and an offline plan cannot ask the controller (a real run detects it). Set homelab:unifi.firewall.mode to zone or legacy to plan exactly what will be applied`,
    };
  }
  const mode: FirewallMode = facts.zoneBasedFirewall ? "zone" : "legacy";
  const version = facts.version ? `UniFi Network ${facts.version}` : "the controller";
  return {
    mode,
    source: "detected",
    staticDns: facts.staticDns,
    version: facts.version,
    message: `UniFi firewall: ${MODE_TEXT[mode]}, detected (${version} ${facts.zoneBasedFirewall ? "runs" : "does not run"} the zone-based firewall)`,
  };
}

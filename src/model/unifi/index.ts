/**
 * The UniFi gateway of a site as a list of controller objects (pure, deterministic): VLAN
 * networks, the WireGuard server, firewall groups, the inter-VLAN policy (legacy LAN_IN
 * rules or zone-based policies), the WAN exposure of the reverse proxy, static DNS records.
 *
 * Objects refer to each other by role (`{ ref: "group-cloudflare" }`) and to secrets by name
 * (`{ secret: "wireguardPrivateKey" }`); the component turns those into Outputs.
 *
 * Inter-VLAN default deny, in both firewall generations (legacy.ts, zone.ts):
 *   1. allow established/related (first),
 *   2. the explicit allows,
 *   3. drop/block everything between the site's networks (last).
 */
import type { Problem } from "../../config/errors";
import type { UnifiConfig } from "../../config/unifi";
import type { SiteNetwork } from "../../config/networks";
import { Problems } from "../../config/problems";
import { configKey } from "../../config/stack";
import type {
  DnsRecordSpec,
  FirewallGroupSpec,
  LegacyRuleSpec,
  NetworkSpec,
  PolicySpec,
  PortForwardSpec,
  WireGuardSpec,
} from "../../devices/unifi/bodies";
import type { UnifiEndpoint } from "../../devices/connection";
import { withFormerRoles, type DevicePlan, type PlannedObject, type Ref } from "../../devices/plan";
import { formatIPv4, parsePrefix, parseRange } from "../../lib/net";
import type { PublishIntent } from "../publish";
import { Builder } from "./common";
import type { FirewallModeDecision } from "./firewall-mode";
import { legacyFirewall } from "./legacy";
import { slug } from "./names";
import { formerInputs } from "./renames";
import { zoneFirewall } from "./zone";

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

/** An internal DNS name served by the console's resolver. */
export interface DnsRecordIntent {
  /** Fully qualified name ("photos.home.arpa"). */
  readonly name: string;
  /** IPv4 address. */
  readonly address: string;
}

export interface UnifiPlanInput {
  /** The stack file label problems are reported in ("Pulumi.annex.yaml"). */
  readonly file: string;
  readonly config: UnifiConfig;
  /** The site's network namespace (prefixes of every named network). */
  readonly networks: readonly SiteNetwork[];
  readonly publish?: PublishIntent;
  /** Internal names the console's resolver serves, when the controller can. */
  readonly dnsRecords?: readonly DnsRecordIntent[];
  /** The firewall generation, decided before the model (src/components/unifi/firewall-mode.ts). */
  readonly firewall: FirewallModeDecision;
  /** PEM text of `tls.ca`, read when the site loaded. */
  readonly ca?: string;
}

export interface UnifiPlan extends DevicePlan<UnifiIntent> {
  /** How the program reaches the console. */
  readonly connection: UnifiEndpoint;
  /** Take over objects that already exist with the same name. */
  readonly adopt: boolean;
  /** The firewall generation the objects are for, and why. */
  readonly firewall: FirewallModeDecision;
  /** The gateway's networks: its VLANs and the WireGuard pool. */
  readonly networks: readonly string[];
  /** Internal names left out: the controller has no static DNS API. */
  readonly skippedDnsRecords: number;
  /**
   * What the console refuses before anything is written: a pinned firewall mode it does not
   * run, legacy rules that find no free index. With problems, the plan has no objects.
   */
  readonly problems: readonly Problem[];
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

/** How the program reaches the console (`ca`: the PEM text of tls.ca, read at load). */
export function unifiConnection(config: UnifiConfig, ca?: string): UnifiEndpoint {
  const { tls } = config;
  return {
    controller: config.controller,
    site: config.site,
    auth: config.auth,
    ...(config.username ? { username: config.username } : {}),
    tls: {
      ...(tls.fingerprint ? { fingerprint: tls.fingerprint } : {}),
      ...(tls.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
      ...(ca !== undefined ? { ca } : {}),
    },
  };
}

/** The VLAN networks and the WireGuard server; returns their references by network name. */
function planNetworks(config: UnifiConfig, b: Builder): Map<string, Ref> {
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
  return netRefs;
}

/**
 * Everything the gateway should have on the controller; objects named after something that
 * was renamed (`renamedFrom`) carry the roles they had (renames.ts).
 */
export function unifiPlan(input: UnifiPlanInput): UnifiPlan {
  const plan = currentPlan(input);
  const formers = formerInputs(input).map((former) => currentPlan(former).objects);
  return formers.length > 0 ? { ...plan, objects: withFormerRoles(plan.objects, formers) } : plan;
}

/** The gateway's plan under the names the inputs hold. */
function currentPlan(input: UnifiPlanInput): UnifiPlan {
  const { config, firewall } = input;
  const out = new Problems(input.file);
  const root = configKey("unifi");
  if (firewall.mismatch) out.add([root, "firewall", "mode"], firewall.mismatch);
  const b = new Builder();
  const netRefs = planNetworks(config, b);
  if (firewall.mode === "legacy") {
    for (const problem of legacyFirewall(input, b)) out.add([root, "firewall"], problem);
  } else zoneFirewall(input, b, netRefs);
  const records = firewall.staticDns ? (input.dnsRecords ?? []) : [];
  for (const record of records) {
    b.add({
      role: `dns-${slug(record.name)}`,
      kind: "DnsRecord",
      spec: { name: record.name, type: "A", value: record.address },
    });
  }
  return {
    connection: unifiConnection(config, input.ca),
    adopt: config.adopt,
    firewall,
    networks: [
      ...config.networks.map((n) => n.name),
      ...(config.wireguard ? [config.wireguard.name] : []),
    ],
    skippedDnsRecords: (input.dnsRecords?.length ?? 0) - records.length,
    objects: out.list.length > 0 ? [] : b.objects,
    problems: out.list,
  };
}

/**
 * The FortiGate plan (pure): every FortiOS object the edge needs, as typed CMDB specs with
 * their dependencies, from the site config, its networks and routes, the WAN publish intent
 * and the federation peerings. The component only turns it into `CmdbObject`s.
 *
 * Dependencies make Pulumi create referents first and delete referrers first (FortiOS refuses
 * to delete a referenced object, -23): interfaces → addresses → groups → routes, phase1 →
 * its tunnel interface and phase2 → prefix lists → BGP → policies. Each step is a file of
 * this folder; they share one context (src/model/fortigate/context.ts).
 */
import type { Problem } from "../../config/errors";
import type { FortigateConfig } from "../../config/fortigate";
import type { SiteNetwork } from "../../config/networks";
import type { FortigateEndpoint } from "../../devices/connection";
import type { DeviceCheckSpec } from "../../devices/fortios/checks";
import type { CmdbSpec } from "../../devices/fortios/tables";
import type { DevicePlan, PlannedObject } from "../../devices/plan";
import type { Peering } from "../federation";
import type { InternalResolver, InternalZone } from "../internal-dns";
import type { PublishIntent } from "../publish";
import type { RouteIntent } from "../routes";
import { planBgp } from "./bgp";
import { FortigateContext } from "./context";
import { planDhcp } from "./dhcp";
import { planDns } from "./dns";
import { dialupDnsProblems, planDialup } from "./dialup";
import { planFederation, shadowProblems } from "./federation";
import { planInterfaces, planDeviceCheck } from "./interfaces";
import { planInternet } from "./internet";
import { planTunnels } from "./ipsec";
import { planPolicies } from "./policies";
import { planPublish } from "./publish";
import { reachProblems } from "./reach";
import { planRoutes } from "./routes";
import { FortigateTopology } from "./topology";

/** What the FortiGate plan reads of a federation peering (src/model/federation.ts). */
export type PeeringIntent = Pick<
  Peering,
  | "peer"
  | "peerName"
  | "interfaceName"
  | "localAddress"
  | "remoteAddress"
  | "prefixLength"
  | "localEndpoint"
  | "remoteGateway"
  | "ike"
  | "ipsec"
  | "localAsn"
  | "remoteAsn"
  | "localRouterId"
  | "acceptPrefixes"
  | "announcePrefixes"
  | "bgp"
  | "pskSecret"
>;

export interface FortigatePlanInput {
  /** The stack file label problems are reported in ("Pulumi.home.yaml"). */
  readonly file: string;
  readonly config: FortigateConfig;
  /** Every network of the site (src/config/networks.ts). */
  readonly networks: readonly SiteNetwork[];
  /** Routes the site needs (the Proxmox SDN subnet via its node). */
  readonly siteRoutes: readonly RouteIntent[];
  /** The reverse proxy to publish on the WAN. */
  readonly publish?: PublishIntent;
  /** This site's federation membership: its AS, router id and one peering per peer. */
  readonly federation?: {
    readonly asn: number;
    readonly routerId: string;
    readonly peerings: readonly PeeringIntent[];
  };
  /** PEM text of `tls.ca`, read when the site loaded. */
  readonly ca?: string;
  /** The internal names, when the FortiGate serves them (src/model/internal-dns.ts). */
  readonly dns?: InternalZone;
  /** Who answers for the internal domain, handed to the dial-up clients (src/model/fortigate/dialup.ts). */
  readonly names?: SiteNames;
}

/** The site's internal domain and who serves it (src/model/internal-dns.ts). */
export interface SiteNames {
  readonly domain: string;
  readonly resolver: InternalResolver;
  /** Pi-hole's IPv4 address, when it is the resolver and has one. */
  readonly pihole?: string;
}

/**
 * One object of the plan: a FortiOS `CmdbObject`, after the objects its body names; or the
 * `DeviceCheck` that reads the device before anything is written (every object comes
 * after it).
 */
export type FortigateObject =
  PlannedObject<"CmdbObject", CmdbSpec> | PlannedObject<"DeviceCheck", DeviceCheckSpec>;

export interface FortigatePlan extends DevicePlan<FortigateObject> {
  /** How the program reaches the FortiGate. */
  readonly connection: FortigateEndpoint;
  /** Take over objects that already exist on the device (PUT instead of failing on create). */
  readonly adopt: boolean;
  /** Tunnel (phase1) interfaces of the federation peerings. */
  readonly tunnels: readonly string[];
  /**
   * What the FortiGate cannot reach (a route's gateway, a network a policy names, the
   * published proxy). The plan has no object when there is any.
   */
  readonly problems: readonly Problem[];
}

/** How the program reaches the FortiGate (`ca`: the PEM text of tls.ca, read at load). */
export function fortigateConnection(config: FortigateConfig, ca?: string): FortigateEndpoint {
  return {
    host: config.host,
    port: config.port,
    vdom: config.vdom,
    tls: {
      ...(ca !== undefined ? { ca } : {}),
      ...(config.tls.fingerprint !== undefined ? { fingerprint: config.tls.fingerprint } : {}),
      insecureSkipVerify: config.tls.insecureSkipVerify,
    },
  };
}

export function planFortigate(input: FortigatePlanInput): FortigatePlan {
  const device = {
    connection: fortigateConnection(input.config, input.ca),
    adopt: input.config.adopt,
    tunnels: (input.federation?.peerings ?? []).map((p) => p.interfaceName),
  };
  const topology = new FortigateTopology(input.config, input.siteRoutes);
  const problems = [
    ...reachProblems(input, topology),
    ...shadowProblems(input),
    ...dialupDnsProblems(input, topology),
  ];
  if (problems.length > 0) return { ...device, objects: [], problems };
  const ctx = new FortigateContext(input, topology);
  planDeviceCheck(ctx);
  planInterfaces(ctx);
  planDhcp(ctx);
  planDns(ctx);
  planFederation(ctx);
  planBgp(ctx);
  planTunnels(ctx);
  planRoutes(ctx);
  planDialup(ctx);
  planPublish(ctx);
  planInternet(ctx);
  planPolicies(ctx);
  return { ...device, objects: ctx.objects, problems };
}

/** A FortiOS object of the plan (not the device check). */
export type FortigateCmdbObject = Extract<FortigateObject, { kind: "CmdbObject" }>;

/** The plan's FortiOS objects, in order, without the device check. */
export function cmdbObjects(plan: Pick<FortigatePlan, "objects">): FortigateCmdbObject[] {
  return plan.objects.filter((o): o is FortigateCmdbObject => o.kind === "CmdbObject");
}

/** The PSK secret names the plan uses (for cross-checks with requiredSecrets()). */
export function planSecrets(plan: FortigatePlan): string[] {
  const found = new Set<string>();
  for (const object of plan.objects) {
    if (object.kind !== "CmdbObject") continue;
    for (const value of Object.values(object.spec.body as Record<string, unknown>)) {
      if (value !== null && typeof value === "object" && "$secret" in value)
        found.add((value as { $secret: string }).$secret);
    }
  }
  return [...found].sort();
}

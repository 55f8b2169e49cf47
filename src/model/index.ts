/**
 * The resolved model of a site: everything components need, computed without Pulumi,
 * deterministically (same config and registry → same model). Each domain adds its part,
 * and the problems only its derivation can see.
 */
import type { Problem } from "../config/errors";
import type { LoadedSite } from "../config/load";
import type { SecretRequirement } from "../config/secrets";
import type { SiteConfig } from "../config/stack";
import type { Member, Registry } from "../config/federation";
import { derivePeerings, type Peering } from "./federation";
import { planAddresses, type AddressPlan } from "./address-plan";
import { dockerHosts, type DockerHost } from "./hosts";
import { siteNetworks, type SiteNetwork } from "../config/networks";
import { planProxmox, type ProxmoxPlan } from "./proxmox-plan";
import { proxyPublish, type PublishIntent } from "./publish";
import { sdnRoutes, type RouteIntent } from "./routes";
import { servicesModel, type ServicesModel } from "./services";
import { edgePlans } from "./edge";
import { internalResolver, internalZone, piholeAddress, resolverProblems } from "./internal-dns";
import type { FortigatePlan } from "./fortigate";
import type { UnifiPlan } from "./unifi";
import type { FirewallModeDecision } from "./unifi/firewall-mode";

export interface SiteModel {
  /** Pulumi stack name. */
  readonly stack: string;
  readonly config: SiteConfig;
  /** Every network of the site, by name. */
  readonly networks: readonly SiteNetwork[];
  readonly registry?: Registry;
  /** Federation peers (member ids). */
  readonly peers: readonly string[];
  /**
   * This site's federation membership: its registry entry and one peering per peer, sorted
   * by peer id (both ends of each come from the same registry entry).
   */
  readonly federation?: { readonly member: Member; readonly peerings: Peering[] };
  /** Secrets the components read. */
  readonly secrets: readonly SecretRequirement[];
  /** Addresses of every Proxmox guest NIC. */
  readonly addresses: AddressPlan;
  /** What the Proxmox component creates (when the site declares `homelab:proxmox`). */
  readonly proxmox?: ProxmoxPlan;
  /** Docker hosts (site hosts and Proxmox guests with docker). */
  readonly dockerHosts: readonly DockerHost[];
  /** Routes the edge router installs (e.g. to routed SDN subnets). */
  readonly routes: readonly RouteIntent[];
  /** What the edge router exposes on the WAN (the reverse proxy), if anything. */
  readonly publish?: PublishIntent;
  /**
   * Docker services, the reverse proxy, SSO and public DNS (when the site declares any).
   * `internalRecords` are the site's internal names; the UniFi gateway serves them as static
   * DNS entries, and on a site with Pi-hole, Pi-hole does.
   */
  readonly services?: ServicesModel;
  /** The FortiGate's objects and how to reach it (when the site declares homelab:fortigate). */
  readonly fortigate?: FortigatePlan;
  /** The UniFi gateway's objects and how to reach it (when the site declares homelab:unifi). */
  readonly unifi?: UnifiPlan;
}

export interface BuildOptions {
  /**
   * The UniFi gateway's firewall generation, resolved by the program before the model
   * (src/components/unifi/firewall-mode.ts): it decides which objects there are.
   * @default the configured mode; for auto, the offline assumption
   */
  readonly unifiFirewall?: FirewallModeDecision;
}

/** The model, and the problems its derivations found (positions are the caller's job). */
export interface BuiltModel {
  readonly model: SiteModel;
  readonly problems: readonly Problem[];
}

/** Prefixes of the federation peers of this site. */
export function federationPrefixes(loaded: Pick<LoadedSite, "registry" | "peers">): string[] {
  return (loaded.registry?.members ?? [])
    .filter((m) => loaded.peers.includes(m.id))
    .flatMap((m) => m.prefixes);
}

/**
 * The model of a site whose configuration rules passed (`checkSite(...).derivable`): every
 * derivation once, each returning its own problems of the stack file.
 */
export function buildModel(loaded: LoadedSite, options: BuildOptions = {}): BuiltModel {
  const config = loaded.config;
  const addresses = planAddresses(config.proxmox, loaded.file);
  const proxmox =
    config.proxmox && planProxmox(config.proxmox, addresses, loaded.file, config.site);
  const hosts = dockerHosts(config, addresses);
  const networks = siteNetworks(config);
  const hasServices =
    config.services.length > 0 || config.proxy !== undefined || config.sso !== undefined;
  const services = hasServices
    ? servicesModel({
        config,
        hosts,
        networks,
        federationPrefixes: federationPrefixes(loaded),
        file: loaded.file,
      })
    : undefined;
  const publish = proxyPublish(config, hosts, networks);
  const routes = sdnRoutes(config);
  const federation =
    loaded.registry && loaded.member
      ? { member: loaded.member, peerings: derivePeerings(loaded.registry, loaded.member.id) }
      : undefined;
  const resolver = internalResolver(config);
  const edge = edgePlans(loaded, {
    networks,
    routes,
    publish,
    federation,
    internalRecords: services?.internalRecords ?? [],
    internalZone:
      resolver === "fortigate"
        ? internalZone(config, services?.internalRecords ?? [], addresses)
        : undefined,
    names: {
      domain: config.site.domains.internal,
      resolver,
      ...(resolver === "pihole" ? { pihole: piholeAddress(config, hosts) } : {}),
    },
    unifiFirewall: options.unifiFirewall,
  });
  const model: SiteModel = {
    services,
    addresses,
    proxmox: proxmox?.plan,
    dockerHosts: hosts,
    publish,
    routes,
    ...edge,
    stack: loaded.stack,
    config,
    networks,
    registry: loaded.registry,
    peers: loaded.peers,
    federation,
    secrets: loaded.secrets,
  };
  return {
    model,
    problems: [
      ...addresses.problems,
      ...(proxmox?.problems ?? []),
      ...(edge.fortigate?.problems ?? []),
      ...(edge.unifi?.problems ?? []),
      ...(services?.problems ?? []),
      ...resolverProblems(config, services?.internalRecords ?? [], loaded.file),
    ],
  };
}

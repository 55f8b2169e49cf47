/**
 * The resolved model of a site: everything components need, computed without Pulumi,
 * deterministically (same config and registry → same model). Each domain adds its part.
 */
import type { LoadedSite } from "../config/load";
import type { SecretRequirement } from "../config/secrets";
import type { SiteConfig } from "../config/stack";
import type { Member, Registry } from "../config/federation";
import type { Peering } from "./federation";
import { planAddresses, type AddressPlan } from "./address-plan";
import { dockerHosts, type DockerHost } from "./hosts";
import { siteNetworks, type SiteNetwork } from "../config/networks";
import { proxyPublish, type PublishIntent } from "./publish";
import { sdnRoutes, type RouteIntent } from "./routes";
import { servicesModel, type ServicesModel } from "./services";

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
}

/** Prefixes of the federation peers of this site. */
export function federationPrefixes(loaded: Pick<LoadedSite, "registry" | "peers">): string[] {
  return (loaded.registry?.members ?? [])
    .filter((m) => loaded.peers.includes(m.id))
    .flatMap((m) => m.prefixes);
}

export function buildModel(loaded: LoadedSite): SiteModel {
  const addresses = planAddresses(loaded.config.proxmox);
  const hosts = dockerHosts(loaded.config, addresses);
  const networks = siteNetworks(loaded.config);
  const config = loaded.config;
  const hasServices =
    config.services.length > 0 || config.proxy !== undefined || config.sso !== undefined;
  return {
    services: hasServices
      ? servicesModel({
          config,
          hosts,
          networks,
          federationPrefixes: federationPrefixes(loaded),
          file: loaded.file,
        })
      : undefined,
    addresses,
    dockerHosts: hosts,
    publish: proxyPublish(loaded.config, hosts, networks),
    routes: sdnRoutes(loaded.config),
    stack: loaded.stack,
    config: loaded.config,
    networks,
    registry: loaded.registry,
    peers: loaded.peers,
    federation: loaded.federation && {
      member: loaded.federation.member,
      peerings: [...loaded.federation.peerings],
    },
    secrets: loaded.secrets,
  };
}

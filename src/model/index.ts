/**
 * The resolved model of a site: everything components need, computed without Pulumi,
 * deterministically (same config and registry → same model). Each domain adds its part.
 */
import type { LoadedSite } from "../config/load";
import type { SecretRequirement } from "../config/secrets";
import type { SiteConfig } from "../config/stack";
import type { Registry } from "../config/federation";
import { siteNetworks, type SiteNetwork } from "./networks";

export interface SiteModel {
  /** Pulumi stack name. */
  readonly stack: string;
  readonly config: SiteConfig;
  /** Every network of the site, by name. */
  readonly networks: readonly SiteNetwork[];
  readonly registry?: Registry;
  /** Federation peers (member ids). */
  readonly peers: readonly string[];
  /** Secrets the components read. */
  readonly secrets: readonly SecretRequirement[];
}

export function buildModel(loaded: LoadedSite): SiteModel {
  return {
    stack: loaded.stack,
    config: loaded.config,
    networks: siteNetworks(loaded.config),
    registry: loaded.registry,
    peers: loaded.peers,
    secrets: loaded.secrets,
  };
}

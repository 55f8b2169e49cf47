/**
 * The edge router's part of the model: the FortiGate plan or the UniFi gateway plan, each
 * with how to reach the device (the CA read at load), from what the rest of the model
 * derived (networks, routes, the WAN publish, internal names).
 */
import type { Member } from "../config/federation";
import type { LoadedSite } from "../config/load";
import type { Peering } from "./federation";
import type { SiteNetwork } from "../config/networks";
import { fortigateWithRoutedVnets, unifiWithRoutedVnets } from "./sdn-edge";
import { planFortigate, type FortigatePlan, type SiteNames } from "./fortigate";
import type { InternalZone } from "./internal-dns";
import type { PublishIntent } from "./publish";
import type { RouteIntent } from "./routes";
import { unifiPlan, type DnsRecordIntent, type UnifiPlan } from "./unifi";
import { decideFirewallMode, type FirewallModeDecision } from "./unifi/firewall-mode";

/** What the edge plans take from the rest of the model. */
export interface EdgeInputs {
  readonly networks: readonly SiteNetwork[];
  readonly routes: readonly RouteIntent[];
  readonly publish?: PublishIntent;
  /** The site's internal names (the UniFi console serves them). */
  readonly internalRecords: readonly DnsRecordIntent[];
  /** The zone the FortiGate serves, when it is the site's resolver. */
  readonly internalZone?: InternalZone;
  /** The internal domain and who serves it (the FortiGate's dial-up clients are told). */
  readonly names?: SiteNames;
  /** This site's federation membership and its peerings (derived from the registry). */
  readonly federation?: { readonly member: Member; readonly peerings: readonly Peering[] };
  /** The UniFi firewall generation resolved by the program (default: configured/assumed). */
  readonly unifiFirewall?: FirewallModeDecision;
}

export function edgePlans(
  loaded: LoadedSite,
  inputs: EdgeInputs,
): { fortigate?: FortigatePlan; unifi?: UnifiPlan } {
  const { config } = loaded;
  const member = inputs.federation?.member;
  const fortigate =
    config.fortigate &&
    planFortigate({
      file: loaded.file,
      config: fortigateWithRoutedVnets(config) ?? config.fortigate,
      networks: inputs.networks,
      siteRoutes: inputs.routes,
      publish: inputs.publish,
      federation: member && {
        asn: member.asn,
        routerId: member.routerId,
        peerings: inputs.federation?.peerings ?? [],
      },
      ca: loaded.certificates.fortigate,
      dns: inputs.internalZone,
      ...(inputs.names ? { names: inputs.names } : {}),
    });
  const unifi =
    config.unifi &&
    unifiPlan({
      file: loaded.file,
      config: unifiWithRoutedVnets(config) ?? config.unifi,
      networks: inputs.networks,
      publish: inputs.publish,
      dnsRecords: config.site.domains.internalResolver === "external" ? [] : inputs.internalRecords,
      firewall: inputs.unifiFirewall ?? decideFirewallMode(config.unifi.firewall.mode),
      ca: loaded.certificates.unifi,
    });
  return { fortigate, unifi };
}

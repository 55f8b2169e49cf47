/**
 * Who answers for the site's internal names (`*.home.arpa`), and the zone the edge router
 * serves when it is the one (pure). With `homelab:site.domains.internalResolver: site` (the
 * default), Pi-hole serves them when a service runs it (its local DNS records), else the
 * edge router: the UniFi console as static DNS records, the FortiGate from a DNS database
 * (src/model/fortigate/dns.ts). A site with internal names and none of them is refused:
 * nothing would answer. With `external`, a DNS server the project does not manage does.
 */
import type { Problem } from "../config/errors";
import { Problems } from "../config/problems";
import { configKey, type SiteConfig } from "../config/stack";
import type { AddressPlan } from "./address-plan";
import type { DockerHost } from "./hosts";
import type { InternalRecord } from "./services";

/** Who serves the internal names. */
export type InternalResolver = "pihole" | "fortigate" | "unifi" | "external" | "none";

/** The FortiGate's zone: the internal domain and its A records, by name relative to it. */
export interface InternalZone {
  readonly domain: string;
  readonly records: readonly { readonly hostname: string; readonly address: string }[];
}

/** The app id of Pi-hole in the catalog. */
const PIHOLE_APP = "pihole";

export function internalResolver(config: SiteConfig): InternalResolver {
  if (config.site.domains.internalResolver === "external") return "external";
  if (config.services.some((s) => s.app === PIHOLE_APP)) return "pihole";
  if (config.fortigate) return "fortigate";
  if (config.unifi) return "unifi";
  return "none";
}

/**
 * The address Pi-hole answers at: the Docker host of its DNS part (`server`, which publishes
 * port 53 on the host), when the site runs one on a host with a known IPv4 address (a host
 * given by DNS name has none the FortiGate could hand out).
 */
export function piholeAddress(
  config: SiteConfig,
  hosts: readonly Pick<DockerHost, "name" | "address">[],
): string | undefined {
  const service = config.services.find((s) => s.app === PIHOLE_APP);
  if (!service) return undefined;
  const host = service.placement?.["server"] ?? service.host;
  const address = hosts.find((h) => h.name === host)?.address;
  return address !== undefined && /^\d+\.\d+\.\d+\.\d+$/.test(address) ? address : undefined;
}

/**
 * The zone the FortiGate serves: the services' internal names (to the proxy), then the
 * Proxmox nodes, the guests (their first planned address) and the site's hosts by their
 * names, each name once (a service's name wins), only names inside the internal domain.
 */
export function internalZone(
  config: SiteConfig,
  internalRecords: readonly InternalRecord[],
  addresses: AddressPlan,
): InternalZone {
  const domain = config.site.domains.internal;
  const byName = new Map<string, string>();
  const add = (hostname: string, address: string | undefined) => {
    if (address !== undefined && !byName.has(hostname)) byName.set(hostname, address);
  };
  for (const record of internalRecords) {
    if (record.name.endsWith(`.${domain}`))
      add(record.name.slice(0, -(domain.length + 1)), record.address);
  }
  for (const node of config.proxmox?.nodes ?? []) add(node.name, node.address);
  for (const nic of addresses.nics) add(nic.guest, nic.address);
  for (const host of config.hosts) {
    if (/^\d+\.\d+\.\d+\.\d+$/.test(host.address)) add(host.name, host.address);
  }
  return {
    domain,
    records: [...byName].map(([hostname, address]) => ({ hostname, address })),
  };
}

/** A site with internal names that nothing serves is refused. */
export function resolverProblems(
  config: SiteConfig,
  internalRecords: readonly InternalRecord[],
  file: string,
): Problem[] {
  const out = new Problems(file);
  if (internalRecords.length === 0 || internalResolver(config) !== "none") return out.list;
  const names = internalRecords.map((r) => r.name);
  const shown = names.slice(0, 3).join(", ") + (names.length > 3 ? `, … (${names.length})` : "");
  out.add(
    [configKey("site"), "domains", "internal"],
    `nothing serves the internal names (${shown}): the site runs no Pi-hole and has no edge router this project manages (homelab:fortigate serves them from its DNS database, homelab:unifi as static DNS records). Add a pihole service, declare the edge router, or set domains.internalResolver: external if a DNS server of your own answers for ${config.site.domains.internal}`,
  );
  return out.list;
}

/**
 * The rules across sections of one site, run once every section passed its schema (and its
 * own rules): the network namespace (names unique across every section that declares a
 * network, no overlapping subnets) and the names one section uses that another declares.
 * Each section's own references are written next to its rules (edge.references.ts,
 * services.rules.ts) and run from here. Rules within one section are refinements of its
 * schema; rules that need a derivation live in that derivation (src/model/).
 */
import type { PathSegment, Problem } from "./errors";
import { Problems, unknownReference, type ProblemSink } from "./problems";
import { configKey, type SiteConfig } from "./stack";
import { containsAddress, formatPrefix, overlaps, parseIPv4 } from "../lib/net";
import { checkOneEdge, fortigateReferences, unifiReferences } from "./edge.references";
import { proxmoxReferences } from "./proxmox.references";
import { checkCatalogReferences, checkServiceReferences } from "./services.rules";
import {
  BUILTIN_NETWORKS,
  INTERNAL_KINDS,
  networkNames,
  siteNetworks,
  type SiteNetwork,
} from "./networks";

/**
 * Every problem between the sections of the site. What the services' exposures need from
 * the proxy, SSO and the domains is checked only on an otherwise consistent site: on a
 * broken one it would only repeat the first problem in other words.
 */
export function referenceProblems(config: SiteConfig, file: string): Problem[] {
  const out = new Problems(file);
  const networks = siteNetworks(config);
  const names = networkNames(networks);
  checkNetworkNames(networks, out);
  checkOverlaps(networks, out);
  checkHostNetworks(config, networks, out);
  fortigateReferences(config, out, names);
  unifiReferences(config, out, names);
  checkServiceReferences(config, out, names);
  if (out.list.length === 0) checkCatalogReferences(config, out);
  checkOneEdge(config, out);
  proxmoxReferences(config, out);
  return out.list;
}

/** `homelab:proxmox.sdn.zones[0]` */
function formatPathShort(path: readonly PathSegment[]): string {
  return path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

/** Network names are unique across the whole site, and none is a built-in. */
function checkNetworkNames(networks: readonly SiteNetwork[], out: ProblemSink): void {
  const seen = new Map<string, readonly PathSegment[]>();
  for (const network of networks) {
    const builtin = (BUILTIN_NETWORKS as readonly string[]).includes(network.name);
    if (builtin) {
      out.add(
        network.source,
        `"${network.name}" is a reserved network name (${BUILTIN_NETWORKS.join(", ")}): rename this network`,
      );
      continue;
    }
    const earlier = seen.get(network.name);
    if (earlier) {
      out.add(
        network.source,
        `network name "${network.name}" is already used by ${formatPathShort(earlier)}: network names are unique across the site`,
      );
    } else seen.set(network.name, network.source);
  }
}

/** No overlapping subnets among networks the site routes, nor between them and external ones. */
function checkOverlaps(networks: readonly SiteNetwork[], out: ProblemSink): void {
  for (let i = 0; i < networks.length; i++) {
    for (let j = i + 1; j < networks.length; j++) {
      const a = networks[i]!;
      const b = networks[j]!;
      const aInternal = INTERNAL_KINDS.has(a.kind);
      const bInternal = INTERNAL_KINDS.has(b.kind);
      if (!aInternal && !bInternal) continue;
      if (a.kind === "remote" || b.kind === "remote") {
        if (!(aInternal || bInternal)) continue;
      }
      for (const pa of a.prefixes) {
        for (const pb of b.prefixes) {
          if (overlaps(pa, pb)) {
            out.add(
              b.source,
              `${formatPrefix(pb)} (network "${b.name}") overlaps ${formatPrefix(pa)} (network "${a.name}", ${formatPathShort(a.source)}): subnets of a site must not overlap`,
            );
          }
        }
      }
    }
  }
}

/** A host's network is a network of the site, and its address lies inside it. */
function checkHostNetworks(
  config: SiteConfig,
  networks: readonly SiteNetwork[],
  out: ProblemSink,
): void {
  config.hosts.forEach((host, i) => {
    if (!host.network) return;
    const names = networkNames(networks);
    if (!names.includes(host.network)) {
      out.add([configKey("hosts"), i, "network"], unknownReference("network", host.network, names));
      return;
    }
    const network = networks.find((n) => n.name === host.network);
    const address = parseIPv4(host.address);
    if (
      network &&
      address !== undefined &&
      !network.prefixes.some((p) => containsAddress(p, address))
    ) {
      out.add(
        [configKey("hosts"), i, "address"],
        `${host.address} is not inside network "${host.network}" (${network.prefixes.map(formatPrefix).join(", ")})`,
      );
    }
  });
}

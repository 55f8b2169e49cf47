/**
 * The rules across sections of one site: the network namespace (names unique across every
 * section that declares a network, no overlapping subnets) and the names one section uses
 * that another declares. Each section's own references are written next to its rules
 * (edge.references.ts, services.rules.ts) and listed here, each with the sections it reads:
 * a rule runs as soon as those sections are well-formed, so a broken section hides only the
 * rules that read it (they would report misleading "unknown references" into it), and one
 * run reports the schema problems of the broken sections with the references among the
 * others. Rules within one section are refinements of its schema; rules that need a
 * derivation live in that derivation (src/model/).
 */
import type { PathSegment, Problem } from "./errors";
import { Problems, unknownReference, type ProblemSink } from "./problems";
import { configKey, type SectionName, type SiteConfig } from "./stack";
import { containsAddress, formatPrefix, overlaps, parseIPv4 } from "../lib/net";
import { checkOneEdge, fortigateReferences, unifiReferences } from "./edge.references";
import { proxmoxReferences } from "./proxmox.references";
import { checkRenames } from "./renames.rules";
import { sdnEdgeReferences } from "./sdn.references";
import { checkCatalogReferences, checkServiceHosts, checkServiceNetworks } from "./services.rules";
import {
  BUILTIN_NETWORKS,
  INTERNAL_KINDS,
  networkNames,
  siteNetworks,
  type SiteNetwork,
} from "./networks";

/** The sections that declare networks: what `siteNetworks` (the namespace) reads. */
export const NAMESPACE_SECTIONS = [
  "networks",
  "fortigate",
  "proxmox",
  "unifi",
] as const satisfies readonly SectionName[];

/** One rule across sections and the `homelab:*` sections it reads. */
export interface CrossSectionRule {
  readonly name: string;
  /** Every section the rule reads (absent ones are fine: they read as their defaults). */
  readonly reads: readonly SectionName[];
  /**
   * Runs only when the rules before it reported nothing: on a site with other reference
   * problems it would only repeat the first one in other words.
   */
  readonly whenClean?: boolean;
  readonly check: (config: SiteConfig, out: Problems) => void;
}

/** The site's network names (its namespace and the built-ins). */
const namesOf = (config: SiteConfig) => networkNames(siteNetworks(config));

/** Every rule across sections, in the order they report. */
export const CROSS_SECTION_RULES: readonly CrossSectionRule[] = [
  {
    name: "network names",
    reads: NAMESPACE_SECTIONS,
    check: (config, out) => checkNetworkNames(siteNetworks(config), out),
  },
  {
    name: "overlapping subnets",
    reads: NAMESPACE_SECTIONS,
    check: (config, out) => checkOverlaps(siteNetworks(config), out),
  },
  {
    name: "host networks",
    reads: ["hosts", ...NAMESPACE_SECTIONS],
    check: (config, out) => checkHostNetworks(config, siteNetworks(config), out),
  },
  {
    name: "FortiGate references",
    reads: ["federation", ...NAMESPACE_SECTIONS],
    check: (config, out) => fortigateReferences(config, out, namesOf(config)),
  },
  {
    name: "UniFi references",
    reads: NAMESPACE_SECTIONS,
    check: (config, out) => unifiReferences(config, out, namesOf(config)),
  },
  {
    name: "Docker hosts of services, proxy and SSO",
    reads: ["site", "hosts", "proxmox", "services", "proxy", "sso"],
    check: checkServiceHosts,
  },
  {
    name: "networks of exposures and proxy sources",
    reads: ["federation", "services", "proxy", ...NAMESPACE_SECTIONS],
    check: (config, out) => checkServiceNetworks(config, out, namesOf(config)),
  },
  {
    name: "what exposures need from the site",
    reads: ["site", "services", "proxy", "sso", "cloudflare"],
    whenClean: true,
    check: checkCatalogReferences,
  },
  { name: "one edge router", reads: ["fortigate", "unifi"], check: checkOneEdge },
  { name: "Docker host guests' SSH keys", reads: ["site", "proxmox"], check: proxmoxReferences },
  {
    name: "former names",
    reads: ["services", "hosts", ...NAMESPACE_SECTIONS],
    check: checkRenames,
  },
  {
    name: "vnets routed by the edge router",
    reads: ["proxmox", "fortigate", "unifi"],
    check: sdnEdgeReferences,
  },
];

/**
 * Every problem between the sections of the site that `wellFormed` admits (by default all):
 * each rule runs when every section it reads is well-formed, and is skipped otherwise.
 * `config` holds the well-formed sections; a broken one reads as absent.
 */
export function referenceProblems(
  config: SiteConfig,
  file: string,
  wellFormed: (section: SectionName) => boolean = () => true,
): Problem[] {
  const out = new Problems(file);
  for (const rule of CROSS_SECTION_RULES) {
    if (!rule.reads.every(wellFormed)) continue;
    if (rule.whenClean && out.list.length > 0) continue;
    rule.check(config, out);
  }
  return out.list;
}

/** `homelab:proxmox.sdn.zones[0]` */
function formatPathShort(path: readonly PathSegment[]): string {
  return path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

/**
 * The usual reason a vnet and an edge network collide: a vlan zone's vnet the edge router
 * routes, declared twice.
 */
function routedHint(a: SiteNetwork, b: SiteNetwork, samePrefix = true): string {
  const vlanVnet = (n: SiteNetwork) => n.kind === "sdn" && n.vlan !== undefined;
  const edge = (n: SiteNetwork) =>
    n.source[0] === configKey("fortigate") || n.source[0] === configKey("unifi");
  const pair = (vlanVnet(a) && edge(b)) || (vlanVnet(b) && edge(a));
  return pair && samePrefix
    ? `. If the edge router routes this vlan-zone vnet, they are one network: give the vnet routedBy: edge, and either remove the router's declaration (it is derived from the vnet) or give it the vnet's name (it is cross-checked) (docs/proxmox.md, "VLANs routed by the edge router")`
    : "";
}

/** Network names are unique across the whole site, and none is a built-in. */
function checkNetworkNames(networks: readonly SiteNetwork[], out: ProblemSink): void {
  const seen = new Map<string, SiteNetwork>();
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
        `network name "${network.name}" is already used by ${formatPathShort(earlier.source)}: network names are unique across the site${routedHint(network, earlier)}`,
      );
    } else seen.set(network.name, network);
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
              `${formatPrefix(pb)} (network "${b.name}") overlaps ${formatPrefix(pa)} (network "${a.name}", ${formatPathShort(a.source)}): subnets of a site must not overlap${routedHint(a, b, formatPrefix(pa) === formatPrefix(pb))}`,
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

/**
 * The diagrams' graph model (pure, deterministic): nodes, edges, and groups (a node whose
 * children point to it with `parent`), built from a site's model (the site view, in
 * site-graph.ts) or from the federation registry (the federation view). The Mermaid renderer
 * prints it; the SVG renderer prints its layout (layout.ts).
 */
import type { Registry } from "../config/federation";
import type { SiteNetwork } from "../config/networks";
import { formatIPv4, formatPrefix, maskOf, parseIPv4, parsePrefix } from "../lib/net";
import { peersOf } from "../model/federation";
import { Builder } from "./builder";

export { shorten } from "./builder";
export { exposureLine, siteDiagram } from "./site-graph";

export type NodeKind =
  /** The outside world (and the public DNS zone). */
  | "internet"
  /** The edge router (FortiGate or UniFi gateway). */
  | "router"
  | "network"
  /** Another member's network behind the federation tunnels. */
  | "federation"
  /** The Proxmox cluster (a group of nodes). */
  | "cluster"
  /** A Proxmox node (a group of guests). */
  | "pve-node"
  | "guest"
  /** A machine outside Proxmox. */
  | "host"
  | "service"
  /** A federation member (federation view). */
  | "member";

/**
 * Marks renderers style: `off` (a powered-off node), `public`/`internal`/`restricted`/`sso`
 * (how a service is exposed), `infra` (the proxy, CrowdSec, SSO), `highlight` (this site in
 * the federation view), `external`/`remote`/`vpn`/`sdn`/`vlan`/`lan`/`wan`/`other`
 * (a network's kind).
 */
export type Tag =
  | "off"
  | "public"
  | "internal"
  | "restricted"
  | "sso"
  | "private"
  | "infra"
  | "highlight"
  | SiteNetwork["kind"];

export interface DiagramNode {
  /** Unique within the diagram: letters, digits and underscores. */
  readonly id: string;
  readonly kind: NodeKind;
  readonly label: string;
  /** Extra lines under the label. */
  readonly details: readonly string[];
  /** The group (node) this node is drawn inside. */
  readonly parent?: string;
  readonly tags: readonly Tag[];
}

export type EdgeKind =
  /** Plugged into a network (an interface, a NIC), labelled with the address. */
  | "attach"
  /** The router reaches a network through a static route. */
  | "route"
  /** The router's WAN side. */
  | "uplink"
  /** A WAN exposure (port forward) to the reverse proxy. */
  | "publish"
  /** An IPsec tunnel (federation, site-to-site). */
  | "tunnel"
  /** A part of a service running on another host. */
  | "placement";

export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  readonly label?: string;
  readonly tags: readonly Tag[];
}

export interface Diagram {
  readonly view: "site" | "federation";
  readonly title: string;
  /** In drawing order: a group comes before its children. */
  readonly nodes: readonly DiagramNode[];
  readonly edges: readonly DiagramEdge[];
}

/** Children of a node (or the top-level nodes, for undefined), in diagram order. */
export function childrenOf(diagram: Diagram, parent: string | undefined): DiagramNode[] {
  return diagram.nodes.filter((n) => n.parent === parent);
}

/** The part of a derived peering the federation view labels its tunnels with. */
export interface TunnelInfo {
  readonly peer: string;
  readonly localAddress: string;
  readonly prefixLength: number;
  readonly interfaceName?: string;
}

/** "172.31.254.0/31" from one end's address and the prefix length. */
export function tunnelPrefix(tunnel: TunnelInfo): string | undefined {
  const address = parseIPv4(tunnel.localAddress);
  if (address === undefined) return undefined;
  const network = (address & maskOf(tunnel.prefixLength)) >>> 0;
  const parsed = parsePrefix(`${formatIPv4(network)}/${tunnel.prefixLength}`);
  return parsed ? formatPrefix(parsed.prefix) : undefined;
}

/**
 * The federation view: every member with its AS number, prefixes and edge kind, a tunnel for
 * every peering of the topology (labelled with its /31 when `tunnelsOf` can tell), and this
 * site's member highlighted with its tunnels.
 */
export function federationDiagram(
  registry: Registry,
  options: {
    /** This site's member id (highlighted). */
    readonly member?: string;
    /** The derived tunnels of a member, when the derivation is available. */
    readonly tunnelsOf?: (member: string) => readonly TunnelInfo[] | undefined;
  } = {},
): Diagram {
  const b = new Builder();
  const members = [...registry.members].sort((x, y) => x.id.localeCompare(y.id));
  for (const m of members) {
    const self = m.id === options.member;
    b.node(`member:${m.id}`, "member", `${m.name} (${m.id})`, {
      details: [
        `AS${m.asn} · ${m.edge}${self ? " · this site" : ""}`,
        ...m.prefixes,
        `endpoint ${m.endpoint}`,
      ],
      tags: self ? ["highlight"] : [],
    });
  }
  const seen = new Set<string>();
  for (const m of members) {
    for (const peer of peersOf(registry, m.id)) {
      const [a, z] = [m.id, peer].sort() as [string, string];
      if (seen.has(`${a}|${z}`)) continue;
      seen.add(`${a}|${z}`);
      const tunnel =
        options.tunnelsOf?.(a)?.find((t) => t.peer === z) ??
        options.tunnelsOf?.(z)?.find((t) => t.peer === a);
      const label = tunnel ? tunnelPrefix(tunnel) : undefined;
      const mine = options.member === a || options.member === z;
      b.edge(`member:${a}`, `member:${z}`, "tunnel", label, mine ? ["highlight"] : []);
    }
  }
  const topology =
    registry.topology === "full-mesh" ? "full mesh" : `${registry.topology.pairs.length} pairs`;
  return {
    view: "federation",
    title: `${registry.name} federation: ${members.length} members, ${topology}, tunnels from ${registry.transferPool}`,
    nodes: b.nodes,
    edges: b.edges,
  };
}

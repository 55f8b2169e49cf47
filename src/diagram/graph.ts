/**
 * The diagrams' graph model (pure, deterministic): nodes, edges, and groups (a node whose
 * children point to it with `parent`), built from a site's model (the site view) or from the
 * federation registry (the federation view). The Mermaid and SVG renderers only draw it.
 */
import type { Registry } from "../config/federation";
import type { Exposure } from "../config/services";
import type { SiteModel } from "../model";
import type { SiteNetwork } from "../config/networks";
import {
  containsAddress,
  formatIPv4,
  formatPrefix,
  maskOf,
  parseIPv4,
  parsePrefix,
} from "../lib/net";
import { peersOf } from "../model/federation";

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

/** Shortens a free-text line (descriptions) for a diagram. */
export function shorten(text: string, max = 44): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** Collects nodes and edges with unique, readable ids. */
class Builder {
  readonly nodes: DiagramNode[] = [];
  readonly edges: DiagramEdge[] = [];
  private readonly ids = new Map<string, string>();

  /** The diagram id of a semantic key ("guest:caddy"), created on first use. */
  id(key: string): string {
    const known = this.ids.get(key);
    if (known) return known;
    const base = key.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "") || "n";
    const taken = new Set(this.ids.values());
    let id = /^[0-9]/.test(base) ? `n_${base}` : base;
    for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    this.ids.set(key, id);
    return id;
  }

  has(key: string): boolean {
    return this.ids.has(key);
  }

  node(
    key: string,
    kind: NodeKind,
    label: string,
    options: { details?: (string | undefined)[]; parent?: string; tags?: Tag[] } = {},
  ): string {
    const id = this.id(key);
    this.nodes.push({
      id,
      kind,
      label,
      details: (options.details ?? []).filter((d): d is string => d !== undefined && d !== ""),
      ...(options.parent ? { parent: this.id(options.parent) } : {}),
      tags: options.tags ?? [],
    });
    return id;
  }

  edge(from: string, to: string, kind: EdgeKind, label?: string, tags: Tag[] = []): void {
    this.edges.push({
      from: this.id(from),
      to: this.id(to),
      kind,
      ...(label ? { label } : {}),
      tags,
    });
  }
}

const NETWORK_KIND_LABEL: Record<SiteNetwork["kind"], string> = {
  lan: "LAN",
  vlan: "VLAN",
  sdn: "SDN vnet",
  vpn: "VPN pool",
  wan: "WAN",
  remote: "remote (tunnel)",
  external: "external",
  other: "network",
};

/** The network (by name) whose prefixes contain an address, internal networks first. */
function networkOf(networks: readonly SiteNetwork[], address: string): SiteNetwork | undefined {
  const value = parseIPv4(address);
  if (value === undefined) return undefined;
  const inside = networks.filter((n) => n.prefixes.some((p) => containsAddress(p, value)));
  const rank = (n: SiteNetwork) => (n.kind === "external" || n.kind === "remote" ? 1 : 0);
  return [...inside].sort((a, b) => rank(a) - rank(b))[0];
}

/** How an exposure reads: "photos.example.net · public · open". */
export function exposureLine(
  exposure: Pick<Exposure, "hostname" | "public" | "access">,
  domains: { public?: string; internal: string },
): string {
  const domain = exposure.public ? (domains.public ?? "(public domain)") : domains.internal;
  const access =
    exposure.access === "open"
      ? "open"
      : exposure.access === "sso"
        ? "SSO"
        : `from ${exposure.access.join(", ")}`;
  return `${exposure.hostname}.${domain} · ${exposure.public ? "public" : "internal"} · ${access}`;
}

/** The exposure tag of a service: public, SSO, restricted (network list), internal, private. */
function exposureTag(exposures: readonly Pick<Exposure, "public" | "access">[]): Tag {
  if (exposures.length === 0) return "private";
  const open = exposures.filter((e) => e.public);
  if (open.some((e) => e.access === "open")) return "public";
  if (exposures.some((e) => e.access === "sso")) return "sso";
  if (exposures.some((e) => Array.isArray(e.access))) return "restricted";
  return "internal";
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The site view: the edge router and the WAN, every network with its prefixes, the Proxmox
 * cluster with its nodes and guests, the other hosts, the services on their hosts with how
 * they are exposed, and the federation behind the router.
 */
export function siteDiagram(model: SiteModel): Diagram {
  const b = new Builder();
  const { config, networks } = model;
  const domains = config.site.domains;
  const fortigate = config.fortigate;
  const unifi = config.unifi;
  const cloudflare = config.cloudflare;
  const router = fortigate ? "FortiGate" : unifi ? "UniFi gateway" : undefined;
  const external = networks.filter((n) => n.kind === "external");

  const wantsInternet = router !== undefined || model.publish !== undefined || external.length > 0;
  if (wantsInternet) {
    b.node("internet", "internet", "Internet", {
      details: [
        cloudflare
          ? `Cloudflare DNS ${cloudflare.zone}${cloudflare.proxiedDefault ? " · proxied" : ""}`
          : undefined,
      ],
    });
  }

  if (router) {
    const address = fortigate
      ? fortigate.host
      : unifi
        ? new URL(unifi.controller).hostname
        : undefined;
    b.node("router", "router", router, {
      details: [
        address,
        fortigate?.vdom && fortigate.vdom !== "root" ? `VDOM ${fortigate.vdom}` : undefined,
      ],
    });
    const wans = fortigate
      ? fortigate.interfaces
          .filter((i) => i.role === "wan")
          .map((i) => (i.ip ? i.name : `${i.name} (dhcp)`))
      : ["wan"];
    b.edge("router", "internet", "uplink", wans.join(", "));
    if (model.publish) {
      const p = model.publish;
      b.edge("internet", "infra:proxy", "publish", `:${p.ports.join(", :")} from ${p.sourceName}`, [
        "public",
      ]);
    }
  }

  // Networks, with what plugs them into the router.
  const routed = new Map(model.routes.map((r) => [r.dst, r]));
  for (const network of networks) {
    const key = `net:${network.name}`;
    const description = config.networks[network.name]?.description;
    b.node(key, "network", network.name, {
      details: [
        [
          network.prefixes.map(formatPrefix).join(", "),
          network.kind === "vlan" && network.vlan !== undefined
            ? undefined
            : NETWORK_KIND_LABEL[network.kind],
          network.vlan === undefined
            ? undefined
            : network.kind === "sdn"
              ? `tag ${network.vlan}`
              : `VLAN ${network.vlan}`,
        ]
          .filter(Boolean)
          .join(" · "),
        network.gateway !== undefined ? `gateway ${formatIPv4(network.gateway)}` : undefined,
        description ? shorten(description) : undefined,
      ],
      tags: [network.kind],
    });
    const declaredBy = network.source[0];
    if (router && (declaredBy === "homelab:fortigate" || declaredBy === "homelab:unifi")) {
      if (network.kind === "remote") b.edge("router", key, "tunnel", "IPsec", ["remote"]);
      else
        b.edge(
          "router",
          key,
          "attach",
          network.gateway !== undefined ? formatIPv4(network.gateway) : undefined,
        );
    } else if (network.kind === "external") {
      b.edge("internet", key, "attach");
    }
    for (const p of network.prefixes) {
      const route = routed.get(formatPrefix(p));
      if (router && route) b.edge("router", key, "route", `route via ${route.gateway}`);
    }
  }

  if (router && model.registry && config.federation) {
    const peers = model.peers;
    b.node("federation", "federation", `${model.registry.name} federation`, {
      details: [
        `member ${config.federation.member}`,
        `${peers.length} peer${peers.length === 1 ? "" : "s"}: ${shorten(peers.join(", "), 40)}`,
      ],
      tags: ["remote"],
    });
    b.edge("router", "federation", "tunnel", "IPsec + BGP", ["remote"]);
  }

  // Proxmox: the cluster, its nodes, their guests and the guests' NICs.
  const proxmox = config.proxmox;
  const hostKeys = new Map<string, string>();
  if (proxmox) {
    b.node("pve", "cluster", "Proxmox VE", {
      details: [`${proxmox.nodes.length} node${proxmox.nodes.length === 1 ? "" : "s"}`],
    });
    for (const node of proxmox.nodes) {
      const key = `pve:${node.name}`;
      b.node(key, "pve-node", node.name, {
        details: [
          node.address,
          node.powered ? undefined : "powered off",
          `${node.votes} vote${node.votes === 1 ? "" : "s"}`,
        ],
        parent: "pve",
        tags: node.powered ? [] : ["off"],
      });
      const lan = networkOf(networks, node.address);
      if (lan) b.edge(key, `net:${lan.name}`, "attach", node.address);
      for (const zone of proxmox.sdn.zones) {
        if (zone.nodes && !zone.nodes.includes(node.name)) continue;
        if (!node.powered) continue;
        for (const vnet of zone.vnets)
          b.edge(key, `net:${vnet.name}`, "attach", `zone ${zone.name}`);
      }
    }
    for (const guest of proxmox.guests) {
      const key = `guest:${guest.name}`;
      hostKeys.set(guest.name, key);
      b.node(key, "guest", guest.name, {
        details: [
          `${guest.type === "vm" ? "VM" : "LXC"}${guest.vmid !== undefined ? ` ${guest.vmid}` : ""} · ${guest.cores} vCPU · ${guest.memoryMiB} MiB · ${guest.disk.sizeGiB} GiB`,
          guest.description ? shorten(guest.description) : undefined,
        ],
        parent: `pve:${guest.node}`,
      });
      guest.nics.forEach((nic, n) => {
        const planned = model.addresses.nics.find((a) => a.guest === guest.name && a.nic === n);
        const address = planned?.address ?? (nic.ip === "dhcp" ? "dhcp" : undefined);
        const network = nic.vnet
          ? networks.find((net) => net.name === nic.vnet)
          : planned?.address
            ? networkOf(networks, planned.address)
            : undefined;
        if (network) b.edge(key, `net:${network.name}`, "attach", address);
      });
    }
  }

  // Machines outside Proxmox.
  for (const host of config.hosts) {
    const key = `host:${host.name}`;
    hostKeys.set(host.name, key);
    const exports = host.nfs?.exports.map((e) => e.name) ?? [];
    b.node(key, "host", host.name, {
      details: [
        host.address,
        host.description ? shorten(host.description) : undefined,
        exports.length ? `NFS: ${exports.join(", ")}` : undefined,
      ],
    });
    const network = host.network
      ? networks.find((n) => n.name === host.network)
      : networkOf(networks, host.address);
    if (network) b.edge(key, `net:${network.name}`, "attach", host.address);
  }

  // What runs on the hosts: the proxy and its companions first, then the services.
  const infra: { key: string; label: string; host: string; details: (string | undefined)[] }[] = [];
  const proxy = config.proxy;
  if (proxy) {
    infra.push({
      key: "infra:proxy",
      label: capitalized(proxy.kind),
      host: proxy.host,
      details: [
        "reverse proxy",
        model.publish
          ? `WAN :${model.publish.ports.join(", :")} from ${model.publish.sourceName}`
          : "not on the WAN",
      ],
    });
    if (proxy.crowdsec) {
      infra.push({
        key: "infra:crowdsec",
        label: "CrowdSec",
        host: proxy.crowdsec.host,
        details: [`engine · bouncer in ${capitalized(proxy.kind)}`],
      });
    }
  }
  const sso = config.sso;
  if (sso) {
    infra.push({
      key: "infra:sso",
      label: capitalized(sso.provider),
      host: sso.host,
      details: ["SSO", `${sso.hostname}.${domains.public ?? domains.internal}`],
    });
    if (sso.ldap) {
      infra.push({
        key: "infra:ldap",
        label: sso.ldap.provider.toUpperCase(),
        host: sso.ldap.host,
        details: ["LDAP directory", sso.ldap.baseDn],
      });
    }
  }
  for (const item of infra) {
    const parent = hostKeys.get(item.host);
    b.node(item.key, "service", item.label, {
      details: item.details,
      ...(parent ? { parent } : {}),
      tags: ["infra"],
    });
  }
  for (const service of config.services) {
    const exposures = service.expose;
    const key = `svc:${service.name}`;
    const parent = hostKeys.get(service.host);
    b.node(key, "service", service.name, {
      details: [
        service.app !== service.name && service.app !== "custom" ? service.app : undefined,
        service.app === "custom" ? service.image : undefined,
        ...exposures.map((e) => exposureLine(e, domains)),
      ],
      ...(parent ? { parent } : {}),
      tags: [exposureTag(exposures)],
    });
    for (const [part, host] of Object.entries(service.placement ?? {})) {
      const partKey = `svc:${service.name}:${part}`;
      const partParent = hostKeys.get(host);
      b.node(partKey, "service", `${service.name} (${part})`, {
        details: [`part of ${service.name}`],
        ...(partParent ? { parent: partParent } : {}),
        tags: ["private"],
      });
      b.edge(key, partKey, "placement");
    }
  }

  return {
    view: "site",
    title: `Site ${config.site.name}${config.site.description ? `: ${shorten(config.site.description, 72)}` : ""}`,
    nodes: ordered(b.nodes),
    edges: b.edges,
  };
}

/** Nodes in drawing order: each group before its children, otherwise as built. */
function ordered(nodes: readonly DiagramNode[]): DiagramNode[] {
  const out: DiagramNode[] = [];
  const visit = (parent: string | undefined) => {
    for (const node of nodes) {
      if (node.parent !== parent) continue;
      out.push(node);
      visit(node.id);
    }
  };
  visit(undefined);
  // Nodes whose parent does not exist are drawn at the top level.
  const known = new Set(nodes.map((n) => n.id));
  for (const node of nodes) {
    if (node.parent !== undefined && !known.has(node.parent)) {
      const { parent: _dropped, ...rest } = node;
      out.push(rest);
    }
  }
  return out;
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

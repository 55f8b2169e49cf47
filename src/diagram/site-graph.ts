/**
 * The site view's graph, in named steps (each adds its nodes and edges, in drawing order):
 * the Internet and the edge router, the networks, the federation, the Proxmox cluster, the
 * other machines, and what runs on them.
 */
import type { Exposure } from "../config/services";
import type { SiteNetwork } from "../config/networks";
import { containsAddress, formatIPv4, formatPrefix, parseIPv4 } from "../lib/net";
import type { SiteModel } from "../model";
import { Builder, ordered, shorten } from "./builder";
import type { Diagram, Tag } from "./graph";

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

/** What the steps share: the builder, the model, and the machines' node keys by name. */
interface SiteGraph {
  readonly b: Builder;
  readonly model: SiteModel;
  /** The edge router's label, when the site has one. */
  readonly router?: string;
  /** Node key of every machine (guest or host) by name, for what runs on it. */
  readonly hostKeys: Map<string, string>;
}

/**
 * The site view: the edge router and the WAN, every network with its prefixes, the Proxmox
 * cluster with its nodes and guests, the other hosts, the services on their hosts with how
 * they are exposed, and the federation behind the router.
 */
export function siteDiagram(model: SiteModel): Diagram {
  const { config } = model;
  const router = config.fortigate ? "FortiGate" : config.unifi ? "UniFi gateway" : undefined;
  const site: SiteGraph = { b: new Builder(), model, router, hostKeys: new Map() };
  internetAndRouter(site);
  networks(site);
  federation(site);
  proxmox(site);
  machines(site);
  infrastructure(site);
  services(site);
  return {
    view: "site",
    title: `Site ${config.site.name}${config.site.description ? `: ${shorten(config.site.description, 72)}` : ""}`,
    nodes: ordered(site.b.nodes),
    edges: site.b.edges,
  };
}

/** Step: the Internet (with the public DNS zone), the router, its uplink and what it publishes. */
function internetAndRouter({ b, model, router }: SiteGraph): void {
  const { fortigate, unifi, cloudflare } = model.config;
  const external = model.networks.filter((n) => n.kind === "external");
  if (router !== undefined || model.publish !== undefined || external.length > 0) {
    b.node("internet", "internet", "Internet", {
      details: [
        cloudflare
          ? `Cloudflare DNS ${cloudflare.zone}${cloudflare.proxiedDefault ? " · proxied" : ""}`
          : undefined,
      ],
    });
  }
  if (!router) return;
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

/** Step: the networks, with what plugs them into the router (or the Internet). */
function networks({ b, model, router }: SiteGraph): void {
  const routed = new Map(model.routes.map((r) => [r.dst, r]));
  for (const network of model.networks) {
    const key = `net:${network.name}`;
    const description = model.config.networks[network.name]?.description;
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
        network.gateway !== undefined
          ? `gateway ${formatIPv4(network.gateway)}${network.routedByEdge && router ? ` on the ${router}` : ""}`
          : undefined,
        description ? shorten(description) : undefined,
      ],
      tags: [network.kind],
    });
    const declaredBy = network.source[0];
    const onRouter =
      declaredBy === "homelab:fortigate" || declaredBy === "homelab:unifi" || network.routedByEdge;
    if (router && onRouter) {
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
}

/** Step: the federation behind the router. */
function federation({ b, model, router }: SiteGraph): void {
  const membership = model.config.federation;
  if (!router || !model.registry || !membership) return;
  const peers = model.peers;
  b.node("federation", "federation", `${model.registry.name} federation`, {
    details: [
      `member ${membership.member}`,
      `${peers.length} peer${peers.length === 1 ? "" : "s"}: ${shorten(peers.join(", "), 40)}`,
    ],
    tags: ["remote"],
  });
  b.edge("router", "federation", "tunnel", "IPsec + BGP", ["remote"]);
}

/** Step: the Proxmox cluster, its nodes, their guests and the guests' NICs. */
function proxmox({ b, model, hostKeys }: SiteGraph): void {
  const px = model.config.proxmox;
  if (!px) return;
  const { networks } = model;
  b.node("pve", "cluster", "Proxmox VE", {
    details: [`${px.nodes.length} node${px.nodes.length === 1 ? "" : "s"}`],
  });
  for (const node of px.nodes) {
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
    for (const zone of px.sdn.zones) {
      if (zone.nodes && !zone.nodes.includes(node.name)) continue;
      if (!node.powered) continue;
      for (const vnet of zone.vnets) b.edge(key, `net:${vnet.name}`, "attach", `zone ${zone.name}`);
    }
  }
  for (const guest of px.guests) {
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

/** Step: the machines outside Proxmox, on their networks. */
function machines({ b, model, hostKeys }: SiteGraph): void {
  for (const host of model.config.hosts) {
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
      ? model.networks.find((n) => n.name === host.network)
      : networkOf(model.networks, host.address);
    if (network) b.edge(key, `net:${network.name}`, "attach", host.address);
  }
}

/** Step: the proxy and its companions (CrowdSec, the SSO provider, its directory) on their hosts. */
function infrastructure({ b, model, hostKeys }: SiteGraph): void {
  const { proxy, sso } = model.config;
  const infra: { key: string; label: string; host: string; details: (string | undefined)[] }[] = [];
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
  if (sso) {
    infra.push({
      key: "infra:sso",
      label: capitalized(sso.provider),
      host: sso.host,
      // The portal the plan publishes (public only when a public client needs it).
      details: [
        "SSO",
        model.services?.ssoPortal ? new URL(model.services.ssoPortal).hostname : undefined,
      ],
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
}

/** Step: the declared services on their hosts, with how they are exposed, and placed parts. */
function services({ b, model, hostKeys }: SiteGraph): void {
  const domains = model.config.site.domains;
  for (const service of model.config.services) {
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
}

/**
 * What a resource is to the guard rails, from its type and inputs alone (so that a policy
 * pack, which sees one resource's inputs and options, and the offline plan agree): data and
 * generated values that a delete or replace loses, the edge objects a site's connectivity
 * hangs on, and the guests and containers that serve the site's DNS and reverse proxy.
 */
import { TUNNEL_NAME_PREFIX } from "../config/peerings";
import type { GuardResource } from "./types";

export const FORTIOS_OBJECT = "pulumi-nodejs:dynamic/fortios:CmdbObject";
export const UNIFI_PREFIX = "pulumi-nodejs:dynamic/unifi:";
export const DOCKER_CONTAINER = "docker:index/container:Container";
export const CLOUDFLARE_RECORD = /^cloudflare:index\/(dnsRecord:DnsRecord|record:Record)$/;
export const PROXMOX_GUEST =
  /^proxmoxve:(index|cloned)\/(vm|vmLegacy|vm2Legacy|container|containerLegacy):/;

export interface Guarded {
  /** What deleting or replacing it loses, for messages. */
  readonly what: string;
  /** Holds data: it must be protected or retainOnDelete (policy `stateful-retained`). */
  readonly data: boolean;
}

/**
 * The kinds the issue names: guests, volumes (and disks), DNS records, storages, generated
 * secrets, UniFi networks. Storages, generated secrets and networks are not "data" in the
 * stateful-retained sense (deleting a storage definition keeps its content; the program
 * neither protects nor retains them), but replacing or deleting them still needs an opt-in.
 */
const GUARDED: readonly { readonly pattern: RegExp; readonly guarded: Guarded }[] = [
  { pattern: PROXMOX_GUEST, guarded: { what: "a Proxmox guest and its disks", data: true } },
  { pattern: /^proxmoxve:node\/disk\//, guarded: { what: "a disk", data: true } },
  {
    pattern: /^docker:index\/volume:Volume$/,
    guarded: { what: "a Docker volume and its data", data: true },
  },
  { pattern: CLOUDFLARE_RECORD, guarded: { what: "a public DNS record", data: true } },
  {
    pattern: /^pulumi-nodejs:dynamic\/unifi:DnsRecord$/,
    guarded: { what: "an internal DNS record", data: true },
  },
  {
    pattern: /^proxmoxve:storage\//,
    guarded: { what: "a Proxmox storage definition", data: false },
  },
  {
    pattern: /^random:index\/random(Password|String|Bytes):/,
    guarded: { what: "a generated secret (a new one differs from the one in use)", data: false },
  },
  {
    pattern: /^pulumi-nodejs:dynamic\/unifi:Network$/,
    guarded: { what: "a UniFi network (its VLAN and DHCP)", data: false },
  },
];

/** How the guard rails classify a resource's type, when it is one they guard. */
export function guardedKind(resource: Pick<GuardResource, "type">): Guarded | undefined {
  return GUARDED.find((g) => g.pattern.test(resource.type))?.guarded;
}

export function isDnsRecord(resource: Pick<GuardResource, "type">): boolean {
  return CLOUDFLARE_RECORD.test(resource.type) || resource.type === `${UNIFI_PREFIX}DnsRecord`;
}

function fortiosPath(resource: GuardResource): string | undefined {
  return resource.type === FORTIOS_OBJECT && typeof resource.inputs.path === "string"
    ? resource.inputs.path
    : undefined;
}

function fortiosKey(resource: GuardResource): string {
  const key = resource.inputs.key;
  return typeof key === "string" || typeof key === "number" ? String(key) : "";
}

/**
 * The edge objects whose replacement cuts the site off: the BGP object, a federation tunnel
 * (phase1, phase2 and its interface, named `fgn-<peer>`) and the interface the API is
 * reached through (the one interface the program protects, src/model/fortigate/interfaces.ts).
 */
export function edgeRole(resource: GuardResource): string | undefined {
  const path = fortiosPath(resource);
  if (path === undefined) return undefined;
  const key = fortiosKey(resource);
  const federation = key.startsWith(TUNNEL_NAME_PREFIX);
  if (path === "router/bgp") return "the FortiGate's BGP (every federation session)";
  if (path === "vpn.ipsec/phase1-interface" && federation)
    return `the federation tunnel ${key} (phase1)`;
  if (path === "vpn.ipsec/phase2-interface" && federation)
    return `the federation tunnel ${key} (phase2)`;
  if (path === "system/interface" && federation)
    return `the interface of the federation tunnel ${key}`;
  if (path === "system/interface" && resource.protect)
    return `the interface ${key}, through which the FortiGate's API is reached`;
  return undefined;
}

/** A plain value as text (`fallback` for anything else: an object, a list, nothing). */
export function scalarText(value: unknown, fallback = ""): string {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : fallback;
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  return [];
}

function body(resource: GuardResource): Record<string, unknown> {
  const b = resource.inputs.body;
  return b !== null && typeof b === "object" && !Array.isArray(b)
    ? (b as Record<string, unknown>)
    : {};
}

/** The WAN port forwards of an edge: where each sends traffic and for which port. */
export function forwards(
  resources: readonly GuardResource[],
): { resource: GuardResource; target: string; port: string }[] {
  const out: { resource: GuardResource; target: string; port: string }[] = [];
  for (const r of resources) {
    const b = body(r);
    if (fortiosPath(r) === "firewall/vip" && b.portforward === "enable") {
      const mapped = Array.isArray(b.mappedip) ? (b.mappedip as { range?: unknown }[]) : [];
      const target = mapped.map((m) => scalarText(m.range)).join(",");
      out.push({ resource: r, target, port: scalarText(b.extport) });
    } else if (r.type === `${UNIFI_PREFIX}PortForward`) {
      out.push({ resource: r, target: scalarText(b.fwd), port: scalarText(b.dst_port) });
    }
  }
  return out;
}

/** The addresses the site's clients use as resolver (handed out by DHCP). */
function resolverAddresses(resources: readonly GuardResource[]): Set<string> {
  const out = new Set<string>();
  for (const r of resources) {
    const b = body(r);
    const fields =
      fortiosPath(r) === "system.dhcp/server"
        ? ["dns-server1", "dns-server2", "dns-server3", "dns-server4"]
        : r.type === `${UNIFI_PREFIX}Network` && b.dhcpd_dns_enabled === true
          ? ["dhcpd_dns_1", "dhcpd_dns_2", "dhcpd_dns_3", "dhcpd_dns_4"]
          : [];
    for (const f of fields)
      for (const s of strings(b[f])) if (s !== "" && s !== "0.0.0.0") out.add(s);
  }
  return out;
}

function guestAddresses(resource: GuardResource): string[] {
  const init = resource.inputs.initialization as { ipConfigs?: unknown } | undefined;
  const configs = Array.isArray(init?.ipConfigs)
    ? (init.ipConfigs as { ipv4?: { address?: unknown } }[])
    : [];
  return configs.flatMap((c) => strings(c.ipv4?.address).map((a) => a.split("/")[0]!));
}

function publishedPorts(resource: GuardResource): number[] {
  const ports = Array.isArray(resource.inputs.ports)
    ? (resource.inputs.ports as { external?: unknown }[])
    : [];
  return ports.map((p) => Number(p.external)).filter((n) => Number.isInteger(n));
}

/**
 * The guests and containers that serve the site's DNS or its reverse proxy, by name: a
 * container publishing port 53 (DNS) or 443 (the proxy), a guest whose address DHCP hands
 * out as resolver or that the WAN's port 443 is forwarded to.
 */
export function criticalServices(resources: readonly GuardResource[]): Map<string, string> {
  const out = new Map<string, string>();
  const resolvers = resolverAddresses(resources);
  const proxyTargets = new Set(
    forwards(resources)
      .filter((f) => f.port === "443")
      .map((f) => f.target),
  );
  for (const r of resources) {
    if (r.type === DOCKER_CONTAINER) {
      const ports = publishedPorts(r);
      if (ports.includes(53)) out.set(r.name, "the container serving the site's DNS (port 53)");
      else if (ports.includes(443)) out.set(r.name, "the reverse proxy's container (port 443)");
    } else if (PROXMOX_GUEST.test(r.type)) {
      const addresses = guestAddresses(r);
      const dns = addresses.find((a) => resolvers.has(a));
      const proxy = addresses.find((a) => proxyTargets.has(a));
      if (dns)
        out.set(r.name, `the guest serving the site's DNS (${dns}, the resolver DHCP hands out)`);
      else if (proxy)
        out.set(r.name, `the reverse proxy's guest (${proxy}, where the WAN's port 443 goes)`);
    }
  }
  return out;
}

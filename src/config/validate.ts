/**
 * Cross-field rules of one site: gateways inside their subnets, no overlapping subnets,
 * unique VLAN ids and names, references that resolve, nothing on powered-off nodes.
 * Runs on sections that passed their schema; each rule names the exact path and the fix.
 */
import type { PathSegment, Problem } from "./errors";
import {
  Problems,
  checkNetworkRefs,
  checkUnique,
  dockerHostNames,
  unknownReference,
} from "./problems";
import { referenceProblems } from "./references";
import { configKey, type SiteConfig } from "./stack";
import { networkNames, siteNetworks } from "./networks";
import { CATALOG, CUSTOM_APP, declarableApps } from "../catalog";
import { unpinnedReason, retag } from "../catalog/types";
import { planAddresses } from "../model/address-plan";
import { dockerHosts } from "../model/hosts";
import {
  appOf,
  exposuresOf,
  exposurePath,
  partNamesOf,
  portClashes,
  RESERVED_SERVICE_NAMES,
  servicesModel,
} from "../model/services";
import { checkOneEdge, fortigateReferences, unifiReferences } from "./edge.references";

/**
 * `homelab:fortigate`: its own rules are a refinement of its schema (fortigate.rules.ts);
 * what it names elsewhere is checked here. What needs its topology is its plan's part.
 */
function checkFortigate(config: SiteConfig, out: Problems, allNetworks: readonly string[]): void {
  if (!config.fortigate) return;
  fortigateReferences(config, out, allNetworks);
}

/**
 * `homelab:unifi`: its own rules are a refinement of its schema (unifi.rules.ts); what its
 * allows name is checked here.
 */
function checkUnifi(config: SiteConfig, out: Problems, allNetworks: readonly string[]): void {
  unifiReferences(config, out, allNetworks);
}

function checkServices(config: SiteConfig, out: Problems, allNetworks: readonly string[]): void {
  const hostsRoot = configKey("hosts");
  checkUnique(
    out,
    config.hosts,
    (h) => h.name,
    (i) => [hostsRoot, i, "name"],
    "host name",
  );
  const guestNames = config.proxmox?.guests.map((g) => g.name) ?? [];
  config.hosts.forEach((host, i) => {
    if (guestNames.includes(host.name)) {
      out.add(
        [hostsRoot, i, "name"],
        `host name "${host.name}" is also a Proxmox guest: a guest with docker is already a host`,
      );
    }
  });
  const docker = dockerHostNames(config);
  const everyHost = [...config.hosts.map((h) => h.name), ...guestNames];
  const requireDocker = (host: string, path: PathSegment[]): void => {
    if (docker.includes(host)) return;
    if (everyHost.includes(host)) {
      out.add(path, `host "${host}" does not run Docker: add a docker block to it`);
    } else {
      out.add(path, unknownReference("Docker host", host, docker));
    }
  };
  const root = configKey("services");
  checkUnique(
    out,
    config.services,
    (s) => s.name,
    (i) => [root, i, "name"],
    "service name",
  );
  config.services.forEach((service, i) => {
    requireDocker(service.host, [root, i, "host"]);
    for (const [part, host] of Object.entries(service.placement ?? {})) {
      requireDocker(host, [root, i, "placement", part]);
    }
    const exposures =
      service.expose === undefined
        ? []
        : Array.isArray(service.expose)
          ? service.expose
          : [service.expose];
    exposures.forEach((exposure, e) => {
      const path: PathSegment[] = Array.isArray(service.expose)
        ? [root, i, "expose", e]
        : [root, i, "expose"];
      if (Array.isArray(exposure.access))
        checkNetworkRefs(out, allNetworks, exposure.access, [...path, "access"]);
      if (exposure.public && !config.site.domains.public) {
        out.add(
          [...path, "public"],
          "a public service needs the site's public domain: set homelab:site.domains.public",
        );
      }
    });
    service.volumes.forEach((volume, v) => {
      if (!volume.nfs) return;
      const host = config.hosts.find((h) => h.name === volume.nfs?.host);
      const path: PathSegment[] = [root, i, "volumes", v, "nfs"];
      if (!host)
        out.add(
          [...path, "host"],
          unknownReference(
            "host",
            volume.nfs.host,
            config.hosts.map((h) => h.name),
          ),
        );
      else if (!host.nfs?.exports.some((x) => x.name === volume.nfs?.export)) {
        out.add(
          [...path, "export"],
          unknownReference(
            "NFS export",
            volume.nfs.export,
            host.nfs?.exports.map((x) => x.name) ?? [],
            `host "${host.name}"`,
          ),
        );
      }
    });
  });
  if (config.proxy) {
    const proxyRoot = configKey("proxy");
    requireDocker(config.proxy.host, [proxyRoot, "host"]);
    if (config.proxy.crowdsec)
      requireDocker(config.proxy.crowdsec.host, [proxyRoot, "crowdsec", "host"]);
    const sources = config.proxy.publish?.sources;
    if (Array.isArray(sources))
      checkNetworkRefs(out, allNetworks, sources, [proxyRoot, "publish", "sources"]);
  }
  if (config.sso) {
    const ssoRoot = configKey("sso");
    requireDocker(config.sso.host, [ssoRoot, "host"]);
    if (config.sso.ldap) requireDocker(config.sso.ldap.host, [ssoRoot, "ldap", "host"]);
    const serviceNames = config.services.map((s) => s.name);
    config.sso.oidcClients.forEach((client, i) => {
      if (!serviceNames.includes(client))
        out.add([ssoRoot, "oidcClients", i], unknownReference("service", client, serviceNames));
    });
  }
}

/** Keys only `app: custom` services may set. */
const CUSTOM_ONLY_KEYS = [
  "image",
  "webPort",
  "command",
  "entrypoint",
  "healthcheck",
  "restart",
  "capAdd",
  "privileged",
  "hostNetwork",
  "hostPid",
  "readOnlyRootFs",
] as const;

/** Rules that need the catalog: apps, parts, hostnames, SSO, ports. */
function checkCatalog(config: SiteConfig, out: Problems): void {
  const root = configKey("services");
  const before = out.list.length;
  const apps = declarableApps();
  const hostnames = new Map<string, string>();
  if (config.sso) hostnames.set(config.sso.hostname, "homelab:sso (login portal)");
  config.services.forEach((service, i) => {
    const path: PathSegment[] = [root, i];
    if ((RESERVED_SERVICE_NAMES as readonly string[]).includes(service.name)) {
      out.add(
        [...path, "name"],
        `service name "${service.name}" is reserved for the containers of homelab:${service.name === "sso" ? "sso" : "proxy"}: rename the service`,
      );
    }
    const builtin = CATALOG[service.app];
    if (builtin?.internal) {
      out.add(
        [...path, "app"],
        `${builtin.title} is set up by homelab:${builtin.name === "authelia" || builtin.name === "lldap" ? "sso" : "proxy"}, not declared as a service`,
      );
      return;
    }
    const app = appOf(service);
    if (!app) {
      out.add([...path, "app"], unknownReference("application", service.app, apps, "the catalog"));
      return;
    }
    if (service.app === CUSTOM_APP) {
      if (!service.image) {
        out.add(
          [...path, "image"],
          "app: custom needs an image pinned to a version tag, e.g. ghcr.io/ellite/wallos:2.38",
        );
      } else {
        const reason = unpinnedReason(service.image);
        if (reason)
          out.add([...path, "image"], `image "${service.image}" ${reason}: pin a version tag`);
      }
    } else {
      for (const key of CUSTOM_ONLY_KEYS) {
        if (service[key] !== undefined) {
          out.add(
            [...path, key],
            `${key} is for app: custom; ${app.title} comes from the catalog${key === "image" ? " (use version to change its tag)" : ""}`,
          );
        }
      }
      if (service.version) {
        const reason = unpinnedReason(retag("x", service.version));
        if (reason)
          out.add(
            [...path, "version"],
            `version "${service.version}" ${reason.replace("uses the floating tag", "is the floating tag")}: pin a version`,
          );
      }
    }
    const parts = partNamesOf(app, service);
    for (const part of Object.keys(service.placement ?? {})) {
      if (!parts.includes(part))
        out.add([...path, "placement", part], unknownReference("part", part, parts, app.title));
    }
    exposuresOf(service).forEach((exposure, e) => {
      const at = exposurePath(service, i, e);
      const part = exposure.part ?? app.webPart;
      if (exposure.part !== undefined && !parts.includes(exposure.part)) {
        out.add([...at, "part"], unknownReference("part", exposure.part, parts, app.title));
      }
      const port = exposure.port ?? (part === app.webPart ? app.webPort : undefined);
      if (port === undefined || port === 0) {
        out.add(
          at,
          service.app === CUSTOM_APP
            ? "a custom service needs webPort (or expose.port) to be exposed"
            : `${app.title} has no web interface to expose: remove expose or give expose.port`,
        );
      }
      if (!config.proxy) {
        out.add(at, "an exposed service needs the site's reverse proxy: declare homelab:proxy");
      }
      if (exposure.access === "sso" && !config.sso) {
        out.add(
          [...at, "access"],
          "access: sso needs an SSO provider on the site: declare homelab:sso (Authelia), or use open or a list of networks",
        );
      }
      if (exposure.proxied !== undefined && !exposure.public) {
        out.add(
          [...at, "proxied"],
          "proxied applies to public names: set public: true or remove it",
        );
      }
      if (
        exposure.proxied === false &&
        exposure.public &&
        config.proxy?.publish?.sources === "cloudflare"
      ) {
        out.add(
          [...at, "proxied"],
          "a DNS-only name would be unreachable: homelab:proxy.publish.sources only admits Cloudflare's ranges; remove proxied: false",
        );
      }
      const other = hostnames.get(exposure.hostname);
      if (other) {
        out.add(
          [...at, "hostname"],
          `hostname "${exposure.hostname}" is already declared by ${other}: each hostname is served by one service`,
        );
      } else hostnames.set(exposure.hostname, `service "${service.name}"`);
    });
    service.connect.forEach((target, c) => {
      const peer = config.services.find((s) => s.name === target);
      if (!peer) {
        out.add(
          [...path, "connect", c],
          unknownReference(
            "service",
            target,
            config.services.map((s) => s.name).filter((n) => n !== service.name),
          ),
        );
      } else if (peer.host !== service.host) {
        out.add(
          [...path, "connect", c],
          `service "${target}" runs on "${peer.host}", not on "${service.host}": containers reach each other by name on the same host only`,
        );
      }
    });
  });
  config.sso?.oidcClients.forEach((client, k) => {
    const service = config.services.find((s) => s.name === client);
    const app = service ? appOf(service) : undefined;
    if (service && app && !app.oidc) {
      out.add(
        [configKey("sso"), "oidcClients", k],
        `${app.title} has no OpenID Connect login in the catalog: remove "${client}" from oidcClients`,
      );
    }
  });
  const proxy = config.proxy;
  if (proxy?.kind === "caddy") {
    const caddyOnly =
      "the official Caddy image and this project's build have no such module; use kind: traefik or remove it";
    if (proxy.middlewares.rateLimit)
      out.add(
        [configKey("proxy"), "middlewares", "rateLimit"],
        `rate limiting on Caddy: ${caddyOnly}`,
      );
    if (proxy.middlewares.geoBlock)
      out.add(
        [configKey("proxy"), "middlewares", "geoBlock"],
        `geo-blocking on Caddy: ${caddyOnly}`,
      );
  }
  const cf = config.cloudflare;
  const publicDomain = config.site.domains.public;
  if (cf && publicDomain && publicDomain !== cf.zone && !publicDomain.endsWith(`.${cf.zone}`)) {
    out.add(
      [configKey("cloudflare"), "zone"],
      `the site's public domain ${publicDomain} is not in zone ${cf.zone}: use the zone that holds it`,
    );
  }
  if (out.list.length > before) return;
  // Ports published twice on one host (needs a consistent configuration).
  const model = servicesModel({
    config,
    hosts: dockerHosts(config, planAddresses(config.proxmox)),
    networks: siteNetworks(config),
  });
  for (const { use, first } of portClashes(model.ports)) {
    const owner = first.service === use.service ? "this service" : `service "${first.service}"`;
    const fix = use.why.startsWith("web port")
      ? "set expose.hostPort to a free port"
      : "publish it on another host port, or move one of them to another host";
    out.add(
      use.source,
      `port ${use.port}/${use.protocol} on host "${use.host}" is already published by ${owner} (${first.why}): ${fix}`,
    );
  }
}

/** Every cross-field problem of the site. */
export function validateSite(config: SiteConfig, file: string): Problem[] {
  const out = new Problems(file);
  const allNetworks = networkNames(siteNetworks(config));
  out.list.push(...referenceProblems(config, file));
  checkFortigate(config, out, allNetworks);
  checkUnifi(config, out, allNetworks);
  checkServices(config, out, allNetworks);
  if (out.list.length === 0) checkCatalog(config, out);
  checkOneEdge(config, out);
  return out.list;
}

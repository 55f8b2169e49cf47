/**
 * The rules of `homelab:hosts`, `homelab:services`, `homelab:proxy`, `homelab:sso` and
 * `homelab:cloudflare`, in two kinds:
 *
 * - refinements, which the schemas of services.ts run on their own section (first pass):
 *   what a service declaration must be for its application in the catalog, the proxy's
 *   modules;
 * - references, which run once the sections they read are well-formed (second pass): Docker hosts,
 *   networks, NFS exports, OIDC clients, and what an exposure needs from the proxy, the SSO
 *   provider and the site's domains.
 *
 * Port clashes need the port ledger of the services model: the model reports them.
 */
import type { z } from "zod";
import { appOf, CATALOG, CUSTOM_APP, declarableApps, partNamesOf, volumePathsOf } from "../catalog";
import type { AppDefinition } from "../catalog/types";
import { CUSTOM_ONLY_KEYS, retag, unpinnedReason } from "../catalog/types";
import type { PathSegment } from "./errors";
import { checkNetworkRefs, dockerHostNames, unknownReference, type Problems } from "./problems";
import type { ProxyConfig, ServiceConfig } from "./services";
import { siteNetworks } from "./networks";
import { configKey, type SiteConfig } from "./stack";

/** Names of the stacks the program adds for `homelab:proxy` and `homelab:sso`. */
export const PROXY_STACK = "proxy";
export const SSO_STACK = "sso";
/** Service names a declaration cannot take (the program's own stacks). */
export const RESERVED_SERVICE_NAMES = [PROXY_STACK, SSO_STACK] as const;

/** Where a rule reports: a zod refinement's context or a `Problems` collector. */
type Report = (path: readonly PathSegment[], message: string) => void;

/**
 * Refinement options: run only on a value without problems of its own (zod would otherwise
 * run a refinement after a "continuable" issue such as a pattern mismatch, on a value whose
 * transforms did not run).
 */
export const ON_VALID = {
  when: (payload: { readonly issues: readonly unknown[] }) => payload.issues.length === 0,
};

/** A rule over a schema's value, as a zod refinement (paths relative to the value). */
function refinement<T>(rule: (value: T, report: Report) => void) {
  return (value: T, ctx: z.RefinementCtx): void =>
    rule(value, (path, message) => ctx.addIssue({ code: "custom", path: [...path], message }));
}

// ----- refinements -----------------------------------------------------------------------

/**
 * A catalog app's `volumes` entries only change what backs one of its volumes (nfs or
 * hostPath): each names a volume the app mounts, at the path the app mounts it.
 */
function catalogVolumes(app: AppDefinition, service: ServiceConfig, report: Report): void {
  const mounted = volumePathsOf(app, service);
  service.volumes.forEach((volume, v) => {
    const paths = mounted.get(volume.name);
    if (!paths) {
      report(
        ["volumes", v, "name"],
        unknownReference("volume", volume.name, [...mounted.keys()], app.title),
      );
    } else if (!paths.includes(volume.path)) {
      report(
        ["volumes", v, "path"],
        `${app.title} mounts its volume "${volume.name}" at ${paths.join(" and ")}, not ${volume.path}: a catalog app keeps its mount paths (nfs or hostPath only change what backs the volume), so set path: ${paths.join(" or ")}`,
      );
    }
  });
}

/** Docker refuses a container with a tmpfs where a volume is mounted ("Duplicate mount point"). */
function tmpfsOverVolumes(service: ServiceConfig, report: Report): void {
  (service.tmpfs ?? []).forEach((path, t) => {
    const volume = service.volumes.find((v) => v.path === path);
    if (volume)
      report(
        ["tmpfs", t],
        `${path} is where volume "${volume.name}" is mounted: Docker refuses two mounts at one path, so remove one of them`,
      );
  });
}

/** One service against the catalog: its name, app, image, version, parts and exposures. */
export const serviceRefinement = refinement((service: ServiceConfig, report: Report) => {
  if ((RESERVED_SERVICE_NAMES as readonly string[]).includes(service.name)) {
    report(
      ["name"],
      `service name "${service.name}" is reserved for the containers of homelab:${service.name === "sso" ? "sso" : "proxy"}: rename the service`,
    );
  }
  const builtin = CATALOG[service.app];
  if (builtin?.internal) {
    report(
      ["app"],
      `${builtin.title} is set up by homelab:${builtin.name === "authelia" || builtin.name === "lldap" ? "sso" : "proxy"}, not declared as a service`,
    );
    return;
  }
  const app = appOf(service);
  if (!app) {
    report(["app"], unknownReference("application", service.app, declarableApps(), "the catalog"));
    return;
  }
  if (service.app === CUSTOM_APP) {
    if (!service.image) {
      report(
        ["image"],
        "app: custom needs an image pinned to a version tag, e.g. ghcr.io/ellite/wallos:2.38",
      );
    } else {
      const reason = unpinnedReason(service.image);
      if (reason) report(["image"], `image "${service.image}" ${reason}: pin a version tag`);
    }
    tmpfsOverVolumes(service, report);
  } else {
    for (const key of CUSTOM_ONLY_KEYS) {
      if (service[key] !== undefined) {
        report(
          [key],
          `${key} is for app: custom; ${app.title} comes from the catalog${key === "image" ? " (use version to change its tag)" : ""}`,
        );
      }
    }
    catalogVolumes(app, service, report);
    if (service.version) {
      const reason = unpinnedReason(retag("x", service.version));
      if (reason)
        report(
          ["version"],
          `version "${service.version}" ${reason.replace("uses the floating tag", "is the floating tag")}: pin a version`,
        );
    }
  }
  const parts = partNamesOf(app, service);
  for (const part of Object.keys(service.placement ?? {})) {
    if (!parts.includes(part))
      report(["placement", part], unknownReference("part", part, parts, app.title));
  }
  for (const exposure of service.expose) {
    const at = exposure.at;
    const part = exposure.part ?? app.webPart;
    if (exposure.part !== undefined && !parts.includes(exposure.part)) {
      report([...at, "part"], unknownReference("part", exposure.part, parts, app.title));
    }
    const port = exposure.port ?? (part === app.webPart ? app.webPort : undefined);
    if (port === undefined || port === 0) {
      report(
        at,
        service.app === CUSTOM_APP
          ? "a custom service needs webPort (or expose.port) to be exposed"
          : `${app.title} has no web interface to expose: remove expose or give expose.port`,
      );
    }
    if (exposure.proxied !== undefined && !exposure.public) {
      report([...at, "proxied"], "proxied applies to public names: set public: true or remove it");
    }
  }
});

/** Services that `connect` to another reach it by name: it exists and runs on the same host. */
export const connectRefinement = refinement(
  (services: readonly ServiceConfig[], report: Report) => {
    services.forEach((service, i) => {
      service.connect.forEach((target, c) => {
        const peer = services.find((s) => s.name === target);
        if (!peer) {
          report(
            [i, "connect", c],
            unknownReference(
              "service",
              target,
              services.map((s) => s.name).filter((n) => n !== service.name),
            ),
          );
        } else if (peer.host !== service.host) {
          report(
            [i, "connect", c],
            `service "${target}" runs on "${peer.host}", not on "${service.host}": containers reach each other by name on the same host only`,
          );
        }
      });
    });
  },
);

/** Caddy has no module for some of the security chain. */
export const proxyRefinement = refinement((proxy: ProxyConfig, report: Report) => {
  if (proxy.kind !== "caddy") return;
  const caddyOnly =
    "the official Caddy image and this project's build have no such module; use kind: traefik or remove it";
  if (proxy.middlewares.rateLimit)
    report(["middlewares", "rateLimit"], `rate limiting on Caddy: ${caddyOnly}`);
  if (proxy.middlewares.geoBlock)
    report(["middlewares", "geoBlock"], `geo-blocking on Caddy: ${caddyOnly}`);
});

// ----- references ------------------------------------------------------------------------

/**
 * The networks of an access list hold addresses: a name that stands for none on this site
 * (`federation` on a site outside the federation, an SDN vnet without a subnet) would leave
 * an allow-list that matches nobody, or an empty address matcher in the proxy.
 */
function checkAddressed(
  config: SiteConfig,
  out: Problems,
  refs: readonly string[],
  path: PathSegment[],
): void {
  if (refs.includes("any")) return;
  const networks = siteNetworks(config);
  refs.forEach((ref, i) => {
    if (ref === "federation" && !config.federation) {
      out.add(
        [...path, i],
        'network "federation" (every peer\'s prefixes) holds no address here: this site is not a federation member (homelab:federation), so remove it from the list',
      );
    } else if (networks.find((n) => n.name === ref)?.prefixes.length === 0) {
      out.add(
        [...path, i],
        `network "${ref}" has no address: give it a subnet, or remove it from the list`,
      );
    }
  });
}

/**
 * Hosts and Docker: a host is not also a Proxmox guest; services, their parts, the proxy,
 * CrowdSec, the SSO provider and its directory run on Docker hosts; a public exposure needs
 * the site's public domain; NFS volumes name a host's export; OIDC clients are services.
 */
export function checkServiceHosts(config: SiteConfig, out: Problems): void {
  const report: Report = (path, message) => out.add(path, message);
  const guestNames = config.proxmox?.guests.map((g) => g.name) ?? [];
  config.hosts.forEach((host, i) => {
    if (guestNames.includes(host.name)) {
      report(
        [configKey("hosts"), i, "name"],
        `host name "${host.name}" is also a Proxmox guest: a guest with docker is already a host`,
      );
    }
  });
  const requireDocker = dockerHostRule(config, guestNames, report);
  const root = configKey("services");
  config.services.forEach((service, i) => {
    requireDocker(service.host, [root, i, "host"]);
    for (const [part, host] of Object.entries(service.placement ?? {})) {
      requireDocker(host, [root, i, "placement", part]);
    }
    for (const exposure of service.expose) {
      if (exposure.public && !config.site.domains.public) {
        report(
          [root, i, ...exposure.at, "public"],
          "a public service needs the site's public domain: set homelab:site.domains.public",
        );
      }
    }
    checkNfsVolumes(config, service, [root, i], report);
  });
  if (config.proxy) {
    const proxyRoot = configKey("proxy");
    requireDocker(config.proxy.host, [proxyRoot, "host"]);
    if (config.proxy.crowdsec)
      requireDocker(config.proxy.crowdsec.host, [proxyRoot, "crowdsec", "host"]);
  }
  if (config.sso) {
    const ssoRoot = configKey("sso");
    requireDocker(config.sso.host, [ssoRoot, "host"]);
    if (config.sso.ldap) requireDocker(config.sso.ldap.host, [ssoRoot, "ldap", "host"]);
    const serviceNames = config.services.map((s) => s.name);
    config.sso.oidcClients.forEach((client, i) => {
      if (!serviceNames.includes(client))
        report([ssoRoot, "oidcClients", i], unknownReference("service", client, serviceNames));
    });
  }
}

/** The networks of the exposures' access lists and of the proxy's sources are the site's. */
export function checkServiceNetworks(
  config: SiteConfig,
  out: Problems,
  allNetworks: readonly string[],
): void {
  const check = (refs: readonly string[], path: PathSegment[]) => {
    checkNetworkRefs(out, allNetworks, refs, path);
    checkAddressed(config, out, refs, path);
  };
  config.services.forEach((service, i) => {
    for (const exposure of service.expose) {
      if (Array.isArray(exposure.access))
        check(exposure.access, [configKey("services"), i, ...exposure.at, "access"]);
    }
  });
  const sources = config.proxy?.publish?.sources;
  if (Array.isArray(sources)) check(sources, [configKey("proxy"), "publish", "sources"]);
}

/** The rule "`host` runs Docker", reported at a path. */
function dockerHostRule(
  config: SiteConfig,
  guestNames: readonly string[],
  report: Report,
): (host: string, path: PathSegment[]) => void {
  const docker = dockerHostNames(config);
  const everyHost = [...config.hosts.map((h) => h.name), ...guestNames];
  return (host, path) => {
    if (docker.includes(host)) return;
    if (everyHost.includes(host)) {
      report(path, `host "${host}" does not run Docker: add a docker block to it`);
    } else {
      report(path, unknownReference("Docker host", host, docker));
    }
  };
}

/** NFS-backed volumes name a declared host and one of its exports. */
function checkNfsVolumes(
  config: SiteConfig,
  service: ServiceConfig,
  at: readonly PathSegment[],
  report: Report,
): void {
  service.volumes.forEach((volume, v) => {
    if (!volume.nfs) return;
    const host = config.hosts.find((h) => h.name === volume.nfs?.host);
    const path = [...at, "volumes", v, "nfs"];
    if (!host) {
      const hosts = config.hosts.map((h) => h.name);
      report([...path, "host"], unknownReference("host", volume.nfs.host, hosts));
    } else if (!host.nfs?.exports.some((x) => x.name === volume.nfs?.export)) {
      report(
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
}

/**
 * What exposures need from the rest of the site (a proxy, an SSO provider, a WAN filter that
 * lets DNS-only names through), one service per hostname (the SSO portal's included), OIDC
 * clients with an OIDC login, and a public domain inside the Cloudflare zone. Runs on a site
 * whose other rules passed (the orchestrator decides).
 */
export function checkCatalogReferences(config: SiteConfig, out: Problems): void {
  const report: Report = (path, message) => out.add(path, message);
  const hostnames = new Map<string, string>();
  if (config.sso) hostnames.set(config.sso.hostname, "homelab:sso (login portal)");
  config.services.forEach((service, i) => {
    if (!appOf(service)) return;
    for (const exposure of service.expose) {
      const at = [configKey("services"), i, ...exposure.at];
      if (!config.proxy) {
        report(at, "an exposed service needs the site's reverse proxy: declare homelab:proxy");
      }
      if (exposure.access === "sso" && !config.sso) {
        report(
          [...at, "access"],
          "access: sso needs an SSO provider on the site: declare homelab:sso (Authelia), or use open or a list of networks",
        );
      }
      if (
        exposure.proxied === false &&
        exposure.public &&
        config.proxy?.publish?.sources === "cloudflare"
      ) {
        report(
          [...at, "proxied"],
          "a DNS-only name would be unreachable: homelab:proxy.publish.sources only admits Cloudflare's ranges; remove proxied: false",
        );
      }
      const other = hostnames.get(exposure.hostname);
      if (other) {
        report(
          [...at, "hostname"],
          `hostname "${exposure.hostname}" is already declared by ${other}: each hostname is served by one service`,
        );
      } else hostnames.set(exposure.hostname, `service "${service.name}"`);
    }
  });
  config.sso?.oidcClients.forEach((client, k) => {
    const service = config.services.find((s) => s.name === client);
    const app = service ? appOf(service) : undefined;
    if (service && app && !app.oidc) {
      report(
        [configKey("sso"), "oidcClients", k],
        `${app.title} has no OpenID Connect login in the catalog: remove "${client}" from oidcClients`,
      );
    }
  });
  const cf = config.cloudflare;
  const publicDomain = config.site.domains.public;
  if (cf && publicDomain && publicDomain !== cf.zone && !publicDomain.endsWith(`.${cf.zone}`)) {
    report(
      [configKey("cloudflare"), "zone"],
      `the site's public domain ${publicDomain} is not in zone ${cf.zone}: use the zone that holds it`,
    );
  }
}

/** Step: the proxy's routes, one per exposure and domain, with their access policy. */
import type { ProxyRoute } from "../../catalog/proxy";
import type { AppContext } from "../../catalog/types";
import { CLOUDFLARE_RANGES } from "../../data/cloudflare";
import { formatPrefix } from "../../lib/net";
import type { SiteNetwork } from "../../config/networks";
import { SSO_STACK, type Exposure } from "../../config/services";
import type { StackDraft } from "./drafts";
import type { Exposed } from "./exposures";
import type { ServicesSite } from "./site";
import { containerName } from "./stacks";

type Scope = ProxyRoute["scope"];

/** Prefixes of an access list (network names); undefined means anyone. */
export function resolveAccess(
  names: readonly string[],
  networks: readonly SiteNetwork[],
  federationPrefixes: readonly string[] = [],
): string[] | undefined {
  if (names.includes("any")) return undefined;
  const out: string[] = [];
  for (const name of names) {
    if (name === "cloudflare") out.push(...CLOUDFLARE_RANGES.ipv4);
    else if (name === "federation") out.push(...federationPrefixes);
    else out.push(...(networks.find((n) => n.name === name)?.prefixes ?? []).map(formatPrefix));
  }
  return [...new Set(out)];
}

/** Who may connect to a route: its access list, else the site's own networks for internal names. */
function accessOf(site: ServicesSite, exposure: Exposure, scope: Scope): string[] | undefined {
  if (Array.isArray(exposure.access))
    return resolveAccess(exposure.access, site.networks, site.federation);
  // Internal names answer the site's own networks only.
  return scope === "internal" ? site.ownNetworks : undefined;
}

/** The certificate of a route's name. */
export function tlsOf(site: ServicesSite, scope: Scope): ProxyRoute["tls"] {
  const tls = site.config.proxy?.tls;
  return tls?.acme === "none"
    ? "self-signed"
    : scope === "public" || tls?.internal === "acme"
      ? "acme"
      : "self-signed";
}

/**
 * The routes of every exposure on a known host (public name first, then internal). A part on
 * the proxy's host is reached by container name, unless it uses the host network (known from
 * the first pass's drafts); any other by its host's address and published port.
 */
export function exposureRoutes(
  site: ServicesSite,
  exposed: readonly Exposed[],
  firstPass: readonly StackDraft[],
): ProxyRoute[] {
  const { proxyHost, domains } = site;
  if (!site.config.proxy || !proxyHost) return [];
  return exposed.flatMap((x) => {
    if (!site.knownHost(x.host)) return [];
    const spec = firstPass.find((d) => d.name === x.service.name)?.parts[x.part];
    if (!spec) return [];
    const sameHost = x.host === proxyHost && !spec.hostNetwork;
    const external = spec.hostNetwork ? x.port : (x.exposure.hostPort ?? x.port);
    const upstream: ProxyRoute["upstream"] = sameHost
      ? {
          kind: "container",
          container: containerName(x.service.name, x.service.app, x.part),
          port: x.port,
        }
      : { kind: "address", address: site.hostAddress(x.host), port: external };
    const scopes: Scope[] = [
      ...(x.exposure.public && domains.public ? (["public"] as const) : []),
      "internal",
    ];
    return scopes.map((scope) => ({
      id: `${x.service.name}-${x.exposure.hostname}-${scope}`,
      service: x.service.name,
      hostname: `${x.exposure.hostname}.${scope === "public" ? site.publicDomain : domains.internal}`,
      scope,
      upstream,
      allow: accessOf(site, x.exposure, scope),
      sso: x.exposure.access === "sso",
      tls: tlsOf(site, scope),
    }));
  });
}

/** What monitoring apps (Gatus) watch: every route but the SSO portal's. */
export function monitorsOf(routes: readonly ProxyRoute[]): NonNullable<AppContext["monitors"]> {
  return routes
    .filter((r) => r.service !== SSO_STACK)
    .map((r) => ({
      name: r.hostname,
      group: r.service,
      url: `https://${r.hostname}`,
      insecure: r.tls === "self-signed",
    }));
}

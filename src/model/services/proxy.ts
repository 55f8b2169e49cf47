/** Step: the proxy stack the program adds (Traefik or Caddy, CrowdSec) and its settings. */
import { caddyPart, CADDY_ACCESS_LOG } from "../../catalog/apps/caddy";
import { crowdsecAgent, crowdsecEngine, LAPI_PORT } from "../../catalog/apps/crowdsec";
import { traefikPart } from "../../catalog/apps/traefik";
import type { ProxyRoute, ProxySettings } from "../../catalog/proxy";
import type { PartSpec } from "../../catalog/types";
import { PROXY_STACK, type ProxyConfig } from "../../config/services";
import { configKey } from "../../config/stack";
import { CLOUDFLARE_RANGES } from "../../data/cloudflare";
import type { StackDraft } from "./drafts";
import type { PortLedger } from "./ports";
import type { ServicesSite } from "./site";

export interface ProxyStack {
  readonly draft: StackDraft;
  readonly settings: ProxySettings;
}

/**
 * The proxy stack on the proxy's host, told every route and the site's security chain, with
 * CrowdSec beside it (or on its own host, an agent then reading the proxy's logs); its entry
 * points 80 and 443 are published. `authz` is the SSO forward-auth endpoint, if any.
 */
export function proxyStack(
  site: ServicesSite,
  routes: readonly ProxyRoute[],
  authz: string | undefined,
  ledger: PortLedger,
): ProxyStack | undefined {
  const proxy = site.config.proxy;
  const proxyHost = site.proxyHost;
  if (!proxy || !proxyHost) return undefined;
  const parts: Record<string, PartSpec> = {};
  const placement: Record<string, string> = { [proxy.kind]: proxyHost };
  const crowdsec = crowdsecParts(site, proxy, proxyHost, parts, placement, ledger);
  const settings: ProxySettings = {
    email: site.config.site.contactEmail,
    acme: proxy.tls.acme,
    cloudflareToken:
      proxy.tls.acme === "cloudflare-dns" ? { secret: "cloudflareDnsToken" } : undefined,
    trustedProxies: proxy.middlewares.realIp ? [...CLOUDFLARE_RANGES.ipv4] : [],
    internalSources: site.ownNetworks,
    rateLimit: proxy.middlewares.rateLimit,
    securityHeaders: proxy.middlewares.securityHeaders,
    geoBlock: proxy.middlewares.geoBlock,
    crowdsec,
    sso: authz ? { authz } : undefined,
    routes,
  };
  parts[proxy.kind] = proxy.kind === "traefik" ? traefikPart(settings) : caddyPart(settings);
  for (const port of [80, 443]) {
    ledger.publish({
      host: proxyHost,
      port,
      protocol: "tcp",
      service: PROXY_STACK,
      source: [configKey("proxy"), "host"],
      why: `${proxy.kind} entry point`,
    });
  }
  // The proxy first, then CrowdSec.
  const ordered: Record<string, PartSpec> = { [proxy.kind]: parts[proxy.kind]! };
  for (const [k, v] of Object.entries(parts)) if (k !== proxy.kind) ordered[k] = v;
  return {
    draft: {
      name: PROXY_STACK,
      app: proxy.kind,
      system: true,
      parts: ordered,
      placement,
      publish: {},
      backing: {},
      connects: [],
      source: [configKey("proxy")],
    },
    settings,
  };
}

/**
 * CrowdSec's parts (added to `parts` and `placement`): the engine with the proxy's bouncer
 * key, reading the proxy's logs on the same host; on another host its Local API is published
 * and an agent beside the proxy ships the logs. Returns what the proxy's bouncer needs.
 */
function crowdsecParts(
  site: ServicesSite,
  proxy: ProxyConfig,
  proxyHost: string,
  parts: Record<string, PartSpec>,
  placement: Record<string, string>,
  ledger: PortLedger,
): ProxySettings["crowdsec"] {
  const host =
    proxy.crowdsec && site.knownHost(proxy.crowdsec.host) ? proxy.crowdsec.host : undefined;
  if (!proxy.crowdsec || !host) return undefined;
  const logs = {
    kind: proxy.kind,
    volume: "logs",
    path: proxy.kind === "traefik" ? "/var/log/traefik" : CADDY_ACCESS_LOG.replace(/\/[^/]+$/, ""),
  };
  const bouncerKey = site.generated.ref(`${PROXY_STACK}-crowdsec-bouncer-key`, { length: 48 });
  const local = host === proxyHost;
  const agentPassword = local
    ? undefined
    : site.generated.ref(`${PROXY_STACK}-crowdsec-agent-password`);
  placement.crowdsec = host;
  parts.crowdsec = crowdsecEngine({
    kind: proxy.kind,
    logs: local ? logs : undefined,
    bouncers: { [proxy.kind]: bouncerKey },
    agent: agentPassword ? { user: `${proxy.kind}-agent`, password: agentPassword } : undefined,
    enrollKey: proxy.crowdsec.enrollKey,
    publish: !local,
  });
  const lapi = local ? `crowdsec:${LAPI_PORT}` : `${site.hostAddress(host)}:${LAPI_PORT}`;
  if (agentPassword) {
    ledger.publish({
      host,
      port: LAPI_PORT,
      protocol: "tcp",
      service: PROXY_STACK,
      source: [configKey("proxy"), "crowdsec", "host"],
      why: "CrowdSec Local API for the proxy's bouncer and agent",
    });
    placement["crowdsec-agent"] = proxyHost;
    parts["crowdsec-agent"] = crowdsecAgent({
      logs,
      lapi,
      user: `${proxy.kind}-agent`,
      password: agentPassword,
    });
  }
  return { lapi, bouncerKey };
}

/**
 * Traefik v3 (https://doc.traefik.io/traefik/setup/docker/): Docker provider for containers on
 * its own host (labels), file provider for everything else (routes to other hosts' published
 * ports), and the security chain as file-provider middlewares.
 */
import type { ProxyRoute, ProxySettings } from "../proxy";
import { SSO_RESPONSE_HEADERS } from "../proxy";
import type { AppDefinition, PartSpec } from "../types";

export const TRAEFIK_IMAGE = "docker.io/library/traefik:v3.7.9";
/** Docker network shared by the proxy and the web parts on its host. */
export const PROXY_NETWORK = "homelab-proxy";
export const CROWDSEC_PLUGIN = {
  module: "github.com/maxlerebourg/crowdsec-bouncer-traefik-plugin",
  version: "v1.7.0",
};
export const GEOBLOCK_PLUGIN = { module: "github.com/PascalMinder/geoblock", version: "v0.3.6" };
/** Where the bouncer key file is uploaded in the Traefik container. */
export const TRAEFIK_BOUNCER_KEY_FILE = "/etc/traefik/secrets/crowdsec-lapi-key";

/** Names of the shared middlewares (file provider) a route goes through, in order. */
export function traefikChain(settings: ProxySettings, route: ProxyRoute): string[] {
  const behindProxies = route.scope === "public" && settings.trustedProxies.length > 0;
  const chain: string[] = [];
  if (settings.crowdsec) chain.push("crowdsec");
  if (settings.geoBlock && route.scope === "public") chain.push("geoblock");
  if (settings.rateLimit) chain.push(behindProxies ? "ratelimit-proxied" : "ratelimit");
  if (route.allow) chain.push(`allow-${route.id}`);
  if (settings.securityHeaders) chain.push("security-headers");
  if (route.sso && settings.sso) chain.push("sso");
  return chain.map((m) => `${m}@file`);
}

function routerTls(route: ProxyRoute): Record<string, unknown> {
  return route.tls === "acme" ? { certResolver: "letsencrypt" } : {};
}

/** The file provider's dynamic configuration (JSON, which YAML readers accept). */
export function traefikDynamicConfig(settings: ProxySettings): Record<string, unknown> {
  const middlewares: Record<string, unknown> = {};
  const proxied = settings.trustedProxies.length > 0;
  if (settings.crowdsec) {
    middlewares.crowdsec = {
      plugin: {
        crowdsec: {
          enabled: true,
          crowdsecMode: "stream",
          crowdsecLapiScheme: "http",
          crowdsecLapiHost: settings.crowdsec.lapi,
          crowdsecLapiKeyFile: TRAEFIK_BOUNCER_KEY_FILE,
          ...(proxied ? { forwardedHeadersTrustedIPs: [...settings.trustedProxies] } : {}),
          clientTrustedIPs: [...settings.internalSources],
        },
      },
    };
  }
  if (settings.geoBlock) {
    middlewares.geoblock = {
      plugin: {
        geoblock: {
          silentStartUp: false,
          allowLocalRequests: true,
          logAllowedRequests: false,
          allowUnknownCountries: false,
          countries: [...settings.geoBlock.allowCountries],
        },
      },
    };
  }
  if (settings.rateLimit) {
    middlewares.ratelimit = { rateLimit: { ...settings.rateLimit } };
    if (proxied) {
      // Behind Cloudflare every request comes from its edge: count per real client instead.
      middlewares["ratelimit-proxied"] = {
        rateLimit: {
          ...settings.rateLimit,
          sourceCriterion: { ipStrategy: { excludedIPs: [...settings.trustedProxies] } },
        },
      };
    }
  }
  if (settings.securityHeaders) {
    middlewares["security-headers"] = {
      headers: {
        stsSeconds: 31536000,
        stsIncludeSubdomains: true,
        contentTypeNosniff: true,
        browserXssFilter: true,
        customFrameOptionsValue: "SAMEORIGIN",
        referrerPolicy: "strict-origin-when-cross-origin",
        customResponseHeaders: { Server: "", "X-Powered-By": "" },
      },
    };
  }
  if (settings.sso) {
    middlewares.sso = {
      forwardAuth: {
        address: `http://${settings.sso.authz}/api/authz/forward-auth`,
        trustForwardHeader: true,
        authResponseHeaders: SSO_RESPONSE_HEADERS,
      },
    };
  }
  const routers: Record<string, unknown> = {};
  const services: Record<string, unknown> = {};
  for (const route of settings.routes) {
    if (route.allow) {
      const behindProxies = route.scope === "public" && proxied;
      middlewares[`allow-${route.id}`] = {
        ipAllowList: {
          sourceRange: [...route.allow],
          // Public names arrive through Cloudflare: the client is the rightmost
          // X-Forwarded-For entry that is not one of its ranges.
          ...(behindProxies ? { ipStrategy: { excludedIPs: [...settings.trustedProxies] } } : {}),
        },
      };
    }
    if (route.upstream.kind !== "address") continue;
    routers[route.id] = {
      rule: `Host(\`${route.hostname}\`)`,
      entryPoints: ["websecure"],
      service: route.id,
      middlewares: traefikChain(settings, route),
      tls: routerTls(route),
    };
    services[route.id] = {
      loadBalancer: {
        servers: [{ url: `http://${route.upstream.address}:${route.upstream.port}` }],
      },
    };
  }
  const http: Record<string, unknown> = { middlewares };
  if (Object.keys(routers).length > 0) Object.assign(http, { routers, services });
  return { http };
}

/** Docker labels routing a same-host container's routes (`traefik.*`). */
export function traefikLabels(
  settings: ProxySettings,
  routes: readonly ProxyRoute[],
): Record<string, string> {
  if (routes.length === 0) return {};
  const labels: Record<string, string> = {
    "traefik.enable": "true",
    "traefik.docker.network": PROXY_NETWORK,
  };
  for (const route of routes) {
    if (route.upstream.kind !== "container") continue;
    const r = `traefik.http.routers.${route.id}`;
    labels[`${r}.rule`] = `Host(\`${route.hostname}\`)`;
    labels[`${r}.entrypoints`] = "websecure";
    labels[`${r}.service`] = route.id;
    labels[`${r}.tls`] = "true";
    if (route.tls === "acme") labels[`${r}.tls.certresolver`] = "letsencrypt";
    const chain = traefikChain(settings, route);
    if (chain.length > 0) labels[`${r}.middlewares`] = chain.join(",");
    labels[`traefik.http.services.${route.id}.loadbalancer.server.port`] = String(
      route.upstream.port,
    );
  }
  return labels;
}

/** Static configuration (command-line flags). */
export function traefikCommand(settings: ProxySettings): string[] {
  const flags = [
    "--entrypoints.web.address=:80",
    "--entrypoints.web.http.redirections.entrypoint.to=websecure",
    "--entrypoints.web.http.redirections.entrypoint.scheme=https",
    "--entrypoints.websecure.address=:443",
    "--providers.docker=true",
    "--providers.docker.exposedByDefault=false",
    `--providers.docker.network=${PROXY_NETWORK}`,
    "--providers.file.directory=/etc/traefik/dynamic",
    "--providers.file.watch=true",
    "--accesslog=true",
    "--accesslog.filePath=/var/log/traefik/access.log",
    "--ping=true",
    "--log.level=INFO",
  ];
  if (settings.trustedProxies.length > 0) {
    flags.push(
      `--entrypoints.websecure.forwardedHeaders.trustedIPs=${settings.trustedProxies.join(",")}`,
    );
  }
  if (settings.acme !== "none") {
    const resolver = "--certificatesresolvers.letsencrypt.acme";
    if (settings.email) flags.push(`${resolver}.email=${settings.email}`);
    flags.push(`${resolver}.storage=/letsencrypt/acme.json`);
    flags.push(
      settings.acme === "http"
        ? `${resolver}.httpchallenge.entrypoint=web`
        : `${resolver}.dnschallenge.provider=cloudflare`,
    );
  }
  if (settings.crowdsec) {
    flags.push(`--experimental.plugins.crowdsec.modulename=${CROWDSEC_PLUGIN.module}`);
    flags.push(`--experimental.plugins.crowdsec.version=${CROWDSEC_PLUGIN.version}`);
  }
  if (settings.geoBlock) {
    flags.push(`--experimental.plugins.geoblock.modulename=${GEOBLOCK_PLUGIN.module}`);
    flags.push(`--experimental.plugins.geoblock.version=${GEOBLOCK_PLUGIN.version}`);
  }
  return flags;
}

/**
 * The Traefik container. With the Cloudflare DNS challenge its environment holds
 * CF_DNS_API_TOKEN, the DNS-edit-only `cloudflareDnsToken` (Zone > DNS > Edit and Zone > Zone >
 * Read: lego, Traefik's ACME library, resolves the zone id with the same token when
 * CF_ZONE_API_TOKEN is not set; go-acme/lego providers/dns/cloudflare/cloudflare.toml).
 */
export function traefikPart(settings: ProxySettings): PartSpec {
  return {
    image: TRAEFIK_IMAGE,
    role: "app",
    command: traefikCommand(settings),
    env:
      settings.acme === "cloudflare-dns" && settings.cloudflareToken
        ? { CF_DNS_API_TOKEN: settings.cloudflareToken }
        : {},
    ports: [
      { container: 80, host: 80 },
      { container: 443, host: 443 },
    ],
    volumes: [
      { volume: "letsencrypt", path: "/letsencrypt" },
      { volume: "logs", path: "/var/log/traefik" },
      { volume: "plugins", path: "/plugins-storage" },
    ],
    binds: [{ hostPath: "/var/run/docker.sock", path: "/var/run/docker.sock", readOnly: true }],
    files: [
      {
        path: "/etc/traefik/dynamic/homelab.yml",
        content: JSON.stringify(traefikDynamicConfig(settings), null, 2) + "\n",
      },
      ...(settings.crowdsec
        ? [{ path: TRAEFIK_BOUNCER_KEY_FILE, content: settings.crowdsec.bouncerKey }]
        : []),
    ],
    healthcheck: { test: ["CMD", "traefik", "healthcheck", "--ping"], interval: "30s" },
    capDrop: ["ALL"],
    capAdd: ["NET_BIND_SERVICE"],
  };
}

export const traefik: AppDefinition = {
  name: "traefik",
  title: "Traefik",
  docs: "https://doc.traefik.io/traefik/setup/docker/",
  webPart: "proxy",
  internal: true,
  parts: () => ({
    proxy: traefikPart({
      acme: "none",
      trustedProxies: [],
      internalSources: [],
      securityHeaders: true,
      routes: [],
    }),
  }),
};

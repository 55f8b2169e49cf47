/**
 * Caddy (https://caddyserver.com/docs/running#docker-compose) with the CrowdSec bouncer module
 * (https://github.com/hslatman/caddy-crowdsec-bouncer): a generated Caddyfile proxies to
 * containers on its host by name and to other hosts by address.
 */
import type { ProxyRoute, ProxySettings } from "../proxy";
import { SSO_RESPONSE_HEADERS } from "../proxy";
import type { AppDefinition, PartSpec } from "../types";

export const CADDY_VERSION = "2.10.2";
/** Local tag of the image built from src/catalog/caddy/Dockerfile. */
export const CADDY_IMAGE = `homelab/caddy-crowdsec:${CADDY_VERSION}`;
export const CADDY_ACCESS_LOG = "/var/log/caddy/access.log";

function upstreamOf(route: ProxyRoute): string {
  return route.upstream.kind === "container"
    ? `${route.upstream.container}:${route.upstream.port}`
    : `${route.upstream.address}:${route.upstream.port}`;
}

function siteBlock(settings: ProxySettings, route: ProxyRoute): string {
  const lines = [`${route.hostname} {`];
  if (route.tls === "self-signed") lines.push("\ttls internal");
  lines.push("\tlog {", `\t\toutput file ${CADDY_ACCESS_LOG}`, "\t}");
  if (settings.securityHeaders) lines.push("\timport security_headers");
  lines.push("\troute {");
  if (settings.crowdsec) lines.push("\t\tcrowdsec");
  if (route.allow) {
    // client_ip is the remote address, or the forwarded one when the request comes from a
    // trusted proxy (global trusted_proxies).
    lines.push(`\t\t@denied not client_ip ${route.allow.join(" ")}`);
    lines.push('\t\trespond @denied "Forbidden" 403');
  }
  if (route.sso && settings.sso) {
    lines.push(
      `\t\tforward_auth ${settings.sso.authz} {`,
      "\t\t\turi /api/authz/forward-auth",
      `\t\t\tcopy_headers ${SSO_RESPONSE_HEADERS.join(" ")}`,
      "\t\t}",
    );
  }
  lines.push(`\t\treverse_proxy ${upstreamOf(route)}`, "\t}", "}");
  return lines.join("\n");
}

/** The Caddyfile: global options, the security-headers snippet, one site per route. */
export function caddyfile(settings: ProxySettings): string {
  const global: string[] = ["{"];
  if (settings.email) global.push(`\temail ${settings.email}`);
  if (settings.acme === "none") global.push("\tauto_https disable_certs");
  if (settings.acme === "cloudflare-dns") global.push("\tacme_dns cloudflare {$CF_API_TOKEN}");
  if (settings.crowdsec) {
    global.push(
      "\tcrowdsec {",
      `\t\tapi_url http://${settings.crowdsec.lapi}`,
      "\t\tapi_key {$CROWDSEC_API_KEY}",
      "\t\tticker_interval 15s",
      "\t}",
    );
  }
  if (settings.trustedProxies.length > 0) {
    global.push(
      "\tservers {",
      `\t\ttrusted_proxies static ${settings.trustedProxies.join(" ")}`,
      "\t\tclient_ip_headers X-Forwarded-For",
      "\t}",
    );
  }
  global.push("}");
  const blocks = [global.join("\n")];
  if (settings.securityHeaders) {
    blocks.push(
      [
        "(security_headers) {",
        "\theader {",
        '\t\tStrict-Transport-Security "max-age=31536000; includeSubDomains"',
        '\t\tX-Content-Type-Options "nosniff"',
        '\t\tX-Frame-Options "SAMEORIGIN"',
        '\t\tReferrer-Policy "strict-origin-when-cross-origin"',
        "\t\t-Server",
        "\t}",
        "}",
      ].join("\n"),
    );
  }
  for (const route of settings.routes) blocks.push(siteBlock(settings, route));
  return blocks.join("\n\n") + "\n";
}

/** The Caddy container. */
export function caddyPart(settings: ProxySettings): PartSpec {
  return {
    image: CADDY_IMAGE,
    build: { context: "src/catalog/caddy", args: { CADDY_VERSION } },
    role: "app",
    env: {
      ...(settings.crowdsec ? { CROWDSEC_API_KEY: settings.crowdsec.bouncerKey } : {}),
      ...(settings.acme === "cloudflare-dns" && settings.cloudflareToken
        ? { CF_API_TOKEN: settings.cloudflareToken }
        : {}),
    },
    ports: [
      { container: 80, host: 80 },
      { container: 443, host: 443 },
      { container: 443, host: 443, protocol: "udp" },
    ],
    volumes: [
      { volume: "data", path: "/data" },
      { volume: "config", path: "/config" },
      { volume: "logs", path: "/var/log/caddy" },
    ],
    files: [{ path: "/etc/caddy/Caddyfile", content: caddyfile(settings) }],
    healthcheck: {
      test: ["CMD-SHELL", "wget -q --spider http://localhost:2019/config/ || exit 1"],
    },
    capDrop: ["ALL"],
    capAdd: ["NET_BIND_SERVICE"],
  };
}

export const caddy: AppDefinition = {
  name: "caddy",
  title: "Caddy",
  docs: "https://caddyserver.com/docs/running#docker-compose",
  webPart: "proxy",
  internal: true,
  parts: () => ({
    proxy: caddyPart({
      acme: "http",
      trustedProxies: [],
      internalSources: [],
      securityHeaders: true,
      routes: [],
    }),
  }),
};

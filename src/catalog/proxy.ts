/**
 * What the reverse proxy is told by the model: one route per (exposure, domain) with its
 * upstream and access policy, and the site-wide security chain. The Traefik and Caddy
 * definitions render these into their own configuration.
 */
import type { GeneratedRef, StackSecretRef } from "./types";

export interface ProxyRoute {
  /** Unique id, used for router and middleware names ("immich-photos-public"). */
  readonly id: string;
  readonly service: string;
  /** Fully qualified name the route answers. */
  readonly hostname: string;
  readonly scope: "public" | "internal";
  /**
   * Where requests go: a container on the proxy's own Docker host (reached by name on the
   * shared proxy network), or another host's address and published port.
   */
  readonly upstream:
    | { readonly kind: "container"; readonly container: string; readonly port: number }
    | { readonly kind: "address"; readonly address: string; readonly port: number };
  /** Client prefixes allowed to connect; undefined: anyone (the security chain still applies). */
  readonly allow?: readonly string[];
  /** Behind the SSO provider's forward-auth. */
  readonly sso: boolean;
  /** Certificate: from the ACME resolver, or the proxy's self-signed/internal one. */
  readonly tls: "acme" | "self-signed";
}

export interface ProxySettings {
  readonly email?: string;
  readonly acme: "none" | "http" | "cloudflare-dns";
  /**
   * The DNS-edit-only Cloudflare token of the DNS-01 challenge (`cloudflareDnsToken`), never
   * the program's zone token: the proxy is the internet-facing container.
   */
  readonly cloudflareToken?: StackSecretRef;
  /**
   * Proxies whose X-Forwarded-For is trusted for the client address (Cloudflare's ranges with
   * realIp), empty otherwise.
   */
  readonly trustedProxies: readonly string[];
  /** The site's own networks (never rate limited or banned by the bouncer). */
  readonly internalSources: readonly string[];
  readonly rateLimit?: { readonly average: number; readonly burst: number };
  readonly securityHeaders: boolean;
  readonly geoBlock?: { readonly allowCountries: readonly string[] };
  /** CrowdSec LAPI (host:port as the proxy reaches it) and the proxy's bouncer key. */
  readonly crowdsec?: { readonly lapi: string; readonly bouncerKey: GeneratedRef };
  /** SSO forward-auth endpoint (host:port as the proxy reaches it). */
  readonly sso?: { readonly authz: string };
  readonly routes: readonly ProxyRoute[];
}

/** Headers the SSO provider returns to upstream applications. */
export const SSO_RESPONSE_HEADERS = ["Remote-User", "Remote-Groups", "Remote-Email", "Remote-Name"];

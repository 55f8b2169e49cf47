/**
 * Steps: the SSO wiring (portal names, OIDC issuer, each client's settings) and the SSO
 * stack the program adds: Authelia, LLDAP, the portal's routes.
 */
import { appOf } from "../../catalog";
import { autheliaPart, AUTHELIA_PORT } from "../../catalog/apps/authelia";
import { LDAP_PORT, lldapAdminDn, lldapPart } from "../../catalog/apps/lldap";
import type { ProxyRoute } from "../../catalog/proxy";
import type { GeneratedRef, OidcClientContext, PartSpec } from "../../catalog/types";
import { SSO_STACK, type ServiceConfig, type SsoConfig } from "../../config/services";
import { configKey } from "../../config/stack";
import type { StackDraft } from "./drafts";
import { serviceHostnames, type Exposed } from "./exposures";
import type { PortLedger } from "./ports";
import { tlsOf } from "./routes";
import type { ServicesSite } from "./site";
import type { PublishedPort } from "./types";

/** Name of the SSO provider in apps' login pages and OIDC redirect paths. */
export const SSO_PROVIDER_NAME = "authelia";

const DEFAULT_BASE_DN = "dc=example,dc=org";

export interface SsoWiring {
  /**
   * A service behind SSO or an OIDC client is public (on a site with a public domain): so is
   * the portal.
   */
  readonly public: boolean;
  /** Portal URL by domain (public first). */
  readonly portals: Readonly<Record<string, string>>;
  /** The OIDC issuer (the portal's public URL if it has one). */
  readonly issuer?: string;
}

export function ssoWiring(site: ServicesSite, exposed: readonly Exposed[]): SsoWiring {
  const { domains, publicDomain } = site;
  const sso = site.config.sso;
  // A public service behind forward auth, or a public OIDC client (a public Gitea logging in
  // with Authelia), sends its users to the portal: it must be reachable where they are.
  const clients = sso?.oidcClients ?? [];
  const isPublic =
    exposed.some(
      (x) => x.exposure.public && (x.exposure.access === "sso" || clients.includes(x.service.name)),
    ) && domains.public !== undefined;
  const portals: Record<string, string> = {};
  if (sso) {
    if (isPublic) portals[publicDomain] = `https://${sso.hostname}.${publicDomain}`;
    portals[domains.internal] = `https://${sso.hostname}.${domains.internal}`;
  }
  const issuer = !sso
    ? undefined
    : isPublic
      ? `https://${sso.hostname}.${publicDomain}`
      : `https://${sso.hostname}.${domains.internal}`;
  return { public: isPublic, portals, issuer };
}

/** OIDC settings of a service that is one of `homelab:sso.oidcClients`. */
export function oidcClient(
  site: ServicesSite,
  wiring: SsoWiring,
  service: ServiceConfig,
): OidcClientContext | undefined {
  const sso = site.config.sso;
  if (!sso || !wiring.issuer || !sso.oidcClients.includes(service.name)) return undefined;
  return {
    issuer: wiring.issuer,
    clientId: service.name,
    clientSecret: site.generated.serviceRef(service.name, "oidc-secret", { length: 64 }),
    providerName: SSO_PROVIDER_NAME,
  };
}

/** The SSO stack's draft, the proxy's forward-auth endpoint and the portal's routes. */
export interface SsoStack {
  readonly draft: StackDraft;
  /** Forward-auth endpoint as the proxy reaches it (when the site has a proxy). */
  readonly authz?: string;
  readonly routes: readonly ProxyRoute[];
}

/**
 * The SSO stack: Authelia with LLDAP as its directory (published when on another host), and,
 * with a proxy, Authelia published for it when it runs elsewhere and the portal's routes.
 * `routes` are the exposures' routes (the protected domains).
 */
export function ssoStack(
  site: ServicesSite,
  wiring: SsoWiring,
  exposed: readonly Exposed[],
  routes: readonly ProxyRoute[],
  ledger: PortLedger,
): SsoStack | undefined {
  const sso = site.config.sso;
  if (!sso || !site.knownHost(sso.host)) return undefined;
  const placement: Record<string, string> = { authelia: sso.host };
  const publish: Record<string, PublishedPort[]> = {};
  const parts: Record<string, PartSpec> = {};
  const ldapPassword = site.generated.ref(`${SSO_STACK}-lldap-admin-password`);
  const ldap = sso.ldap && site.knownHost(sso.ldap.host) ? sso.ldap : undefined;
  let ldapAddress = "ldap://lldap:3890";
  if (ldap) {
    placement.lldap = ldap.host;
    const remote = ldap.host !== sso.host;
    if (remote) {
      ldapAddress = `ldap://${site.hostAddress(ldap.host)}:${LDAP_PORT}`;
      ledger.publish({
        host: ldap.host,
        port: LDAP_PORT,
        protocol: "tcp",
        service: SSO_STACK,
        source: [configKey("sso"), "ldap", "host"],
        why: "LDAP for the SSO provider",
      });
    }
    parts.lldap = lldapPart({
      baseDn: ldap.baseDn,
      adminPassword: ldapPassword,
      jwtSecret: site.generated.ref(`${SSO_STACK}-lldap-jwt-secret`, { length: 64 }),
      keySeed: site.generated.ref(`${SSO_STACK}-lldap-key-seed`, { length: 64 }),
      publish: remote,
    });
  }
  parts.authelia = authelia(site, sso, wiring, exposed, routes, ldapAddress, ldapPassword);
  const front = site.proxyHost ? proxyFront(site, sso, wiring, publish, ledger) : undefined;
  return {
    draft: {
      name: SSO_STACK,
      app: "authelia",
      system: true,
      parts,
      placement,
      publish,
      backing: {},
      connects: [],
      source: [configKey("sso")],
    },
    authz: front?.authz,
    routes: front?.routes ?? [],
  };
}

/** Authelia's part: its portals, the protected domains, its directory and OIDC clients. */
function authelia(
  site: ServicesSite,
  sso: SsoConfig,
  wiring: SsoWiring,
  exposed: readonly Exposed[],
  routes: readonly ProxyRoute[],
  ldapAddress: string,
  ldapPassword: GeneratedRef,
): PartSpec {
  const { generated, domains } = site;
  const clients = site.config.services
    .filter((s) => sso.oidcClients.includes(s.name))
    .flatMap((s) => {
      const app = appOf(s);
      if (!app?.oidc) return [];
      const redirect = app.oidc.redirectPath(SSO_PROVIDER_NAME);
      return [
        {
          id: s.name,
          name: app.title,
          secretHash: generated.serviceHash(s.name, "oidc-secret"),
          redirectUris: serviceHostnames(site, exposed, s).map((h) => `https://${h}${redirect}`),
        },
      ];
    });
  const baseDn = sso.ldap && site.knownHost(sso.ldap.host) ? sso.ldap.baseDn : DEFAULT_BASE_DN;
  return autheliaPart({
    portals: wiring.portals,
    protectedDomains: routes.filter((r) => r.sso).map((r) => r.hostname),
    ldap: { address: ldapAddress, baseDn, user: lldapAdminDn(baseDn) },
    secrets: {
      jwt: generated.ref(`${SSO_STACK}-jwt-secret`, { length: 64 }),
      session: generated.ref(`${SSO_STACK}-session-secret`, { length: 64 }),
      storage: generated.ref(`${SSO_STACK}-storage-key`, { length: 64 }),
      ldapPassword,
      oidcHmac: generated.ref(`${SSO_STACK}-oidc-hmac`, { length: 64 }),
    },
    clients,
    totpIssuer: domains.public ?? domains.internal,
  });
}

/**
 * How the proxy reaches Authelia (by container name on its own host, else published on
 * Authelia's host) and the portal's routes.
 */
function proxyFront(
  site: ServicesSite,
  sso: SsoConfig,
  wiring: SsoWiring,
  publish: Record<string, PublishedPort[]>,
  ledger: PortLedger,
): { authz: string; routes: ProxyRoute[] } {
  const sameHost = sso.host === site.proxyHost;
  if (!sameHost) {
    publish.authelia = [{ internal: AUTHELIA_PORT, external: AUTHELIA_PORT, protocol: "tcp" }];
    ledger.publish({
      host: sso.host,
      port: AUTHELIA_PORT,
      protocol: "tcp",
      service: SSO_STACK,
      source: [configKey("sso"), "host"],
      why: "SSO portal for the proxy",
    });
  }
  const address = site.hostAddress(sso.host);
  const authz = sameHost ? `${SSO_STACK}-authelia:${AUTHELIA_PORT}` : `${address}:${AUTHELIA_PORT}`;
  const upstream: ProxyRoute["upstream"] = sameHost
    ? { kind: "container", container: `${SSO_STACK}-authelia`, port: AUTHELIA_PORT }
    : { kind: "address", address, port: AUTHELIA_PORT };
  const routes = Object.entries(wiring.portals).map(([domain, url]): ProxyRoute => {
    const scope = domain === site.domains.internal ? "internal" : "public";
    return {
      id: `${SSO_STACK}-${sso.hostname}-${scope}`,
      service: SSO_STACK,
      hostname: new URL(url).hostname,
      scope,
      upstream,
      allow: scope === "internal" ? site.ownNetworks : undefined,
      sso: false,
      tls: tlsOf(site, scope),
    };
  });
  return { authz, routes };
}

/**
 * The services model (pure, deterministic): from the site's `homelab:services`, `proxy`,
 * `sso` and `cloudflare` sections and the catalog, every container per Docker host (split
 * placement), its volumes and networks, the reverse proxy's routes with their access policy,
 * public DNS records, internal names, the CrowdSec bouncer and the SSO wiring. Components
 * only turn this into resources.
 */
import { CATALOG, CUSTOM_APP } from "../catalog";
import { autheliaPart, AUTHELIA_PORT } from "../catalog/apps/authelia";
import { CADDY_ACCESS_LOG, caddyPart } from "../catalog/apps/caddy";
import { crowdsecAgent, crowdsecEngine, LAPI_PORT } from "../catalog/apps/crowdsec";
import { customApp, declaredEnv } from "../catalog/apps/custom";
import { LDAP_PORT, lldapAdminDn, lldapPart } from "../catalog/apps/lldap";
import { PROXY_NETWORK, traefikLabels, traefikPart } from "../catalog/apps/traefik";
import type { ProxyRoute, ProxySettings } from "../catalog/proxy";
import {
  retag,
  type AppContext,
  type AppDefinition,
  type BindMount,
  type FileSpec,
  type GeneratedRef,
  type GeneratedSecretSpec,
  type HealthcheckSpec,
  type OidcClientContext,
  type PartSpec,
  type RestartPolicy,
  type Value,
} from "../catalog/types";
import type { PathSegment } from "../config/errors";
import type { Exposure, ServiceConfig } from "../config/services";
import { configKey, type SiteConfig } from "../config/stack";
import { CLOUDFLARE_RANGES } from "../data/cloudflare";
import type { DockerHost } from "./hosts";
import { formatPrefix } from "../lib/net";
import { INTERNAL_KINDS, type SiteNetwork } from "../config/networks";

/** Names of the stacks the program adds for the proxy and the SSO provider. */
export const PROXY_STACK = "proxy";
export const SSO_STACK = "sso";
export const RESERVED_SERVICE_NAMES = [PROXY_STACK, SSO_STACK] as const;
/** Name of the SSO provider in apps' login pages and OIDC redirect paths. */
export const SSO_PROVIDER_NAME = "authelia";

export interface VolumePlan {
  /** Volume id within the stack ("data"). */
  readonly id: string;
  /** Docker volume name: `<stack>-<id>`. */
  readonly name: string;
  readonly host: string;
  /** NFS backing (Docker's local driver mounts the export). */
  readonly nfs?: { readonly address: string; readonly device: string };
}

export interface NetworkPlan {
  /** Docker network name. */
  readonly name: string;
  readonly host: string;
}

export interface PublishedPort {
  readonly internal: number;
  readonly external: number;
  readonly protocol: "tcp" | "udp";
}

export interface ContainerPlan {
  /** Docker container name: `<stack>-<part>`. */
  readonly name: string;
  readonly part: string;
  readonly host: string;
  readonly role: PartSpec["role"];
  readonly image: string;
  readonly build?: PartSpec["build"];
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly env: Readonly<Record<string, Value>>;
  readonly ports: readonly PublishedPort[];
  /** Named volumes: Docker volume name and mount path. */
  readonly volumes: readonly { volume: string; path: string; readOnly: boolean }[];
  readonly binds: readonly BindMount[];
  readonly tmpfs: readonly string[];
  readonly files: readonly FileSpec[];
  readonly healthcheck?: HealthcheckSpec;
  readonly restart: RestartPolicy;
  readonly user?: string;
  readonly readOnlyRootFs: boolean;
  readonly capDrop: readonly string[];
  readonly capAdd: readonly string[];
  readonly privileged: boolean;
  readonly noNewPrivileges: boolean;
  readonly hostNetwork: boolean;
  readonly hostPid: boolean;
  readonly shmSizeMiB?: number;
  readonly memoryMiB?: number;
  readonly labels: Readonly<Record<string, string>>;
  /** Networks joined (not with hostNetwork), with the aliases the container has there. */
  readonly networks: readonly { name: string; aliases: readonly string[] }[];
  /** Containers (names) of the same stack created before this one. */
  readonly dependsOn: readonly string[];
  /** Runs once to completion (a migration, a setup step). */
  readonly job: boolean;
}

export interface StackPlan {
  /** Service name (or `proxy`/`sso`). */
  readonly name: string;
  /** Catalog app, or `custom`. */
  readonly app: string;
  /** Added by the program for homelab:proxy / homelab:sso. */
  readonly system: boolean;
  /** Hosts the stack has containers on. */
  readonly hosts: readonly string[];
  readonly networks: readonly NetworkPlan[];
  readonly volumes: readonly VolumePlan[];
  readonly containers: readonly ContainerPlan[];
  /** Other services' networks this stack joins (`connect`). */
  readonly connects: readonly string[];
}

export interface DnsRecordPlan {
  /** Fully qualified name. */
  readonly name: string;
  readonly type: "A" | "CNAME";
  readonly content: string;
  readonly proxied: boolean;
  /** Service the record exposes (or `sso` for the login portal). */
  readonly service: string;
  readonly comment: string;
}

export interface PortUse {
  readonly host: string;
  readonly port: number;
  readonly protocol: "tcp" | "udp";
  readonly service: string;
  /** Config path that asks for the port (for problems). */
  readonly source: readonly PathSegment[];
  readonly why: string;
}

export interface ServicesModel {
  /** Docker hosts that run at least one container. */
  readonly hosts: readonly DockerHost[];
  /** Passwords the program generates (`@pulumi/random`), sorted by id. */
  readonly generated: readonly GeneratedSecretSpec[];
  readonly stacks: readonly StackPlan[];
  readonly routes: readonly ProxyRoute[];
  /** Public DNS records (Cloudflare): public exposures only. */
  readonly publicRecords: readonly DnsRecordPlan[];
  /** `<hostname>.<internal domain>` → the proxy host's address. */
  readonly internalRecords: readonly { name: string; address: string }[];
  /** The proxy, when the site has one. */
  readonly proxy?: {
    readonly kind: "traefik" | "caddy";
    readonly host: string;
    readonly settings: ProxySettings;
  };
  /** Host ports published, for clash detection. */
  readonly ports: readonly PortUse[];
}

export interface ServicesInput {
  readonly config: SiteConfig;
  readonly hosts: readonly DockerHost[];
  readonly networks: readonly SiteNetwork[];
  /** Prefixes of the federation peers (for the built-in network `federation`). */
  readonly federationPrefixes?: readonly string[];
}

/** Docker container name of a part: `<stack>-<part>`, or the service name for custom apps. */
export function containerName(stack: string, app: string, part: string): string {
  return app === CUSTOM_APP ? stack : `${stack}-${part}`;
}

/** Config path of the exposure of the service at `index`. */
export function exposurePath(index: number, exposure: Exposure): PathSegment[] {
  return [configKey("services"), index, ...exposure.at];
}

/** The app definition of a service (catalog or custom), or undefined for an unknown app. */
export function appOf(service: ServiceConfig): AppDefinition | undefined {
  if (service.app === CUSTOM_APP) return customApp(service);
  const app = CATALOG[service.app];
  return app && !app.internal ? app : undefined;
}

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

/** Prefixes of the site's own networks (LANs, VLANs, SDN, VPN pools). */
export function internalPrefixes(networks: readonly SiteNetwork[]): string[] {
  return [
    ...new Set(
      networks
        .filter((n) => INTERNAL_KINDS.has(n.kind))
        .flatMap((n) => n.prefixes.map(formatPrefix)),
    ),
  ];
}

// ----- building ----------------------------------------------------------------------------

interface StackDraft {
  name: string;
  app: string;
  system: boolean;
  parts: Record<string, PartSpec>;
  /** Part → host. */
  placement: Record<string, string>;
  /** Extra published ports: part → ports (cross-host reach, proxy upstreams). */
  publish: Record<string, PublishedPort[]>;
  /** Volume backing declared in the service (nfs, hostPath) by volume id. */
  backing: Record<string, ServiceConfig["volumes"][number]>;
  connects: string[];
  source: PathSegment[];
}

interface Exposed {
  service: ServiceConfig;
  index: number;
  exposure: Exposure;
  part: string;
  port: number;
  host: string;
}

function hostAddress(hosts: readonly DockerHost[], name: string): string {
  return hosts.find((h) => h.name === name)?.address ?? name;
}

class Generated {
  readonly specs = new Map<string, GeneratedSecretSpec>();
  ref(id: string, options: { length?: number; special?: boolean } = {}): GeneratedRef {
    if (!this.specs.has(id))
      this.specs.set(id, { id, length: options.length ?? 32, special: options.special ?? false });
    return { generated: id };
  }
  hash(id: string): GeneratedRef {
    this.ref(id);
    return { generated: id, form: "bcrypt" };
  }
}

/** Registers `{ generated }` references made in configuration (custom env values). */
function collectGenerated(value: Value, generated: Generated): void {
  const items = typeof value === "string" ? [] : Array.isArray(value) ? value : [value];
  for (const item of items as (string | { generated?: string })[]) {
    if (typeof item === "object" && typeof item.generated === "string")
      generated.ref(item.generated);
  }
}

/** Turns one stack draft into its plan (containers, volumes, networks). */
function planStack(
  draft: StackDraft,
  input: ServicesInput,
  routes: readonly ProxyRoute[],
  proxyHost: string | undefined,
  settings: ProxySettings | undefined,
  kind: "traefik" | "caddy" | undefined,
): StackPlan {
  const timezone = input.config.site.timezone;
  const partNames = Object.keys(draft.parts);
  const hostOf = (part: string) => draft.placement[part]!;
  const hostsUsed = [...new Set(partNames.map(hostOf))];
  const volumes = new Map<string, VolumePlan>();
  const containers: ContainerPlan[] = [];
  for (const part of partNames) {
    const spec = draft.parts[part]!;
    const host = hostOf(part);
    const name = containerName(draft.name, draft.app, part);
    const hostNetwork = spec.hostNetwork ?? false;
    const partVolumes = (spec.volumes ?? []).flatMap((v) => {
      const backing = draft.backing[v.volume];
      if (backing?.hostPath) return [];
      const volumeName = `${draft.name}-${v.volume}`;
      const key = `${host}/${volumeName}`;
      if (!volumes.has(key)) {
        const nfs = backing?.nfs;
        const nas = nfs ? input.config.hosts.find((h) => h.name === nfs.host) : undefined;
        const exported = nas?.nfs?.exports.find((x) => x.name === nfs?.export);
        volumes.set(key, {
          id: v.volume,
          name: volumeName,
          host,
          ...(nas && exported
            ? {
                nfs: {
                  address: nas.address,
                  device: `:${exported.path}${nfs?.subPath ? `/${nfs.subPath.replace(/^\/+/, "")}` : ""}`,
                },
              }
            : {}),
        });
      }
      return [
        {
          volume: volumeName,
          path: v.path,
          readOnly: (v.readOnly ?? false) || (backing?.readOnly ?? false),
        },
      ];
    });
    const backedBinds: BindMount[] = (spec.volumes ?? []).flatMap((v) => {
      const backing = draft.backing[v.volume];
      return backing?.hostPath
        ? [
            {
              hostPath: backing.hostPath,
              path: v.path,
              readOnly: (v.readOnly ?? false) || backing.readOnly,
            },
          ]
        : [];
    });
    const ports: PublishedPort[] = [
      ...(spec.ports ?? [])
        .filter((p) => p.host !== undefined)
        .map((p) => ({
          internal: p.container,
          external: p.host!,
          protocol: p.protocol ?? ("tcp" as const),
        })),
      ...(draft.publish[part] ?? []),
    ];
    const uniquePorts = ports.filter(
      (p, i) =>
        ports.findIndex((q) => q.external === p.external && q.protocol === p.protocol) === i,
    );
    const partRoutes = routes.filter(
      (r) => r.upstream.kind === "container" && r.upstream.container === name,
    );
    const onProxyNetwork =
      !hostNetwork &&
      host === proxyHost &&
      (partRoutes.length > 0 || (draft.system && draft.name === PROXY_STACK));
    const networks = hostNetwork
      ? []
      : [
          { name: draft.name, aliases: [part] },
          ...(onProxyNetwork ? [{ name: PROXY_NETWORK, aliases: [name] }] : []),
          ...draft.connects.map((other) => ({ name: other, aliases: [name] })),
        ];
    const labels: Record<string, string> = {
      "homelab.stack": draft.name,
      "homelab.part": part,
      ...(spec.labels ?? {}),
      ...(kind === "traefik" && settings && partRoutes.length > 0
        ? traefikLabels(settings, partRoutes)
        : {}),
    };
    const job = spec.role === "job";
    const env: Record<string, Value> = { TZ: timezone, ...(spec.env ?? {}) };
    containers.push({
      name,
      part,
      host,
      role: spec.role,
      image: spec.image,
      build: spec.build,
      command: spec.command,
      entrypoint: spec.entrypoint,
      env,
      ports: hostNetwork ? [] : uniquePorts,
      volumes: partVolumes,
      binds: [...(spec.binds ?? []), ...backedBinds],
      tmpfs: spec.tmpfs ?? [],
      files: spec.files ?? [],
      healthcheck: spec.healthcheck,
      restart: spec.restart ?? (job ? "no" : "unless-stopped"),
      user: spec.user,
      readOnlyRootFs: spec.readOnlyRootFs ?? false,
      capDrop: spec.capDrop ?? [],
      capAdd: spec.capAdd ?? [],
      privileged: spec.privileged ?? false,
      noNewPrivileges: spec.noNewPrivileges ?? !(spec.privileged ?? false),
      hostNetwork,
      hostPid: spec.hostPid ?? false,
      shmSizeMiB: spec.shmSizeMiB,
      memoryMiB: spec.memoryMiB,
      labels,
      networks,
      dependsOn: (spec.dependsOn ?? [])
        .filter((d) => d in draft.parts)
        .map((d) => containerName(draft.name, draft.app, d)),
      job,
    });
  }
  return {
    name: draft.name,
    app: draft.app,
    system: draft.system,
    hosts: hostsUsed,
    networks: hostsUsed
      .filter((h) => containers.some((c) => c.host === h && !c.hostNetwork))
      .map((host) => ({ name: draft.name, host })),
    volumes: [...volumes.values()],
    containers,
    connects: draft.connects,
  };
}

/** The whole services model of a site. */
export function servicesModel(input: ServicesInput): ServicesModel {
  const { config, hosts, networks } = input;
  const domains = config.site.domains;
  const publicDomain = domains.public ?? "";
  const proxy = config.proxy;
  const sso = config.sso;
  const generated = new Generated();
  const federation = input.federationPrefixes ?? [];
  const ownNetworks = internalPrefixes(networks);
  const proxyHost = proxy && hosts.some((h) => h.name === proxy.host) ? proxy.host : undefined;
  const proxyAddress = proxyHost ? hostAddress(hosts, proxyHost) : undefined;
  const trusted = proxy?.middlewares.realIp ? [...CLOUDFLARE_RANGES.ipv4] : [];
  const ports: PortUse[] = [];
  const knownHost = (name: string) => hosts.some((h) => h.name === name);

  // Exposures (which part, which port, on which host) of every declared service.
  const exposed: Exposed[] = [];
  config.services.forEach((service, index) => {
    const app = appOf(service);
    if (!app) return;
    service.expose.forEach((exposure) => {
      const part = exposure.part ?? app.webPart;
      const port = exposure.port ?? app.webPort;
      if (port === undefined || port === 0) return;
      exposed.push({
        service,
        index,
        exposure,
        part,
        port,
        host: service.placement?.[part] ?? service.host,
      });
    });
  });

  // Internal names and public records.
  const internalRecords: { name: string; address: string }[] = [];
  const publicRecords: DnsRecordPlan[] = [];
  const cloudflare = config.cloudflare;
  const recordFor = (
    name: string,
    service: string,
    proxied: boolean,
  ): DnsRecordPlan | undefined => {
    if (!cloudflare) return undefined;
    const origin = cloudflare.origin;
    return {
      name,
      type: "ipv4" in origin ? "A" : "CNAME",
      content: "ipv4" in origin ? origin.ipv4 : origin.cname,
      proxied,
      service,
      comment: `managed by homelab (site ${config.site.name}, service ${service})`,
    };
  };
  if (proxyAddress) {
    for (const x of exposed) {
      internalRecords.push({
        name: `${x.exposure.hostname}.${domains.internal}`,
        address: proxyAddress,
      });
    }
  }
  for (const x of exposed) {
    if (!x.exposure.public || !domains.public) continue;
    const record = recordFor(
      `${x.exposure.hostname}.${domains.public}`,
      x.service.name,
      x.exposure.proxied ?? cloudflare?.proxiedDefault ?? false,
    );
    if (record) publicRecords.push(record);
  }
  const ssoExposed = exposed.filter((x) => x.exposure.access === "sso");
  const ssoPublic = ssoExposed.some((x) => x.exposure.public) && domains.public !== undefined;
  if (sso && proxyAddress) {
    internalRecords.push({ name: `${sso.hostname}.${domains.internal}`, address: proxyAddress });
    if (ssoPublic) {
      const record = recordFor(
        `${sso.hostname}.${publicDomain}`,
        SSO_STACK,
        cloudflare?.proxiedDefault ?? false,
      );
      if (record) publicRecords.push(record);
    }
  }

  // SSO portal and OIDC.
  const portals: Record<string, string> = {};
  if (sso) {
    if (ssoPublic) portals[publicDomain] = `https://${sso.hostname}.${publicDomain}`;
    portals[domains.internal] = `https://${sso.hostname}.${domains.internal}`;
  }
  const issuer = ssoPublic
    ? `https://${sso!.hostname}.${publicDomain}`
    : sso
      ? `https://${sso.hostname}.${domains.internal}`
      : undefined;
  const oidcOf = (service: ServiceConfig): OidcClientContext | undefined =>
    sso && issuer && sso.oidcClients.includes(service.name)
      ? {
          issuer,
          clientId: service.name,
          clientSecret: generated.ref(`${service.name}-oidc-secret`, { length: 64 }),
          providerName: SSO_PROVIDER_NAME,
        }
      : undefined;

  // Routes: one per exposure and domain (upstream fixed once parts are known).
  const urlOf = (service: ServiceConfig): string | undefined => {
    const list = exposed.filter((x) => x.service === service);
    const pub = list.find((x) => x.exposure.public && domains.public);
    if (pub) return `https://${pub.exposure.hostname}.${publicDomain}`;
    return list[0] ? `https://${list[0].exposure.hostname}.${domains.internal}` : undefined;
  };
  const hostnamesOf = (service: ServiceConfig): string[] =>
    exposed
      .filter((x) => x.service === service)
      .flatMap((x) => [
        ...(x.exposure.public && domains.public
          ? [`${x.exposure.hostname}.${domains.public}`]
          : []),
        `${x.exposure.hostname}.${domains.internal}`,
      ]);

  /** Builds the drafts of every declared service with the given extra context. */
  const buildDrafts = (extra: Pick<AppContext, "localDnsRecords" | "monitors">): StackDraft[] =>
    config.services.flatMap((service, index) => {
      const app = appOf(service);
      if (!app) return [];
      const placement: Record<string, string> = {};
      const publish: Record<string, PublishedPort[]> = {};
      const ctx: AppContext = {
        service: service.name,
        timezone: config.site.timezone,
        url: urlOf(service),
        hostnames: hostnamesOf(service),
        generated: (key, options) => generated.ref(`${service.name}-${key}`, options),
        reach: (from, part, port) => {
          const fromHost = service.placement?.[from] ?? service.host;
          const toHost = service.placement?.[part] ?? service.host;
          if (fromHost === toHost) return `${part}:${port}`;
          (publish[part] ??= []).push({ internal: port, external: port, protocol: "tcp" });
          ports.push({
            host: toHost,
            port,
            protocol: "tcp",
            service: service.name,
            source: [configKey("services"), index, "placement", part],
            why: `${part} reached from ${fromHost}`,
          });
          return `${hostAddress(hosts, toHost)}:${port}`;
        },
        oidc: oidcOf(service),
        ...extra,
      };
      const built = { ...app.parts(ctx) };
      // Version override, extra environment.
      const versioned = app.versionedParts ?? [app.webPart];
      for (const part of Object.keys(built)) {
        let spec = built[part]!;
        if (service.version && versioned.includes(part))
          spec = { ...spec, image: retag(spec.image, service.version) };
        if (part === app.webPart && Object.keys(service.env).length > 0) {
          const env = declaredEnv(service.env);
          Object.values(env).forEach((v) => collectGenerated(v, generated));
          spec = { ...spec, env: { ...(spec.env ?? {}), ...env } };
        }
        built[part] = spec;
        placement[part] = service.placement?.[part] ?? service.host;
      }
      const backing: StackDraft["backing"] = {};
      if (service.app !== CUSTOM_APP) {
        for (const v of service.volumes) backing[v.name] = v;
      } else {
        for (const v of service.volumes) if (v.hostPath) backing[v.name] = v;
      }
      return [
        {
          name: service.name,
          app: service.app,
          system: false,
          parts: built,
          placement,
          publish,
          backing,
          connects: service.connect,
          source: [configKey("services"), index],
        },
      ];
    });

  // First pass: parts without site-wide context, to know which parts use the host network.
  const firstPass = buildDrafts({});
  ports.length = 0;
  const routes: ProxyRoute[] = [];
  const accessOf = (exposure: Exposure, scope: "public" | "internal"): string[] | undefined => {
    if (Array.isArray(exposure.access)) return resolveAccess(exposure.access, networks, federation);
    // Internal names answer the site's own networks only.
    return scope === "internal" ? ownNetworks : undefined;
  };
  const tlsOf = (scope: "public" | "internal"): ProxyRoute["tls"] =>
    proxy?.tls.acme === "none"
      ? "self-signed"
      : scope === "public" || proxy?.tls.internal === "acme"
        ? "acme"
        : "self-signed";
  if (proxy && proxyHost) {
    for (const x of exposed) {
      if (!knownHost(x.host)) continue;
      const draft = firstPass.find((d) => d.name === x.service.name);
      const spec = draft?.parts[x.part];
      if (!spec) continue;
      const sameHost = x.host === proxyHost && !spec.hostNetwork;
      const external = spec.hostNetwork ? x.port : (x.exposure.hostPort ?? x.port);
      const upstream: ProxyRoute["upstream"] = sameHost
        ? {
            kind: "container",
            container: containerName(x.service.name, x.service.app, x.part),
            port: x.port,
          }
        : { kind: "address", address: hostAddress(hosts, x.host), port: external };
      const scopes: ("public" | "internal")[] = [
        ...(x.exposure.public && domains.public ? (["public"] as const) : []),
        "internal",
      ];
      for (const scope of scopes) {
        routes.push({
          id: `${x.service.name}-${x.exposure.hostname}-${scope}`,
          service: x.service.name,
          hostname: `${x.exposure.hostname}.${scope === "public" ? publicDomain : domains.internal}`,
          scope,
          upstream,
          allow: accessOf(x.exposure, scope),
          sso: x.exposure.access === "sso",
          tls: tlsOf(scope),
        });
      }
    }
  }

  // The SSO stack: Authelia (+ LLDAP), its portal routes.
  const systemDrafts: StackDraft[] = [];
  let ssoAuthz: string | undefined;
  if (sso && knownHost(sso.host)) {
    const ldap = sso.ldap && knownHost(sso.ldap.host) ? sso.ldap : undefined;
    const placement: Record<string, string> = { authelia: sso.host };
    const publish: Record<string, PublishedPort[]> = {};
    const ldapPassword = generated.ref(`${SSO_STACK}-lldap-admin-password`);
    const parts: Record<string, PartSpec> = {};
    let ldapAddress = "ldap://lldap:3890";
    if (ldap) {
      placement.lldap = ldap.host;
      const remote = ldap.host !== sso.host;
      if (remote) {
        ldapAddress = `ldap://${hostAddress(hosts, ldap.host)}:${LDAP_PORT}`;
        ports.push({
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
        jwtSecret: generated.ref(`${SSO_STACK}-lldap-jwt-secret`, { length: 64 }),
        keySeed: generated.ref(`${SSO_STACK}-lldap-key-seed`, { length: 64 }),
        publish: remote,
      });
    }
    const clients = config.services
      .filter((s) => sso.oidcClients.includes(s.name))
      .flatMap((s) => {
        const app = appOf(s);
        if (!app?.oidc) return [];
        const redirect = app.oidc.redirectPath(SSO_PROVIDER_NAME);
        return [
          {
            id: s.name,
            name: app.title,
            secretHash: generated.hash(`${s.name}-oidc-secret`),
            redirectUris: hostnamesOf(s).map((h) => `https://${h}${redirect}`),
          },
        ];
      });
    parts.authelia = autheliaPart({
      portals,
      protectedDomains: routes.filter((r) => r.sso).map((r) => r.hostname),
      ldap: {
        address: ldapAddress,
        baseDn: ldap?.baseDn ?? "dc=example,dc=org",
        user: lldapAdminDn(ldap?.baseDn ?? "dc=example,dc=org"),
      },
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
    if (proxyHost) {
      const sameHost = sso.host === proxyHost;
      if (!sameHost) {
        publish.authelia = [{ internal: AUTHELIA_PORT, external: AUTHELIA_PORT, protocol: "tcp" }];
        ports.push({
          host: sso.host,
          port: AUTHELIA_PORT,
          protocol: "tcp",
          service: SSO_STACK,
          source: [configKey("sso"), "host"],
          why: "SSO portal for the proxy",
        });
      }
      ssoAuthz = sameHost
        ? `${SSO_STACK}-authelia:${AUTHELIA_PORT}`
        : `${hostAddress(hosts, sso.host)}:${AUTHELIA_PORT}`;
      const upstream: ProxyRoute["upstream"] = sameHost
        ? { kind: "container", container: `${SSO_STACK}-authelia`, port: AUTHELIA_PORT }
        : { kind: "address", address: hostAddress(hosts, sso.host), port: AUTHELIA_PORT };
      for (const [domain, url] of Object.entries(portals)) {
        const scope = domain === domains.internal ? "internal" : "public";
        routes.push({
          id: `${SSO_STACK}-${sso.hostname}-${scope}`,
          service: SSO_STACK,
          hostname: new URL(url).hostname,
          scope,
          upstream,
          allow: scope === "internal" ? ownNetworks : undefined,
          sso: false,
          tls: tlsOf(scope),
        });
      }
    }
    systemDrafts.push({
      name: SSO_STACK,
      app: "authelia",
      system: true,
      parts,
      placement,
      publish,
      backing: {},
      connects: [],
      source: [configKey("sso")],
    });
  }

  // Published ports for cross-host upstreams.
  const upstreamPorts = (drafts: StackDraft[]) => {
    for (const x of exposed) {
      const draft = drafts.find((d) => d.name === x.service.name);
      const spec = draft?.parts[x.part];
      if (!draft || !spec || !proxyHost || spec.hostNetwork || x.host === proxyHost) continue;
      const external = x.exposure.hostPort ?? x.port;
      (draft.publish[x.part] ??= []).push({ internal: x.port, external, protocol: "tcp" });
      ports.push({
        host: x.host,
        port: external,
        protocol: "tcp",
        service: x.service.name,
        source: x.exposure.hostPort
          ? [...exposurePath(x.index, x.exposure), "hostPort"]
          : exposurePath(x.index, x.exposure),
        why: `web port for the proxy on ${proxyHost}`,
      });
    }
  };

  // The proxy stack: Traefik or Caddy, and CrowdSec.
  let settings: ProxySettings | undefined;
  if (proxy && proxyHost) {
    const parts: Record<string, PartSpec> = {};
    const placement: Record<string, string> = { [proxy.kind]: proxyHost };
    const publish: Record<string, PublishedPort[]> = {};
    let crowdsec: ProxySettings["crowdsec"];
    const crowdsecHost =
      proxy.crowdsec && knownHost(proxy.crowdsec.host) ? proxy.crowdsec.host : undefined;
    const logs = {
      kind: proxy.kind,
      volume: "logs",
      path:
        proxy.kind === "traefik" ? "/var/log/traefik" : CADDY_ACCESS_LOG.replace(/\/[^/]+$/, ""),
    };
    if (proxy.crowdsec && crowdsecHost) {
      const bouncerKey = generated.ref(`${PROXY_STACK}-crowdsec-bouncer-key`, { length: 48 });
      const local = crowdsecHost === proxyHost;
      const agentPassword = local
        ? undefined
        : generated.ref(`${PROXY_STACK}-crowdsec-agent-password`);
      placement.crowdsec = crowdsecHost;
      parts.crowdsec = crowdsecEngine({
        kind: proxy.kind,
        logs: local ? logs : undefined,
        bouncers: { [proxy.kind]: bouncerKey },
        agent: agentPassword ? { user: `${proxy.kind}-agent`, password: agentPassword } : undefined,
        enrollKey: proxy.crowdsec.enrollKey,
        publish: !local,
      });
      const lapi = local
        ? `crowdsec:${LAPI_PORT}`
        : `${hostAddress(hosts, crowdsecHost)}:${LAPI_PORT}`;
      if (!local) {
        ports.push({
          host: crowdsecHost,
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
          password: agentPassword!,
        });
      }
      crowdsec = { lapi, bouncerKey };
    }
    settings = {
      email: config.site.contactEmail,
      acme: proxy.tls.acme,
      cloudflareToken:
        proxy.tls.acme === "cloudflare-dns" ? { secret: "cloudflareApiToken" } : undefined,
      trustedProxies: trusted,
      internalSources: ownNetworks,
      rateLimit: proxy.middlewares.rateLimit,
      securityHeaders: proxy.middlewares.securityHeaders,
      geoBlock: proxy.middlewares.geoBlock,
      crowdsec,
      sso: ssoAuthz ? { authz: ssoAuthz } : undefined,
      routes,
    };
    parts[proxy.kind] = proxy.kind === "traefik" ? traefikPart(settings) : caddyPart(settings);
    for (const port of [80, 443]) {
      ports.push({
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
    systemDrafts.unshift({
      name: PROXY_STACK,
      app: proxy.kind,
      system: true,
      parts: ordered,
      placement,
      publish,
      backing: {},
      connects: [],
      source: [configKey("proxy")],
    });
  }

  // Second pass: every declared service with the site's internal names and routes.
  const monitors = routes
    .filter((r) => r.service !== SSO_STACK)
    .map((r) => ({
      name: r.hostname,
      group: r.service,
      url: `https://${r.hostname}`,
      insecure: r.tls === "self-signed",
    }));
  const drafts = buildDrafts({ localDnsRecords: internalRecords, monitors });
  upstreamPorts(drafts);
  config.services.forEach((service, index) => {
    for (const p of service.ports) {
      if (p.host === undefined) continue;
      ports.push({
        host: service.host,
        port: p.host,
        protocol: p.protocol,
        service: service.name,
        source: [configKey("services"), index, "ports", service.ports.indexOf(p), "host"],
        why: "declared port",
      });
    }
    const app = appOf(service);
    if (!app || service.app === CUSTOM_APP) return;
    const draft = drafts.find((d) => d.name === service.name);
    for (const [part, spec] of Object.entries(draft?.parts ?? {})) {
      for (const p of spec.ports ?? []) {
        if (p.host === undefined) continue;
        ports.push({
          host: draft!.placement[part]!,
          port: p.host,
          protocol: p.protocol ?? "tcp",
          service: service.name,
          source: [configKey("services"), index, "host"],
          why: `${app.title} ${part} port ${p.container}`,
        });
      }
    }
  });

  const allDrafts = [...systemDrafts, ...drafts].filter((d) =>
    Object.values(d.placement).every((h) => knownHost(h)),
  );
  const stacks = allDrafts.map((d) =>
    planStack(d, input, routes, proxyHost, settings, proxy?.kind),
  );
  const used = new Set(stacks.flatMap((s) => s.hosts));
  return {
    hosts: hosts.filter((h) => used.has(h.name)),
    generated: [...generated.specs.values()].sort((a, b) => a.id.localeCompare(b.id)),
    stacks,
    routes,
    publicRecords,
    internalRecords,
    proxy:
      proxy && proxyHost && settings ? { kind: proxy.kind, host: proxyHost, settings } : undefined,
    ports,
  };
}

/** Ports published twice on the same host (the second and later uses). */
export function portClashes(ports: readonly PortUse[]): { use: PortUse; first: PortUse }[] {
  const first = new Map<string, PortUse>();
  const out: { use: PortUse; first: PortUse }[] = [];
  for (const use of ports) {
    const key = `${use.host}/${use.port}/${use.protocol}`;
    const earlier = first.get(key);
    if (!earlier) first.set(key, use);
    else if (earlier.service !== use.service || earlier.why !== use.why)
      out.push({ use, first: earlier });
  }
  return out;
}

/** The part names of an app, from a probe context (for validation). */
export function partNamesOf(app: AppDefinition, service: ServiceConfig): string[] {
  const ctx: AppContext = {
    service: service.name,
    timezone: "Etc/UTC",
    hostnames: [],
    generated: (key) => ({ generated: `${service.name}-${key}` }),
    reach: (_from, part, port) => `${part}:${port}`,
  };
  return Object.keys(app.parts(ctx));
}

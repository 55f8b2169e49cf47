/**
 * Step: the declared services as stack drafts (their apps' parts, placed on hosts), built in
 * two passes (see `servicesModel`).
 */
import { appOf, CUSTOM_APP } from "../../catalog";
import { declaredEnv } from "../../catalog/apps/custom";
import { retag, type AppContext, type PartSpec } from "../../catalog/types";
import type { PathSegment } from "../../config/errors";
import { formerNames } from "../../config/renames";
import type { ServiceConfig } from "../../config/services";
import { configKey } from "../../config/stack";
import { serviceHostnames, serviceUrl, type Exposed } from "./exposures";
import type { PortLedger } from "./ports";
import type { ServicesSite } from "./site";
import { oidcClient, type SsoWiring } from "./sso";
import type { PublishedPort } from "./types";

/** A stack before planning: its parts, where each runs, and what it publishes. */
export interface StackDraft {
  readonly name: string;
  readonly app: string;
  readonly system: boolean;
  readonly parts: Readonly<Record<string, PartSpec>>;
  /** Part → host. */
  readonly placement: Readonly<Record<string, string>>;
  /** Extra published ports: part → ports (cross-host reach, proxy upstreams). */
  readonly publish: Record<string, PublishedPort[]>;
  /** Volume backing declared in the service (nfs, hostPath) by volume id. */
  readonly backing: Readonly<Record<string, ServiceConfig["volumes"][number]>>;
  readonly connects: readonly string[];
  readonly source: readonly PathSegment[];
  /** Former names of the service (`renamedFrom`), oldest first. @default [] */
  readonly formerNames?: readonly string[];
}

/** Site-wide facts apps get in the second pass. */
export type SiteFacts = Pick<AppContext, "localDnsRecords" | "monitors">;

/**
 * First pass: every declared service without site-wide facts, only to learn each part's spec
 * (whether it uses the host network, which the routes depend on). Its drafts are dropped and
 * the ports it would publish are not recorded.
 */
export function firstPass(
  site: ServicesSite,
  exposed: readonly Exposed[],
  sso: SsoWiring,
): StackDraft[] {
  return serviceDrafts(site, exposed, sso, {}, undefined);
}

/**
 * Second pass: every declared service with the site's internal names and routes; the ports
 * its parts publish to reach each other across hosts go into the ledger.
 */
export function secondPass(
  site: ServicesSite,
  exposed: readonly Exposed[],
  sso: SsoWiring,
  facts: SiteFacts,
  ledger: PortLedger,
): StackDraft[] {
  return serviceDrafts(site, exposed, sso, facts, ledger);
}

function serviceDrafts(
  site: ServicesSite,
  exposed: readonly Exposed[],
  sso: SsoWiring,
  facts: SiteFacts,
  ledger: PortLedger | undefined,
): StackDraft[] {
  return site.config.services.flatMap((service, index) => {
    const draft = serviceDraft(site, exposed, sso, facts, ledger, service, index);
    return draft ? [draft] : [];
  });
}

/** One declared service as a draft (undefined for an unknown app). */
function serviceDraft(
  site: ServicesSite,
  exposed: readonly Exposed[],
  sso: SsoWiring,
  facts: SiteFacts,
  ledger: PortLedger | undefined,
  service: ServiceConfig,
  index: number,
): StackDraft | undefined {
  const app = appOf(service);
  if (!app) return undefined;
  const hostOf = (part: string) => service.placement?.[part] ?? service.host;
  const publish: Record<string, PublishedPort[]> = {};
  const ctx: AppContext = {
    service: service.name,
    timezone: site.config.site.timezone,
    url: serviceUrl(site, exposed, service),
    hostnames: serviceHostnames(site, exposed, service),
    generated: (key, options) => site.generated.serviceRef(service.name, key, options),
    reach: (from, part, port) => {
      const fromHost = hostOf(from);
      const toHost = hostOf(part);
      if (fromHost === toHost) return `${part}:${port}`;
      (publish[part] ??= []).push({ internal: port, external: port, protocol: "tcp" });
      ledger?.publish({
        host: toHost,
        port,
        protocol: "tcp",
        service: service.name,
        source: [configKey("services"), index, "placement", part],
        why: `${part} reached from ${fromHost}`,
      });
      return `${site.hostAddress(toHost)}:${port}`;
    },
    oidc: oidcClient(site, sso, service),
    ...facts,
  };
  const parts = { ...app.parts(ctx) };
  const placement: Record<string, string> = {};
  // Version override, extra environment.
  const versioned = app.versionedParts ?? [app.webPart];
  for (const part of Object.keys(parts)) {
    let spec = parts[part]!;
    if (service.version && versioned.includes(part))
      spec = { ...spec, image: retag(spec.image, service.version) };
    if (part === app.webPart && Object.keys(service.env).length > 0) {
      const env = declaredEnv(service.env);
      Object.values(env).forEach((v) => site.generated.collect(v));
      spec = { ...spec, env: { ...(spec.env ?? {}), ...env } };
    }
    parts[part] = spec;
    placement[part] = hostOf(part);
  }
  // Custom apps mount their own volumes; only a hostPath changes how.
  const backing: Record<string, ServiceConfig["volumes"][number]> = {};
  for (const v of service.volumes)
    if (service.app !== CUSTOM_APP || v.hostPath) backing[v.name] = v;
  return {
    name: service.name,
    app: service.app,
    system: false,
    parts,
    placement,
    publish,
    backing,
    connects: service.connect,
    source: [configKey("services"), index],
    formerNames: formerNames(service),
  };
}

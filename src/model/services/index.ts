/**
 * The services model (pure, deterministic): from the site's `homelab:services`, `proxy`,
 * `sso` and `cloudflare` sections and the catalog, every container per Docker host (split
 * placement), its volumes and networks, the reverse proxy's routes with their access policy,
 * public DNS records, internal names, the CrowdSec bouncer and the SSO wiring; and the host
 * ports all of it publishes, with the clashes as problems. Components only turn this into
 * resources.
 */
import { firstPass, secondPass } from "./drafts";
import { siteExposures } from "./exposures";
import { PortLedger, publishUpstreams, recordDeclaredPorts } from "./ports";
import { proxyStack } from "./proxy";
import { siteRecords } from "./records";
import { exposureRoutes, monitorsOf } from "./routes";
import { servicesSite } from "./site";
import { ssoStack, ssoWiring } from "./sso";
import { planStack } from "./stacks";
import type { ServicesInput, ServicesModel } from "./types";

export type * from "./types";
export { exposurePath } from "./exposures";
export { PortLedger, portClashes } from "./ports";
export { resolveAccess } from "./routes";
export { internalPrefixes } from "./site";
export { SSO_PROVIDER_NAME } from "./sso";
export { containerName } from "./stacks";

/**
 * The whole services model of a site.
 *
 * Declared services are built twice. Apps need site-wide facts (Pi-hole serves every
 * internal name, Gatus watches every route), but the routes depend on the apps: whether a
 * part uses the host network decides how the proxy reaches it. So the first pass builds the
 * apps without those facts, only to read their parts; the second builds them with the facts,
 * and only its ports are recorded in the ledger.
 */
export function servicesModel(input: ServicesInput): ServicesModel {
  const site = servicesSite(input);
  const exposed = siteExposures(input.config);
  const sso = ssoWiring(site, exposed);
  const { internalRecords, publicRecords } = siteRecords(site, exposed, sso);

  const ledger = new PortLedger();
  const serviceRoutes = exposureRoutes(site, exposed, firstPass(site, exposed, sso));
  const ssoSystem = ssoStack(site, sso, exposed, serviceRoutes, ledger);
  const routes = [...serviceRoutes, ...(ssoSystem?.routes ?? [])];
  const proxySystem = proxyStack(site, routes, ssoSystem?.authz, ledger);
  const facts = { localDnsRecords: internalRecords, monitors: monitorsOf(routes) };
  const drafts = secondPass(site, exposed, sso, facts, ledger);
  publishUpstreams(site, exposed, drafts, ledger);
  recordDeclaredPorts(site, drafts, ledger);

  const proxy = input.config.proxy;
  const settings = proxySystem?.settings;
  const stacks = [proxySystem?.draft, ssoSystem?.draft, ...drafts]
    .filter((d) => d !== undefined)
    .filter((d) => Object.values(d.placement).every((h) => site.knownHost(h)))
    .map((d) => planStack(d, site, routes, { host: site.proxyHost, kind: proxy?.kind, settings }));
  const used = new Set(stacks.flatMap((s) => s.hosts));
  return {
    hosts: input.hosts.filter((h) => used.has(h.name)),
    generated: site.generated.sorted(input.config.services),
    stacks,
    routes,
    publicRecords,
    internalRecords,
    ...(sso.issuer ? { ssoPortal: sso.issuer } : {}),
    proxy:
      proxy && site.proxyHost && settings
        ? { kind: proxy.kind, host: site.proxyHost, settings }
        : undefined,
    ports: ledger.uses,
    problems: ledger.problems(input.file ?? ""),
  };
}

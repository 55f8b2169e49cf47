/** Step: the site's internal names and its public DNS records (Cloudflare). */
import { SSO_STACK } from "../../config/services";
import type { Exposed } from "./exposures";
import type { ServicesSite } from "./site";
import type { SsoWiring } from "./sso";
import type { DnsRecordPlan, InternalRecord } from "./types";

export interface SiteRecords {
  /** Every exposure's and the SSO portal's internal name → the proxy host's address. */
  readonly internalRecords: InternalRecord[];
  /** Public exposures (and the portal when it is public), when the site uses Cloudflare. */
  readonly publicRecords: DnsRecordPlan[];
}

export function siteRecords(
  site: ServicesSite,
  exposed: readonly Exposed[],
  sso: SsoWiring,
): SiteRecords {
  const { domains, proxyAddress } = site;
  const portal = site.config.sso;
  const internalRecords: InternalRecord[] = [];
  if (proxyAddress) {
    for (const x of exposed)
      internalRecords.push({
        name: `${x.exposure.hostname}.${domains.internal}`,
        address: proxyAddress,
      });
    if (portal)
      internalRecords.push({
        name: `${portal.hostname}.${domains.internal}`,
        address: proxyAddress,
      });
  }
  const publicRecords: DnsRecordPlan[] = [];
  for (const x of exposed) {
    if (!x.exposure.public || !domains.public) continue;
    const record = publicRecord(
      site,
      `${x.exposure.hostname}.${domains.public}`,
      x.service.name,
      x.exposure.proxied ?? site.config.cloudflare?.proxiedDefault ?? false,
    );
    if (record) publicRecords.push(record);
  }
  if (portal && proxyAddress && sso.public) {
    const record = publicRecord(
      site,
      `${portal.hostname}.${site.publicDomain}`,
      SSO_STACK,
      site.config.cloudflare?.proxiedDefault ?? false,
    );
    if (record) publicRecords.push(record);
  }
  return { internalRecords, publicRecords };
}

/** A public record pointing at the site's origin (undefined without homelab:cloudflare). */
function publicRecord(
  site: ServicesSite,
  name: string,
  service: string,
  proxied: boolean,
): DnsRecordPlan | undefined {
  const cloudflare = site.config.cloudflare;
  if (!cloudflare) return undefined;
  const origin = cloudflare.origin;
  return {
    name,
    type: "ipv4" in origin ? "A" : "CNAME",
    content: "ipv4" in origin ? origin.ipv4 : origin.cname,
    proxied,
    service,
    comment: `managed by homelab (site ${site.config.site.name}, service ${service})`,
  };
}

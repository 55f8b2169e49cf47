/** Step: the exposures of the declared services (which part and port, on which host). */
import { appOf } from "../../catalog";
import type { PathSegment } from "../../config/errors";
import type { Exposure, ServiceConfig } from "../../config/services";
import { configKey, type SiteConfig } from "../../config/stack";
import type { ServicesSite } from "./site";

/** One exposure resolved against its app. */
export interface Exposed {
  readonly service: ServiceConfig;
  /** Index of the service in `homelab:services`. */
  readonly index: number;
  readonly exposure: Exposure;
  readonly part: string;
  /** Container port the proxy routes to. */
  readonly port: number;
  /** Docker host of the part. */
  readonly host: string;
}

/** Config path of the exposure of the service at `index`. */
export function exposurePath(index: number, exposure: Exposure): PathSegment[] {
  return [configKey("services"), index, ...exposure.at];
}

/** Every exposure of a known app with a web port, in declaration order. */
export function siteExposures(config: SiteConfig): Exposed[] {
  return config.services.flatMap((service, index) => {
    const app = appOf(service);
    if (!app) return [];
    return service.expose.flatMap((exposure) => {
      const part = exposure.part ?? app.webPart;
      const port = exposure.port ?? app.webPort;
      if (port === undefined || port === 0) return [];
      const host = service.placement?.[part] ?? service.host;
      return [{ service, index, exposure, part, port, host }];
    });
  });
}

/** Main URL of a service: its first public name, else its first internal name. */
export function serviceUrl(
  site: ServicesSite,
  exposed: readonly Exposed[],
  service: ServiceConfig,
): string | undefined {
  const list = exposed.filter((x) => x.service === service);
  const pub = list.find((x) => x.exposure.public && site.domains.public);
  if (pub) return `https://${pub.exposure.hostname}.${site.publicDomain}`;
  return list[0] ? `https://${list[0].exposure.hostname}.${site.domains.internal}` : undefined;
}

/** Every name the proxy answers for a service (public, then internal, per exposure). */
export function serviceHostnames(
  site: ServicesSite,
  exposed: readonly Exposed[],
  service: ServiceConfig,
): string[] {
  const { domains } = site;
  return exposed
    .filter((x) => x.service === service)
    .flatMap((x) => [
      ...(x.exposure.public && domains.public ? [`${x.exposure.hostname}.${domains.public}`] : []),
      `${x.exposure.hostname}.${domains.internal}`,
    ]);
}

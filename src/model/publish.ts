/**
 * What the edge router must expose on the WAN (pure): the reverse proxy's ports, forwarded
 * to the proxy host, reachable from the declared sources only.
 */
import type { SiteConfig } from "../config/stack";
import { CLOUDFLARE_RANGES } from "../data/cloudflare";
import type { DockerHost } from "./hosts";
import type { SiteNetwork } from "../config/networks";
import { formatPrefix } from "../lib/net";

export interface PublishIntent {
  /** Docker host running the proxy. */
  readonly host: string;
  /** The host's former names, oldest first (device objects named after it keep them). */
  readonly hostFormerNames: readonly string[];
  /** Its LAN address: the forward target. */
  readonly address: string;
  readonly ports: readonly number[];
  /** "any", or the source prefixes allowed to connect (IPv4). */
  readonly sources: "any" | readonly string[];
  /** Name of the source set, for object names on devices ("any", "cloudflare", network names). */
  readonly sourceName: string;
}

/** The proxy's WAN exposure, or undefined when the site publishes nothing. */
export function proxyPublish(
  config: SiteConfig,
  hosts: readonly DockerHost[],
  networks: readonly SiteNetwork[],
): PublishIntent | undefined {
  const proxy = config.proxy;
  if (!proxy?.publish) return undefined;
  const host = hosts.find((h) => h.name === proxy.host);
  if (!host) return undefined;
  const { sources, ports } = proxy.publish;
  if (sources === "any")
    return {
      host: host.name,
      hostFormerNames: host.formerNames,
      address: host.address,
      ports,
      sources: "any",
      sourceName: "any",
    };
  if (sources === "cloudflare") {
    return {
      host: host.name,
      hostFormerNames: host.formerNames,
      address: host.address,
      ports,
      sources: [...CLOUDFLARE_RANGES.ipv4],
      sourceName: "cloudflare",
    };
  }
  const prefixes = sources.flatMap((name) =>
    (networks.find((n) => n.name === name)?.prefixes ?? []).map(formatPrefix),
  );
  return {
    host: host.name,
    hostFormerNames: host.formerNames,
    address: host.address,
    ports,
    sources: prefixes,
    sourceName: sources.join("+"),
  };
}

/**
 * What every step of the services model reads: the site's sections, its Docker hosts and
 * networks, where the proxy runs, and the passwords the program generates.
 */
import type { GeneratedRef, GeneratedSecretSpec, Value } from "../../catalog/types";
import { formerNames } from "../../config/renames";
import { INTERNAL_KINDS, type SiteNetwork } from "../../config/networks";
import type { SiteConfig } from "../../config/stack";
import { formatPrefix } from "../../lib/net";
import type { DockerHost } from "../hosts";
import type { ServicesInput } from "./types";

/** Passwords `@pulumi/random` generates, by id; the first request of an id sets its options. */
export class Generated {
  readonly specs = new Map<string, GeneratedSecretSpec>();
  /** Ids a service asked for (`<service>-<key>`): they follow the service's renames. */
  private readonly owners = new Map<string, { service: string; key: string }>();
  ref(id: string, options: { length?: number; special?: boolean } = {}): GeneratedRef {
    if (!this.specs.has(id))
      this.specs.set(id, { id, length: options.length ?? 32, special: options.special ?? false });
    return { generated: id };
  }
  /** A password of a declared service: `<service>-<key>`. */
  serviceRef(
    service: string,
    key: string,
    options: { length?: number; special?: boolean } = {},
  ): GeneratedRef {
    const id = `${service}-${key}`;
    if (!this.owners.has(id)) this.owners.set(id, { service, key });
    return this.ref(id, options);
  }
  hash(id: string): GeneratedRef {
    this.ref(id);
    return { generated: id, form: "bcrypt" };
  }
  /** The bcrypt hash of a declared service's password (`<service>-<key>`). */
  serviceHash(service: string, key: string): GeneratedRef {
    return { ...this.serviceRef(service, key), form: "bcrypt" };
  }
  /** Registers the `{ generated }` references a configuration value makes (custom env). */
  collect(value: Value): void {
    const items = typeof value === "string" ? [] : Array.isArray(value) ? value : [value];
    for (const item of items as (string | { generated?: string })[]) {
      if (typeof item === "object" && typeof item.generated === "string") this.ref(item.generated);
    }
  }
  /**
   * Every spec, sorted by id, with the ids a service's password had under its former names
   * (the service's declaration, by name, gives them).
   */
  sorted(services: readonly { name: string; renamedFrom?: string | readonly string[] }[] = []) {
    const renamed = new Map(services.map((s) => [s.name, formerNames(s)]));
    return [...this.specs.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((spec) => {
        const owner = this.owners.get(spec.id);
        const formers = owner ? (renamed.get(owner.service) ?? []) : [];
        return { ...spec, formerIds: formers.map((name) => `${name}-${owner?.key ?? ""}`) };
      });
  }
}

export interface ServicesSite {
  readonly config: SiteConfig;
  readonly hosts: readonly DockerHost[];
  readonly networks: readonly SiteNetwork[];
  readonly domains: SiteConfig["site"]["domains"];
  /** The public domain, or "" when the site has none. */
  readonly publicDomain: string;
  /** Prefixes of the federation peers. */
  readonly federation: readonly string[];
  /** Prefixes of the site's own networks (internal names answer these only). */
  readonly ownNetworks: string[];
  /** The proxy's host, when the site has a proxy on a known Docker host. */
  readonly proxyHost?: string;
  readonly proxyAddress?: string;
  readonly generated: Generated;
  /** Whether a name is a Docker host of the site. */
  knownHost(name: string): boolean;
  /** Address of a Docker host (the name itself when unknown). */
  hostAddress(name: string): string;
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

export function servicesSite(input: ServicesInput): ServicesSite {
  const { config, hosts, networks } = input;
  const knownHost = (name: string) => hosts.some((h) => h.name === name);
  const hostAddress = (name: string) => hosts.find((h) => h.name === name)?.address ?? name;
  const proxy = config.proxy;
  const proxyHost = proxy && knownHost(proxy.host) ? proxy.host : undefined;
  return {
    config,
    hosts,
    networks,
    domains: config.site.domains,
    publicDomain: config.site.domains.public ?? "",
    federation: input.federationPrefixes ?? [],
    ownNetworks: internalPrefixes(networks),
    proxyHost,
    proxyAddress: proxyHost ? hostAddress(proxyHost) : undefined,
    generated: new Generated(),
    knownHost,
    hostAddress,
  };
}

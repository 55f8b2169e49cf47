/**
 * The rules of `renamedFrom` (renames.ts), across the sections of a site. A former name
 * becomes Pulumi aliases of the entry's resources: if anything else still had that name, or
 * two entries claimed it, two resources would answer to one URN (the engine refuses a
 * duplicate alias) or the wrong one would be taken over. So, within each namespace (services,
 * Docker hosts and Proxmox guests together, the site's networks):
 *
 * - a former name is not the entry's own name, nor listed twice;
 * - it is no entry's current name, nor a reserved one (so renames cannot chain or cycle: a
 *   second rename lists both former names on the entry that has them now);
 * - it belongs to one entry only.
 */
import { formatPath, type PathSegment } from "./errors";
import { BUILTIN_NETWORKS, siteNetworks } from "./networks";
import type { ProblemSink } from "./problems";
import { formerNames, type Renamable } from "./renames";
import { RESERVED_SERVICE_NAMES } from "./services.rules";
import { configKey, type SiteConfig } from "./stack";

/** One entry of a namespace: what it is, where it is declared, its names. */
interface Entry {
  readonly what: string;
  readonly path: readonly PathSegment[];
  readonly entry: Renamable;
}

/** A namespace of renamable entries and the names no entry may give up (reserved ones). */
interface Namespace {
  readonly entries: readonly Entry[];
  /** Names in use that are not entries (reserved names, networks declared elsewhere). */
  readonly taken: ReadonlyMap<string, string>;
}

function servicesNamespace(config: SiteConfig): Namespace {
  const root = configKey("services");
  return {
    entries: config.services.map((entry, i) => ({ what: "service", path: [root, i], entry })),
    taken: new Map(
      RESERVED_SERVICE_NAMES.map((n) => [n, `reserved for the containers of homelab:${n}`]),
    ),
  };
}

/** Hosts and guests share one namespace: both are Docker hosts by name. */
function hostsNamespace(config: SiteConfig): Namespace {
  const hosts = configKey("hosts");
  const guests = [configKey("proxmox"), "guests"];
  return {
    entries: [
      ...config.hosts.map((entry, i) => ({ what: "host", path: [hosts, i], entry })),
      ...(config.proxmox?.guests ?? []).map((entry, i) => ({
        what: "guest",
        path: [...guests, i],
        entry,
      })),
    ],
    taken: new Map(),
  };
}

/** The UniFi networks and WireGuard server, among every network name of the site. */
function networksNamespace(config: SiteConfig): Namespace {
  const root = configKey("unifi");
  const unifi = config.unifi;
  const entries: Entry[] = [
    ...(unifi?.networks ?? []).map((entry, i) => ({
      what: "network",
      path: [root, "networks", i],
      entry,
    })),
    ...(unifi?.wireguard
      ? [{ what: "network", path: [root, "wireguard"], entry: unifi.wireguard }]
      : []),
  ];
  const own = new Set(entries.map((e) => e.entry.name));
  const taken = new Map<string, string>(
    BUILTIN_NETWORKS.map((n) => [n, "a reserved network name"]),
  );
  for (const network of siteNetworks(config)) {
    if (!own.has(network.name))
      taken.set(network.name, `the name of the network at ${formatPath(network.source)}`);
  }
  return { entries, taken };
}

/** Every problem of one namespace's former names. */
function checkNamespace(namespace: Namespace, out: ProblemSink): void {
  const current = new Map(namespace.entries.map((e) => [e.entry.name, e]));
  const claimed = new Map<string, Entry>();
  for (const e of namespace.entries) {
    const formers = formerNames(e.entry);
    const path = [...e.path, "renamedFrom"];
    formers.forEach((former, i) => {
      const other = current.get(former);
      const taken = namespace.taken.get(former);
      const earlier = claimed.get(former);
      if (former === e.entry.name) {
        out.add(path, `"${former}" is this ${e.what}'s own name: list only its former names`);
      } else if (formers.indexOf(former) < i) {
        out.add(path, `"${former}" is listed twice: list each former name once`);
      } else if (other) {
        out.add(
          path,
          `"${former}" is the name of the ${other.what} at ${formatPath(other.path)}: a former name must be free (for a second rename, list both former names, oldest first, on the ${e.what} that has them now)`,
        );
      } else if (taken !== undefined) {
        out.add(path, `"${former}" is ${taken}: it cannot be a former name`);
      } else if (earlier) {
        out.add(
          path,
          `"${former}" is also a former name of the ${earlier.what} at ${formatPath(earlier.path)}: a former name belongs to one ${e.what}`,
        );
      } else claimed.set(former, e);
    });
  }
}

/** The rules of every `renamedFrom` of the site. */
export function checkRenames(config: SiteConfig, out: ProblemSink): void {
  checkNamespace(servicesNamespace(config), out);
  checkNamespace(hostsNamespace(config), out);
  checkNamespace(networksNamespace(config), out);
}

/** Step: a stack draft planned into containers, volumes and networks per host. */
import { CUSTOM_APP } from "../../catalog";
import { PROXY_NETWORK, traefikLabels } from "../../catalog/apps/traefik";
import type { ProxyRoute, ProxySettings } from "../../catalog/proxy";
import type { BindMount, PartSpec, Value } from "../../catalog/types";
import { PROXY_STACK } from "../../config/services";
import type { StackDraft } from "./drafts";
import type { ServicesSite } from "./site";
import type { ContainerPlan, PublishedPort, StackPlan, VolumePlan } from "./types";

/** Docker container name of a part: `<stack>-<part>`, or the service name for custom apps. */
export function containerName(stack: string, app: string, part: string): string {
  return app === CUSTOM_APP ? stack : `${stack}-${part}`;
}

/** The proxy as planning sees it: its host, kind and settings (for Traefik's labels). */
export interface ProxyFacts {
  readonly host?: string;
  readonly kind?: "traefik" | "caddy";
  readonly settings?: ProxySettings;
}

/** Turns one stack draft into its plan (containers, volumes, networks). */
export function planStack(
  draft: StackDraft,
  site: ServicesSite,
  routes: readonly ProxyRoute[],
  proxy: ProxyFacts,
): StackPlan {
  const partNames = Object.keys(draft.parts);
  const hostsUsed = [...new Set(partNames.map((part) => draft.placement[part]!))];
  const volumes = new Map<string, VolumePlan>();
  const first = draft.formerNames?.[0] ?? draft.name;
  const containers = partNames.map((part) =>
    planContainer(draft, part, site, routes, proxy, { first, volumes }),
  );
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
    formerNames: draft.formerNames ?? [],
  };
}

/** The stack's volumes so far (by host and name) and the name they derive from. */
interface Volumes {
  /** The stack's first name (its name, or its first former name). */
  readonly first: string;
  readonly volumes: Map<string, VolumePlan>;
}

/** One part's container; the volumes it mounts are added to `volumes` (by host and name). */
function planContainer(
  draft: StackDraft,
  part: string,
  site: ServicesSite,
  routes: readonly ProxyRoute[],
  proxy: ProxyFacts,
  volumes: Volumes,
): ContainerPlan {
  const spec = draft.parts[part]!;
  const host = draft.placement[part]!;
  const name = containerName(draft.name, draft.app, part);
  const hostNetwork = spec.hostNetwork ?? false;
  const partRoutes = routes.filter(
    (r) => r.upstream.kind === "container" && r.upstream.container === name,
  );
  const onProxyNetwork =
    !hostNetwork &&
    host === proxy.host &&
    (partRoutes.length > 0 || (draft.system && draft.name === PROXY_STACK));
  const job = spec.role === "job";
  const env: Record<string, Value> = { TZ: site.config.site.timezone, ...(spec.env ?? {}) };
  return {
    name,
    part,
    host,
    role: spec.role,
    image: spec.image,
    build: spec.build,
    command: spec.command,
    entrypoint: spec.entrypoint,
    env,
    ports: hostNetwork ? [] : publishedPorts(spec, draft.publish[part] ?? []),
    volumes: namedVolumes(draft, spec, host, site, volumes),
    binds: [...(spec.binds ?? []), ...backedBinds(draft, spec)],
    tmpfs: spec.tmpfs ?? [],
    files: spec.files ?? [],
    healthcheck: spec.healthcheck,
    restart: spec.restart ?? (job ? "no" : "unless-stopped"),
    user: spec.user,
    readOnlyRootFs: spec.readOnlyRootFs ?? false,
    capDrop: spec.capDrop ?? [],
    capAdd: spec.capAdd ?? [],
    privileged: spec.privileged ?? false,
    devices: (spec.devices ?? []).map((d) => ({
      hostPath: d.hostPath,
      containerPath: d.containerPath ?? d.hostPath,
      permissions: d.permissions ?? "rwm",
    })),
    noNewPrivileges: spec.noNewPrivileges ?? !(spec.privileged ?? false),
    hostNetwork,
    hostPid: spec.hostPid ?? false,
    shmSizeMiB: spec.shmSizeMiB,
    memoryMiB: spec.memoryMiB,
    labels: {
      "homelab.stack": draft.name,
      "homelab.part": part,
      ...(spec.labels ?? {}),
      ...(proxy.kind === "traefik" && proxy.settings && partRoutes.length > 0
        ? traefikLabels(proxy.settings, partRoutes)
        : {}),
    },
    networks: hostNetwork
      ? []
      : [
          { name: draft.name, aliases: [part] },
          ...(onProxyNetwork ? [{ name: PROXY_NETWORK, aliases: [name] }] : []),
          ...draft.connects.map((other) => ({ name: other, aliases: [name] })),
        ],
    dependsOn: (spec.dependsOn ?? [])
      .filter((d) => d in draft.parts)
      .map((d) => containerName(draft.name, draft.app, d)),
    job,
  };
}

/** The part's own published ports and those the model adds, each host port once. */
function publishedPorts(spec: PartSpec, extra: readonly PublishedPort[]): PublishedPort[] {
  const ports: PublishedPort[] = [
    ...(spec.ports ?? []).flatMap((p) =>
      p.host === undefined
        ? []
        : [{ internal: p.container, external: p.host, protocol: p.protocol ?? ("tcp" as const) }],
    ),
    ...extra,
  ];
  return ports.filter(
    (p, i) => ports.findIndex((q) => q.external === p.external && q.protocol === p.protocol) === i,
  );
}

/**
 * The named volumes a part mounts (`<stack>-<id>`, after the stack's first name), NFS-backed
 * when the service says so; a volume backed by a host path is a bind mount instead (see
 * `backedBinds`).
 */
function namedVolumes(
  draft: StackDraft,
  spec: PartSpec,
  host: string,
  site: ServicesSite,
  { first, volumes }: Volumes,
): ContainerPlan["volumes"] {
  return (spec.volumes ?? []).flatMap((v) => {
    const backing = draft.backing[v.volume];
    if (backing?.hostPath) return [];
    const volumeName = `${first}-${v.volume}`;
    const key = `${host}/${volumeName}`;
    if (!volumes.has(key)) {
      const nfs = backing?.nfs;
      const nas = nfs ? site.config.hosts.find((h) => h.name === nfs.host) : undefined;
      const exported = nas?.nfs?.exports.find((x) => x.name === nfs?.export);
      const subPath = nfs?.subPath ? `/${nfs.subPath.replace(/^\/+/, "")}` : "";
      volumes.set(key, {
        id: v.volume,
        name: volumeName,
        stack: first,
        host,
        ...(nas && exported
          ? { nfs: { address: nas.address, device: `:${exported.path}${subPath}` } }
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
}

/** Volumes the service backs with a path of the Docker host, as bind mounts. */
function backedBinds(draft: StackDraft, spec: PartSpec): BindMount[] {
  return (spec.volumes ?? []).flatMap((v) => {
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
}

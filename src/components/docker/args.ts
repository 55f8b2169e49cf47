/**
 * The inputs of a stack's Docker resources, computed from the services model's plans by pure
 * functions (no resource is created here): `DockerService` calls them and creates the
 * resources with what they return.
 */
import { join, relative } from "node:path";
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { isSecretValue } from "../../catalog/types";
import type { ContainerPlan, NetworkPlan, StackPlan, VolumePlan } from "../../model/services";
import type { ValueResolver } from "./values";

/**
 * A duration in Go's `time.Duration.String()` form ("60s" → "1m0s", "5m" → "5m0s", "500ms",
 * "0s"). The Docker provider reads a container's healthcheck back with `.String()`
 * (`resource_docker_container_funcs.go` l. 960-968 at v4.5.0), so any other spelling of the
 * same duration shows as a change on every `pulumi up`. Accepts Go's units h, m, s, ms (as
 * the configuration does), also combined ("1m30s").
 */
export function goDuration(text: string): string {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) {
    throw new Error(`internal error: "${text}" is not a duration (validation accepts only those)`);
  }
  const ms = Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]!]!, 0));
  if (ms === 0) return "0s";
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = String((ms % 60_000) / 1000);
  return `${hours > 0 ? `${hours}h` : ""}${hours > 0 || minutes > 0 ? `${minutes}m` : ""}${seconds}s`;
}

/** Log rotation of every container (Docker's json-file driver). */
export const LOG_OPTIONS = { "max-size": "10m", "max-file": "3" };

/** Every resource of a stack carries its stack's name. */
function stackLabel(stack: StackPlan): { label: string; value: string }[] {
  return [{ label: "homelab.stack", value: stack.name }];
}

/** The stack's bridge network on one host. */
export function networkArgs(stack: StackPlan, network: NetworkPlan): docker.NetworkArgs {
  return { name: network.name, driver: "bridge", labels: stackLabel(stack) };
}

/**
 * A data volume: local, or an NFS export mounted by Docker's local driver. Its name and label
 * come from the stack's first name (`volume.stack`): Docker fixes both at creation (the
 * provider re-creates a volume whose name or labels change: kreuzwerker/terraform-provider-
 * docker internal/provider/resource_docker_volume.go, `name` and `labels` are ForceNew).
 */
export function volumeArgs(volume: VolumePlan): docker.VolumeArgs {
  return {
    name: volume.name,
    driver: "local",
    ...(volume.nfs
      ? {
          driverOpts: {
            type: "nfs",
            o: `addr=${volume.nfs.address},nfsvers=4,rw`,
            device: volume.nfs.device,
          },
        }
      : {}),
    labels: [{ label: "homelab.stack", value: volume.stack }],
  };
}

/**
 * The image of a container: pulled, or built on the Docker host from a directory of the
 * project. The build context is relative to `cwd` (Pulumi runs the program and the provider
 * from the project root): an absolute path would differ between checkouts and show every
 * machine's plan as a change.
 */
export function imageArgs(
  plan: ContainerPlan,
  dirs: { readonly root: string; readonly cwd: string },
): docker.RemoteImageArgs {
  return {
    name: plan.image,
    keepLocally: true,
    ...(plan.build
      ? {
          build: {
            context: relative(dirs.cwd, join(dirs.root, plan.build.context)) || ".",
            tags: [plan.image],
            buildArgs: { ...(plan.build.args ?? {}) },
          },
        }
      : {}),
  };
}

/** What a container's inputs refer to besides its plan. */
export interface ContainerRefs {
  /** The image to run (the `RemoteImage`'s `imageId`). */
  readonly image: pulumi.Input<string>;
  /** Docker names of the plan's named volumes, in the order of `plan.volumes`. */
  readonly volumeNames: readonly pulumi.Input<string>[];
  /** Resolves catalog values (secrets and generated passwords become secret Outputs). */
  readonly resolve: ValueResolver;
  /** Other containers of the stack wait for this one (it is created healthy, when it can tell). */
  readonly waitedOn: boolean;
}

/** The inputs of a container from its plan; anything built from a secret is a secret. */
export function containerArgs(plan: ContainerPlan, refs: ContainerRefs): docker.ContainerArgs {
  const { resolve } = refs;
  return {
    name: plan.name,
    image: refs.image,
    restart: plan.restart,
    mustRun: !plan.job,
    ...(plan.job ? { attach: true, logs: true } : {}),
    ...(plan.command ? { command: [...plan.command] } : {}),
    ...(plan.entrypoint ? { entrypoints: [...plan.entrypoint] } : {}),
    envs: Object.entries(plan.env).map(([key, value]) =>
      isSecretValue(value)
        ? pulumi.secret(pulumi.interpolate`${key}=${resolve(value)}`)
        : `${key}=${typeof value === "string" ? value : (value as string[]).join("")}`,
    ),
    ...(plan.user ? { user: plan.user } : {}),
    ports: plan.ports.map((p) => ({
      internal: p.internal,
      external: p.external,
      protocol: p.protocol,
    })),
    volumes: [
      ...plan.volumes.map((v, i) => ({
        volumeName: refs.volumeNames[i]!,
        containerPath: v.path,
        readOnly: v.readOnly,
      })),
      ...plan.binds.map((b) => ({
        hostPath: b.hostPath,
        containerPath: b.path,
        readOnly: b.readOnly ?? false,
      })),
    ],
    ...(plan.tmpfs.length > 0
      ? { tmpfs: Object.fromEntries(plan.tmpfs.map((p) => [p, "rw,noexec,nosuid"])) }
      : {}),
    uploads: plan.files.map((f) => ({
      file: f.path,
      content: resolve(f.content),
      permissions: f.mode ?? (isSecretValue(f.content) ? "0400" : "0644"),
    })),
    ...(plan.healthcheck
      ? {
          // Durations in Go's form, as the provider reads them back (see goDuration).
          healthcheck: {
            tests: [...plan.healthcheck.test],
            interval: goDuration(plan.healthcheck.interval ?? "30s"),
            timeout: goDuration(plan.healthcheck.timeout ?? "10s"),
            retries: plan.healthcheck.retries ?? 3,
            startPeriod: goDuration(plan.healthcheck.startPeriod ?? "30s"),
          },
        }
      : {}),
    // Containers others wait for are created healthy (when they can tell).
    ...(plan.healthcheck && refs.waitedOn ? { wait: true, waitTimeout: 300 } : {}),
    capabilities: { adds: [...plan.capAdd], drops: [...plan.capDrop] },
    privileged: plan.privileged,
    // Every field explicit: the provider reads `container_path` back only when it was set
    // (`flattenDevices`, resource_docker_container_structures.go at kreuzwerker v4.5.0).
    ...(plan.devices.length > 0 ? { devices: plan.devices.map((d) => ({ ...d })) } : {}),
    readOnly: plan.readOnlyRootFs,
    securityOpts: plan.noNewPrivileges ? ["no-new-privileges:true"] : [],
    // No `networkMode` next to `networksAdvanced` (kreuzwerker/terraform-provider-docker
    // v4.5.0, which @pulumi/docker 5.2.0 wraps): `resource_docker_container_funcs.go` creates
    // the container in `network_mode` (l. 391-399; schema default "bridge",
    // `resource_docker_container.go` l. 901-907), then disconnects "bridge" and connects it to
    // each `networks_advanced` network with its aliases (l. 463-502). A network mode naming one
    // of those networks attaches the container first without aliases, and dockerd then keeps
    // that attachment and drops the new endpoint settings ("Avoid duplicate config", moby
    // `daemon/container_operations.go` `updateNetworkSettings` l. 188-197 at b985e23;
    // moby#33661): `db`, `redis`, ... would never resolve.
    ...(plan.hostNetwork
      ? { networkMode: "host" }
      : plan.networks.length > 0
        ? {
            networksAdvanced: plan.networks.map((n) => ({
              name: n.name,
              aliases: [...n.aliases],
            })),
          }
        : {}),
    ...(plan.hostPid ? { pidMode: "host" } : {}),
    ...(plan.memoryMiB ? { memory: plan.memoryMiB } : {}),
    ...(plan.shmSizeMiB ? { shmSize: plan.shmSizeMiB } : {}),
    labels: Object.entries(plan.labels).map(([label, value]) => ({ label, value })),
    logDriver: "json-file",
    logOpts: LOG_OPTIONS,
    destroyGraceSeconds: 30,
  };
}

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
          healthcheck: {
            tests: [...plan.healthcheck.test],
            interval: plan.healthcheck.interval ?? "30s",
            timeout: plan.healthcheck.timeout ?? "10s",
            retries: plan.healthcheck.retries ?? 3,
            startPeriod: plan.healthcheck.startPeriod ?? "30s",
          },
        }
      : {}),
    // Containers others wait for are created healthy (when they can tell).
    ...(plan.healthcheck && refs.waitedOn ? { wait: true, waitTimeout: 300 } : {}),
    capabilities: { adds: [...plan.capAdd], drops: [...plan.capDrop] },
    privileged: plan.privileged,
    readOnly: plan.readOnlyRootFs,
    securityOpts: plan.noNewPrivileges ? ["no-new-privileges:true"] : [],
    ...(plan.hostNetwork
      ? { networkMode: "host" }
      : {
          networkMode: plan.networks[0]?.name ?? "bridge",
          networksAdvanced: plan.networks.map((n) => ({ name: n.name, aliases: [...n.aliases] })),
        }),
    ...(plan.hostPid ? { pidMode: "host" } : {}),
    ...(plan.memoryMiB ? { memory: plan.memoryMiB } : {}),
    ...(plan.shmSizeMiB ? { shmSize: plan.shmSizeMiB } : {}),
    labels: Object.entries(plan.labels).map(([label, value]) => ({ label, value })),
    logDriver: "json-file",
    logOpts: LOG_OPTIONS,
    destroyGraceSeconds: 30,
  };
}

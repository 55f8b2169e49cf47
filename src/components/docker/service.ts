/**
 * `homelab:docker:Service`: one application stack (a declared service, or the proxy/SSO
 * stacks the program adds) on one or several Docker hosts: a network per host, data volumes
 * (`retainOnDelete`, independent of the containers so replacing a container never touches
 * them), pulled or built images, and the containers.
 */
import { join, relative } from "node:path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { isSecretValue } from "../../catalog/types";
import type { ContainerPlan, StackPlan } from "../../model/services";
import type { Host } from "./host";
import type { ValueResolver } from "./values";

/** Log rotation of every container (Docker's json-file driver). */
export const LOG_OPTIONS = { "max-size": "10m", "max-file": "3" };

export interface ServiceArgs {
  /**
   * The stack to deploy (from `model.services.stacks`).
   * @example model.services.stacks.find((s) => s.name === "immich")
   */
  readonly stack: StackPlan;
  /**
   * Docker hosts by name (their providers).
   * @example { servo: servoHost, optiplex: optiplexHost }
   */
  readonly hosts: Readonly<Record<string, Host>>;
  /** Resolves catalog values (secrets and generated passwords become secret Outputs). */
  readonly resolve: ValueResolver;
  /**
   * Shared networks this stack's containers join (the proxy network, other services'
   * networks for `connect`), by host and name.
   * @default {}
   * @example { "optiplex/homelab-proxy": proxyNetwork }
   */
  readonly sharedNetworks?: Readonly<Record<string, pulumi.Resource>>;
  /**
   * Project root, for images built from a Dockerfile of the project.
   * @default process.cwd()
   * @example "/home/me/homelab"
   */
  readonly root?: string;
}

export class Service extends pulumi.ComponentResource {
  /** Containers by name. */
  readonly containers: Record<string, docker.Container> = {};
  /** Data volumes by `host/name`. */
  readonly volumes: Record<string, docker.Volume> = {};
  /** The stack's networks by host. */
  readonly networks: Record<string, docker.Network> = {};

  constructor(name: string, args: ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:docker:Service", name, {}, opts);
    const { stack, hosts, resolve } = args;
    const root = args.root ?? process.cwd();
    const shared = args.sharedNetworks ?? {};
    const providerOf = (host: string) => {
      const h = hosts[host];
      if (!h) throw new Error(`internal error: no Docker host "${host}" for stack ${stack.name}`);
      return h.provider;
    };
    const multiHost = stack.hosts.length > 1;
    const suffix = (host: string) => (multiHost ? `-${host}` : "");

    for (const network of stack.networks) {
      this.networks[network.host] = new docker.Network(
        `${name}-network${suffix(network.host)}`,
        {
          name: network.name,
          driver: "bridge",
          labels: [{ label: "homelab.stack", value: stack.name }],
        },
        { parent: this, provider: providerOf(network.host) },
      );
    }

    for (const volume of stack.volumes) {
      this.volumes[`${volume.host}/${volume.name}`] = new docker.Volume(
        `${name}-volume-${volume.id}${suffix(volume.host)}`,
        {
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
          labels: [{ label: "homelab.stack", value: stack.name }],
        },
        // Data outlives the stack: removing a service leaves its volumes on the host.
        { parent: this, provider: providerOf(volume.host), retainOnDelete: true },
      );
    }

    const byName = new Map(stack.containers.map((c) => [c.name, c]));
    const waitedOn = new Set(stack.containers.flatMap((c) => c.dependsOn));
    const create = (plan: ContainerPlan): docker.Container => {
      const existing = this.containers[plan.name];
      if (existing) return existing;
      const dependencies = plan.dependsOn.map((d) => create(byName.get(d)!));
      const provider = providerOf(plan.host);
      const image = new docker.RemoteImage(
        `${name}-image-${plan.part}`,
        {
          name: plan.image,
          keepLocally: true,
          ...(plan.build
            ? {
                build: {
                  // Relative to the working directory (Pulumi runs the program and the
                  // provider from the project root): an absolute path would differ between
                  // checkouts and show every machine's plan as a change.
                  context: relative(process.cwd(), join(root, plan.build.context)) || ".",
                  tags: [plan.image],
                  buildArgs: { ...(plan.build.args ?? {}) },
                },
              }
            : {}),
        },
        { parent: this, provider },
      );
      const network = this.networks[plan.host];
      const joined = plan.networks.map((n) =>
        n.name === stack.name ? network : shared[`${plan.host}/${n.name}`],
      );
      const volumeResources = plan.volumes.map((v) => this.volumes[`${plan.host}/${v.volume}`]!);
      const container = new docker.Container(
        `${name}-${plan.part}`,
        {
          name: plan.name,
          image: image.imageId,
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
              volumeName: volumeResources[i]!.name,
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
          ...(plan.healthcheck && waitedOn.has(plan.name) ? { wait: true, waitTimeout: 300 } : {}),
          capabilities: { adds: [...plan.capAdd], drops: [...plan.capDrop] },
          privileged: plan.privileged,
          readOnly: plan.readOnlyRootFs,
          securityOpts: plan.noNewPrivileges ? ["no-new-privileges:true"] : [],
          ...(plan.hostNetwork
            ? { networkMode: "host" }
            : {
                networkMode: plan.networks[0]?.name ?? "bridge",
                networksAdvanced: plan.networks.map((n) => ({
                  name: n.name,
                  aliases: [...n.aliases],
                })),
              }),
          ...(plan.hostPid ? { pidMode: "host" } : {}),
          ...(plan.memoryMiB ? { memory: plan.memoryMiB } : {}),
          ...(plan.shmSizeMiB ? { shmSize: plan.shmSizeMiB } : {}),
          labels: Object.entries(plan.labels).map(([label, value]) => ({ label, value })),
          logDriver: "json-file",
          logOpts: LOG_OPTIONS,
          destroyGraceSeconds: 30,
        },
        {
          parent: this,
          provider,
          // A container has a fixed name on its host: the old one goes before the new one
          // starts. Volumes are separate resources and stay.
          deleteBeforeReplace: true,
          dependsOn: [
            ...dependencies,
            ...joined.filter((n): n is pulumi.Resource => n !== undefined),
            ...volumeResources,
          ],
        },
      );
      this.containers[plan.name] = container;
      return container;
    };
    for (const plan of stack.containers) create(plan);
    this.registerOutputs({});
  }
}

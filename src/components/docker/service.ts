/**
 * `DockerService` (`homelab:docker:Service`): one application stack (a declared service, or
 * the proxy/SSO stacks the program adds) on one or several Docker hosts: a network per host,
 * data volumes (`retainOnDelete`, independent of the containers so replacing a container
 * never touches them), pulled or built images, and the containers.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerPlan, StackPlan } from "../../model/services";
import { containerArgs, imageArgs, networkArgs, volumeArgs } from "./args";
import type { DockerHost } from "./host";
import type { ValueResolver } from "./values";

export interface DockerServiceArgs {
  /**
   * The stack to deploy (from `model.services.stacks`).
   * @example model.services.stacks.find((s) => s.name === "immich")
   */
  readonly stack: StackPlan;
  /**
   * Docker hosts by name (their providers).
   * @example { servo: servoHost, optiplex: optiplexHost }
   */
  readonly hosts: Readonly<Record<string, DockerHost>>;
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

export class DockerService extends pulumi.ComponentResource {
  /** Containers by name. */
  readonly containers: Record<string, docker.Container> = {};
  /** Data volumes by `host/name`. */
  readonly volumes: Record<string, docker.Volume> = {};
  /** The stack's networks by host. */
  readonly networks: Record<string, docker.Network> = {};

  constructor(name: string, args: DockerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
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
    // On several hosts, names end with the host's: a renamed host's keep its former names.
    // (A renamed stack needs nothing here: the engine derives the aliases of children
    // named after their parent from the parent's.)
    const formerly = (host: string, prefix: string) => {
      const formers = multiHost ? (hosts[host]?.formerNames ?? []) : [];
      return formers.length > 0
        ? { aliases: formers.map((n) => ({ name: `${prefix}-${n}` })) }
        : {};
    };

    for (const network of stack.networks) {
      this.networks[network.host] = new docker.Network(
        `${name}-network${suffix(network.host)}`,
        networkArgs(stack, network),
        {
          parent: this,
          provider: providerOf(network.host),
          ...formerly(network.host, `${name}-network`),
        },
      );
    }

    for (const volume of stack.volumes) {
      this.volumes[`${volume.host}/${volume.name}`] = new docker.Volume(
        `${name}-volume-${volume.id}${suffix(volume.host)}`,
        volumeArgs(volume),
        // Data outlives the stack: removing a service leaves its volumes on the host.
        {
          parent: this,
          provider: providerOf(volume.host),
          retainOnDelete: true,
          ...formerly(volume.host, `${name}-volume-${volume.id}`),
        },
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
        imageArgs(plan, { root, cwd: process.cwd() }),
        { parent: this, provider },
      );
      const network = this.networks[plan.host];
      const joined = plan.networks.map((n) =>
        n.name === stack.name ? network : shared[`${plan.host}/${n.name}`],
      );
      const volumeResources = plan.volumes.map((v) => this.volumes[`${plan.host}/${v.volume}`]!);
      const container = new docker.Container(
        `${name}-${plan.part}`,
        containerArgs(plan, {
          image: image.imageId,
          volumeNames: volumeResources.map((v) => v.name),
          resolve,
          waitedOn: waitedOn.has(plan.name),
        }),
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
    this.registerOutputs({
      containers: this.containers,
      volumes: this.volumes,
      networks: this.networks,
    });
  }
}

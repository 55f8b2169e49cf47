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

/** Container inputs a change of which replaces the container (the provider would not apply it). */
export const CONTAINER_REPLACED_ON = ["healthcheck", "tmpfs"] as const;

/**
 * A one-shot job (`mustRun: false`, attached): the provider waits for it to end but does not
 * look at its exit status (`resourceDockerContainerCreate`, resource_docker_container_funcs.go
 * l. 631-673 at kreuzwerker v4.5.0, discards the wait's status code); it only records
 * `exit_code` when it reads the container back (l. 129-133 of resource_docker_container.go).
 * So the program checks it: a job that exited with another code fails the up, and containers
 * that depend on it are not created. Unknown during a preview (nothing ran yet).
 *
 * The gate's value is nothing: its resource is the job's container (it comes from the
 * container's `exitCode`). An Output whose value is a resource makes the SDK walk the whole
 * object graph reachable from it for unknowns, at every step (output.js containsUnknowns, at
 * v3.248.0): 30,000-60,000 objects per example stack, about 5% of a plan.
 */
export function jobSucceeded(container: docker.Container, plan: ContainerPlan): JobGate {
  return container.exitCode.apply((code) => {
    if (code !== undefined && code !== 0) {
      throw new pulumi.RunError(
        `job "${plan.name}" on Docker host "${plan.host}" exited with code ${code}: ` +
          `read why with "docker logs ${plan.name}" on that host, fix it, then run it again ` +
          `with pulumi up --replace <the container's URN>`,
      );
    }
    return undefined;
  });
}

/** A one-shot job's success: resolves once it exited with code 0, its resource the job's container. */
export type JobGate = pulumi.Output<undefined>;

/**
 * A job's gate as a `dependsOn` entry. The SDK accepts an Output there: it waits for its value
 * (a failed job's rejects, so the dependent is never created) and depends on the resources
 * the Output carries, the job's container (runtime/dependsOn.js,
 * gatherExplicitDependencies, at v3.248.0). Its type says Output<Resource>, what dependsOn's
 * type asks for; the SDK's code takes any Output.
 */
function asDependency(gate: JobGate): pulumi.Output<pulumi.Resource> {
  return gate as unknown as pulumi.Output<pulumi.Resource>;
}

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
  /** One-shot jobs by container name: resolves once the job exited with code 0 (jobSucceeded). */
  readonly jobs: Record<string, JobGate> = {};

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
    /** What a container that depends on `name` waits for: the container, or its job's success. */
    const gates = new Map<string, pulumi.Resource | pulumi.Output<pulumi.Resource>>();
    const create = (plan: ContainerPlan): pulumi.Resource | pulumi.Output<pulumi.Resource> => {
      const existing = gates.get(plan.name);
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
          // The provider's update applies only restart, resources and `must_run`
          // (`resourceDockerContainerUpdate`, resource_docker_container_funcs.go l. 991-1019
          // at kreuzwerker v4.5.0); `healthcheck` and `tmpfs` are neither ForceNew nor updated
          // (resource_docker_container.go), so a change of either would be recorded and never
          // reach the container: replace it instead.
          replaceOnChanges: [...CONTAINER_REPLACED_ON],
          dependsOn: [
            ...dependencies,
            ...joined.filter((n): n is pulumi.Resource => n !== undefined),
            ...volumeResources,
          ],
        },
      );
      this.containers[plan.name] = container;
      if (!plan.job) {
        gates.set(plan.name, container);
        return container;
      }
      const gate = jobSucceeded(container, plan);
      this.jobs[plan.name] = gate;
      gates.set(plan.name, asDependency(gate));
      return asDependency(gate);
    };
    for (const plan of stack.containers) create(plan);
    this.registerOutputs({
      containers: this.containers,
      volumes: this.volumes,
      networks: this.networks,
      // A failed job fails the up even when no container waits for it.
      ...(Object.keys(this.jobs).length > 0 ? { jobs: this.jobs } : {}),
    });
  }
}

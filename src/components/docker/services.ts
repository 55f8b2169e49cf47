/**
 * `DockerServices` (`homelab:docker:Services`): the services domain of a site. One
 * `DockerHost` (Docker provider) per Docker host, the passwords the catalog generates
 * (`@pulumi/random`, secret Outputs), the proxy network on the proxy's host, and one
 * `DockerService` per stack (declared services, the proxy with CrowdSec, the SSO provider
 * with its directory).
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { PROXY_NETWORK } from "../../catalog/apps/traefik";
import type { ServicesModel } from "../../model/services";
import type { Secrets } from "../secrets";
import { DockerHost } from "./host";
import { DockerService } from "./service";
import { valueResolver } from "./values";

export interface DockerServicesArgs {
  /**
   * The services model (`model.services`).
   * @example buildModel(loaded).services
   */
  readonly model: ServicesModel;
  /** The stack's secrets (`cloudflareDnsToken` for the ACME DNS challenge, `{ secret }` env). */
  readonly secrets: Secrets;
  /**
   * Resources each Docker host waits for before it is connected to, by host name (the
   * Proxmox guests that are Docker hosts).
   * @default {}
   * @example { caddy: [caddyGuest] }
   */
  readonly hostDependencies?: Record<string, pulumi.Input<pulumi.Resource>[]>;
  /**
   * Project root (images built from the project's Dockerfiles).
   * @default process.cwd()
   * @example "/home/me/homelab"
   */
  readonly root?: string;
}

export class DockerServices extends pulumi.ComponentResource {
  readonly hosts: Record<string, DockerHost> = {};
  readonly services: Record<string, DockerService> = {};
  /** Generated passwords by id (secret Outputs). */
  readonly generated: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: DockerServicesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:docker:Services", name, {}, opts);
    const { model } = args;
    for (const host of model.hosts) {
      this.hosts[host.name] = new DockerHost(
        `${name}-host-${host.name}`,
        { host, dependsOn: args.hostDependencies?.[host.name] ?? [] },
        { parent: this },
      );
    }
    const passwords = new Map<string, random.RandomPassword>();
    for (const spec of model.generated) {
      const password = new random.RandomPassword(
        `${name}-generated-${spec.id}`,
        { length: spec.length ?? 32, special: spec.special ?? false },
        { parent: this },
      );
      passwords.set(spec.id, password);
      this.generated[spec.id] = pulumi.secret(password.result);
    }
    const resolve = valueResolver(args.secrets, passwords);
    const shared: Record<string, pulumi.Resource> = {};
    if (model.proxy) {
      const host = this.hosts[model.proxy.host]!;
      shared[`${model.proxy.host}/${PROXY_NETWORK}`] = new docker.Network(
        `${name}-proxy-network`,
        {
          name: PROXY_NETWORK,
          driver: "bridge",
          labels: [{ label: "homelab.stack", value: "proxy" }],
        },
        { parent: this, provider: host.provider },
      );
    }
    // Stacks other stacks connect to come first (their networks must exist).
    const order = [...model.stacks].sort(
      (a, b) =>
        Number(model.stacks.some((s) => s.connects.includes(b.name))) -
        Number(model.stacks.some((s) => s.connects.includes(a.name))),
    );
    for (const stack of order) {
      const networks: Record<string, pulumi.Resource> = { ...shared };
      const host = stack.hosts[0] ?? "";
      for (const other of stack.connects) {
        const network = this.services[other]?.networks[host];
        if (network) networks[`${host}/${other}`] = network;
      }
      this.services[stack.name] = new DockerService(
        `${name}-${stack.name}`,
        {
          stack,
          hosts: this.hosts,
          resolve,
          sharedNetworks: networks,
          root: args.root,
        },
        { parent: this },
      );
    }
    this.registerOutputs({
      hosts: this.hosts,
      services: this.services,
      generated: this.generated,
    });
  }
}

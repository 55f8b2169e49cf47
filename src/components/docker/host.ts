/**
 * `DockerHost` (`homelab:docker:Host`): one explicit `@pulumi/docker` provider per Docker
 * host, reached over SSH (`ssh://user@address:port`, the local ssh-agent's keys). For a
 * Proxmox guest created in the same stack, the provider waits for the guest (`dependsOn`)
 * before connecting.
 *
 * A renamed host's component gets aliases (DockerServices); the provider, a child named
 * after it, inherits them (the engine derives a child's aliases from its parent's), so it
 * stays the same provider and the resources on the host see no provider change.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { DockerHost as HostPlan } from "../../model/hosts";

export interface DockerHostArgs {
  /**
   * The Docker host (from the model: `homelab:hosts` entries and Proxmox guests with docker).
   * @example { name: "servo", address: "10.0.10.10", user: "deploy", port: 22, dataRoot: "/srv/homelab", kind: "host" }
   */
  readonly host: HostPlan;
  /**
   * Resources to wait for before connecting (the Proxmox guest that is this host).
   * @default []
   * @example [guestVm]
   */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
  /**
   * Extra `ssh` options. The default trusts a host key on first use and refuses a changed one,
   * and never prompts.
   * @default ["-o", "StrictHostKeyChecking=accept-new", "-o", "BatchMode=yes"]
   * @example ["-o", "StrictHostKeyChecking=yes"]
   */
  readonly sshOpts?: string[];
}

/** The SSH URL of a Docker host. */
export function dockerHostUrl(host: HostPlan): string {
  return `ssh://${host.user}@${host.address}:${host.port}`;
}

export const DEFAULT_SSH_OPTS = ["-o", "StrictHostKeyChecking=accept-new", "-o", "BatchMode=yes"];

export class DockerHost extends pulumi.ComponentResource {
  /** The explicit Docker provider every resource on this host uses. */
  readonly provider: docker.Provider;
  readonly name: string;
  /** Former names, oldest first (`renamedFrom`). */
  readonly formerNames: readonly string[];
  /** Address the host's published ports are reached at. */
  readonly address: string;

  constructor(name: string, args: DockerHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:docker:Host", name, {}, opts);
    this.name = args.host.name;
    this.formerNames = args.host.formerNames;
    this.address = args.host.address;
    this.provider = new docker.Provider(
      `${name}-provider`,
      { host: dockerHostUrl(args.host), sshOpts: args.sshOpts ?? DEFAULT_SSH_OPTS },
      { parent: this, dependsOn: args.dependsOn ?? [] },
    );
    this.registerOutputs({ name: this.name, address: this.address });
  }
}

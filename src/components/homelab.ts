/**
 * The root component: one child component per domain the site declares.
 */
import * as pulumi from "@pulumi/pulumi";
import type { SiteModel } from "../model";
import { ProxmoxCluster } from "./proxmox/cluster";
import type { Secrets } from "./secrets";

export interface HomelabArgs {
  /** The resolved site model (see src/model). */
  readonly model: SiteModel;
  /** The stack's secrets, as secret Outputs. */
  readonly secrets: Secrets;
}

/**
 * `homelab:index:Homelab`: instantiates the domain components (Proxmox, FortiGate, UniFi,
 * services, Cloudflare) for the domains the site declares, and nothing for the others.
 */
export class Homelab extends pulumi.ComponentResource {
  /** Site id. */
  readonly site: string;
  /** The Proxmox cluster, when the site declares `homelab:proxmox`. */
  readonly proxmox?: ProxmoxCluster;

  constructor(name: string, args: HomelabArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:Homelab", name, {}, opts);
    this.site = args.model.config.site.name;
    const proxmox = args.model.config.proxmox;
    if (proxmox) {
      this.proxmox = new ProxmoxCluster(
        `${name}-proxmox`,
        { config: proxmox, addresses: args.model.addresses, secrets: args.secrets },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }
}

/**
 * The root component: one child component per domain the site declares.
 */
import * as pulumi from "@pulumi/pulumi";
import type { SiteModel } from "../model";
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

  constructor(name: string, args: HomelabArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:Homelab", name, {}, opts);
    this.site = args.model.config.site.name;
    this.registerOutputs({});
  }
}

/**
 * The root component: one child component per domain the site declares.
 */
import * as pulumi from "@pulumi/pulumi";
import type { SiteModel } from "../model";
import { decideFirewallMode, type FirewallModeDecision } from "../model/unifi";
import type { Secrets } from "./secrets";
import { UnifiGateway } from "./unifi/gateway";

export interface HomelabArgs {
  /** The resolved site model (see src/model). */
  readonly model: SiteModel;
  /** The stack's secrets, as secret Outputs. */
  readonly secrets: Secrets;
  /**
   * The UniFi gateway's firewall generation, resolved by the program (see
   * src/components/unifi/firewall-mode.ts).
   * @default the configured mode; for auto, the offline assumption
   */
  readonly unifiFirewall?: FirewallModeDecision;
  /**
   * Project root, for relative paths in the config (TLS CA files).
   * @default process.cwd()
   */
  readonly root?: string;
}

/**
 * `homelab:index:Homelab`: instantiates the domain components (Proxmox, FortiGate, UniFi,
 * services, Cloudflare) for the domains the site declares, and nothing for the others.
 */
export class Homelab extends pulumi.ComponentResource {
  /** Site id. */
  readonly site: string;
  /** The UniFi gateway, when the site has one. */
  readonly unifi?: UnifiGateway;

  constructor(name: string, args: HomelabArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:Homelab", name, {}, opts);
    const { model } = args;
    this.site = model.config.site.name;
    const unifi = model.config.unifi;
    if (unifi) {
      this.unifi = new UnifiGateway(
        `${name}-unifi`,
        {
          config: unifi,
          networks: model.networks,
          publish: model.publish,
          firewall: args.unifiFirewall ?? decideFirewallMode(unifi.firewall.mode),
          secrets: args.secrets,
          root: args.root,
        },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }
}

/**
 * The root component: one child component per domain the site declares.
 */
import * as pulumi from "@pulumi/pulumi";
import type { SiteModel } from "../model";
import { Dns } from "./cloudflare/dns";
import { Services } from "./docker/services";
import type { Secrets } from "./secrets";

export interface HomelabArgs {
  /** The resolved site model (see src/model). */
  readonly model: SiteModel;
  /** The stack's secrets, as secret Outputs. */
  readonly secrets: Secrets;
  /**
   * Services domain: resources each Docker host waits for before it is connected to (the
   * Proxmox guests that are Docker hosts), by host name.
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

/**
 * `homelab:index:Homelab`: instantiates the domain components (Proxmox, FortiGate, UniFi,
 * services, Cloudflare) for the domains the site declares, and nothing for the others.
 */
export class Homelab extends pulumi.ComponentResource {
  /** Site id. */
  readonly site: string;
  /** Docker services, proxy and SSO (when the site declares any). */
  readonly services?: Services;
  /** Public DNS (when the site declares homelab:cloudflare). */
  readonly dns?: Dns;

  constructor(name: string, args: HomelabArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:Homelab", name, {}, opts);
    this.site = args.model.config.site.name;

    // --- services (issue 7): Docker hosts, stacks, proxy, SSO; Cloudflare DNS ---
    const services = args.model.services;
    if (services) {
      this.services = new Services(
        `${name}-services`,
        {
          model: services,
          secrets: args.secrets,
          hostDependencies: args.hostDependencies,
          root: args.root,
        },
        { parent: this },
      );
    }
    const cloudflare = args.model.config.cloudflare;
    if (cloudflare) {
      this.dns = new Dns(
        `${name}-dns`,
        { config: cloudflare, records: services?.publicRecords ?? [], secrets: args.secrets },
        { parent: this },
      );
    }
    // --- end services ---

    this.registerOutputs({});
  }
}

/**
 * The root component: one child component per domain the site declares.
 */
import * as pulumi from "@pulumi/pulumi";
import type { SiteModel } from "../model";
import { CloudflareDns } from "./cloudflare/dns";
import { DockerServices } from "./docker/services";
import { FortigateEdge } from "./fortigate/edge";
import { ProxmoxCluster } from "./proxmox/cluster";
import type { Secrets } from "./secrets";
import { UnifiGateway } from "./unifi/gateway";

export interface HomelabArgs {
  /** The resolved site model (see src/model). */
  readonly model: SiteModel;
  /** The stack's secrets, as secret Outputs. */
  readonly secrets: Secrets;
  /**
   * Extra resources a Docker host waits for before it is connected to, by host name. The
   * Proxmox guests that are Docker hosts are added automatically.
   * @default {}
   * @example { nas: [nasReady] }
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
  /** The Proxmox cluster, when the site declares `homelab:proxmox`. */
  readonly proxmox?: ProxmoxCluster;
  /** Docker services, proxy and SSO (when the site declares any). */
  readonly services?: DockerServices;
  /** Public DNS (when the site declares homelab:cloudflare). */
  readonly dns?: CloudflareDns;
  /** The FortiGate edge (when the site declares homelab:fortigate). */
  readonly fortigate?: FortigateEdge;
  /** The UniFi gateway, when the site has one. */
  readonly unifi?: UnifiGateway;

  constructor(name: string, args: HomelabArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:index:Homelab", name, {}, opts);
    const { model, secrets } = args;
    this.site = model.config.site.name;

    if (model.proxmox) {
      this.proxmox = new ProxmoxCluster(
        `${name}-proxmox`,
        { plan: model.proxmox, secrets },
        { parent: this },
      );
    }

    if (model.services) {
      // A guest that is a Docker host is reached only once Proxmox has created it.
      const hostDependencies: Record<string, pulumi.Input<pulumi.Resource>[]> = {};
      for (const [guest, output] of Object.entries(this.proxmox?.guests ?? {})) {
        hostDependencies[guest] = [output.resource];
      }
      for (const [host, deps] of Object.entries(args.hostDependencies ?? {})) {
        hostDependencies[host] = [...(hostDependencies[host] ?? []), ...deps];
      }
      this.services = new DockerServices(
        `${name}-services`,
        { model: model.services, secrets, hostDependencies, root: args.root },
        { parent: this },
      );
    }

    if (model.config.cloudflare) {
      this.dns = new CloudflareDns(
        `${name}-dns`,
        {
          config: model.config.cloudflare,
          records: model.services?.publicRecords ?? [],
          secrets,
        },
        { parent: this },
      );
    }

    if (model.fortigate) {
      this.fortigate = new FortigateEdge(
        `${name}-fortigate`,
        { plan: model.fortigate, secrets },
        { parent: this },
      );
    }

    if (model.unifi) {
      this.unifi = new UnifiGateway(
        `${name}-unifi`,
        { plan: model.unifi, secrets },
        { parent: this },
      );
    }

    this.registerOutputs({
      site: this.site,
      ...(this.proxmox ? { proxmox: this.proxmox } : {}),
      ...(this.services ? { services: this.services } : {}),
      ...(this.dns ? { dns: this.dns } : {}),
      ...(this.fortigate ? { fortigate: this.fortigate } : {}),
      ...(this.unifi ? { unifi: this.unifi } : {}),
    });
  }
}

/**
 * `homelab:proxmox:Cluster`: a Proxmox VE cluster as one component: its explicit provider,
 * SDN (zones, vnets, subnets, one apply), storages, downloaded images, guests and backup jobs.
 * Cluster creation and corosync votes are manual steps (README, "Proxmox: the manual steps"): the API cannot do
 * them.
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { ProxmoxPlan } from "../../model/proxmox-plan";
import type { Secrets } from "../secrets";
import { createBackupJobs } from "./backups";
import type { ProxmoxContext } from "./context";
import { createGuest, type GuestOutput } from "./guests";
import { createImages } from "./images";
import { apiToken, createProvider } from "./provider";
import { createSdn } from "./sdn";
import { createStorages } from "./storage";

export interface ProxmoxClusterArgs {
  /**
   * What to create, computed from `homelab:proxmox` (`SiteModel.proxmox`): its
   * `connection` is how the provider reaches the API.
   * @example model.proxmox
   */
  readonly plan: ProxmoxPlan;
  /**
   * The stack's secrets: `proxmoxApiToken` and the `{ secret }` refs of PBS storages.
   * @example runtimeSecrets(names)
   */
  readonly secrets: Secrets;
}

export class ProxmoxCluster extends pulumi.ComponentResource {
  /** The explicit provider every Proxmox resource of the cluster uses. */
  readonly provider: pulumi.ProviderResource;
  /** Guests with a planned address, by name: the Docker hosts of the services issue. */
  readonly guests: Record<string, GuestOutput>;
  /** The SDN apply guests on a vnet wait for (undefined without SDN zones). */
  readonly sdnApply?: pulumi.Resource;

  constructor(name: string, args: ProxmoxClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:proxmox:Cluster", name, {}, opts);
    const { plan } = args;
    const connection = plan.connection;
    const token = apiToken(connection.apiTokenId, args.secrets.get("proxmoxApiToken"));
    const provider = createProvider(`${name}-provider`, connection, token, this);
    this.provider = provider;
    const ctx: ProxmoxContext = { name, parent: this, provider };

    const sdn = createSdn(ctx, plan.sdn);
    this.sdnApply = sdn.apply;
    const commandProvider = new command.Provider(`${name}-command`, {}, { parent: this });
    const storages = createStorages(
      { ...ctx, secrets: args.secrets, token, commandProvider },
      plan.storages,
      { base: connection.apiBase, insecure: connection.insecureSkipVerify },
    );
    const downloads = createImages(ctx, plan.downloads, storages);

    const guests: Record<string, GuestOutput> = {};
    const resources = new Map<string, pulumi.Resource>();
    for (const guest of plan.guests) {
      const created = createGuest(ctx, guest, {
        downloads,
        storages,
        sdnApply: sdn.apply,
        commandProvider,
      });
      resources.set(guest.name, created.resource);
      if (created.output) guests[guest.name] = created.output;
    }
    this.guests = guests;
    createBackupJobs(ctx, plan.backups, storages, resources);

    this.registerOutputs({
      guests: Object.fromEntries(
        Object.entries(guests).map(([guest, out]) => [
          guest,
          { address: out.address, sshUser: out.sshUser },
        ]),
      ),
    });
  }
}

/**
 * Storages the program manages: the provider's resources for LVM (an existing volume group),
 * LVM thin pools, ZFS pools, NFS, directories and Proxmox Backup Server (client-side
 * encrypted with the key from its `{ secret }` ref); iSCSI and LVM on an iSCSI LUN through
 * the API (storage-api.ts), because the provider has no iSCSI resource and its LVM resource
 * cannot name a base volume. Storages declared `existing: true` (Proxmox's own local and
 * local-lvm, say) get no resource: the plan leaves them out and guests name them directly.
 *
 * The provider (bpg/terraform-provider-proxmox v0.111.1, which @muhlba91/pulumi-proxmoxve
 * wraps) re-creates the storage definition when what it is made of changes (volume group,
 * thin pool, ZFS pool: `RequiresReplace` in fwprovider/storage/resource_lvm_thin.go l. 49-60,
 * resource_zfs.go l. 49-53); Proxmox then forgets and re-adds the definition, the data stays.
 */
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type * as command from "@pulumi/command";
import type * as pulumi from "@pulumi/pulumi";
import type { ProviderStorage, StoragePlan } from "../../model/proxmox-plan";
import type { Secrets } from "../secrets";
import { childOptions, type ProxmoxContext } from "./context";
import { createApiStorage, type ApiTarget } from "./storage-api";

export interface StorageContext extends ProxmoxContext {
  readonly secrets: Secrets;
  /** The API token (secret), for the storages created through the API. */
  readonly token: pulumi.Output<string>;
  /** Explicit provider of the local commands. */
  readonly commandProvider: command.Provider;
}

/** Every declared storage by name, in the plan's order (bases before the LVM on them). */
export function createStorages(
  ctx: StorageContext,
  storages: readonly StoragePlan[],
  target: ApiTarget,
): Map<string, pulumi.CustomResource> {
  const created = new Map<string, pulumi.CustomResource>();
  for (const storage of storages) {
    const name = `${ctx.name}-storage-${storage.name}`;
    if (storage.via === "provider") {
      created.set(storage.name, createProviderStorage(ctx, name, storage.storage));
      continue;
    }
    const base = storage.base ? created.get(storage.base) : undefined;
    created.set(
      storage.name,
      createApiStorage(name, storage.api, target, ctx.token, {
        parent: ctx.parent,
        provider: ctx.commandProvider,
        dependsOn: base ? [base] : [],
      }),
    );
  }
  return created;
}

function createProviderStorage(
  ctx: StorageContext,
  name: string,
  storage: ProviderStorage,
): pulumi.CustomResource {
  const opts = childOptions(ctx);
  switch (storage.type) {
    case "lvm":
      return new proxmoxve.storage.Lvm(
        name,
        {
          resourceId: storage.name,
          volumeGroup: storage.volumeGroup,
          contents: storage.content,
          shared: storage.shared,
          nodes: storage.nodes,
        },
        opts,
      );
    case "nfs":
      return new proxmoxve.storage.Nfs(
        name,
        {
          resourceId: storage.name,
          server: storage.server,
          export: storage.export,
          contents: storage.content,
          options: storage.options,
          nodes: storage.nodes,
        },
        opts,
      );
    case "lvmthin":
      return new proxmoxve.storage.Lvmthin(
        name,
        {
          resourceId: storage.name,
          volumeGroup: storage.volumeGroup,
          thinPool: storage.thinPool,
          contents: storage.content,
          nodes: storage.nodes,
        },
        opts,
      );
    case "zfspool":
      return new proxmoxve.storage.Zfspool(
        name,
        {
          resourceId: storage.name,
          zfsPool: storage.pool,
          thinProvision: storage.thinProvision,
          blocksize: storage.blocksize,
          contents: storage.content,
          nodes: storage.nodes,
        },
        opts,
      );
    case "dir":
      return new proxmoxve.storage.Directory(
        name,
        {
          resourceId: storage.name,
          path: storage.path,
          contents: storage.content,
          shared: storage.shared,
          nodes: storage.nodes,
        },
        opts,
      );
    case "pbs":
      return new proxmoxve.storage.Pbs(
        name,
        {
          resourceId: storage.name,
          server: storage.server,
          datastore: storage.datastore,
          namespace: storage.namespace,
          username: storage.username,
          password: ctx.secrets.get(storage.password.secret),
          fingerprint: storage.fingerprint,
          encryptionKey: storage.encryptionKey
            ? ctx.secrets.get(storage.encryptionKey.secret)
            : undefined,
          contents: ["backup"],
          nodes: storage.nodes,
        },
        opts,
      );
  }
}

/**
 * The storages of `homelab:proxmox`: those the program manages (one schema per kind, told
 * apart by `type`) and those the cluster already has and the program only uses
 * (`existing: true`), which declare only what the checks need.
 */
import { z } from "zod";
import {
  doc,
  hostOrAddress,
  KEY_MESSAGE_SEPARATOR,
  name,
  port,
  secretRef,
  strict,
  suggestion,
} from "./primitives";

const storageContent = z.enum([
  "images",
  "rootdir",
  "iso",
  "vztmpl",
  "backup",
  "snippets",
  "import",
]);
export type StorageContent = z.infer<typeof storageContent>;

const CONTENT_DOC =
  "Content types the storage holds: images (VM disks), rootdir (container disks), iso, vztmpl (container templates), backup, snippets (cloud-init user data), import (cloud images).";

/** What a storage may hold (Proxmox content types). */
const contents = (defaults: z.infer<typeof storageContent>[]) =>
  doc(z.array(storageContent), CONTENT_DOC).default(defaults);

/** What a block storage (LVM thin, ZFS) may hold: guest disks only. */
const guestDiskContents = doc(
  z.array(z.enum(["images", "rootdir"])),
  "Content types: images (VM disks), rootdir (container disks); a block storage holds nothing else.",
).default(["images", "rootdir"]);

const storageNodes = doc(z.array(name), "Nodes that may use this storage (default: all).");

/** The `type` key of a storage: which kind it is. */
const storageType = <T extends string>(type: T, what: string) =>
  doc(z.literal(type), `Storage type: ${what}.`);

const storageName = doc(name, "Storage id in Proxmox.");

/** A managed storage's `existing` key: absent or false (the program creates and updates it). */
const managed = doc(
  z.literal(false),
  "false (the default): the program creates and updates this storage. A storage the cluster already has and the program must only use is declared with existing: true.",
).optional();

const volumeGroupName = z.string().regex(/^[A-Za-z0-9+_.-]+$/, {
  error: "must be an LVM volume group name: letters, digits and + _ . -, e.g. vg-nas",
});

const iscsiStorage = strict({
  type: storageType("iscsi", "LUNs of an iSCSI target (the base of an LVM storage)"),
  existing: managed,
  name: doc(name, "Storage id in Proxmox.", ["nas-iscsi"]),
  portal: doc(hostOrAddress, "iSCSI portal (the NAS).", ["172.24.0.20"]),
  target: doc(
    z.string().regex(/^(iqn\.\d{4}-\d{2}\.[^\s]+|eui\.[0-9A-Fa-f]{16})$/, {
      error:
        "must be an iSCSI target name: iqn.<yyyy-mm>.<reversed domain>[:<name>] or eui.<16 hex digits>, e.g. iqn.2005-10.org.example:target0",
    }),
    "iSCSI target IQN.",
  ),
  nodes: storageNodes.optional(),
});

const lvmStorage = strict({
  type: storageType("lvm", "an LVM volume group (local, or on an iSCSI LUN)"),
  existing: managed,
  name: storageName,
  volumeGroup: doc(volumeGroupName, "LVM volume group.", ["vg-nas"]),
  base: doc(
    strict({
      storage: doc(name, "The iSCSI storage the LUN comes from."),
      volume: doc(z.string().min(1), "The LUN's volume id in that storage.", [
        "0.0.0.scsi-36001405",
      ]),
    }),
    "For LVM over iSCSI: the LUN carrying the volume group.",
  ).optional(),
  shared: doc(z.boolean(), "true when every node sees the same volume group (iSCSI/FC).").default(
    false,
  ),
  content: contents(["images", "rootdir"]),
  nodes: storageNodes.optional(),
});

const lvmThinStorage = strict({
  type: storageType("lvmthin", "an LVM thin pool (like Proxmox's own local-lvm)"),
  existing: managed,
  name: storageName,
  volumeGroup: doc(volumeGroupName, "LVM volume group of the thin pool.", ["pve"]),
  thinPool: doc(
    z.string().regex(/^[A-Za-z0-9+_.-]+$/, {
      error: "must be an LVM logical volume name: letters, digits and + _ . -, e.g. data",
    }),
    "The thin pool (a logical volume of that volume group).",
    ["data"],
  ),
  content: guestDiskContents,
  nodes: storageNodes.optional(),
});

const zfsPoolStorage = strict({
  type: storageType("zfspool", "a ZFS pool or dataset of the nodes"),
  existing: managed,
  name: storageName,
  pool: doc(
    z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/, {
      error:
        "must be a ZFS pool or dataset name: letters, digits and _ . : / -, starting with a letter or digit, e.g. rpool/data",
    }),
    "ZFS pool or dataset guest volumes are created in.",
    ["rpool/data"],
  ),
  thinProvision: doc(
    z.boolean(),
    "Create sparse volumes (thin provisioning); default: Proxmox's (off).",
  ).optional(),
  blocksize: doc(
    z
      .string()
      .regex(/^\d+[kKmM]$/, { error: "must be a block size: a number and k or M, e.g. 16k" }),
    "Block size of new volumes; default: Proxmox's.",
    ["16k"],
  ).optional(),
  content: guestDiskContents,
  nodes: storageNodes.optional(),
});

const nfsStorage = strict({
  type: storageType("nfs", "an NFS export, shared by every node"),
  existing: managed,
  name: storageName,
  server: doc(hostOrAddress, "NFS server address.", ["172.24.0.20"]),
  export: doc(
    z
      .string()
      .regex(/^\//, { error: "must be an absolute path, starting with /, e.g. /mnt/tank/pve" }),
    "Exported path.",
    ["/mnt/tank/pve"],
  ),
  content: contents(["images", "rootdir"]),
  options: doc(z.string(), "NFS mount options.", ["vers=4.2"]).optional(),
  nodes: storageNodes.optional(),
});

const pbsStorage = strict({
  type: storageType("pbs", "a datastore on a Proxmox Backup Server"),
  existing: managed,
  name: storageName,
  server: doc(hostOrAddress, "Proxmox Backup Server address.", ["pbs.example.org"]),
  port: doc(
    port,
    "Backup server port. Only 8007 is supported: the Proxmox provider cannot set another one.",
  ).default(8007),
  datastore: doc(z.string().min(1), "Datastore on the backup server.", ["alexis"]),
  namespace: doc(z.string(), "Namespace inside the datastore (default: its root).").optional(),
  username: doc(
    z.string().regex(/^[^\s@]+@[^\s@!]+(![^\s]+)?$/, {
      error: "must be user@realm or user@realm!token, e.g. backup@pbs",
    }),
    "User (or API token id) on the backup server.",
    ["pve-alexis@pbs"],
  ),
  password: doc(secretRef, "Password or API token secret for `username`."),
  fingerprint: doc(
    z.string().regex(/^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/, {
      error:
        "must be the server certificate's SHA-256 fingerprint: 32 hex bytes separated by colons (proxmox-backup-manager cert info), e.g. 4B:1E:9C:02:7A:55:D3:60:18:AF:C2:33:90:7E:BB:41:0D:6C:8F:2E:71:A4:5B:C9:E0:13:F7:38:92:6D:AE:05",
    }),
    "SHA-256 fingerprint of the backup server certificate.",
  ),
  encryptionKey: doc(
    secretRef,
    "Client-side encryption key (JSON key file content); backups are encrypted before leaving the site.",
  ).optional(),
  nodes: storageNodes.optional(),
});

const dirStorage = strict({
  type: storageType("dir", "a directory on the nodes"),
  existing: managed,
  name: storageName,
  path: doc(
    z
      .string()
      .regex(/^\//, { error: "must be an absolute path, starting with /, e.g. /var/lib/vz" }),
    "Directory path.",
    ["/var/lib/vz"],
  ),
  content: contents(["iso", "vztmpl", "backup", "snippets", "import"]),
  shared: doc(
    z.boolean(),
    "true when every node sees the same directory (a shared mount).",
  ).default(false),
  nodes: storageNodes.optional(),
});

export const storageTypes = ["iscsi", "lvm", "lvmthin", "zfspool", "nfs", "pbs", "dir"] as const;

const managedSchemas = [
  iscsiStorage,
  lvmStorage,
  lvmThinStorage,
  zfsPoolStorage,
  nfsStorage,
  pbsStorage,
  dirStorage,
] as const;

const managedStorageSchema = z.discriminatedUnion("type", managedSchemas, {
  error: (issue) =>
    issue.code === "invalid_union"
      ? `"type" must be one of: ${storageTypes.join(", ")}`
      : undefined,
});

/** Keys that set up a managed storage: an existing one may not have them. */
const MANAGED_SETTINGS = [
  ...new Set(managedSchemas.flatMap((schema) => Object.keys(schema.shape))),
].filter((key) => !["type", "name", "existing", "content", "shared", "nodes"].includes(key));

const existingShape = {
  type: doc(
    z.enum(storageTypes),
    "What kind of storage it is in Proxmox (the Type column of pvesm status).",
  ),
  name: doc(name, "Storage id in Proxmox.", ["local-lvm"]),
  existing: doc(
    z.literal(true),
    "The cluster has this storage already (local, local-lvm, or one set up by hand) and the program only uses it: it never creates, changes or removes it.",
  ),
  content: doc(
    z
      .array(storageContent)
      .min(1, { error: "list what the storage holds, e.g. [images, rootdir]" }),
    `${CONTENT_DOC} As configured in Proxmox (pvesm status --storage <id>, or Datacenter → Storage): the checks of guests, images and snippets rely on it.`,
  ),
  shared: doc(z.boolean(), "true when every node sees the same content.").default(false),
  nodes: storageNodes.optional(),
};

/** A storage the cluster already has: only what the checks need, nothing the program would set. */
const existingStorageSchema = z.strictObject(existingShape, {
  error: (issue) => {
    if (issue.code !== "unrecognized_keys") return undefined;
    return issue.keys
      .map((key) =>
        MANAGED_SETTINGS.includes(key)
          ? `${key} is a setting the program would manage, but this storage is existing: true, so the program leaves it as the cluster has it: remove ${key}, or remove existing to let the program manage the storage`
          : `unknown key "${key}": ${suggestion(key, Object.keys(existingShape))}`,
      )
      .join(KEY_MESSAGE_SEPARATOR);
  },
});

export const storageSchema = z.discriminatedUnion(
  "existing",
  [existingStorageSchema, managedStorageSchema],
  { error: (issue) => (issue.code === "invalid_union" ? "must be true or false" : undefined) },
);

export type Storage = z.infer<typeof storageSchema>;
/** A storage the program creates and updates. */
export type ManagedStorage = z.infer<typeof managedStorageSchema>;
/** A storage the cluster has and the program only uses (`existing: true`). */
export type ExistingStorage = z.infer<typeof existingStorageSchema>;

/** True for a storage the cluster has and the program only uses. */
export function isExisting(storage: Storage): storage is ExistingStorage {
  return storage.existing === true;
}

/** What a storage holds: declared, or fixed by its kind (a PBS holds backups, iSCSI LUNs nothing). */
export function storageContents(storage: Storage): readonly StorageContent[] {
  if (isExisting(storage)) return storage.content;
  if (storage.type === "pbs") return ["backup"];
  if (storage.type === "iscsi") return [];
  return storage.content;
}

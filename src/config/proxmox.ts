/** `homelab:proxmox`: the Proxmox VE cluster, its storage, SDN and guests. */
import { z } from "zod";
import {
  addressRange,
  cidr,
  doc,
  hostOrAddress,
  interfaceAddress,
  ipv4,
  name,
  port,
  positiveInt,
  secretRef,
  strict,
  url,
  vlanId,
} from "./primitives";
import { uniqueBy } from "./problems";
import { proxmoxRules } from "./proxmox.rules";

/** Proxmox SDN zone and vnet ids: at most 8 characters, letters and digits. */
const sdnId = z.string().regex(/^[a-z][a-z0-9]{0,7}$/, {
  error: "must be 1-8 lowercase letters or digits, starting with a letter (a Proxmox SDN id)",
});

const vmid = z
  .number()
  .int({ error: "must be a whole number" })
  .min(100, { error: "Proxmox VM ids start at 100" })
  .max(999_999_999, { error: "Proxmox VM ids end at 999999999" });

export const nodeSchema = strict({
  name: doc(name, "Node name as Proxmox knows it (hostname).", ["pve1"]),
  address: doc(ipv4, "The node's management (LAN) address.", ["172.24.0.11"]),
  powered: doc(
    z.boolean(),
    "false for a node that is usually off: nothing is placed on it and it is not contacted.",
  ).default(true),
  votes: doc(
    z.number().int().min(0).max(255),
    "Corosync quorum votes. Proxmox's API cannot set them: see README (manual step).",
  ).default(1),
  description: z.string().optional(),
});

const storageContent = z.enum([
  "images",
  "rootdir",
  "iso",
  "vztmpl",
  "backup",
  "snippets",
  "import",
]);

const iscsiStorage = strict({
  type: z.literal("iscsi"),
  name: doc(name, "Storage id in Proxmox.", ["nas-iscsi"]),
  portal: doc(hostOrAddress, "iSCSI portal (the NAS).", ["172.24.0.20"]),
  target: doc(
    z.string().regex(/^(iqn\.\d{4}-\d{2}\.[^\s]+|eui\.[0-9A-Fa-f]{16})$/, {
      error: "must be an iSCSI target name such as iqn.2005-10.org.example:target0",
    }),
    "iSCSI target IQN.",
  ),
  nodes: doc(z.array(name), "Nodes that may use this storage (default: all).").optional(),
});

const lvmStorage = strict({
  type: z.literal("lvm"),
  name,
  volumeGroup: doc(
    z.string().regex(/^[A-Za-z0-9+_.-]+$/, { error: "must be an LVM volume group name" }),
    "LVM volume group.",
    ["vg-nas"],
  ),
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
  content: z.array(storageContent).default(["images", "rootdir"]),
  nodes: z.array(name).optional(),
});

const nfsStorage = strict({
  type: z.literal("nfs"),
  name,
  server: hostOrAddress,
  export: doc(z.string().regex(/^\//, { error: "must be an absolute path" }), "Exported path.", [
    "/mnt/tank/pve",
  ]),
  content: z.array(storageContent).default(["images", "rootdir"]),
  options: doc(z.string(), "NFS mount options.", ["vers=4.2"]).optional(),
  nodes: z.array(name).optional(),
});

const pbsStorage = strict({
  type: z.literal("pbs"),
  name,
  server: doc(hostOrAddress, "Proxmox Backup Server address.", ["pbs.example.org"]),
  port: doc(
    port,
    "Backup server port. Only 8007 is supported: the Proxmox provider cannot set another one.",
  ).default(8007),
  datastore: doc(z.string().min(1), "Datastore on the backup server.", ["alexis"]),
  namespace: z.string().optional(),
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
      error: "must be the server certificate's SHA-256 fingerprint (32 hex bytes with colons)",
    }),
    "SHA-256 fingerprint of the backup server certificate.",
  ),
  encryptionKey: doc(
    secretRef,
    "Client-side encryption key (JSON key file content); backups are encrypted before leaving the site.",
  ).optional(),
  nodes: z.array(name).optional(),
});

const dirStorage = strict({
  type: z.literal("dir"),
  name,
  path: z.string().regex(/^\//, { error: "must be an absolute path" }),
  content: z.array(storageContent).default(["iso", "vztmpl", "backup", "snippets", "import"]),
  shared: z.boolean().default(false),
  nodes: z.array(name).optional(),
});

export const storageTypes = ["iscsi", "lvm", "nfs", "pbs", "dir"] as const;

export const storageSchema = z.discriminatedUnion(
  "type",
  [iscsiStorage, lvmStorage, nfsStorage, pbsStorage, dirStorage],
  {
    error: (issue) =>
      issue.code === "invalid_union"
        ? `"type" must be one of: ${storageTypes.join(", ")}`
        : undefined,
  },
);

export const backupJobSchema = strict({
  name: doc(name, "Backup job id.", ["nightly"]),
  storage: doc(name, "Backup storage (pbs, nfs or dir with backup content)."),
  schedule: doc(z.string().min(1), "systemd calendar event, as in the Proxmox UI.", [
    "*-*-* 02:30",
    "sun 03:00",
  ]),
  mode: z.enum(["snapshot", "suspend", "stop"]).default("snapshot"),
  compression: z.enum(["zstd", "lzo", "gzip", "none"]).default("zstd"),
  keep: doc(
    strict({
      last: positiveInt.optional(),
      daily: positiveInt.optional(),
      weekly: positiveInt.optional(),
      monthly: positiveInt.optional(),
      yearly: positiveInt.optional(),
    }),
    "Retention (prune) settings.",
  ).default({ daily: 7, weekly: 4 }),
  notify: doc(z.email(), "Mail the job result to this address.").optional(),
});

/** Distributions Proxmox configures inside a container (its `ostype`). */
export const containerOsTypes = [
  "debian",
  "devuan",
  "ubuntu",
  "centos",
  "fedora",
  "opensuse",
  "archlinux",
  "alpine",
  "gentoo",
  "nixos",
] as const;

export const imageSchema = strict({
  name: doc(name, "Image id, referenced by guests.", ["debian12"]),
  kind: doc(
    z.enum(["cloud-image", "container-template"]),
    "cloud-image: a qcow2/img disk imported into VMs; container-template: an LXC template.",
  ).default("cloud-image"),
  url: doc(url, "Download address; Proxmox downloads it itself.", [
    "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2",
  ]),
  checksum: strict({
    algorithm: z.enum(["sha256", "sha512"]),
    value: z.string().regex(/^[0-9a-f]+$/, { error: "must be a lowercase hex digest" }),
  }).optional(),
  fileName: doc(z.string(), "File name on the storage (default: from the URL).").optional(),
  node: doc(name, "Node to download to (default: every powered node).").optional(),
  storage: doc(
    z.string(),
    "Storage for the file: it must accept `import` content (cloud images) or `vztmpl` (container templates).",
  ).default("local"),
  os: doc(
    z.enum(containerOsTypes),
    "Container templates: the distribution, so Proxmox writes the container's network configuration (default: from the file name, e.g. debian-12-standard_… → debian).",
  ).optional(),
});

export const sdnSubnetSchema = strict({
  cidr: doc(cidr, "Subnet prefix.", ["10.128.0.0/24"]),
  gateway: doc(ipv4, "Gateway address, inside the subnet.", ["10.128.0.1"]).optional(),
  snat: doc(z.boolean(), "Masquerade traffic leaving the subnet (simple zones).").default(false),
  dhcp: doc(
    strict({
      range: doc(addressRange, "Range handed out by the SDN DHCP server.", [
        "10.128.0.200-10.128.0.250",
      ]),
      dns: ipv4.optional(),
    }),
    "SDN DHCP (dnsmasq); guests with static addresses never get one from this range.",
  ).optional(),
  reserved: doc(z.array(addressRange), "Addresses never allocated to guests (appliances, VIPs).", [
    ["10.128.0.2-10.128.0.9"],
  ]).default([]),
});

export const vnetSchema = strict({
  name: doc(sdnId, "VNet id (at most 8 characters).", ["swprod"]),
  alias: z.string().max(256).optional(),
  tag: doc(
    z.number().int().min(1).max(16_777_215),
    "VLAN tag (vlan zones, 1-4094) or VXLAN id (vxlan zones).",
  ).optional(),
  vlanAware: z.boolean().default(false),
  subnets: z.array(sdnSubnetSchema).default([]),
});

export const zoneTypes = ["simple", "vlan", "vxlan"] as const;

export const zoneSchema = strict({
  name: doc(sdnId, "Zone id (at most 8 characters).", ["shared1"]),
  type: doc(
    z.enum(zoneTypes),
    "simple: routed/NATed on each node; vlan: on a bridge; vxlan: overlay between peers.",
  ),
  bridge: doc(z.string(), "Bridge of a vlan zone.", ["vmbr0"]).optional(),
  peers: doc(z.array(ipv4), "VXLAN peer addresses (vxlan zones).").optional(),
  mtu: z.number().int().min(576).max(65520).optional(),
  nodes: doc(z.array(name), "Nodes the zone exists on (default: all).").optional(),
  vnets: z.array(vnetSchema).default([]),
});

export const nicSchema = strict({
  vnet: doc(sdnId, "SDN vnet to attach to.", ["swprod"]).optional(),
  bridge: doc(z.string(), "Linux bridge to attach to when not on a vnet.", ["vmbr0"]).optional(),
  vlan: doc(vlanId, "VLAN tag on the bridge.").optional(),
  ip: doc(
    z.union([z.literal("auto"), z.literal("dhcp"), ipv4, interfaceAddress], {
      error:
        'must be "auto" (allocated from the vnet subnet), "dhcp", an address (10.128.0.20) or address/length',
    }),
    "Address: auto allocates a stable address from the vnet's subnet.",
    ["auto", "10.128.0.20"],
  ).default("auto"),
  gateway: ipv4.optional(),
  mac: z
    .string()
    .regex(/^([0-9A-F]{2}:){5}[0-9A-F]{2}$/, { error: "must be a MAC address in upper case" })
    .optional(),
  firewall: z.boolean().default(false),
});

export const guestSchema = strict({
  name: doc(name, "Guest hostname.", ["immich"]),
  type: doc(z.enum(["vm", "lxc"]), "vm: a QEMU virtual machine; lxc: a container."),
  node: doc(name, "Node to run on (must be powered)."),
  vmid: doc(vmid, "Proxmox id (default: derived from the name, stable).").optional(),
  description: z.string().optional(),
  tags: z.array(name).default([]),
  cores: positiveInt.default(1),
  memoryMiB: doc(positiveInt, "Memory in MiB.", [2048]).default(1024),
  disk: strict({
    storage: doc(name, "Storage for the root disk."),
    sizeGiB: doc(positiveInt, "Root disk size in GiB.", [32]),
  }),
  image: doc(
    name,
    "Image to build from (cloud-image for VMs, container-template for LXC).",
  ).optional(),
  clone: doc(vmid, "Or: VM template to clone (VMs only).").optional(),
  nics: z.array(nicSchema).min(1, { error: "a guest needs at least one network interface" }),
  cloudInit: strict({
    user: doc(z.string().regex(/^[a-z_][a-z0-9_-]*$/), "Login user.", ["debian"]).default("debian"),
    sshKeys: doc(
      z.array(z.string().regex(/^(ssh|ecdsa)-[a-z0-9-]+ \S+/)),
      "Authorized SSH public keys.",
    ).default([]),
  }).optional(),
  startOnBoot: z.boolean().default(true),
  started: z.boolean().default(true),
  backup: doc(name, "Backup job that includes this guest.").optional(),
  docker: doc(
    strict({
      user: doc(
        z.string(),
        "SSH user for the Docker daemon (default: the cloud-init user).",
      ).optional(),
      port: port.default(22),
    }),
    "This guest runs Docker and hosts services; its name is the Docker host's name.",
  ).optional(),
  usb: doc(
    z.array(
      strict({
        host: z.string().regex(/^[0-9a-f]{4}:[0-9a-f]{4}$/, {
          error: "must be vendor:product in hex, e.g. 10c4:ea60",
        }),
      }),
    ),
    "USB devices passed through (VMs only), e.g. a ZigBee dongle.",
  ).default([]),
  unprivileged: doc(z.boolean(), "LXC only: run unprivileged.").default(true),
});

/**
 * `homelab:proxmox` without the rules between its parts (proxmox.rules.ts): for tests of the
 * derivations over configurations the rules would refuse.
 */
export const proxmoxBaseSchema = strict({
  endpoint: doc(url, "API address of any powered node.", ["https://172.24.0.11:8006/"]),
  apiTokenId: doc(
    z.string().regex(/^[^\s@]+@[^\s@!]+![A-Za-z][A-Za-z0-9._-]*$/, {
      error: "must be user@realm!tokenid, e.g. pulumi@pve!homelab",
    }),
    "API token id; its secret is the stack secret homelab:proxmoxApiToken.",
    ["pulumi@pve!homelab"],
  ),
  tls: strict({
    insecureSkipVerify: doc(
      z.boolean(),
      "Do not verify the API certificate. Prefer installing a trusted certificate on the nodes.",
    ).default(false),
  }).default({ insecureSkipVerify: false }),
  ssh: doc(
    strict({
      username: z.string().default("root"),
      agent: doc(z.boolean(), "Use the local ssh-agent.").default(true),
    }),
    "SSH access to the nodes, for the provider operations the Proxmox API cannot do (such as uploading files to a node).",
  ).optional(),
  nodes: z
    .array(nodeSchema)
    .min(1, { error: "a cluster has at least one node" })
    .superRefine(uniqueBy((n) => n.name, "node name", ["name"]))
    .superRefine(uniqueBy((n) => n.address, "node address", ["address"])),
  storages: z
    .array(storageSchema)
    .superRefine(uniqueBy((s) => s.name, "storage name", ["name"]))
    .default([]),
  backups: z
    .array(backupJobSchema)
    .superRefine(uniqueBy((b) => b.name, "backup job name", ["name"]))
    .default([]),
  images: z
    .array(imageSchema)
    .superRefine(uniqueBy((i) => i.name, "image name", ["name"]))
    .default([]),
  sdn: strict({
    zones: z
      .array(zoneSchema)
      .superRefine(uniqueBy((zone) => zone.name, "zone name", ["name"]))
      .default([]),
  }).default({ zones: [] }),
  guests: z
    .array(guestSchema)
    .superRefine(uniqueBy((g) => g.name, "guest name", ["name"]))
    .superRefine(uniqueBy((g) => g.vmid, "vmid", ["vmid"]))
    .default([]),
});

export type ProxmoxConfig = z.infer<typeof proxmoxBaseSchema>;

export const proxmoxSchema = doc(
  proxmoxBaseSchema.superRefine(proxmoxRules),
  "The Proxmox VE cluster: nodes, storage, SDN and guests.",
);
export type ProxmoxNode = z.infer<typeof nodeSchema>;
export type Storage = z.infer<typeof storageSchema>;
export type Guest = z.infer<typeof guestSchema>;
export type Zone = z.infer<typeof zoneSchema>;
export type Vnet = z.infer<typeof vnetSchema>;
export type SdnSubnet = z.infer<typeof sdnSubnetSchema>;
export type Image = z.infer<typeof imageSchema>;
export type BackupJob = z.infer<typeof backupJobSchema>;
export type Nic = z.infer<typeof nicSchema>;

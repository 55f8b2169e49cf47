/** `homelab:proxmox`: the Proxmox VE cluster, its storage, SDN and guests. */
import { z } from "zod";
import {
  addressRange,
  cidr,
  doc,
  interfaceAddress,
  ipv4,
  name,
  port,
  positiveInt,
  strict,
  url,
  vlanId,
  text,
} from "./primitives";
import { uniqueBy } from "./problems";
import { proxmoxRules } from "./proxmox.rules";
import { storageSchema } from "./proxmox.storage";
import { sshPublicKey } from "./site";

/** Proxmox SDN zone and vnet ids: at most 8 characters, letters and digits. */
const sdnId = z.string().regex(/^[a-z][a-z0-9]{0,7}$/, {
  error:
    "must be 1-8 lowercase letters or digits, starting with a letter (a Proxmox SDN id), e.g. lab or vnet1",
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
  description: doc(text(), "Free text about the node (hardware, role).").optional(),
});

export const backupJobSchema = strict({
  name: doc(name, "Backup job id.", ["nightly"]),
  storage: doc(name, "Backup storage (pbs, nfs or dir with backup content)."),
  schedule: doc(z.string().min(1), "systemd calendar event, as in the Proxmox UI.", [
    "*-*-* 02:30",
    "sun 03:00",
  ]),
  mode: doc(
    z.enum(["snapshot", "suspend", "stop"]),
    "How guests are backed up: snapshot (live), suspend, or stop (shut down meanwhile).",
  ).default("snapshot"),
  compression: doc(
    z.enum(["zstd", "lzo", "gzip", "none"]),
    "Compression of the backup files.",
  ).default("zstd"),
  keep: doc(
    strict({
      last: doc(positiveInt, "Keep the last n backups.").optional(),
      daily: doc(positiveInt, "Keep one backup a day for the last n days.").optional(),
      weekly: doc(positiveInt, "Keep one backup a week for the last n weeks.").optional(),
      monthly: doc(positiveInt, "Keep one backup a month for the last n months.").optional(),
      yearly: doc(positiveInt, "Keep one backup a year for the last n years.").optional(),
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
  url: doc(
    url,
    "HTTPS download address of a fixed file (a dated directory, not latest); Proxmox downloads it itself.",
    [
      "https://cloud.debian.org/images/cloud/trixie/20260712-2537/debian-13-genericcloud-amd64-20260712-2537.qcow2",
    ],
  ),
  checksum: doc(
    strict({
      algorithm: doc(z.enum(["sha256", "sha512"]), "Digest algorithm."),
      value: doc(
        z.string().regex(/^[0-9a-f]+$/, {
          error:
            "must be a lowercase hex digest (sha256sum prints one), e.g. e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        }),
        "Expected digest, lowercase hex.",
      ),
    }),
    "The file's digest, which Proxmox verifies the download against (required: from the SHA512SUMS next to a Debian cloud image, or the sha512sum of Proxmox's template index).",
  ).optional(),
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
      dns: doc(ipv4, "DNS server handed out with the leases.").optional(),
    }),
    "SDN DHCP (dnsmasq); guests with static addresses never get one from this range.",
  ).optional(),
  reserved: doc(z.array(addressRange), "Addresses never allocated to guests (appliances, VIPs).", [
    ["10.128.0.2-10.128.0.9"],
  ]).default([]),
});

export const vnetSchema = strict({
  name: doc(sdnId, "VNet id (at most 8 characters).", ["swprod"]),
  alias: doc(text(256), "Free-text name shown in the Proxmox UI.").optional(),
  tag: doc(
    z.number().int().min(1).max(16_777_215),
    "VLAN tag (vlan zones, 1-4094) or VXLAN id (vxlan zones).",
  ).optional(),
  vlanAware: doc(z.boolean(), "Let guests' NICs on this vnet carry their own VLAN tag.").default(
    false,
  ),
  subnets: doc(z.array(sdnSubnetSchema), "IPv4 subnets of the vnet.").default([]),
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
  mtu: doc(z.number().int().min(576).max(65520), "MTU of the zone's vnets.").optional(),
  nodes: doc(z.array(name), "Nodes the zone exists on (default: all).").optional(),
  vnets: doc(z.array(vnetSchema), "Virtual networks (bridges on every node) of the zone.").default(
    [],
  ),
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
  gateway: doc(
    ipv4,
    "Default gateway through this NIC (default: the vnet subnet's gateway, on the first NIC that has one).",
  ).optional(),
  mac: doc(
    z.string().regex(/^([0-9A-F]{2}:){5}[0-9A-F]{2}$/, {
      error:
        "must be a MAC address in upper case: six hex bytes separated by colons, e.g. BC:24:11:00:00:01",
    }),
    "Fixed MAC address (default: one Proxmox picks).",
    ["BC:24:11:00:00:01"],
  ).optional(),
  firewall: doc(z.boolean(), "Apply the Proxmox firewall to this NIC.").default(false),
});

export const guestSchema = strict({
  name: doc(name, "Guest hostname.", ["immich"]),
  type: doc(z.enum(["vm", "lxc"]), "vm: a QEMU virtual machine; lxc: a container."),
  node: doc(name, "Node to run on (must be powered)."),
  vmid: doc(vmid, "Proxmox id (default: derived from the name, stable).").optional(),
  description: doc(text(), "Notes shown in the Proxmox UI.").optional(),
  tags: doc(z.array(name), "Proxmox tags.").default([]),
  cores: doc(positiveInt, "CPU cores.").default(1),
  memoryMiB: doc(positiveInt, "Memory in MiB.", [2048]).default(1024),
  disk: doc(
    strict({
      storage: doc(name, "Storage for the root disk."),
      sizeGiB: doc(positiveInt, "Root disk size in GiB.", [32]),
    }),
    "The root disk.",
  ),
  image: doc(
    name,
    "Image to build from (cloud-image for VMs, container-template for LXC).",
  ).optional(),
  clone: doc(vmid, "Or: VM template to clone (VMs only).").optional(),
  nics: doc(
    z.array(nicSchema).min(1, { error: "a guest needs at least one network interface" }),
    "Network interfaces, in order (net0/eth0 first).",
  ),
  cloudInit: doc(
    strict({
      user: doc(
        z.string().regex(/^[a-z_][a-z0-9_-]*$/, {
          error:
            "must be a Linux user name: lowercase letters, digits, _ and -, starting with a letter or _, e.g. debian",
        }),
        "Login user.",
        ["debian"],
      ).default("debian"),
      sshKeys: doc(
        z.array(sshPublicKey),
        "SSH public keys of this guest only, in addition to homelab:site.sshKeys.",
      ).default([]),
    }),
    "First-boot settings: the login user and its SSH keys (with the site's, homelab:site.sshKeys; the keys also go into LXC containers).",
  ).optional(),
  startOnBoot: doc(z.boolean(), "Start the guest when its node boots.").default(true),
  started: doc(z.boolean(), "Keep the guest running (false: created stopped).").default(true),
  backup: doc(name, "Backup job that includes this guest.").optional(),
  docker: doc(
    strict({
      user: doc(
        z.string(),
        "SSH user for the Docker daemon: the cloud-init login user (default), which the guest's user data puts in the docker group.",
      ).optional(),
      port: doc(port, "SSH port.").default(22),
    }),
    "This guest runs Docker and hosts services; its name is the Docker host's name. VMs only: the VM gets cloud-init user data that installs Docker, and the program waits until `docker info` answers before deploying to it (docs/proxmox.md).",
  ).optional(),
  usb: doc(
    z.array(
      strict({
        host: doc(
          z.string().regex(/^[0-9a-f]{4}:[0-9a-f]{4}$/, {
            error: "must be vendor:product in hex, e.g. 10c4:ea60",
          }),
          "The device's vendor:product id on the node (lsusb).",
          ["10c4:ea60"],
        ),
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
  endpoint: doc(
    url,
    "API address of any powered node, by a name its certificate is valid for (docs/proxmox.md, TLS).",
    ["https://pve1.home.arpa:8006/"],
  ),
  apiTokenId: doc(
    z.string().regex(/^[^\s@]+@[^\s@!]+![A-Za-z][A-Za-z0-9._-]*$/, {
      error: "must be user@realm!tokenid, e.g. pulumi@pve!homelab",
    }),
    "API token id; its secret is the stack secret homelab:proxmoxApiToken.",
    ["pulumi@pve!homelab"],
  ),
  tls: doc(
    strict({
      insecureSkipVerify: doc(
        z.boolean(),
        "Do not verify the API certificate. Prefer installing a trusted certificate on the nodes.",
      ).default(false),
    }),
    "How the API certificate is verified.",
  ).default({ insecureSkipVerify: false }),
  snippetStorage: doc(
    name,
    "Storage for the cloud-init user data of Docker host VMs (snippets): a dir or nfs storage with `snippets` content, declared in storages (existing: true for Proxmox's own local).",
  ).default("local"),
  ssh: doc(
    strict({
      username: doc(z.string(), "SSH user on the nodes.").default("root"),
      agent: doc(z.boolean(), "Use the local ssh-agent.").default(true),
    }),
    "SSH access to the nodes, for the provider operations the Proxmox API cannot do (uploading the cloud-init snippets of Docker host VMs).",
  ).optional(),
  nodes: doc(
    z
      .array(nodeSchema)
      .min(1, { error: "a cluster has at least one node" })
      .superRefine(uniqueBy((n) => n.name, "node name", ["name"]))
      .superRefine(uniqueBy((n) => n.address, "node address", ["address"])),
    "The cluster's nodes (the cluster itself is created by hand: README).",
  ),
  storages: doc(
    z.array(storageSchema).superRefine(uniqueBy((s) => s.name, "storage name", ["name"])),
    "Storages of the cluster: those the program manages, and (existing: true) those it only uses, such as Proxmox's own local and local-lvm.",
  ).default([]),
  backups: doc(
    z.array(backupJobSchema).superRefine(uniqueBy((b) => b.name, "backup job name", ["name"])),
    "Scheduled backup jobs; guests name the job they belong to.",
  ).default([]),
  images: doc(
    z.array(imageSchema).superRefine(uniqueBy((i) => i.name, "image name", ["name"])),
    "Cloud images and container templates Proxmox downloads.",
  ).default([]),
  sdn: doc(
    strict({
      zones: doc(
        z.array(zoneSchema).superRefine(uniqueBy((zone) => zone.name, "zone name", ["name"])),
        "SDN zones, each with its vnets.",
      ).default([]),
    }),
    "Software-defined networking: zones, vnets and subnets, applied once per change.",
  ).default({ zones: [] }),
  guests: doc(
    z
      .array(guestSchema)
      .superRefine(uniqueBy((g) => g.name, "guest name", ["name"]))
      .superRefine(uniqueBy((g) => g.vmid, "vmid", ["vmid"])),
    "Virtual machines and LXC containers.",
  ).default([]),
});

export type ProxmoxConfig = z.infer<typeof proxmoxBaseSchema>;

export const proxmoxSchema = doc(
  proxmoxBaseSchema.superRefine(proxmoxRules),
  "The Proxmox VE cluster: nodes, storage, SDN and guests.",
);
export type ProxmoxNode = z.infer<typeof nodeSchema>;
export type Guest = z.infer<typeof guestSchema>;
export type Zone = z.infer<typeof zoneSchema>;
export type Vnet = z.infer<typeof vnetSchema>;
export type SdnSubnet = z.infer<typeof sdnSubnetSchema>;
export type Image = z.infer<typeof imageSchema>;
export type BackupJob = z.infer<typeof backupJobSchema>;
export type Nic = z.infer<typeof nicSchema>;
export {
  isExisting,
  storageContents,
  storageSchema,
  storageTypes,
  type ExistingStorage,
  type ManagedStorage,
  type Storage,
  type StorageContent,
} from "./proxmox.storage";

/**
 * What the Proxmox component builds, derived from the config without Pulumi (pure):
 * guest ids, the files Proxmox downloads, each guest's network configuration, backup job
 * membership, the fingerprint that re-runs the SDN apply, the quorum of the declared votes,
 * and how storages the provider has no resource for are created through the API.
 */
import { createHash } from "node:crypto";
import {
  isExisting,
  type BackupJob,
  type Guest,
  type Image,
  type ProxmoxConfig,
  type ProxmoxNode,
  type Storage,
  type containerOsTypes,
} from "../config/proxmox";
import { canonicalJson } from "../lib/canonical-json";
import { fnv1a, type AddressPlan } from "./address-plan";

/** Guest ids derived from names fall in [10000, 99999]: clear of hand-picked 1xx-9xxx ids. */
export const DERIVED_VMID_FIRST = 10_000;
export const DERIVED_VMID_COUNT = 90_000;

/** The id Proxmox knows a guest by: the declared `vmid`, else a stable hash of its name. */
export function guestVmid(guest: Pick<Guest, "name" | "vmid">): number {
  return guest.vmid ?? DERIVED_VMID_FIRST + (fnv1a(`vmid:${guest.name}`) % DERIVED_VMID_COUNT);
}

// ---------------------------------------------------------------------------------------
// Images

/** Proxmox content type of a downloaded image. */
export type ImageContent = "import" | "vztmpl";

export interface ImageFile {
  readonly image: string;
  readonly node: string;
  readonly storage: string;
  readonly contentType: ImageContent;
  readonly fileName: string;
  /** Volume id guests refer to: `<storage>:<content>/<file>`. */
  readonly volumeId: string;
  readonly url: string;
  readonly checksum?: { readonly algorithm: string; readonly value: string };
  /** Nodes whose guests use this download: its node, or every powered node on shared storage. */
  readonly serves: readonly string[];
}

/** The file name an image is stored under: `fileName`, else the last segment of its URL. */
export function imageFileName(image: Pick<Image, "url" | "fileName">): string {
  if (image.fileName) return image.fileName;
  const path = new URL(image.url).pathname;
  return decodeURIComponent(path.slice(path.lastIndexOf("/") + 1));
}

export function imageContent(image: Pick<Image, "kind">): ImageContent {
  return image.kind === "container-template" ? "vztmpl" : "import";
}

/** Nodes an image is downloaded to: its `node`, else every powered node. */
export function imageNodes(image: Pick<Image, "node">, nodes: readonly ProxmoxNode[]): string[] {
  return image.node ? [image.node] : nodes.filter((n) => n.powered).map((n) => n.name);
}

/** True when every node sees the same storage content (NFS, or declared `shared`). */
export function storageIsShared(storage: Storage | undefined): boolean {
  if (!storage) return false;
  if (isExisting(storage)) return storage.type === "nfs" || storage.shared;
  if (storage.type === "nfs") return true;
  return (storage.type === "lvm" || storage.type === "dir") && storage.shared;
}

/** Storages whose volumes are block devices, which hold raw disk images only. */
export const RAW_STORAGE_TYPES: readonly Storage["type"][] = ["lvm", "lvmthin", "zfspool"];

/**
 * Every download: one per image and node, or a single one when the image's storage is shared
 * (the nodes would otherwise download the same file to the same place).
 */
export function imageFiles(proxmox: ProxmoxConfig): ImageFile[] {
  return proxmox.images.flatMap((image) => {
    const contentType = imageContent(image);
    const fileName = imageFileName(image);
    const nodes = imageNodes(image, proxmox.nodes);
    const shared = storageIsShared(proxmox.storages.find((s) => s.name === image.storage));
    return (shared ? nodes.slice(0, 1) : nodes).map((node) => ({
      image: image.name,
      node,
      storage: image.storage,
      contentType,
      fileName,
      volumeId: `${image.storage}:${contentType}/${fileName}`,
      url: image.url,
      checksum: image.checksum,
      serves: shared ? imageNodes({ node: undefined }, proxmox.nodes) : [node],
    }));
  });
}

export type ContainerOs = (typeof containerOsTypes)[number];

const OS_PREFIXES: readonly [RegExp, ContainerOs][] = [
  [/^debian-/, "debian"],
  [/^devuan-/, "devuan"],
  [/^ubuntu-/, "ubuntu"],
  [/^(centos|rockylinux|almalinux)-/, "centos"],
  [/^fedora-/, "fedora"],
  [/^opensuse-/, "opensuse"],
  [/^archlinux-/, "archlinux"],
  [/^alpine-/, "alpine"],
  [/^gentoo-/, "gentoo"],
  [/^nixos-/, "nixos"],
];

/**
 * The distribution of a container template (Proxmox `ostype`): declared `os`, else from the
 * file name of Proxmox's own templates ("debian-12-standard_12.7-1_amd64.tar.zst" → debian).
 * Undefined when neither says: validation asks for `os` then.
 */
export function containerOsType(
  image: Pick<Image, "os" | "url" | "fileName">,
): ContainerOs | undefined {
  if (image.os) return image.os;
  const file = imageFileName(image).toLowerCase();
  return OS_PREFIXES.find(([pattern]) => pattern.test(file))?.[1];
}

// ---------------------------------------------------------------------------------------
// Guest networking

export interface GuestNic {
  /** Bridge the NIC plugs into: the vnet id (SDN vnets are bridges on every node) or a bridge. */
  readonly bridge: string;
  readonly vnet?: string;
  readonly vlan?: number;
  readonly mac?: string;
  readonly firewall: boolean;
  /** Address as cloud-init / LXC want it: "dhcp" or "10.128.0.10/24". Undefined: unconfigured. */
  readonly address?: string;
  /** Default gateway: on one NIC only (one default route per guest). */
  readonly gateway?: string;
}

/**
 * Each NIC of a guest with its planned address, in declaration order. A guest has one
 * default route: on the NIC with an explicit `gateway`, else on the first NIC whose subnet
 * has one.
 */
export function guestNics(guest: Guest, plan: AddressPlan): GuestNic[] {
  const planned = guest.nics.map((_, n) =>
    plan.nics.find((p) => p.guest === guest.name && p.nic === n),
  );
  const explicit = guest.nics.findIndex((nic) => nic.gateway !== undefined);
  const routed =
    explicit >= 0
      ? explicit
      : planned.findIndex((p) => p?.gateway !== undefined && p.source !== "dhcp");
  return guest.nics.map((nic, n) => {
    const p = planned[n];
    let address: string | undefined;
    if (p?.source === "dhcp") address = "dhcp";
    else if (p?.address && p.prefixLength !== undefined) address = `${p.address}/${p.prefixLength}`;
    return {
      bridge: nic.vnet ?? nic.bridge ?? "",
      vnet: nic.vnet,
      vlan: nic.vlan,
      mac: nic.mac,
      firewall: nic.firewall,
      address,
      gateway: n === routed && address !== undefined && address !== "dhcp" ? p?.gateway : undefined,
    };
  });
}

// ---------------------------------------------------------------------------------------
// Backups

export interface BackupJobPlan {
  readonly job: BackupJob;
  /** Ids of the guests that name this job, ascending. */
  readonly vmids: number[];
}

/**
 * Backup jobs with the guests that name them. A job no guest names is left out: Proxmox
 * refuses a job that selects no guest.
 */
export function backupJobs(proxmox: ProxmoxConfig): BackupJobPlan[] {
  return proxmox.backups
    .map((job) => ({
      job,
      vmids: proxmox.guests
        .filter((g) => g.backup === job.name)
        .map(guestVmid)
        .sort((a, b) => a - b),
    }))
    .filter((plan) => plan.vmids.length > 0);
}

/** Retention as Proxmox's `prune-backups` map: { daily: 7 } → { "keep-daily": "7" }. */
export function pruneBackups(keep: BackupJob["keep"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const period of ["last", "daily", "weekly", "monthly", "yearly"] as const) {
    const value = keep[period];
    if (value !== undefined) out[`keep-${period}`] = String(value);
  }
  return out;
}

/** vzdump's `compress` value for a compression name ("none" is "0"). */
export function vzdumpCompress(compression: BackupJob["compression"]): string {
  return compression === "none" ? "0" : compression;
}

// ---------------------------------------------------------------------------------------
// SDN

/**
 * A fingerprint of the whole SDN declaration. The SDN apply is replaced (so it runs again)
 * exactly when this changes, i.e. when any zone, vnet or subnet setting changes.
 */
export function sdnFingerprint(sdn: ProxmoxConfig["sdn"]): string {
  return createHash("sha256").update(canonicalJson(sdn)).digest("hex").slice(0, 16);
}

/** Ids of every SDN object ("zone:shared1", "vnet:swprod", "subnet:swprod:10.128.0.0/24"), sorted. */
export function sdnObjectIds(sdn: ProxmoxConfig["sdn"]): string[] {
  const ids: string[] = [];
  for (const zone of sdn.zones) {
    ids.push(`zone:${zone.name}`);
    for (const vnet of zone.vnets) {
      ids.push(`vnet:${vnet.name}`);
      for (const subnet of vnet.subnets) ids.push(`subnet:${vnet.name}:${subnet.cidr}`);
    }
  }
  return ids.sort();
}

/** Zones that run the SDN DHCP server (dnsmasq): simple zones with a subnet that has a range. */
export function zoneRunsDhcp(zone: ProxmoxConfig["sdn"]["zones"][number]): boolean {
  return zone.type === "simple" && zone.vnets.some((v) => v.subnets.some((s) => s.dhcp));
}

// ---------------------------------------------------------------------------------------
// Quorum

export interface Quorum {
  /** Sum of every node's votes. */
  readonly total: number;
  /** Votes corosync needs: more than half of the total. */
  readonly needed: number;
  /** Votes of the nodes declared powered. */
  readonly powered: number;
  /** True when the powered nodes alone have quorum. */
  readonly quorate: boolean;
}

export function quorum(nodes: readonly Pick<ProxmoxNode, "votes" | "powered">[]): Quorum {
  const total = nodes.reduce((sum, n) => sum + n.votes, 0);
  const needed = Math.floor(total / 2) + 1;
  const powered = nodes.filter((n) => n.powered).reduce((sum, n) => sum + n.votes, 0);
  return { total, needed, powered, quorate: powered >= needed };
}

// ---------------------------------------------------------------------------------------
// Storages the provider cannot create

/**
 * A storage created through the Proxmox API (`/storage`) because the provider has no
 * resource for it: iSCSI, and LVM on an iSCSI LUN (the provider's LVM resource has no `base`).
 */
export interface ApiStorage {
  readonly id: string;
  /** Parameters of `POST /storage` (create). */
  readonly create: Readonly<Record<string, string>>;
  /** Parameters of `PUT /storage/{id}` (update): the ones Proxmox can change. */
  readonly update: Readonly<Record<string, string>>;
  /** Options to clear on update (`delete=`), when unset in the config. */
  readonly clear: readonly string[];
  /** Options Proxmox fixes at creation: a change re-creates the storage entry. */
  readonly fixed: Readonly<Record<string, string>>;
}

function viaApi(
  id: string,
  fixed: Record<string, string>,
  changeable: Record<string, string>,
  nodes: readonly string[] | undefined,
): ApiStorage {
  const update = nodes ? { ...changeable, nodes: nodes.join(",") } : changeable;
  return {
    id,
    create: { storage: id, ...fixed, ...update },
    update,
    clear: nodes ? [] : ["nodes"],
    fixed,
  };
}

/** "https://172.24.0.11:8006/" → "https://172.24.0.11:8006". */
export function apiBase(endpoint: string): string {
  return endpoint.replace(/\/+$/, "");
}

/** How a storage is created: by the provider's own resource, or through the API. */
export function apiStorage(storage: Storage): ApiStorage | undefined {
  if (isExisting(storage)) return undefined;
  if (storage.type === "iscsi") {
    // content "none": the LUNs are not used directly, only as the base of an LVM storage.
    return viaApi(
      storage.name,
      { type: "iscsi", portal: storage.portal, target: storage.target },
      { content: "none" },
      storage.nodes,
    );
  }
  if (storage.type === "lvm" && storage.base) {
    return viaApi(
      storage.name,
      {
        type: "lvm",
        vgname: storage.volumeGroup,
        base: `${storage.base.storage}:${storage.base.volume}`,
      },
      { content: storage.content.join(","), shared: storage.shared ? "1" : "0" },
      storage.nodes,
    );
  }
  return undefined;
}

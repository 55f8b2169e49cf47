/**
 * The Proxmox plan (pure): everything the `homelab:proxmox:Cluster` component creates, as
 * data: how to reach the API, the SDN with its fingerprints, each storage and how it is
 * created, the downloads, each guest with its id, NICs and dependencies, the backup jobs.
 * The component only turns it into resources.
 *
 * The rules that need these derivations (quorum of the declared votes, vmids derived from
 * names, the content types images need, the distribution of container templates) are
 * checked here and returned as problems of the stack file.
 */
import type { PathSegment, Problem } from "../config/errors";
import { Problems } from "../config/problems";
import {
  containerOsTypes,
  isExisting,
  storageContents,
  type BackupJob,
  type Guest,
  type ManagedStorage,
  type ProxmoxConfig,
  type Zone,
} from "../config/proxmox";
import type { SiteInfo } from "../config/site";
import { configKey } from "../config/stack";
import { formatIPv4, parseRange } from "../lib/net";
import { guestAddress, type AddressPlan } from "./address-plan";
import { guestSshUser } from "./hosts";
import { dockerUserData } from "./proxmox-cloud-init";
import {
  apiBase,
  apiStorage,
  backupJobs,
  containerOsType,
  guestNics,
  guestVmid,
  imageContent,
  imageFileName,
  imageFiles,
  pruneBackups,
  quorum,
  RAW_STORAGE_TYPES,
  sdnFingerprint,
  sdnObjectIds,
  vzdumpCompress,
  zoneRunsDhcp,
  type ApiStorage,
  type ContainerOs,
  type GuestNic,
  type ImageFile,
} from "./proxmox";

/** How the program reaches the cluster (the token's secret comes with the secrets). */
export interface ProxmoxConnection {
  /** API address of any powered node, as declared. */
  readonly endpoint: string;
  /** API base without the trailing slash, for the storages created through the API. */
  readonly apiBase: string;
  /** API token id (`user@realm!tokenid`). */
  readonly apiTokenId: string;
  /** Do not verify the API certificate. */
  readonly insecureSkipVerify: boolean;
  /** SSH to the nodes for what the API cannot do, with every node's address. */
  readonly ssh?: {
    readonly username: string;
    readonly agent: boolean;
    readonly nodes: readonly { readonly name: string; readonly address: string }[];
  };
}

export interface SdnSubnetPlan {
  readonly cidr: string;
  readonly gateway?: string;
  readonly snat: boolean;
  /** The SDN DHCP server's range, as the provider wants it. */
  readonly dhcpRange?: { readonly startAddress: string; readonly endAddress: string };
  readonly dhcpDnsServer?: string;
}

export interface SdnVnetPlan {
  readonly name: string;
  readonly alias?: string;
  readonly tag?: number;
  readonly vlanAware: boolean;
  readonly subnets: readonly SdnSubnetPlan[];
}

interface SdnZoneCommon {
  readonly name: string;
  readonly nodes?: readonly string[];
  readonly mtu?: number;
  readonly vnets: readonly SdnVnetPlan[];
}

export type SdnZonePlan = SdnZoneCommon &
  (
    | { readonly type: "simple"; readonly dhcp?: "dnsmasq" }
    | { readonly type: "vlan"; readonly bridge: string }
    | { readonly type: "vxlan"; readonly peers: readonly string[] }
  );

export interface SdnPlan {
  readonly zones: readonly SdnZonePlan[];
  /** Replaces the apply (so it runs again) exactly when an SDN setting changes. */
  readonly fingerprint: string;
  /** Every SDN object id: the finalizer runs again when one is added or removed. */
  readonly objectIds: readonly string[];
}

/** A storage the provider has a resource for: created with its declared settings. */
export type ProviderStorage = Exclude<ManagedStorage, { type: "iscsi" }>;

/**
 * One storage the program manages and how it is created, in creation order (iSCSI before the
 * LVM on it). Storages declared `existing` have none: guests use them by name.
 */
export type StoragePlan =
  | { readonly name: string; readonly via: "provider"; readonly storage: ProviderStorage }
  | {
      readonly name: string;
      readonly via: "api";
      readonly api: ApiStorage;
      /** The storage it is layered on (created before it). */
      readonly base?: string;
    };

export interface GuestPlan {
  readonly name: string;
  readonly type: "vm" | "lxc";
  readonly node: string;
  readonly vmid: number;
  readonly description?: string;
  /** Sorted. */
  readonly tags: readonly string[];
  readonly cores: number;
  readonly memoryMiB: number;
  readonly disk: {
    readonly storage: string;
    readonly sizeGiB: number;
    /** The disk storage holds raw volumes only (LVM). */
    readonly raw: boolean;
  };
  /** VMs: the template vmid to clone. */
  readonly clone?: number;
  /** The download it is built from, as `<image>/<node>` (a key of the downloads' `serves`). */
  readonly download?: string;
  /** LXC: the distribution of its template. */
  readonly osType?: ContainerOs;
  readonly nics: readonly GuestNic[];
  /** Cloud-init login user (VMs). */
  readonly user: string;
  /** Authorized SSH public keys: the site's (homelab:site.sshKeys), then the guest's own. */
  readonly sshKeys: readonly string[];
  /**
   * Docker host VMs: the cloud-init user data that makes the VM a Docker host at first boot,
   * stored as a snippet (`volumeId`) that the VM names as its user data.
   */
  readonly userData?: {
    readonly storage: string;
    readonly fileName: string;
    /** `<storage>:snippets/<fileName>`. */
    readonly volumeId: string;
    readonly content: string;
  };
  /** VMs: USB devices, each through a cluster mapping named `mapping`. */
  readonly usb: readonly { readonly host: string; readonly mapping: string }[];
  readonly startOnBoot: boolean;
  readonly started: boolean;
  readonly unprivileged: boolean;
  /** Docker runs in it (a VM: validation refuses LXC Docker hosts). */
  readonly docker: boolean;
  /** Planned address of its first NIC, when known (the SSH/Docker endpoint). */
  readonly address?: string;
  readonly sshUser: string;
  /** SSH port of a Docker host (the program waits there for `docker info`). */
  readonly sshPort: number;
}

export interface BackupPlan {
  readonly job: BackupJob;
  /** Ids of the guests that name this job, ascending. */
  readonly vmids: readonly number[];
  /** Names of those guests. */
  readonly guests: readonly string[];
  /** Proxmox's `prune-backups` map. */
  readonly pruneBackups: Readonly<Record<string, string>>;
  /** vzdump's `compress` value. */
  readonly compress: string;
}

export interface ProxmoxPlan {
  readonly connection: ProxmoxConnection;
  /** Undefined without SDN zones. */
  readonly sdn?: SdnPlan;
  readonly storages: readonly StoragePlan[];
  readonly downloads: readonly ImageFile[];
  readonly guests: readonly GuestPlan[];
  /** Jobs some guest names (Proxmox refuses a job that selects no guest). */
  readonly backups: readonly BackupPlan[];
}

/** The plan of a validated `homelab:proxmox`, with the problems only its derivations see. */
export function planProxmox(
  proxmox: ProxmoxConfig,
  addresses: AddressPlan,
  file: string,
  site: Pick<SiteInfo, "sshKeys" | "domains">,
): { plan: ProxmoxPlan; problems: Problem[] } {
  const plan: ProxmoxPlan = {
    connection: proxmoxConnection(proxmox),
    sdn: proxmox.sdn.zones.length > 0 ? sdnPlan(proxmox.sdn) : undefined,
    storages: storagePlans(proxmox),
    downloads: imageFiles(proxmox),
    guests: proxmox.guests.map((guest) => guestPlan(proxmox, guest, addresses, site)),
    backups: backupJobs(proxmox).map(({ job, vmids }) => ({
      job,
      vmids,
      guests: proxmox.guests.filter((g) => g.backup === job.name).map((g) => g.name),
      pruneBackups: pruneBackups(job.keep),
      compress: vzdumpCompress(job.compression),
    })),
  };
  return { plan, problems: proxmoxProblems(proxmox, file) };
}

export function proxmoxConnection(proxmox: ProxmoxConfig): ProxmoxConnection {
  return {
    endpoint: proxmox.endpoint,
    apiBase: apiBase(proxmox.endpoint),
    apiTokenId: proxmox.apiTokenId,
    insecureSkipVerify: proxmox.tls.insecureSkipVerify,
    ssh: proxmox.ssh && {
      username: proxmox.ssh.username,
      agent: proxmox.ssh.agent,
      nodes: proxmox.nodes.map((node) => ({ name: node.name, address: node.address })),
    },
  };
}

function sdnPlan(sdn: ProxmoxConfig["sdn"]): SdnPlan {
  return {
    zones: sdn.zones.map(zonePlan),
    fingerprint: sdnFingerprint(sdn),
    objectIds: sdnObjectIds(sdn),
  };
}

function zonePlan(zone: Zone): SdnZonePlan {
  const common: SdnZoneCommon = {
    name: zone.name,
    nodes: zone.nodes,
    mtu: zone.mtu,
    vnets: zone.vnets.map((vnet) => ({
      name: vnet.name,
      alias: vnet.alias,
      tag: vnet.tag,
      vlanAware: vnet.vlanAware,
      subnets: vnet.subnets.map((subnet) => {
        const range = subnet.dhcp ? parseRange(subnet.dhcp.range) : undefined;
        return {
          cidr: subnet.cidr,
          gateway: subnet.gateway,
          snat: subnet.snat,
          dhcpRange: range
            ? { startAddress: formatIPv4(range.first), endAddress: formatIPv4(range.last) }
            : undefined,
          dhcpDnsServer: subnet.dhcp?.dns,
        };
      }),
    })),
  };
  if (zone.type === "simple")
    return { ...common, type: "simple", dhcp: zoneRunsDhcp(zone) ? "dnsmasq" : undefined };
  if (zone.type === "vlan") return { ...common, type: "vlan", bridge: zone.bridge ?? "" };
  return { ...common, type: "vxlan", peers: zone.peers ?? [] };
}

/** Storages in creation order: iSCSI first, since an LVM storage names its base. */
function storagePlans(proxmox: ProxmoxConfig): StoragePlan[] {
  const managed = proxmox.storages.filter((s): s is ManagedStorage => !isExisting(s));
  const ordered = managed.sort((a, b) => Number(b.type === "iscsi") - Number(a.type === "iscsi"));
  return ordered.map((storage): StoragePlan => {
    const api = apiStorage(storage);
    if (api) {
      const base = storage.type === "lvm" ? storage.base?.storage : undefined;
      return { name: storage.name, via: "api", api, base };
    }
    if (storage.type === "iscsi")
      throw new Error(`internal error: no way to create storage "${storage.name}"`);
    return { name: storage.name, via: "provider", storage };
  });
}

function guestPlan(
  proxmox: ProxmoxConfig,
  guest: Guest,
  addresses: AddressPlan,
  site: Pick<SiteInfo, "sshKeys" | "domains">,
): GuestPlan {
  const image = proxmox.images.find((i) => i.name === guest.image);
  const disk = proxmox.storages.find((s) => s.name === guest.disk.storage);
  const sshKeys = [...new Set([...site.sshKeys, ...(guest.cloudInit?.sshKeys ?? [])])];
  const sshUser = guestSshUser(guest);
  return {
    name: guest.name,
    type: guest.type,
    node: guest.node,
    vmid: guestVmid(guest),
    description: guest.description,
    tags: [...guest.tags].sort(),
    cores: guest.cores,
    memoryMiB: guest.memoryMiB,
    disk: {
      storage: guest.disk.storage,
      sizeGiB: guest.disk.sizeGiB,
      raw: disk !== undefined && RAW_STORAGE_TYPES.includes(disk.type),
    },
    clone: guest.clone,
    download: guest.image ? `${guest.image}/${guest.node}` : undefined,
    osType: image ? containerOsType(image) : undefined,
    nics: guestNics(guest, addresses),
    user: guestSshUser({ type: "vm", cloudInit: guest.cloudInit }),
    sshKeys,
    userData:
      guest.docker && guest.type === "vm"
        ? snippet(proxmox.snippetStorage, `homelab-${guest.name}-user-data.yaml`, {
            hostname: guest.name,
            domain: site.domains.internal,
            user: sshUser,
            sshKeys,
          })
        : undefined,
    usb: guest.usb.map((usb, i) => ({ host: usb.host, mapping: `${guest.name}-usb${i}` })),
    startOnBoot: guest.startOnBoot,
    started: guest.started,
    unprivileged: guest.unprivileged,
    docker: guest.docker !== undefined,
    address: guestAddress(addresses, guest.name)?.address,
    sshUser,
    sshPort: guest.docker?.port ?? 22,
  };
}

/** A Docker host VM's user data as a snippet file of `storage`. */
function snippet(
  storage: string,
  fileName: string,
  data: Parameters<typeof dockerUserData>[0],
): GuestPlan["userData"] {
  return {
    storage,
    fileName,
    volumeId: `${storage}:snippets/${fileName}`,
    content: dockerUserData(data),
  };
}

// ---------------------------------------------------------------------------------------
// Rules that need the derivations

function proxmoxProblems(proxmox: ProxmoxConfig, file: string): Problem[] {
  const out = new Problems(file);
  checkQuorum(proxmox, out);
  checkDerivedVmids(proxmox, out);
  checkImages(proxmox, out);
  return out.list;
}

const ROOT = configKey("proxmox");

/** The nodes declared powered must hold a corosync majority, or the cluster is read-only. */
function checkQuorum(px: ProxmoxConfig, out: Problems): void {
  const q = quorum(px.nodes);
  if (q.quorate) return;
  const first = px.nodes.findIndex((n) => n.powered);
  if (first < 0) {
    out.add([ROOT, "nodes"], "no node is declared powered: nothing could run; power at least one");
    return;
  }
  const node = px.nodes[first]!;
  let extra = 1;
  while (
    !quorum(px.nodes.map((n, i) => (i === first ? { ...n, votes: n.votes + extra } : n))).quorate
  )
    extra++;
  out.add(
    [ROOT, "nodes", first, "votes"],
    `the nodes declared powered hold ${q.powered} of ${q.total} corosync votes, but quorum needs ${q.needed}: ` +
      `with the others off the cluster is read-only and guests do not start. Give "${node.name}" votes: ${node.votes + extra} ` +
      `and set the same quorum_votes in /etc/pve/corosync.conf (README, "Proxmox: the manual steps")`,
  );
}

/** A vmid derived from a guest's name is no other guest's vmid. */
function checkDerivedVmids(px: ProxmoxConfig, out: Problems): void {
  const vmidOwner = new Map<number, string>();
  for (const guest of px.guests)
    if (guest.vmid !== undefined) vmidOwner.set(guest.vmid, guest.name);
  px.guests.forEach((guest, g) => {
    if (guest.vmid !== undefined) return;
    const derived = guestVmid(guest);
    const other = vmidOwner.get(derived);
    if (other !== undefined && other !== guest.name) {
      out.add(
        [ROOT, "guests", g, "name"],
        `the vmid derived from this name (${derived}) is already the vmid of guest "${other}": set vmid explicitly`,
      );
    } else vmidOwner.set(derived, guest.name);
  });
}

/**
 * An image's storage holds the content its kind needs; a container template's distribution
 * is known (and `os` is for templates only: both rules about `os` are reported together).
 */
function checkImages(px: ProxmoxConfig, out: Problems): void {
  px.images.forEach((image, i) => {
    const path: PathSegment[] = [ROOT, "images", i];
    const content = imageContent(image);
    const storage = px.storages.find((s) => s.name === image.storage);
    if (storage && !storageContents(storage).includes(content)) {
      out.add(
        [...path, "storage"],
        `storage "${storage.name}" (${storage.type}) does not hold "${content}" content, which a ${image.kind} needs: add "${content}" to its content or use another storage`,
      );
    }
    if (image.kind === "container-template" && containerOsType(image) === undefined) {
      out.add(
        [...path, "os"],
        `cannot tell the distribution of template "${imageFileName(image)}" from its name: set os (${containerOsTypes.join(", ")}) so Proxmox configures the container's network`,
      );
    } else if (image.kind === "cloud-image" && image.os) {
      out.add([...path, "os"], "os is for container templates; remove it from a cloud-image");
    }
  });
}

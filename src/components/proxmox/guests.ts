/**
 * Guests: VMs (a downloaded cloud image imported as the boot disk, or a full clone of a
 * template) and LXC containers (from a downloaded template), with their NICs on vnets or on
 * bridges with a VLAN tag, the planned addresses in cloud-init (VM) or the container's network
 * configuration, and USB passthrough through a cluster resource mapping. A Docker host VM
 * also gets its cloud-init user data and a wait for its Docker daemon (docker-host.ts).
 *
 * No plan deletes a guest disk as a side effect:
 * - every guest is `protect`ed: a change that would replace it fails the plan instead;
 * - every guest has `retainOnDelete`: even once unprotected, removing it from the config
 *   only forgets it (delete it in Proxmox yourself), so Pulumi never deletes a disk;
 * - inputs that only matter when the guest is created are ignored afterwards
 *   (`GUEST_IGNORED_CHANGES`), and nothing else: the provider applies every other change in
 *   place, or replaces the guest (a node change of a container), which the protection stops.
 * VMs migrate (`migrate: true`) instead of being re-created when their node changes.
 */
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { GuestNic } from "../../model/proxmox";
import type { GuestPlan } from "../../model/proxmox-plan";
import { childOptions, type ProxmoxContext } from "./context";
import { createDockerWait, createUserData } from "./docker-host";
import type { Download } from "./images";

/** What the services issue needs of a guest to use it as a Docker host. */
export interface GuestOutput {
  /** Planned address of the first NIC (the SSH/Docker endpoint). */
  readonly address: pulumi.Output<string>;
  readonly sshUser: string;
  /**
   * What to `dependsOn` before connecting: for a Docker host VM the wait for its Docker
   * daemon (after the VM), else the VM or container.
   */
  readonly resource: pulumi.Resource;
}

/**
 * Inputs that only matter when a guest is created, read in bpg/terraform-provider-proxmox
 * v0.111.1 (which @muhlba91/pulumi-proxmoxve 8.6.0 wraps):
 *
 * VMs (proxmoxtf/resource/vm/):
 * - `disks[0].importFrom`: "only used during initial creation; changes after creation are
 *   ignored" (disk/schema.go l. 144-152): ignoring it keeps a new image URL from showing as
 *   a change of every existing VM;
 * - `clone`: every field ForceNew (vm.go l. 592-640);
 * - `initialization.userDataFileId`: ForceNew (vm.go l. 994-1001); the user data runs at the
 *   first boot. Not ignored: `initialization.userAccount` (user and keys of VMs without user
 *   data), which the provider updates in place (vm.go l. 958-992, no ForceNew) and cloud-init
 *   applies at the next boot.
 *
 * Containers (proxmoxtf/resource/container/container.go):
 * - `disk.datastoreId`: ForceNew (l. 408-414). Not the whole disk: a larger `size` grows the
 *   root disk in place (`ResizeContainerDisk`, l. 3636-3679); only a smaller one re-creates
 *   (the CustomizeDiff at l. 1182-1226), which the protection refuses;
 * - `operatingSystem`: the template, ForceNew (l. 993-1017);
 * - `initialization.userAccount`: keys and password, ForceNew (l. 642-676);
 * - `features`: an update sends every flag, false ones included (l. 2545-2600), and Proxmox
 *   lets only root@pam change a flag other than nesting (pve-container src/PVE/LXC.pm
 *   l. 1690-1732), so an API token could never apply a change: set flags by hand
 *   (`pct set <vmid> --features ...` as root) and declare nothing here.
 */
export const GUEST_IGNORED_CHANGES = {
  vm: ["disks[0].importFrom", "clone", "initialization.userDataFileId"],
  lxc: ["disk.datastoreId", "operatingSystem", "initialization.userAccount", "features"],
} as const;

export interface GuestDeps {
  readonly downloads: ReadonlyMap<string, Download>;
  readonly storages: ReadonlyMap<string, pulumi.Resource>;
  /** The SDN apply, which every guest with a NIC on a vnet waits for. */
  readonly sdnApply?: pulumi.Resource;
  /** Explicit provider of the commands (the wait for a Docker host's daemon). */
  readonly commandProvider: command.Provider;
}

export interface CreatedGuest {
  readonly resource: proxmoxve.VmLegacy | proxmoxve.ContainerLegacy;
  /** A Docker host VM: the wait until its Docker daemon answers. */
  readonly ready?: command.remote.Command;
  /** Set when the guest has a planned address (not DHCP). */
  readonly output?: GuestOutput;
}

export function createGuest(ctx: ProxmoxContext, guest: GuestPlan, deps: GuestDeps): CreatedGuest {
  const download = guest.download ? deps.downloads.get(guest.download) : undefined;
  const dependsOn: pulumi.Resource[] = [];
  const storage = deps.storages.get(guest.disk.storage);
  if (storage) dependsOn.push(storage);
  if (download) dependsOn.push(download.resource);
  if (deps.sdnApply && guest.nics.some((nic) => nic.vnet !== undefined))
    dependsOn.push(deps.sdnApply);

  if (guest.userData) dependsOn.push(createUserData(ctx, guest, guest.userData));

  const build: GuestBuild = { ctx, guest, download, dependsOn };
  const resource = guest.type === "vm" ? createVm(build) : createContainer(build);
  if (guest.address === undefined) return { resource };
  const ready =
    guest.userData !== undefined
      ? createDockerWait(ctx, guest, guest.address, resource, deps.commandProvider)
      : undefined;
  return {
    resource,
    ready,
    output: {
      address: pulumi.output(guest.address),
      sshUser: guest.sshUser,
      resource: ready ?? resource,
    },
  };
}

/** What creating one guest needs. */
interface GuestBuild {
  readonly ctx: ProxmoxContext;
  readonly guest: GuestPlan;
  readonly download?: Download;
  /** Resources the guest waits for (the VM adds its USB mappings). */
  readonly dependsOn: pulumi.Resource[];
}

function ipConfigs(nics: readonly GuestNic[]) {
  return nics.map((nic) => ({
    ipv4: nic.address ? { address: nic.address, gateway: nic.gateway } : undefined,
  }));
}

function guestOptions(
  ctx: ProxmoxContext,
  ignoreChanges: readonly string[],
  dependsOn: pulumi.Resource[],
): pulumi.CustomResourceOptions {
  return childOptions(ctx, {
    protect: true,
    retainOnDelete: true,
    ignoreChanges: [...ignoreChanges],
    dependsOn,
  });
}

function createVm(build: GuestBuild): proxmoxve.VmLegacy {
  const { ctx, guest, download, dependsOn } = build;
  // USB devices through a cluster mapping: a `host=` device needs root@pam, a mapping only
  // Mapping.Use, which an API token can hold.
  const usbs = guest.usb.map((usb, i) => {
    const mapping = new proxmoxve.hardware.mapping.Usb(
      `${ctx.name}-usb-${guest.name}-${i}`,
      {
        name: usb.mapping,
        comment: `USB ${usb.host} of guest ${guest.name} (homelab)`,
        maps: [{ node: guest.node, id: usb.host }],
      },
      childOptions(ctx),
    );
    dependsOn.push(mapping);
    return { mapping: usb.mapping };
  });
  return new proxmoxve.VmLegacy(
    `${ctx.name}-guest-${guest.name}`,
    {
      vmId: guest.vmid,
      name: guest.name,
      nodeName: guest.node,
      migrate: true,
      description: guest.description,
      tags: [...guest.tags],
      cpu: { cores: guest.cores, type: "x86-64-v2-AES" },
      memory: { dedicated: guest.memoryMiB },
      // Cloud images ship without the QEMU agent; enabled, the provider would wait for it.
      agent: { enabled: false },
      operatingSystem: { type: "l26" },
      scsiHardware: "virtio-scsi-single",
      clone:
        guest.clone === undefined
          ? undefined
          : { vmId: guest.clone, full: true, datastoreId: guest.disk.storage },
      disks: [
        {
          interface: "scsi0",
          datastoreId: guest.disk.storage,
          size: guest.disk.sizeGiB,
          importFrom: download?.file.volumeId,
          // LVM holds raw volumes only.
          fileFormat: guest.disk.raw ? "raw" : undefined,
          discard: "on",
          iothread: true,
        },
      ],
      networkDevices: guest.nics.map((nic) => ({
        bridge: nic.bridge,
        vlanId: nic.vlan,
        macAddress: nic.mac,
        firewall: nic.firewall,
        model: "virtio",
      })),
      initialization: {
        datastoreId: guest.disk.storage,
        ipConfigs: ipConfigs(guest.nics),
        // A Docker host's user data (user, keys, Docker) replaces what Proxmox would
        // generate from userAccount (cicustom user=...); the network still comes from ipconfig.
        ...(guest.userData
          ? { userDataFileId: guest.userData.volumeId }
          : { userAccount: { username: guest.user, keys: [...guest.sshKeys] } }),
      },
      usbs,
      onBoot: guest.startOnBoot,
      started: guest.started,
      stopOnDestroy: false,
      deleteUnreferencedDisksOnDestroy: false,
    },
    guestOptions(ctx, GUEST_IGNORED_CHANGES.vm, dependsOn),
  );
}

function createContainer(build: GuestBuild): proxmoxve.ContainerLegacy {
  const { ctx, guest, download, dependsOn } = build;
  return new proxmoxve.ContainerLegacy(
    `${ctx.name}-guest-${guest.name}`,
    {
      vmId: guest.vmid,
      nodeName: guest.node,
      description: guest.description,
      tags: [...guest.tags],
      unprivileged: guest.unprivileged,
      cpu: { cores: guest.cores },
      memory: { dedicated: guest.memoryMiB },
      disk: { datastoreId: guest.disk.storage, size: guest.disk.sizeGiB },
      operatingSystem: {
        templateFileId: download?.file.volumeId ?? "",
        type: guest.osType,
      },
      networkInterfaces: guest.nics.map((nic, i) => ({
        name: `eth${i}`,
        bridge: nic.bridge,
        vlanId: nic.vlan,
        macAddress: nic.mac,
        firewall: nic.firewall,
      })),
      initialization: {
        hostname: guest.name,
        ipConfigs: ipConfigs(guest.nics),
        userAccount: { keys: [...guest.sshKeys] },
      },
      startOnBoot: guest.startOnBoot,
      started: guest.started,
    },
    guestOptions(ctx, GUEST_IGNORED_CHANGES.lxc, dependsOn),
  );
}

/**
 * Guests: VMs (a downloaded cloud image imported as the boot disk, or a full clone of a
 * template) and LXC containers (from a downloaded template), with their NICs on vnets or on
 * bridges with a VLAN tag, the planned addresses in cloud-init (VM) or the container's network
 * configuration, and USB passthrough through a cluster resource mapping.
 *
 * No plan deletes a guest disk as a side effect:
 * - every guest is `protect`ed: a change that would replace it fails the plan instead;
 * - every guest has `retainOnDelete`: even once unprotected, removing it from the config
 *   only forgets it (delete it in Proxmox yourself), so Pulumi never deletes a disk;
 * - inputs the provider would replace the guest for but that only matter at creation are
 *   ignored (`GUEST_IGNORED_CHANGES`): the image or template a guest was built from, the
 *   cloud-init user and SSH keys, and (LXC) the root disk, whose resize or move the provider
 *   can only do by re-creating the container.
 * VMs migrate (`migrate: true`) instead of being re-created when their node changes.
 */
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import type { GuestNic } from "../../model/proxmox";
import type { GuestPlan } from "../../model/proxmox-plan";
import { childOptions, type ProxmoxContext } from "./context";
import type { Download } from "./images";

/** What the services issue needs of a guest to use it as a Docker host. */
export interface GuestOutput {
  /** Planned address of the first NIC (the SSH/Docker endpoint). */
  readonly address: pulumi.Output<string>;
  readonly sshUser: string;
  /** The VM or container: `dependsOn` it before connecting. */
  readonly resource: pulumi.Resource;
}

/** Inputs the provider replaces a guest for but that only matter when it is created. */
export const GUEST_IGNORED_CHANGES = {
  vm: ["disks[0].importFrom", "clone", "initialization.userAccount"],
  lxc: ["disk", "operatingSystem", "initialization.userAccount"],
} as const;

export interface GuestDeps {
  readonly downloads: ReadonlyMap<string, Download>;
  readonly storages: ReadonlyMap<string, pulumi.Resource>;
  /** The SDN apply, which every guest with a NIC on a vnet waits for. */
  readonly sdnApply?: pulumi.Resource;
}

export interface CreatedGuest {
  readonly resource: proxmoxve.VmLegacy | proxmoxve.ContainerLegacy;
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

  const build: GuestBuild = { ctx, guest, download, dependsOn };
  const resource = guest.type === "vm" ? createVm(build) : createContainer(build);
  return {
    resource,
    output:
      guest.address === undefined
        ? undefined
        : { address: pulumi.output(guest.address), sshUser: guest.sshUser, resource },
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

/** Aliases of a resource named `${ctx.name}-<role>-<guest><suffix>` under the guest's former names. */
function formerly(ctx: ProxmoxContext, guest: GuestPlan, role: string, suffix = "") {
  return guest.formerNames.length > 0
    ? { aliases: guest.formerNames.map((n) => ({ name: `${ctx.name}-${role}-${n}${suffix}` })) }
    : {};
}

function guestOptions(
  ctx: ProxmoxContext,
  guest: GuestPlan,
  ignoreChanges: readonly string[],
  dependsOn: pulumi.Resource[],
): pulumi.CustomResourceOptions {
  return childOptions(ctx, {
    protect: true,
    retainOnDelete: true,
    ignoreChanges: [...ignoreChanges],
    dependsOn,
    // A renamed guest is the same guest (`renamedFrom`): its vmid and auto addresses come
    // from its first name, and its name updates in place.
    ...formerly(ctx, guest, "guest"),
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
      childOptions(ctx, formerly(ctx, guest, "usb", `-${i}`)),
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
        userAccount: { username: guest.user, keys: [...guest.sshKeys] },
      },
      usbs,
      onBoot: guest.startOnBoot,
      started: guest.started,
      stopOnDestroy: false,
      deleteUnreferencedDisksOnDestroy: false,
    },
    guestOptions(ctx, guest, GUEST_IGNORED_CHANGES.vm, dependsOn),
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
      // Docker in a container needs nesting (keyctl would need root@pam to set).
      features: guest.docker ? { nesting: true } : undefined,
      startOnBoot: guest.startOnBoot,
      started: guest.started,
    },
    guestOptions(ctx, guest, GUEST_IGNORED_CHANGES.lxc, dependsOn),
  );
}

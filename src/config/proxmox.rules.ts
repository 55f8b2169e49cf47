/**
 * The rules within `homelab:proxmox`, run as a refinement of its schema once the whole
 * section is well-formed: names it declares and uses (nodes, storages, images, backup jobs,
 * vnets), what each kind of storage, zone, image and guest allows, and the addresses guests
 * take inside their vnets. Paths are relative to the section. Rules that need a derivation
 * (quorum, derived vmids, image content types, container distributions, and with the last
 * the other rule about `os`) live in src/model/proxmox-plan.ts; uniqueness of names is a
 * `uniqueBy` on each list (proxmox.ts). What Docker host guests and downloads need is in
 * proxmox.hosts.rules.ts.
 */
import type { z } from "zod";
import type { PathSegment } from "./errors";
import {
  checkGateway,
  checkRange,
  checkUnique,
  issuesOf,
  subnetOf,
  unknownReference,
  wellFormed,
  type ProblemSink,
} from "./problems";
import type { Guest, Image, Nic, ProxmoxConfig, Vnet, Zone } from "./proxmox";
import { isExisting, storageContents } from "./proxmox.storage";
import { checkDockerHosts, checkImageSource } from "./proxmox.hosts.rules";
import {
  containsAddress,
  formatIPv4,
  formatPrefix,
  isHostOf,
  parseAddressWithPrefix,
  parseIPv4,
  parseRange,
} from "../lib/net";

/** The refinement of `homelab:proxmox` (once the section is well-formed). */
export function proxmoxRules(px: ProxmoxConfig, ctx: z.RefinementCtx): void {
  if (!wellFormed(ctx)) return;
  const out = issuesOf(ctx);
  const d = declared(px);
  checkStorages(d, out);
  checkBackups(d, out);
  checkImages(d, out);
  checkSdn(d, out);
  checkDockerHosts(px, out);
  const usbOwner = new Map<string, string>();
  px.guests.forEach((guest, g) => {
    const path: PathSegment[] = ["guests", g];
    checkGuestPlacement(d, guest, path, out);
    checkGuestSource(d, guest, path, out);
    checkGuestDevices(guest, path, usbOwner, out);
    checkGuestNics(d, guest, path, out);
  });
}

/** What the section declares, looked up by the rules (built once per section). */
interface Declared {
  readonly px: ProxmoxConfig;
  readonly nodeNames: readonly string[];
  /** Node name → declared powered. */
  readonly powered: ReadonlyMap<string, boolean>;
  readonly storageNames: readonly string[];
  readonly backupNames: readonly string[];
  readonly imageByName: ReadonlyMap<string, Image>;
  readonly vnets: readonly { readonly vnet: Vnet; readonly zone: Zone }[];
}

function declared(px: ProxmoxConfig): Declared {
  return {
    px,
    nodeNames: px.nodes.map((n) => n.name),
    powered: new Map(px.nodes.map((n) => [n.name, n.powered])),
    storageNames: px.storages.map((s) => s.name),
    backupNames: px.backups.map((b) => b.name),
    imageByName: new Map(px.images.map((img) => [img.name, img])),
    vnets: px.sdn.zones.flatMap((zone) => zone.vnets.map((vnet) => ({ vnet, zone }))),
  };
}

/** Every name of `nodes` is a node of the cluster. */
function checkNodeRefs(
  d: Declared,
  nodes: readonly string[] | undefined,
  path: PathSegment[],
  out: ProblemSink,
): void {
  nodes?.forEach((n, i) => {
    if (!d.nodeNames.includes(n)) out.add([...path, i], unknownReference("node", n, d.nodeNames));
  });
}

function checkStorages(d: Declared, out: ProblemSink): void {
  const px = d.px;
  px.storages.forEach((storage, i) => {
    checkNodeRefs(d, storage.nodes, ["storages", i, "nodes"], out);
    if (isExisting(storage)) return;
    if (storage.type === "lvm" && storage.base) {
      const base = px.storages.find((s) => s.name === storage.base?.storage);
      if (!base) {
        out.add(
          ["storages", i, "base", "storage"],
          unknownReference("storage", storage.base.storage, d.storageNames),
        );
      } else if (base.type !== "iscsi") {
        out.add(
          ["storages", i, "base", "storage"],
          `storage "${base.name}" is of type ${base.type}: LVM can only be layered on an iscsi storage`,
        );
      }
    }
    if (storage.type === "pbs" && storage.port !== 8007) {
      out.add(
        ["storages", i, "port"],
        `port ${storage.port} cannot be set: the Proxmox provider only reaches a backup server on 8007. Publish it on 8007 (e.g. a port forward) and remove port`,
      );
    }
  });
}

function checkBackups(d: Declared, out: ProblemSink): void {
  d.px.backups.forEach((job, i) => {
    const storage = d.px.storages.find((s) => s.name === job.storage);
    if (!storage) {
      out.add(["backups", i, "storage"], unknownReference("storage", job.storage, d.storageNames));
    } else if (!storageContents(storage).includes("backup")) {
      out.add(
        ["backups", i, "storage"],
        `storage "${storage.name}" does not hold backups: use a pbs storage or add "backup" to its content`,
      );
    }
  });
}

function checkImages(d: Declared, out: ProblemSink): void {
  d.px.images.forEach((image, i) => {
    const path: PathSegment[] = ["images", i];
    checkImageSource(image, path, out);
    if (image.node && !d.nodeNames.includes(image.node)) {
      out.add([...path, "node"], unknownReference("node", image.node, d.nodeNames));
    } else if (image.node && d.powered.get(image.node) === false) {
      out.add(
        [...path, "node"],
        `node "${image.node}" is declared powered: false, so nothing can be downloaded to it: remove node (every powered node) or name a powered one`,
      );
    }
  });
}

function checkSdn(d: Declared, out: ProblemSink): void {
  const px = d.px;
  const vnets = px.sdn.zones.flatMap((zone, z) => zone.vnets.map((vnet, v) => ({ vnet, z, v })));
  checkUnique(
    out,
    vnets,
    (x) => x.vnet.name,
    (i) => ["sdn", "zones", vnets[i]!.z, "vnets", vnets[i]!.v, "name"],
    "vnet name",
  );
  const vlanTags = new Map<string, Map<number, string>>();
  px.sdn.zones.forEach((zone, z) => {
    const zonePath: PathSegment[] = ["sdn", "zones", z];
    checkNodeRefs(d, zone.nodes, [...zonePath, "nodes"], out);
    if (zone.type === "vlan" && !zone.bridge) {
      out.add(
        [...zonePath, "bridge"],
        "a vlan zone needs the bridge its VLANs ride on, e.g. bridge: vmbr0",
      );
    }
    if (zone.type !== "vlan" && zone.bridge) {
      out.add([...zonePath, "bridge"], `bridge is for vlan zones; a ${zone.type} zone has none`);
    }
    if (zone.type === "vxlan" && (!zone.peers || zone.peers.length === 0)) {
      out.add([...zonePath, "peers"], "a vxlan zone needs the peer addresses of its nodes");
    }
    zone.vnets.forEach((vnet, v) => {
      const vnetPath = [...zonePath, "vnets", v];
      checkVnetTag(zone, vnet, vnetPath, vlanTags, out);
      vnet.subnets.forEach((subnet, s) =>
        checkSubnet(zone, subnet, [...vnetPath, "subnets", s], out),
      );
    });
  });
}

/** Tags by zone type; VLAN ids unique per bridge (`vlanTags`: bridge → tag → vnet). */
function checkVnetTag(
  zone: Zone,
  vnet: Vnet,
  vnetPath: PathSegment[],
  vlanTags: Map<string, Map<number, string>>,
  out: ProblemSink,
): void {
  if (zone.type === "simple" && vnet.tag !== undefined) {
    out.add(
      [...vnetPath, "tag"],
      "a vnet in a simple zone has no tag (simple zones are routed, not tagged): remove tag or use a vlan zone",
    );
  }
  if (zone.type !== "simple" && vnet.tag === undefined) {
    out.add(
      [...vnetPath, "tag"],
      `a vnet in a ${zone.type} zone needs a tag (${zone.type === "vlan" ? "VLAN id" : "VXLAN id"})`,
    );
  }
  if (zone.type === "vlan" && vnet.tag !== undefined) {
    if (vnet.tag > 4094)
      out.add([...vnetPath, "tag"], `VLAN ids run from 1 to 4094 (got ${vnet.tag})`);
    const tags = vlanTags.get(zone.bridge ?? zone.name) ?? new Map<number, string>();
    const other = tags.get(vnet.tag);
    if (other)
      out.add(
        [...vnetPath, "tag"],
        `VLAN ${vnet.tag} is already used by vnet "${other}" on the same bridge`,
      );
    tags.set(vnet.tag, vnet.name);
    vlanTags.set(zone.bridge ?? zone.name, tags);
  }
}

function checkSubnet(
  zone: Zone,
  subnet: Vnet["subnets"][number],
  subnetPath: PathSegment[],
  out: ProblemSink,
): void {
  const prefix = subnetOf(subnet.cidr);
  if (!prefix) return;
  const gateway = subnet.gateway ? parseIPv4(subnet.gateway) : undefined;
  if (subnet.gateway) checkGateway(out, [...subnetPath, "gateway"], subnet.gateway, prefix);
  if (subnet.snat && zone.type !== "simple") {
    out.add(
      [...subnetPath, "snat"],
      `snat is done by the nodes of simple zones only; in a ${zone.type} zone the gateway is your router: remove snat`,
    );
  } else if (subnet.snat && !subnet.gateway) {
    out.add(
      [...subnetPath, "gateway"],
      "snat needs a gateway: the nodes masquerade traffic routed through it",
    );
  }
  if (subnet.dhcp) {
    if (zone.type !== "simple") {
      out.add(
        [...subnetPath, "dhcp"],
        `the SDN DHCP server runs in simple zones only; in a ${zone.type} zone use the DHCP server of the VLAN's router and remove dhcp`,
      );
    } else if (!subnet.gateway) {
      out.add(
        [...subnetPath, "dhcp"],
        "SDN DHCP needs the subnet's gateway (dnsmasq listens on it): add gateway",
      );
    }
    checkRange(out, [...subnetPath, "dhcp", "range"], subnet.dhcp.range, prefix, gateway);
  }
  subnet.reserved.forEach((r, k) =>
    checkRange(out, [...subnetPath, "reserved", k], r, prefix, undefined),
  );
}

/** The guest's node (declared, powered), its disk's storage and its backup job. */
function checkGuestPlacement(
  d: Declared,
  guest: Guest,
  path: PathSegment[],
  out: ProblemSink,
): void {
  const { px, powered } = d;
  if (!powered.has(guest.node)) {
    out.add([...path, "node"], unknownReference("node", guest.node, d.nodeNames));
  } else if (powered.get(guest.node) === false) {
    const on = px.nodes.filter((n) => n.powered).map((n) => n.name);
    out.add(
      [...path, "node"],
      `node "${guest.node}" is declared powered: false, so nothing may run on it: place the guest on ${on.length ? on.map((n) => `"${n}"`).join(" or ") : "a powered node"}`,
    );
  }
  const disk = px.storages.find((s) => s.name === guest.disk.storage);
  if (!disk) {
    out.add(
      [...path, "disk", "storage"],
      unknownReference("storage", guest.disk.storage, d.storageNames),
    );
  } else if (disk.type === "pbs" || disk.type === "iscsi") {
    out.add(
      [...path, "disk", "storage"],
      `storage "${disk.name}" (${disk.type}) cannot hold guest disks: use an lvm, lvmthin, zfspool, nfs or dir storage`,
    );
  } else {
    const content = guest.type === "vm" ? "images" : "rootdir";
    if (!storageContents(disk).includes(content)) {
      out.add(
        [...path, "disk", "storage"],
        `storage "${disk.name}" does not hold "${content}" content, which a ${guest.type === "vm" ? "VM disk" : "container root disk"} needs: add "${content}" to its content`,
      );
    }
    if (disk.nodes && powered.has(guest.node) && !disk.nodes.includes(guest.node)) {
      out.add(
        [...path, "disk", "storage"],
        `storage "${disk.name}" is limited to ${disk.nodes.map((n) => `"${n}"`).join(", ")}, but the guest runs on "${guest.node}": add the node to the storage or move the guest`,
      );
    }
  }
  if (guest.backup && !d.backupNames.includes(guest.backup)) {
    out.add([...path, "backup"], unknownReference("backup job", guest.backup, d.backupNames));
  }
}

/** What the guest is built from: an image of the right kind on its node, or a clone. */
function checkGuestSource(d: Declared, guest: Guest, path: PathSegment[], out: ProblemSink): void {
  if (guest.image && guest.clone !== undefined) {
    out.add([...path, "clone"], "give either image or clone, not both");
  }
  if (guest.type === "lxc") {
    if (guest.clone !== undefined)
      out.add(
        [...path, "clone"],
        "clone is for VMs; an LXC container is built from a container-template image",
      );
    if (!guest.image)
      out.add([...path, "image"], "an LXC container needs an image of kind container-template");
  } else if (!guest.image && guest.clone === undefined) {
    out.add([...path, "image"], "a VM needs an image (a cloud-image) or a clone (template vmid)");
  }
  if (!guest.image) return;
  const image = d.imageByName.get(guest.image);
  if (!image) {
    out.add([...path, "image"], unknownReference("image", guest.image, [...d.imageByName.keys()]));
    return;
  }
  const wanted = guest.type === "lxc" ? "container-template" : "cloud-image";
  if (image.kind !== wanted) {
    out.add(
      [...path, "image"],
      `image "${image.name}" is a ${image.kind}; a ${guest.type === "lxc" ? "container" : "VM"} needs a ${wanted}`,
    );
  }
  if (image.node && image.node !== guest.node) {
    out.add(
      [...path, "image"],
      `image "${image.name}" is downloaded to node "${image.node}" only, but the guest runs on "${guest.node}"`,
    );
  }
}

/** USB passthrough: VMs only, each device of a node to one guest (`usbOwner`: node/device → guest). */
function checkGuestDevices(
  guest: Guest,
  path: PathSegment[],
  usbOwner: Map<string, string>,
  out: ProblemSink,
): void {
  if (guest.type === "lxc") {
    if (guest.usb.length > 0)
      out.add([...path, "usb"], "USB passthrough is for VMs; use a VM for this guest");
    return;
  }
  guest.usb.forEach((usb, u) => {
    const key = `${guest.node}/${usb.host}`;
    const other = usbOwner.get(key);
    if (other !== undefined) {
      out.add(
        [...path, "usb", u, "host"],
        `USB device ${usb.host} on node "${guest.node}" is already passed to guest "${other}": a device belongs to one guest`,
      );
    } else usbOwner.set(key, guest.name);
  });
}

function checkGuestNics(d: Declared, guest: Guest, path: PathSegment[], out: ProblemSink): void {
  if (guest.docker && guest.nics[0]?.ip === "dhcp") {
    out.add(
      [...path, "nics", 0, "ip"],
      "a Docker host needs a known address to be reached over SSH: use ip: auto or a static address, not dhcp",
    );
  }
  const [routed, ...others] = guest.nics.flatMap((nic, n) =>
    nic.gateway !== undefined ? [n] : [],
  );
  for (const n of others) {
    out.add(
      [...path, "nics", n, "gateway"],
      `a guest has one default gateway, and nics[${routed ?? 0}] already names it: remove this one`,
    );
  }
  guest.nics.forEach((nic, n) => checkNic(nic, [...path, "nics", n], d.vnets, out));
}

function checkNic(
  nic: Nic,
  nicPath: PathSegment[],
  vnets: readonly { vnet: Vnet; zone: Zone }[],
  out: ProblemSink,
): void {
  if (!nic.vnet && !nic.bridge) {
    out.add(nicPath, "a NIC needs a vnet (SDN) or a bridge");
    return;
  }
  if (nic.vnet && nic.bridge)
    out.add([...nicPath, "bridge"], "give either vnet or bridge, not both");
  const vnetNames = vnets.map((x) => x.vnet.name);
  if (nic.vnet && !vnetNames.includes(nic.vnet)) {
    out.add([...nicPath, "vnet"], unknownReference("vnet", nic.vnet, vnetNames));
    return;
  }
  if (nic.ip === "dhcp" && nic.gateway !== undefined) {
    out.add([...nicPath, "gateway"], "a DHCP NIC gets its gateway from DHCP: remove gateway");
  }
  if (nic.ip === "auto" && !nic.vnet) {
    out.add(
      [...nicPath, "ip"],
      'ip: auto allocates from a vnet subnet; on a bridge give an address or "dhcp"',
    );
  }
  if (!nic.vnet) {
    if (nic.ip !== "auto" && nic.ip !== "dhcp" && !nic.ip.includes("/")) {
      out.add(
        [...nicPath, "ip"],
        `on a bridge the subnet is not known: write the address with its prefix length, e.g. ${nic.ip}/24`,
      );
    }
    return;
  }
  const { vnet, zone } = vnets.find((x) => x.vnet.name === nic.vnet)!;
  if (nic.vlan !== undefined && !vnet.vlanAware) {
    out.add(
      [...nicPath, "vlan"],
      `vnet "${vnet.name}" is not VLAN-aware, so a NIC on it cannot carry a tag: set vlanAware: true on the vnet or remove vlan`,
    );
  }
  if (
    nic.ip === "dhcp" &&
    zone.type === "simple" &&
    !vnet.subnets.some((s) => s.dhcp !== undefined)
  ) {
    out.add(
      [...nicPath, "ip"],
      `no DHCP server answers on vnet "${vnet.name}" (none of its subnets has a dhcp range): use ip: auto, a static address, or add a dhcp range`,
    );
  }
  if (nic.ip !== "auto" && nic.ip !== "dhcp") checkStaticAddress(nic.ip, vnet, nicPath, out);
}

/** A static address on a vnet: a host of one of its subnets, not the gateway, outside DHCP. */
function checkStaticAddress(
  ip: string,
  vnet: Vnet,
  nicPath: PathSegment[],
  out: ProblemSink,
): void {
  const parsed = parseAddressWithPrefix(ip) ?? { address: parseIPv4(ip), length: undefined };
  const address = parsed.address;
  if (address === undefined) return;
  const subnet = vnet.subnets.find((s) => {
    const p = subnetOf(s.cidr);
    return p && containsAddress(p, address);
  });
  const prefix = subnet ? subnetOf(subnet.cidr) : undefined;
  if (!subnet || !prefix) {
    out.add(
      [...nicPath, "ip"],
      `${ip} is not inside any subnet of vnet "${vnet.name}" (${vnet.subnets.map((s) => s.cidr).join(", ") || "it has none"})`,
    );
    return;
  }
  if (parsed.length !== undefined && parsed.length !== prefix.length) {
    out.add(
      [...nicPath, "ip"],
      `${ip} has prefix length /${parsed.length} but vnet "${vnet.name}" uses ${formatPrefix(prefix)}`,
    );
  } else if (!isHostOf(prefix, address)) {
    out.add(
      [...nicPath, "ip"],
      `${formatIPv4(address)} is the network or broadcast address of ${formatPrefix(prefix)}: use a host address`,
    );
  } else if (subnet.gateway && parseIPv4(subnet.gateway) === address) {
    out.add(
      [...nicPath, "ip"],
      `${formatIPv4(address)} is the gateway of ${formatPrefix(prefix)}: give the guest another address`,
    );
  } else {
    const dhcp = subnet.dhcp ? parseRange(subnet.dhcp.range) : undefined;
    if (dhcp && address >= dhcp.first && address <= dhcp.last) {
      out.add(
        [...nicPath, "ip"],
        `${formatIPv4(address)} is inside the DHCP range ${subnet.dhcp!.range}, so the DHCP server may hand it to another guest: use an address outside it`,
      );
    }
  }
}

/**
 * Cross-field rules of one site: gateways inside their subnets, no overlapping subnets,
 * unique VLAN ids and names, references that resolve, nothing on powered-off nodes.
 * Runs on sections that passed their schema; each rule names the exact path and the fix.
 */
import type { PathSegment, Problem } from "./errors";
import {
  Problems,
  checkGateway,
  checkNetworkRefs,
  checkRange,
  checkUnique,
  subnetOf,
  unknownReference,
} from "./problems";
import { configKey, type SiteConfig } from "./stack";
import {
  containsAddress,
  formatIPv4,
  formatPrefix,
  isHostOf,
  overlaps,
  parseAddressWithPrefix,
  parseIPv4,
  parseRange,
  maskOf,
} from "../lib/net";
import { BUILTIN_NETWORKS, INTERNAL_KINDS, networkNames, siteNetworks } from "./networks";
import { planAddresses } from "../model/address-plan";
import {
  describePrefixes,
  fortigateRoutes,
  interfacesForNetwork,
  interfaceTowards,
} from "../model/fortigate-topology";
import { proxyPublish } from "../model/publish";
import { sdnRoutes } from "../model/routes";
import { dockerHosts } from "../model/hosts";
import { servicesModel } from "../model/services";
import { checkCatalogReferences, checkServiceReferences } from "./services.rules";
import { containerOsType, guestVmid, imageContent, imageFileName, quorum } from "../model/proxmox";
import { containerOsTypes, type Nic, type ProxmoxConfig, type Vnet, type Zone } from "./proxmox";
import { allowRuleName, MAX_LEGACY_ALLOWS } from "../model/unifi";

function checkNetworks(config: SiteConfig, out: Problems): void {
  const networks = siteNetworks(config);
  // Unique names across the whole site (and not a built-in).
  const seen = new Map<string, readonly PathSegment[]>();
  for (const network of networks) {
    const builtin = (BUILTIN_NETWORKS as readonly string[]).includes(network.name);
    if (builtin) {
      out.add(
        network.source,
        `"${network.name}" is a reserved network name (${BUILTIN_NETWORKS.join(", ")}): rename this network`,
      );
      continue;
    }
    const earlier = seen.get(network.name);
    if (earlier) {
      out.add(
        network.source,
        `network name "${network.name}" is already used by ${formatPathShort(earlier)}: network names are unique across the site`,
      );
    } else seen.set(network.name, network.source);
  }
  // No overlapping subnets among networks the site routes, nor between them and external ones.
  for (let i = 0; i < networks.length; i++) {
    for (let j = i + 1; j < networks.length; j++) {
      const a = networks[i]!;
      const b = networks[j]!;
      const aInternal = INTERNAL_KINDS.has(a.kind);
      const bInternal = INTERNAL_KINDS.has(b.kind);
      if (!aInternal && !bInternal) continue;
      if (a.kind === "remote" || b.kind === "remote") {
        if (!(aInternal || bInternal)) continue;
      }
      for (const pa of a.prefixes) {
        for (const pb of b.prefixes) {
          if (overlaps(pa, pb)) {
            out.add(
              b.source,
              `${formatPrefix(pb)} (network "${b.name}") overlaps ${formatPrefix(pa)} (network "${a.name}", ${formatPathShort(a.source)}): subnets of a site must not overlap`,
            );
          }
        }
      }
    }
  }
  // Host addresses of named hosts must be inside their declared network.
  config.hosts.forEach((host, i) => {
    if (!host.network) return;
    const names = networkNames(networks);
    if (!names.includes(host.network)) {
      out.add([configKey("hosts"), i, "network"], unknownReference("network", host.network, names));
      return;
    }
    const network = networks.find((n) => n.name === host.network);
    const address = parseIPv4(host.address);
    if (
      network &&
      address !== undefined &&
      !network.prefixes.some((p) => containsAddress(p, address))
    ) {
      out.add(
        [configKey("hosts"), i, "address"],
        `${host.address} is not inside network "${host.network}" (${network.prefixes.map(formatPrefix).join(", ")})`,
      );
    }
  });
}

function formatPathShort(path: readonly PathSegment[]): string {
  return path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

function checkProxmox(config: SiteConfig, out: Problems): void {
  const px = config.proxmox;
  if (!px) return;
  const root = configKey("proxmox");
  checkUnique(
    out,
    px.nodes,
    (n) => n.name,
    (i) => [root, "nodes", i, "name"],
    "node name",
  );
  checkUnique(
    out,
    px.nodes,
    (n) => n.address,
    (i) => [root, "nodes", i, "address"],
    "node address",
  );
  checkUnique(
    out,
    px.storages,
    (s) => s.name,
    (i) => [root, "storages", i, "name"],
    "storage name",
  );
  checkUnique(
    out,
    px.images,
    (s) => s.name,
    (i) => [root, "images", i, "name"],
    "image name",
  );
  checkUnique(
    out,
    px.backups,
    (s) => s.name,
    (i) => [root, "backups", i, "name"],
    "backup job name",
  );
  checkUnique(
    out,
    px.guests,
    (g) => g.name,
    (i) => [root, "guests", i, "name"],
    "guest name",
  );
  checkUnique(
    out,
    px.guests,
    (g) => g.vmid,
    (i) => [root, "guests", i, "vmid"],
    "vmid",
  );
  checkUnique(
    out,
    px.sdn.zones,
    (z) => z.name,
    (i) => [root, "sdn", "zones", i, "name"],
    "zone name",
  );
  checkQuorum(px, out);
  checkStorages(px, out);
  checkSdn(px, out);
  checkGuests(px, out);
}

/** The nodes declared powered must hold a corosync majority, or the cluster is read-only. */
function checkQuorum(px: ProxmoxConfig, out: Problems): void {
  const root = configKey("proxmox");
  const q = quorum(px.nodes);
  if (q.quorate) return;
  const first = px.nodes.findIndex((n) => n.powered);
  if (first < 0) {
    out.add([root, "nodes"], "no node is declared powered: nothing could run; power at least one");
    return;
  }
  const node = px.nodes[first]!;
  let extra = 1;
  while (
    !quorum(px.nodes.map((n, i) => (i === first ? { ...n, votes: n.votes + extra } : n))).quorate
  )
    extra++;
  out.add(
    [root, "nodes", first, "votes"],
    `the nodes declared powered hold ${q.powered} of ${q.total} corosync votes, but quorum needs ${q.needed}: ` +
      `with the others off the cluster is read-only and guests do not start. Give "${node.name}" votes: ${node.votes + extra} ` +
      `and set the same quorum_votes in /etc/pve/corosync.conf (README, "Proxmox: the manual steps")`,
  );
}

function checkStorages(px: ProxmoxConfig, out: Problems): void {
  const root = configKey("proxmox");
  const nodeNames = px.nodes.map((n) => n.name);
  const storageNames = px.storages.map((s) => s.name);
  const checkNodes = (nodes: readonly string[] | undefined, path: PathSegment[]): void =>
    nodes?.forEach((n, i) => {
      if (!nodeNames.includes(n)) out.add([...path, i], unknownReference("node", n, nodeNames));
    });

  px.storages.forEach((storage, i) => {
    checkNodes(storage.nodes, [root, "storages", i, "nodes"]);
    if (storage.type === "lvm" && storage.base) {
      const base = px.storages.find((s) => s.name === storage.base?.storage);
      if (!base) {
        out.add(
          [root, "storages", i, "base", "storage"],
          unknownReference("storage", storage.base.storage, storageNames),
        );
      } else if (base.type !== "iscsi") {
        out.add(
          [root, "storages", i, "base", "storage"],
          `storage "${base.name}" is of type ${base.type}: LVM can only be layered on an iscsi storage`,
        );
      }
    }
    if (storage.type === "pbs" && storage.port !== 8007) {
      out.add(
        [root, "storages", i, "port"],
        `port ${storage.port} cannot be set: the Proxmox provider only reaches a backup server on 8007. Publish it on 8007 (e.g. a port forward) and remove port`,
      );
    }
  });
  px.backups.forEach((job, i) => {
    const storage = px.storages.find((s) => s.name === job.storage);
    if (!storage) {
      out.add(
        [root, "backups", i, "storage"],
        unknownReference("storage", job.storage, storageNames),
      );
    } else if (
      storage.type !== "pbs" &&
      !(storage.type !== "iscsi" && storage.content.includes("backup"))
    ) {
      out.add(
        [root, "backups", i, "storage"],
        `storage "${storage.name}" does not hold backups: use a pbs storage or add "backup" to its content`,
      );
    }
  });
  const powered = new Map(px.nodes.map((n) => [n.name, n.powered]));
  px.images.forEach((image, i) => {
    const path: PathSegment[] = [root, "images", i];
    if (image.node && !nodeNames.includes(image.node)) {
      out.add([...path, "node"], unknownReference("node", image.node, nodeNames));
    } else if (image.node && powered.get(image.node) === false) {
      out.add(
        [...path, "node"],
        `node "${image.node}" is declared powered: false, so nothing can be downloaded to it: remove node (every powered node) or name a powered one`,
      );
    }
    const content = imageContent(image);
    const storage = px.storages.find((s) => s.name === image.storage);
    if (storage && (!("content" in storage) || !storage.content.includes(content))) {
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

function checkSdn(px: ProxmoxConfig, out: Problems): void {
  const root = configKey("proxmox");
  const nodeNames = px.nodes.map((n) => n.name);
  const vnets = px.sdn.zones.flatMap((zone, z) =>
    zone.vnets.map((vnet, v) => ({ vnet, z, v, zone })),
  );
  checkUnique(
    out,
    vnets,
    (x) => x.vnet.name,
    (i) => [root, "sdn", "zones", vnets[i]!.z, "vnets", vnets[i]!.v, "name"],
    "vnet name",
  );
  const vlanTags = new Map<string, Map<number, string>>();
  px.sdn.zones.forEach((zone, z) => {
    const zonePath: PathSegment[] = [root, "sdn", "zones", z];
    zone.nodes?.forEach((n, i) => {
      if (!nodeNames.includes(n))
        out.add([...zonePath, "nodes", i], unknownReference("node", n, nodeNames));
    });
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
      vnet.subnets.forEach((subnet, s) => {
        const subnetPath = [...vnetPath, "subnets", s];
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
      });
    });
  });
}

function checkGuests(px: ProxmoxConfig, out: Problems): void {
  const root = configKey("proxmox");
  const nodeNames = px.nodes.map((n) => n.name);
  const storageNames = px.storages.map((s) => s.name);
  const powered = new Map(px.nodes.map((n) => [n.name, n.powered]));
  const vnets = px.sdn.zones.flatMap((zone) => zone.vnets.map((vnet) => ({ vnet, zone })));
  const vnetNames = vnets.map((x) => x.vnet.name);
  const backupNames = px.backups.map((b) => b.name);
  const imageByName = new Map(px.images.map((img) => [img.name, img]));
  const vmidOwner = new Map<number, string>();
  for (const guest of px.guests)
    if (guest.vmid !== undefined) vmidOwner.set(guest.vmid, guest.name);
  const usbOwner = new Map<string, string>();

  px.guests.forEach((guest, g) => {
    const path: PathSegment[] = [root, "guests", g];
    if (guest.vmid === undefined) {
      const derived = guestVmid(guest);
      const other = vmidOwner.get(derived);
      if (other !== undefined && other !== guest.name) {
        out.add(
          [...path, "name"],
          `the vmid derived from this name (${derived}) is already the vmid of guest "${other}": set vmid explicitly`,
        );
      } else vmidOwner.set(derived, guest.name);
    }
    if (!powered.has(guest.node)) {
      out.add([...path, "node"], unknownReference("node", guest.node, nodeNames));
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
        unknownReference("storage", guest.disk.storage, storageNames),
      );
    } else if (disk.type === "pbs" || disk.type === "iscsi") {
      out.add(
        [...path, "disk", "storage"],
        `storage "${disk.name}" (${disk.type}) cannot hold guest disks: use an lvm, nfs or dir storage`,
      );
    } else {
      const content = guest.type === "vm" ? "images" : "rootdir";
      if (!disk.content.includes(content)) {
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
    if (guest.backup && !backupNames.includes(guest.backup)) {
      out.add([...path, "backup"], unknownReference("backup job", guest.backup, backupNames));
    }
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
      if (guest.usb.length > 0)
        out.add([...path, "usb"], "USB passthrough is for VMs; use a VM for this guest");
    } else if (!guest.image && guest.clone === undefined) {
      out.add([...path, "image"], "a VM needs an image (a cloud-image) or a clone (template vmid)");
    }
    if (guest.image) {
      const image = imageByName.get(guest.image);
      if (!image) {
        out.add(
          [...path, "image"],
          unknownReference("image", guest.image, [...imageByName.keys()]),
        );
      } else {
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
    }
    if (guest.type === "vm") {
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
    guest.nics.forEach((nic, n) => checkNic(nic, [...path, "nics", n], vnets, vnetNames, out));
  });
}

function checkNic(
  nic: Nic,
  nicPath: PathSegment[],
  vnets: readonly { vnet: Vnet; zone: Zone }[],
  vnetNames: readonly string[],
  out: Problems,
): void {
  if (!nic.vnet && !nic.bridge) {
    out.add(nicPath, "a NIC needs a vnet (SDN) or a bridge");
    return;
  }
  if (nic.vnet && nic.bridge)
    out.add([...nicPath, "bridge"], "give either vnet or bridge, not both");
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
  if (nic.ip === "auto" || nic.ip === "dhcp") return;
  const parsed = parseAddressWithPrefix(nic.ip) ?? {
    address: parseIPv4(nic.ip),
    length: undefined,
  };
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
      `${nic.ip} is not inside any subnet of vnet "${vnet.name}" (${vnet.subnets.map((s) => s.cidr).join(", ") || "it has none"})`,
    );
    return;
  }
  if (parsed.length !== undefined && parsed.length !== prefix.length) {
    out.add(
      [...nicPath, "ip"],
      `${nic.ip} has prefix length /${parsed.length} but vnet "${vnet.name}" uses ${formatPrefix(prefix)}`,
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

function checkFortigate(config: SiteConfig, out: Problems, allNetworks: readonly string[]): void {
  const fg = config.fortigate;
  if (!fg) return;
  const root = configKey("fortigate");
  const names = fg.interfaces.map((i) => i.name);
  checkUnique(
    out,
    fg.interfaces,
    (i) => i.name,
    (i) => [root, "interfaces", i, "name"],
    "interface name",
  );
  const memberOf = new Map<string, string>();
  const vlanIds = new Map<string, Map<number, string>>();
  fg.interfaces.forEach((iface, i) => {
    const path: PathSegment[] = [root, "interfaces", i];
    if (iface.type === "aggregate") {
      if (!iface.members || iface.members.length === 0) {
        out.add(
          [...path, "members"],
          "an aggregate needs its member ports, e.g. members: [internal1, internal2]",
        );
      }
      iface.members?.forEach((member, m) => {
        const other = memberOf.get(member);
        if (other)
          out.add(
            [...path, "members", m],
            `port "${member}" is already a member of aggregate "${other}"`,
          );
        memberOf.set(member, iface.name);
        if (names.includes(member)) {
          out.add(
            [...path, "members", m],
            `port "${member}" is also declared as an interface: an aggregate member cannot carry its own configuration`,
          );
        }
      });
    } else if (iface.members) {
      out.add(
        [...path, "members"],
        `members apply to aggregate interfaces only (this one is ${iface.type})`,
      );
    }
    if (iface.type === "vlan") {
      if (!iface.parent)
        out.add([...path, "parent"], "a vlan interface needs its parent interface");
      else if (!names.includes(iface.parent))
        out.add([...path, "parent"], unknownReference("interface", iface.parent, names));
      if (iface.vlanId === undefined)
        out.add([...path, "vlanId"], "a vlan interface needs a vlanId (1-4094)");
      else if (iface.parent) {
        const ids = vlanIds.get(iface.parent) ?? new Map<number, string>();
        const other = ids.get(iface.vlanId);
        if (other)
          out.add(
            [...path, "vlanId"],
            `VLAN ${iface.vlanId} is already used by "${other}" on ${iface.parent}: VLAN ids must be unique per parent`,
          );
        ids.set(iface.vlanId, iface.name);
        vlanIds.set(iface.parent, ids);
      }
    }
    if (iface.mode === "dhcp" && iface.ip)
      out.add(
        [...path, "ip"],
        "an interface in dhcp mode gets its address from DHCP: remove ip or use mode: static",
      );
  });
  const ifaceIp = (name: string) => {
    const iface = fg.interfaces.find((i) => i.name === name);
    return iface?.ip ? parseAddressWithPrefix(iface.ip) : undefined;
  };
  fg.dhcp.forEach((server, i) => {
    const path: PathSegment[] = [root, "dhcp", i];
    if (!names.includes(server.interface)) {
      out.add([...path, "interface"], unknownReference("interface", server.interface, names));
      return;
    }
    const ip = ifaceIp(server.interface);
    if (!ip) {
      out.add(
        [...path, "interface"],
        `interface "${server.interface}" has no static ip, so it cannot serve DHCP`,
      );
      return;
    }
    const subnet = { network: (ip.address & maskOf(ip.length)) >>> 0, length: ip.length };
    checkRange(out, [...path, "range"], server.range, subnet, ip.address);
    if (server.gateway) checkGateway(out, [...path, "gateway"], server.gateway, subnet);
    server.reservations.forEach((r, k) => {
      const address = parseIPv4(r.ip);
      if (address !== undefined && !isHostOf(subnet, address)) {
        out.add([...path, "reservations", k, "ip"], `${r.ip} is outside ${formatPrefix(subnet)}`);
      }
    });
  });
  checkUnique(
    out,
    fg.dhcp,
    (d) => d.interface,
    (i) => [root, "dhcp", i, "interface"],
    "DHCP interface",
  );
  const devices = [
    ...names,
    ...fg.tunnels.map((t) => t.name),
    ...(fg.dialupVpn ? [fg.dialupVpn.name] : []),
  ];
  fg.staticRoutes.forEach((route, i) => {
    if (!devices.includes(route.device)) {
      out.add(
        [root, "staticRoutes", i, "device"],
        unknownReference("interface", route.device, devices),
      );
    }
  });
  if (fg.federation) {
    if (!names.includes(fg.federation.interface)) {
      out.add(
        [root, "federation", "interface"],
        unknownReference("interface", fg.federation.interface, names),
      );
    }
    checkNetworkRefs(out, allNetworks, fg.federation.networks, [root, "federation", "networks"]);
    if (!config.federation) {
      out.add(
        [root, "federation"],
        "this site is not a federation member: add homelab:federation (member: <id>) or remove this block",
      );
    }
  }
  if (config.federation && !fg.federation) {
    out.add(
      [root],
      "the site is a federation member with a FortiGate edge: add fortigate.federation (interface and networks)",
    );
  }
  if (fg.dialupVpn) {
    const vpn = fg.dialupVpn;
    if (!names.includes(vpn.interface)) {
      out.add(
        [root, "dialupVpn", "interface"],
        unknownReference("interface", vpn.interface, names),
      );
    }
    checkNetworkRefs(out, allNetworks, vpn.access, [root, "dialupVpn", "access"]);
  }
  fg.tunnels.forEach((tunnel, i) => {
    if (!names.includes(tunnel.interface)) {
      out.add(
        [root, "tunnels", i, "interface"],
        unknownReference("interface", tunnel.interface, names),
      );
    }
    checkNetworkRefs(out, allNetworks, tunnel.localNetworks, [root, "tunnels", i, "localNetworks"]);
  });
  const tunnelNames = [
    ...fg.tunnels.map((t) => t.name),
    ...(fg.dialupVpn ? [fg.dialupVpn.name] : []),
  ];
  tunnelNames.forEach((t) => {
    if (names.includes(t))
      out.add(
        [root, "interfaces"],
        `interface name "${t}" is also a tunnel name: FortiOS creates an interface per tunnel`,
      );
  });
  checkFortigateReach(config, out);
}

/**
 * What the FortiGate must reach: every network its policies name (behind one of its
 * interfaces, a route or a tunnel), the gateways of the site's routes, the published proxy;
 * and what BGP and tunnel addresses need.
 */
function checkFortigateReach(config: SiteConfig, out: Problems): void {
  const fg = config.fortigate!;
  const root = configKey("fortigate");
  const networks = siteNetworks(config);
  const { routes, unreachable } = fortigateRoutes(fg, sdnRoutes(config));
  for (const route of unreachable) {
    out.add(
      [root, "interfaces"],
      `the route to ${route.dst} (${route.description}) goes via ${route.gateway}, which is on no FortiGate interface subnet: give the interface facing it an address in that subnet`,
    );
  }
  const checkLocal = (
    refs: readonly string[],
    path: PathSegment[],
    allowed: readonly string[],
    what: string,
  ) => {
    refs.forEach((ref, i) => {
      if ((BUILTIN_NETWORKS as readonly string[]).includes(ref)) {
        if (!allowed.includes(ref))
          out.add(
            [...path, i],
            `"${ref}" is not a network of this site: ${what} lists local networks by name${allowed.length ? ` (or ${allowed.map((a) => `"${a}"`).join(", ")})` : ""}`,
          );
        return;
      }
      const network = networks.find((n) => n.name === ref);
      if (!network) return; // reported as an unknown network
      if (!interfacesForNetwork(fg, network, routes)) {
        out.add(
          [...path, i],
          `network "${ref}" (${describePrefixes(network)}) is behind no FortiGate interface: no interface subnet holds it and no static route leads to it`,
        );
      }
    });
  };
  if (fg.federation) {
    checkLocal(fg.federation.networks, [root, "federation", "networks"], [], "federation.networks");
  }
  if (fg.dialupVpn) {
    checkLocal(
      fg.dialupVpn.access,
      [root, "dialupVpn", "access"],
      config.federation ? ["federation"] : [],
      "dialupVpn.access",
    );
  }
  fg.tunnels.forEach((tunnel, t) => {
    checkLocal(tunnel.localNetworks, [root, "tunnels", t, "localNetworks"], [], "localNetworks");
    if (tunnel.localAddress) {
      const parsed = parseAddressWithPrefix(tunnel.localAddress);
      if (parsed && parsed.length !== 30 && parsed.length !== 31) {
        out.add(
          [root, "tunnels", t, "localAddress"],
          `a tunnel address is one end of a /31 or /30 (the other end is the peer's): ${tunnel.localAddress} is a /${parsed.length}`,
        );
      }
    }
  });
  if (fg.bgp && !config.federation) {
    out.add(
      [root, "bgp"],
      "BGP runs with the federation (its AS number and router id come from the registry): add homelab:federation, or remove bgp",
    );
  }
  const publish = proxyPublish(
    config,
    dockerHosts(config, planAddresses(config.proxmox)),
    networks,
  );
  if (publish) {
    if (!fg.interfaces.some((i) => i.role === "wan")) {
      out.add(
        [root, "interfaces"],
        `the reverse proxy is published on the WAN (homelab:proxy.publish), which needs an interface with role: wan`,
      );
    }
    if (!interfaceTowards(fg, networks, routes, publish.address)) {
      out.add(
        [configKey("proxy"), "host"],
        `the proxy host "${publish.host}" (${publish.address}) is behind no FortiGate interface, so the WAN cannot be forwarded to it`,
      );
    }
  }
}

function checkUnifi(config: SiteConfig, out: Problems, allNetworks: readonly string[]): void {
  const uf = config.unifi;
  if (!uf) return;
  const root = configKey("unifi");
  checkUnique(
    out,
    uf.networks,
    (n) => n.name,
    (i) => [root, "networks", i, "name"],
    "network name",
  );
  checkUnique(
    out,
    uf.networks,
    (n) => n.vlan,
    (i) => [root, "networks", i, "vlan"],
    "VLAN id",
  );
  uf.networks.forEach((network, i) => {
    const prefix = subnetOf(network.cidr);
    if (!prefix) return;
    checkGateway(out, [root, "networks", i, "gateway"], network.gateway, prefix);
    if (network.dhcp) {
      checkRange(
        out,
        [root, "networks", i, "dhcp", "range"],
        network.dhcp.range,
        prefix,
        parseIPv4(network.gateway),
      );
    }
  });
  if (uf.wireguard) {
    const prefix = subnetOf(uf.wireguard.cidr);
    if (prefix) checkGateway(out, [root, "wireguard", "gateway"], uf.wireguard.gateway, prefix);
  }
  if (uf.auth === "password" && !uf.username) {
    out.add([root, "username"], "auth: password needs the local admin username");
  }
  uf.networks.forEach((network, i) => {
    if (network.purpose === "vlan-only" && network.dhcp) {
      out.add(
        [root, "networks", i, "dhcp"],
        "a vlan-only network is layer 2 only (no gateway on the console), so it has no DHCP server: remove dhcp, or make the network corporate",
      );
    }
  });
  // Allows are between the networks the console routes: its VLANs and the WireGuard pool.
  const routed = [
    ...uf.networks.filter((n) => n.purpose !== "vlan-only").map((n) => n.name),
    ...(uf.wireguard ? [uf.wireguard.name] : []),
  ];
  const layer2 = uf.networks.filter((n) => n.purpose === "vlan-only").map((n) => n.name);
  const checkEnds = (refs: string | readonly string[], path: PathSegment[]) => {
    const list = typeof refs === "string" ? [refs] : refs;
    list.forEach((ref, j) => {
      const at = typeof refs === "string" ? path : [...path, j];
      if (routed.includes(ref)) return;
      if (layer2.includes(ref)) {
        out.add(
          at,
          `network "${ref}" is vlan-only (layer 2, not routed by the console), so no firewall rule sees its traffic: make it corporate, or leave it out`,
        );
      } else if (allNetworks.includes(ref)) {
        out.add(
          at,
          `"${ref}" is not a network of the UniFi gateway: allows are between its networks (${routed.map((n) => `"${n}"`).join(", ")}); WAN exposure comes from homelab:proxy.publish`,
        );
      } else {
        out.add(at, unknownReference("network", ref, routed));
      }
    });
  };
  checkUnique(
    out,
    uf.firewall.allow,
    (rule) => allowRuleName(rule),
    (i) => [root, "firewall", "allow", i, "name"],
    "rule name",
  );
  if (uf.firewall.allow.length > MAX_LEGACY_ALLOWS) {
    out.add(
      [root, "firewall", "allow"],
      `at most ${MAX_LEGACY_ALLOWS} allow rules fit between the console's rule indexes (there are ${uf.firewall.allow.length}): merge some`,
    );
  }
  uf.firewall.allow.forEach((rule, i) => {
    checkEnds(rule.from, [root, "firewall", "allow", i, "from"]);
    checkEnds(rule.to, [root, "firewall", "allow", i, "to"]);
    if (rule.ports && !["tcp", "udp", "tcp_udp"].includes(rule.protocol)) {
      out.add(
        [root, "firewall", "allow", i, "ports"],
        `ports need protocol tcp, udp or tcp_udp (this rule is ${rule.protocol})`,
      );
    }
  });
}

function checkServices(config: SiteConfig, out: Problems, allNetworks: readonly string[]): void {
  // Unique host and service names, and the rules of one service against the catalog, are
  // refinements of the schemas (services.ts); the references live in services.rules.ts.
  checkServiceReferences(config, out, allNetworks);
}

/** Rules that need a consistent site: what exposures need, then the port ledger's clashes. */
function checkCatalog(config: SiteConfig, out: Problems): void {
  const before = out.list.length;
  checkCatalogReferences(config, out);
  if (out.list.length > before) return;
  // Ports published twice on one host (needs a consistent configuration).
  const model = servicesModel({
    config,
    hosts: dockerHosts(config, planAddresses(config.proxmox)),
    networks: siteNetworks(config),
    file: out.file,
  });
  out.list.push(...model.problems);
}

/** Every cross-field problem of the site. */
export function validateSite(config: SiteConfig, file: string): Problem[] {
  const out = new Problems(file);
  const allNetworks = networkNames(siteNetworks(config));
  checkNetworks(config, out);
  checkProxmox(config, out);
  checkFortigate(config, out, allNetworks);
  checkUnifi(config, out, allNetworks);
  checkServices(config, out, allNetworks);
  if (out.list.length === 0) checkCatalog(config, out);
  if (config.fortigate && config.unifi) {
    out.add(
      [configKey("unifi")],
      "a site has one edge router: declare homelab:fortigate or homelab:unifi, not both",
    );
  }
  return out.list;
}

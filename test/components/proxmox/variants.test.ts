/**
 * ProxmoxCluster for a lab stack covering what the seeds do not (test/fixtures/proxmox/lab.yaml):
 * VLAN/VXLAN zones, SDN DHCP, NFS/directory/plain LVM/LVM thin/ZFS storages and an existing
 * one, a shared image store, a template clone on a tagged bridge, a DHCP container (the
 * create-time inputs of a container), a Docker host VM with its user data on a shared
 * directory, derived vmids, the TLS opt-out, SSH as a non-root user.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { PlannedResource } from "../../../src/cli/mock-runtime";
import { guestVmid } from "../../../src/model/proxmox";
import { refOf, runMockStack, valueOf, type MockStack } from "../../helpers/mock-stack";

const VM = "proxmoxve:index/vmLegacy:VmLegacy";
const CT = "proxmoxve:index/containerLegacy:ContainerLegacy";
const APPLY = "proxmoxve:sdn/applier:Applier::lab-proxmox-sdn-apply";
const ref = (r: PlannedResource) => `${r.type}::${r.name}`;

describe("ProxmoxCluster (lab stack: the other zone kinds, storages and guest shapes)", () => {
  let lab: MockStack;
  before(async () => {
    lab = await runMockStack({ stack: "lab", file: "test/fixtures/proxmox/lab.yaml" });
  });

  it("TLS opt-out is explicit on the provider and on the API calls; SSH as a non-root user", () => {
    const provider = lab.resource("pulumi:providers:proxmoxve", "lab-proxmox-provider");
    assert.equal(provider.inputs.insecure, "true");
    assert.equal(provider.inputs.endpoint, "https://10.0.20.11:8006");
    assert.equal(
      (JSON.parse(provider.inputs.ssh as string) as { username: string }).username,
      "pulumi",
    );
    const san = lab.resource("command:local:Command", "lab-proxmox-storage-san");
    const script = san.inputs.create as string;
    assert.match(script, /curl -q --silent --show-error --fail-with-body --insecure --config -/);
    assert.match(script, /'https:\/\/10\.0\.20\.11:8006\/api2\/json\/storage\/san'/);
    assert.match(script, /--data-urlencode 'nodes=pve1,pve2'/);
    assert.doesNotMatch(script, /delete=nodes/);
  });

  it("zones: VLAN on its bridge, VXLAN with peers and MTU, simple with the SDN DHCP", () => {
    assert.deepEqual(lab.resource("proxmoxve:sdn/zone/vlan:Vlan", "lab-proxmox-zone-lan").inputs, {
      bridge: "vmbr0",
      ipam: "pve",
      resourceId: "lan",
    });
    assert.deepEqual(
      lab.resource("proxmoxve:sdn/zone/vxlan:Vxlan", "lab-proxmox-zone-ovl").inputs,
      {
        ipam: "pve",
        mtu: 1450,
        peers: ["10.0.20.11", "10.0.20.12"],
        resourceId: "ovl",
      },
    );
    assert.deepEqual(
      lab.resource("proxmoxve:sdn/zone/simple:Simple", "lab-proxmox-zone-labz").inputs,
      { dhcp: "dnsmasq", ipam: "pve", nodes: ["pve1"], resourceId: "labz" },
    );
    const servers = lab.resource("proxmoxve:sdn/vnet:Vnet", "lab-proxmox-vnet-servers");
    assert.equal(servers.inputs.tag, 10);
    assert.equal(servers.inputs.vlanAware, true);
    assert.equal(
      lab.resource("proxmoxve:sdn/vnet:Vnet", "lab-proxmox-vnet-ovl1").inputs.tag,
      100000,
    );
    assert.deepEqual(
      lab.resource("proxmoxve:sdn/subnet:Subnet", "lab-proxmox-subnet-labnet-10.129.0.0-24").inputs,
      {
        cidr: "10.129.0.0/24",
        dhcpDnsServer: "10.129.0.1",
        dhcpRange: { endAddress: "10.129.0.150", startAddress: "10.129.0.100" },
        gateway: "10.129.0.1",
        snat: true,
        vnet: "labnet",
      },
    );
    const apply = lab.resource("proxmoxve:sdn/applier:Applier", "lab-proxmox-sdn-apply");
    assert.equal(apply.options.dependsOn.length, 9);
  });

  it("storages: plain LVM, LVM thin, ZFS, NFS and directory through the provider, PBS without encryption; nothing for an existing one", () => {
    assert.deepEqual(
      lab.resource("proxmoxve:storage/lvmthin:Lvmthin", "lab-proxmox-storage-thin").inputs,
      {
        contents: ["images", "rootdir"],
        nodes: ["pve2"],
        resourceId: "thin",
        thinPool: "data",
        volumeGroup: "pve",
      },
    );
    assert.deepEqual(
      lab.resource("proxmoxve:storage/zfspool:Zfspool", "lab-proxmox-storage-zfs").inputs,
      {
        blocksize: "16k",
        contents: ["images", "rootdir"],
        resourceId: "zfs",
        thinProvision: true,
        zfsPool: "rpool/data",
      },
    );
    assert.ok(
      !lab.plan.resources.some((r) => r.name === "lab-proxmox-storage-local"),
      "the existing storage local is used, never managed",
    );
    assert.deepEqual(
      lab.resource("proxmoxve:storage/lvm:Lvm", "lab-proxmox-storage-local-lvm").inputs,
      {
        contents: ["images", "rootdir"],
        resourceId: "local-lvm",
        shared: false,
        volumeGroup: "pve",
      },
    );
    assert.deepEqual(lab.resource("proxmoxve:storage/nfs:Nfs", "lab-proxmox-storage-tank").inputs, {
      contents: ["images", "rootdir"],
      export: "/mnt/tank/pve",
      options: "vers=4.2",
      resourceId: "tank",
      server: "10.0.20.5",
    });
    assert.deepEqual(
      lab.resource("proxmoxve:storage/directory:Directory", "lab-proxmox-storage-files").inputs,
      {
        contents: ["iso", "import", "vztmpl", "snippets"],
        path: "/srv/pve",
        resourceId: "files",
        shared: true,
      },
    );
    const pbs = lab.resource("proxmoxve:storage/pbs:Pbs", "lab-proxmox-storage-backup");
    assert.equal(pbs.inputs.password, "[secret]");
    assert.equal(pbs.inputs.encryptionKey, undefined);
  });

  it("images on a shared store are downloaded once, after the storage exists", () => {
    const files = lab.ofType("proxmoxve:download/file:File");
    assert.deepEqual(
      files.map((f) => [f.name, f.inputs.nodeName, f.inputs.datastoreId, f.inputs.fileName]).sort(),
      [
        [
          "lab-proxmox-image-alpine-pve1",
          "pve1",
          "files",
          "alpine-3.24-default_20260714_amd64.tar.xz",
        ],
        ["lab-proxmox-image-noble-pve1", "pve1", "files", "noble.qcow2"],
      ],
    );
    const noble = lab.resource("proxmoxve:download/file:File", "lab-proxmox-image-noble-pve1");
    assert.equal(
      noble.inputs.checksum,
      "ffe6203da54deeb6db5d2a98a83f9ec8e55f149d3f7ba622e1abe5fa966ee3d6",
    );
    assert.equal(noble.inputs.checksumAlgorithm, "sha256");
    assert.deepEqual(noble.options.dependsOn, [
      "proxmoxve:storage/directory:Directory::lab-proxmox-storage-files",
    ]);
    // The guest on pve2 uses the download made through pve1.
    const vm = lab.resource(VM, "lab-proxmox-guest-vm-ovl");
    assert.ok(vm.options.dependsOn.includes(ref(noble)));
    assert.equal(
      (vm.inputs.disks as { importFrom: string }[])[0]!.importFrom,
      "files:import/noble.qcow2",
    );
  });

  it("a template clone on a tagged bridge: full clone, static address, no SDN dependency", () => {
    const vm = lab.resource(VM, "lab-proxmox-guest-vm-clone");
    assert.deepEqual(vm.inputs.clone, { datastoreId: "tank", full: true, vmId: 9000 });
    assert.deepEqual(vm.inputs.disks, [
      { datastoreId: "tank", discard: "on", interface: "scsi0", iothread: true, size: 20 },
    ]);
    assert.deepEqual(vm.inputs.networkDevices, [
      { bridge: "vmbr0", firewall: false, model: "virtio", vlanId: 20 },
    ]);
    assert.deepEqual((vm.inputs.initialization as { ipConfigs: unknown }).ipConfigs, [
      { ipv4: { address: "192.168.20.5/24", gateway: "192.168.20.1" } },
    ]);
    assert.equal(vm.inputs.vmId, guestVmid({ name: "vm-clone" }));
    assert.deepEqual(vm.inputs.tags, ["lab", "web"]);
    assert.ok(!vm.options.dependsOn.includes(APPLY));
  });

  it("a Docker host VM on two vnets: VLAN tag on the VLAN-aware vnet, one default gateway, user data on the shared directory", () => {
    const vm = lab.resource(VM, "lab-proxmox-guest-vm-ovl");
    assert.equal(vm.inputs.nodeName, "pve2");
    assert.deepEqual(vm.inputs.networkDevices, [
      { bridge: "servers", firewall: false, model: "virtio", vlanId: 30 },
      { bridge: "ovl1", firewall: true, model: "virtio" },
    ]);
    const init = vm.inputs.initialization as {
      ipConfigs: { ipv4: { address: string; gateway?: string } }[];
      userAccount?: unknown;
      userDataFileId: string;
    };
    assert.match(init.ipConfigs[0]!.ipv4.address, /^10\.0\.10\.\d+\/24$/);
    assert.equal(init.ipConfigs[0]!.ipv4.gateway, "10.0.10.1");
    assert.match(init.ipConfigs[1]!.ipv4.address, /^10\.200\.0\.\d+\/24$/);
    assert.equal(init.ipConfigs[1]!.ipv4.gateway, undefined);
    assert.equal(init.userAccount, undefined, "the user data replaces userAccount");
    assert.equal(init.userDataFileId, "files:snippets/homelab-vm-ovl-user-data.yaml");
    const file = lab.resource(
      "proxmoxve:index/fileLegacy:FileLegacy",
      "lab-proxmox-user-data-vm-ovl",
    );
    assert.equal(file.inputs.nodeName, "pve2", "uploaded to the VM's node");
    assert.equal(file.inputs.datastoreId, "files");
    const data = (file.inputs.sourceRaw as { data: string }).data;
    assert.match(data, /^ {2}- name: "deploy"$/m);
    assert.match(data, /"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly admin@lab"/);
    assert.ok(vm.options.dependsOn.includes(ref(file)));
    const wait = lab.resource("command:remote:Command", "lab-proxmox-docker-ready-vm-ovl");
    assert.deepEqual(wait.options.dependsOn, [ref(vm)]);
    // An LVM thin pool holds raw volumes only.
    assert.equal((vm.inputs.disks as { fileFormat?: string }[])[0]!.fileFormat, "raw");
    assert.ok(
      vm.options.dependsOn.includes("proxmoxve:storage/lvmthin:Lvmthin::lab-proxmox-storage-thin"),
    );
    assert.ok(vm.options.dependsOn.includes(APPLY));
  });

  it("a DHCP container: privileged, stopped, fixed MAC, Alpine, on the SDN DHCP vnet, create-time inputs ignored", () => {
    const ct = lab.resource(CT, "lab-proxmox-guest-ct-alpine");
    assert.deepEqual(ct.inputs.networkInterfaces, [
      { bridge: "labnet", firewall: false, macAddress: "BC:24:11:AA:BB:CC", name: "eth0" },
    ]);
    assert.deepEqual((ct.inputs.initialization as { ipConfigs: unknown }).ipConfigs, [
      { ipv4: { address: "dhcp" } },
    ]);
    assert.deepEqual(ct.inputs.operatingSystem, {
      templateFileId: "files:vztmpl/alpine-3.24-default_20260714_amd64.tar.xz",
      type: "alpine",
    });
    assert.equal(ct.inputs.unprivileged, false);
    assert.equal(ct.inputs.started, false);
    assert.equal(ct.inputs.startOnBoot, false);
    assert.equal(ct.inputs.features, undefined, "no feature flags: only root@pam may change them");
    assert.ok(ct.options.dependsOn.includes(APPLY));
    // Exactly the create-time inputs: not the whole disk (its size grows in place).
    assert.deepEqual(ct.options.ignoreChanges, [
      "disk.datastoreId",
      "operatingSystem",
      "initialization.userAccount",
      "features",
    ]);
    assert.deepEqual(ct.inputs.disk, { datastoreId: "local-lvm", size: 2 });
  });

  it("backup jobs: only the one guests name, with its retention, compression and mail", () => {
    const jobs = lab.ofType("proxmoxve:backup/job:Job");
    assert.equal(jobs.length, 1);
    assert.deepEqual(jobs[0]!.inputs, {
      compress: "0",
      enabled: true,
      mailnotification: "always",
      mailtos: ["admin@example.org"],
      mode: "stop",
      pruneBackups: { "keep-last": "3" },
      resourceId: "weekly",
      schedule: "sun 03:00",
      storage: "backup",
      vmids: [guestVmid({ name: "vm-clone" }), guestVmid({ name: "vm-ovl" })]
        .sort((a, b) => a - b)
        .map(String),
    });
  });

  it("outputs: guests with a planned address only (not the DHCP container), Docker user", async () => {
    const guests = lab.homelab.proxmox!.guests;
    assert.deepEqual(Object.keys(guests).sort(), ["vm-clone", "vm-ovl"]);
    assert.equal(await valueOf(guests["vm-clone"]!.address), "192.168.20.5");
    assert.equal(guests["vm-ovl"]!.sshUser, "deploy");
    assert.equal(guests["vm-clone"]!.sshUser, "debian");
    assert.equal(
      await refOf(guests["vm-ovl"]!.resource),
      "command:remote:Command::lab-proxmox-docker-ready-vm-ovl",
    );
    assert.equal(await refOf(guests["vm-clone"]!.resource), `${VM}::lab-proxmox-guest-vm-clone`);
  });
});

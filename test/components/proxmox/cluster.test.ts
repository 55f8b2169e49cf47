/**
 * ProxmoxCluster for the `home` stack (seed 000) under the mock runtime: the explicit
 * provider with its token secret, SDN shared1/swprod/10.128.0.0/24 with SNAT and exactly one
 * apply ordered between the SDN resources and the guests, the NAS storages and the encrypted
 * PBS with its nightly job, one protected Docker host VM per service on pve1, each with its
 * user data and the wait its Docker provider depends on, the Docker host outputs.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { PlannedResource } from "../../../src/cli/mock-runtime";
import { DOCKER_READY_SCRIPT } from "../../../src/components/proxmox/docker-host";
import { GUEST_IGNORED_CHANGES } from "../../../src/components/proxmox/guests";
import { guestAddress } from "../../../src/model/address-plan";
import { sdnFingerprint, sdnObjectIds } from "../../../src/model/proxmox";
import { refOf, runMockStack, valueOf, type MockStack } from "../../helpers/mock-stack";
import { HOME } from "../../helpers/sites";

const APPLIER = "proxmoxve:sdn/applier:Applier";
const ZONE = "proxmoxve:sdn/zone/simple:Simple";
const VNET = "proxmoxve:sdn/vnet:Vnet";
const SUBNET = "proxmoxve:sdn/subnet:Subnet";
const VM = "proxmoxve:index/vmLegacy:VmLegacy";
const CT = "proxmoxve:index/containerLegacy:ContainerLegacy";
const COMMAND = "command:local:Command";
const WAIT = "command:remote:Command";
const FILE = "proxmoxve:index/fileLegacy:FileLegacy";
const ref = (r: PlannedResource) => `${r.type}::${r.name}`;

describe("ProxmoxCluster (home stack, seed 000)", () => {
  let home: MockStack;
  let guests: PlannedResource[];
  before(async () => {
    home = await runMockStack(HOME);
    guests = [...home.ofType(VM), ...home.ofType(CT)];
  });

  it("is a homelab:proxmox:Cluster under the root component", () => {
    const cluster = home.resource("homelab:proxmox:Cluster", "home-proxmox");
    assert.equal(cluster.parent, "homelab:index:Homelab::home");
    assert.ok(home.homelab.proxmox, "Homelab exposes the cluster");
  });

  it("one explicit provider from the stack: endpoint, token secret, TLS verified", () => {
    const providers = home.ofType("pulumi:providers:proxmoxve");
    assert.equal(providers.length, 1);
    const provider = providers[0]!;
    assert.equal(provider.name, "home-proxmox-provider");
    assert.equal(provider.inputs.endpoint, "https://pve1.home.arpa:8006/");
    assert.equal(provider.inputs.apiToken, "[secret]");
    assert.equal(provider.inputs.insecure, "false");
    assert.equal(provider.inputs.minTls, "1.3");
    assert.equal(provider.inputs.randomVmIds, "false");
    assert.deepEqual(JSON.parse(provider.inputs.ssh as string), {
      username: "root",
      agent: true,
      agentForwarding: false,
      nodes: [
        { name: "pve1", address: "172.24.0.11" },
        { name: "pve2", address: "172.24.0.12" },
      ],
    });
  });

  it("the token is user@realm!id=<secret>, built inside an Output and still secret", async () => {
    const provider = home.homelab.proxmox!.provider as proxmoxve.Provider;
    assert.ok(proxmoxve.Provider.isInstance(provider));
    const secret = home.secretValues.find((v) => v.endsWith("proxmoxApiToken"))!;
    assert.equal(await valueOf(provider.apiToken), `pulumi@pve!homelab=${secret}`);
    assert.equal(await pulumi.isSecret(provider.apiToken), true);
  });

  it("every Proxmox resource uses the cluster's provider, every command its own", async () => {
    const cluster = home.homelab.proxmox!;
    const managed = (type: string) => type.startsWith("proxmoxve:") || type.startsWith("command:");
    const byProvider = new Map<string, string[]>();
    for (const captured of home.options) {
      if (!managed(captured.type)) continue;
      assert.ok(captured.provider, `${captured.type} ${captured.name} has no explicit provider`);
      const provider = await refOf(captured.provider);
      byProvider.set(provider, [...(byProvider.get(provider) ?? []), captured.type]);
      if (captured.type.startsWith("proxmoxve:")) assert.equal(captured.provider, cluster.provider);
    }
    assert.deepEqual([...byProvider.keys()].sort(), [
      "pulumi:providers:command::home-proxmox-command",
      "pulumi:providers:proxmoxve::home-proxmox-provider",
    ]);
    // The transformation saw every managed resource of the plan.
    assert.equal(
      home.options.filter((o) => managed(o.type)).length,
      home.plan.resources.filter((r) => managed(r.type)).length,
    );
    assert.ok(home.plan.resources.filter((r) => managed(r.type)).length > 20);
  });

  it("SDN: simple zone shared1, vnet swprod, subnet 10.128.0.0/24 via 10.128.0.1 with SNAT", () => {
    const zone = home.resource(ZONE, "home-proxmox-zone-shared1");
    assert.equal(zone.inputs.resourceId, "shared1");
    assert.equal(zone.inputs.ipam, "pve");
    const vnet = home.resource(VNET, "home-proxmox-vnet-swprod");
    assert.equal(vnet.inputs.resourceId, "swprod");
    assert.equal(vnet.inputs.zone, "shared1");
    const subnets = home.ofType(SUBNET);
    assert.equal(subnets.length, 1);
    assert.deepEqual(subnets[0]!.inputs, {
      cidr: "10.128.0.0/24",
      gateway: "10.128.0.1",
      snat: true,
      vnet: "swprod",
    });
  });

  it("exactly one SDN apply: after every SDN resource, re-run by a fingerprint of the SDN", () => {
    const sdn = [...home.ofType(ZONE), ...home.ofType(VNET), ...home.ofType(SUBNET)];
    assert.equal(sdn.length, 3);
    const appliers = home.ofType(APPLIER);
    const applying = appliers.filter((a) => a.inputs.onCreate !== false);
    assert.equal(applying.length, 1, "one applier applies during an up");
    const apply = applying[0]!;
    assert.equal(apply.name, "home-proxmox-sdn-apply");
    assert.deepEqual(apply.inputs, { onCreate: true, onDestroy: false });
    assert.deepEqual(apply.options.dependsOn, sdn.map(ref).sort());
    assert.equal(apply.options.deleteBeforeReplace, false);
    const trigger = home.options.find((o) => o.name === apply.name)?.replacementTrigger;
    assert.equal(trigger, sdnFingerprint(home.model.config.proxmox!.sdn));
  });

  it("the finalizer applies removals: every SDN resource depends on it, it applies on destroy only", () => {
    const finalizer = home.resource(APPLIER, "home-proxmox-sdn-finalizer");
    assert.deepEqual(finalizer.inputs, { onCreate: false, onDestroy: true });
    assert.equal(finalizer.options.deleteBeforeReplace, false);
    const trigger = home.options.find((o) => o.name === finalizer.name)?.replacementTrigger;
    assert.equal(trigger, sdnObjectIds(home.model.config.proxmox!.sdn).join(" "));
    for (const r of [...home.ofType(ZONE), ...home.ofType(VNET), ...home.ofType(SUBNET)]) {
      assert.deepEqual(r.options.dependsOn, [ref(finalizer)], r.name);
    }
    assert.equal(home.ofType(APPLIER).length, 2);
  });

  it("every guest on a vnet waits for the SDN apply", () => {
    assert.equal(guests.length, 10);
    for (const guest of guests) {
      assert.ok(
        guest.options.dependsOn.includes(`${APPLIER}::home-proxmox-sdn-apply`),
        `${guest.name} does not wait for the SDN apply`,
      );
    }
  });

  it("storages: iSCSI from the NAS and LVM on its LUN through the API, encrypted PBS", () => {
    const iscsi = home.resource(COMMAND, "home-proxmox-storage-nas-iscsi");
    const create = iscsi.inputs.create as string;
    assert.match(create, /-X POST 'https:\/\/pve1\.home\.arpa:8006\/api2\/json\/storage'/);
    assert.match(create, /--data-urlencode 'type=iscsi'/);
    assert.match(create, /--data-urlencode 'portal=172\.24\.0\.20'/);
    assert.match(create, /--data-urlencode 'target=iqn\.2013-03\.com\.wdc:ex2ultra:pve'/);
    assert.doesNotMatch(create, /--insecure/, "TLS is verified");
    assert.equal(iscsi.inputs.update, create);
    assert.match(iscsi.inputs.delete as string, /-X DELETE '.*\/storage\/nas-iscsi'/);
    assert.deepEqual(iscsi.inputs.environment, { PVE_API_TOKEN: "[secret]" });
    assert.equal(iscsi.options.deleteBeforeReplace, true);

    const lvm = home.resource(COMMAND, "home-proxmox-storage-nas-lvm");
    const lvmCreate = lvm.inputs.create as string;
    assert.match(lvmCreate, /--data-urlencode 'type=lvm'/);
    assert.match(lvmCreate, /--data-urlencode 'vgname=vg-nas'/);
    assert.match(
      lvmCreate,
      /--data-urlencode 'base=nas-iscsi:0\.0\.0\.scsi-36001405a1b2c3d4e5f60718293a4b5c6'/,
    );
    assert.match(lvmCreate, /--data-urlencode 'shared=1'/);
    assert.deepEqual(lvm.options.dependsOn, [ref(iscsi)]);

    const pbs = home.resource("proxmoxve:storage/pbs:Pbs", "home-proxmox-storage-friend-pbs");
    assert.equal(pbs.inputs.server, "pbs.baptiste.example.com");
    assert.equal(pbs.inputs.datastore, "alexis");
    assert.equal(pbs.inputs.username, "alexis@pbs");
    assert.equal(pbs.inputs.password, "[secret]");
    assert.equal(pbs.inputs.encryptionKey, "[secret]");
    assert.deepEqual(pbs.inputs.contents, ["backup"]);
  });

  it("the nightly backup job covers every guest that names it, on the friend's PBS", () => {
    const jobs = home.ofType("proxmoxve:backup/job:Job");
    assert.equal(jobs.length, 1);
    const job = jobs[0]!;
    assert.equal(job.inputs.resourceId, "nightly");
    assert.equal(job.inputs.storage, "friend-pbs");
    assert.equal(job.inputs.schedule, "*-*-* 02:30");
    assert.equal(job.inputs.mode, "snapshot");
    assert.deepEqual(job.inputs.vmids, [
      "101",
      "102",
      "103",
      "104",
      "105",
      "106",
      "107",
      "108",
      "109",
      "110",
    ]);
    assert.deepEqual(job.inputs.pruneBackups, {
      "keep-daily": "7",
      "keep-monthly": "6",
      "keep-weekly": "4",
    });
    assert.ok(
      job.options.dependsOn.includes("proxmoxve:storage/pbs:Pbs::home-proxmox-storage-friend-pbs"),
    );
    for (const guest of guests) assert.ok(job.options.dependsOn.includes(ref(guest)), guest.name);
  });

  it("one guest per service the seed runs on Proxmox, all on pve1, none on pve2", () => {
    const config = home.model.config;
    const hosts = new Set([
      ...config.services.map((s) => s.host),
      config.proxy!.host,
      config.proxy!.crowdsec!.host,
    ]);
    const names = new Set(guests.map((g) => g.name.replace(/^home-proxmox-guest-/, "")));
    assert.deepEqual([...hosts].sort(), [...names].sort());
    for (const guest of guests) assert.equal(guest.inputs.nodeName, "pve1", guest.name);
    assert.ok(
      !JSON.stringify(home.plan.resources.map((r) => r.inputs)).includes('"nodeName":"pve2"'),
    );
  });

  it("guest disks are protected: protect, retainOnDelete, creation-only inputs ignored", () => {
    for (const guest of guests) {
      assert.equal(guest.options.protect, true, guest.name);
      assert.equal(guest.options.retainOnDelete, true, guest.name);
      assert.equal(guest.options.deleteBeforeReplace, false, guest.name);
      const expected = guest.type === VM ? GUEST_IGNORED_CHANGES.vm : GUEST_IGNORED_CHANGES.lxc;
      assert.deepEqual(guest.options.ignoreChanges, [...expected], guest.name);
    }
    for (const vm of home.ofType(VM)) {
      assert.equal(vm.inputs.deleteUnreferencedDisksOnDestroy, false);
      assert.equal(vm.inputs.migrate, true);
      // Exactly the create-time inputs (guests.ts cites the provider for each).
      assert.deepEqual(vm.options.ignoreChanges, [
        "disks[0].importFrom",
        "clone",
        "initialization.userDataFileId",
      ]);
    }
  });

  it("VMs: cloud image imported to the NAS LVM, cloud-init address from the plan, user data", () => {
    const immich = home.resource(VM, "home-proxmox-guest-immich");
    const planned = guestAddress(home.model.addresses, "immich")!;
    assert.equal(planned.source, "auto");
    assert.deepEqual(immich.inputs.disks, [
      {
        datastoreId: "nas-lvm",
        discard: "on",
        fileFormat: "raw",
        importFrom: "local:import/debian-13-genericcloud-amd64-20260712-2537.qcow2",
        interface: "scsi0",
        iothread: true,
        size: 64,
      },
    ]);
    // The user data replaces what Proxmox would generate from userAccount (cicustom user=).
    assert.deepEqual(immich.inputs.initialization, {
      datastoreId: "nas-lvm",
      ipConfigs: [{ ipv4: { address: `${planned.address!}/24`, gateway: "10.128.0.1" } }],
      userDataFileId: "local:snippets/homelab-immich-user-data.yaml",
    });
    assert.deepEqual(immich.inputs.networkDevices, [
      { bridge: "swprod", firewall: false, model: "virtio" },
    ]);
    assert.equal(immich.inputs.vmId, 105);
    assert.deepEqual(immich.inputs.cpu, { cores: 2, type: "x86-64-v2-AES" });
    assert.deepEqual(immich.inputs.memory, { dedicated: 4096 });
    assert.equal(immich.inputs.onBoot, true);
    for (const dependency of [
      "proxmoxve:download/file:File::home-proxmox-image-debian13-pve1",
      `${COMMAND}::home-proxmox-storage-nas-lvm`,
      `${FILE}::home-proxmox-user-data-immich`,
    ]) {
      assert.ok(immich.options.dependsOn.includes(dependency), dependency);
    }
  });

  it("Docker hosts are VMs: no container in the seed, every guest with docker a VM", () => {
    assert.equal(home.ofType(CT).length, 0);
    const docker = home.model.config.proxmox!.guests.filter((g) => g.docker);
    assert.equal(docker.length, 10);
    for (const guest of docker) assert.equal(guest.type, "vm", guest.name);
  });

  it("every Docker host VM: its site key, its user data on local, a wait its Docker provider depends on", () => {
    const keys = home.model.config.site.sshKeys;
    assert.equal(keys.length, 1);
    const hosts = home.model.dockerHosts.filter((h) => h.kind === "guest");
    assert.equal(hosts.length, 10);
    for (const host of hosts) {
      const file = home.resource(FILE, `home-proxmox-user-data-${host.name}`);
      assert.equal(file.inputs.contentType, "snippets");
      assert.equal(file.inputs.datastoreId, "local");
      assert.equal(file.inputs.nodeName, "pve1");
      const source = file.inputs.sourceRaw as { data: string; fileName: string };
      assert.equal(source.fileName, `homelab-${host.name}-user-data.yaml`);
      for (const key of keys) assert.ok(source.data.includes(JSON.stringify(key)), host.name);
      assert.match(source.data, /^ {2}- docker\.io$/m);
      assert.equal(file.options.deleteBeforeReplace, true, "same file name: delete first");
      assert.equal(file.options.retainOnDelete, true, "a VM never loses its user data");

      const vm = home.resource(VM, `home-proxmox-guest-${host.name}`);
      const wait = home.resource(WAIT, `home-proxmox-docker-ready-${host.name}`);
      assert.deepEqual(wait.options.dependsOn, [ref(vm)]);
      assert.equal(wait.inputs.create, DOCKER_READY_SCRIPT);
      assert.equal(wait.inputs.connection, "[secret]", "the SDK keeps connections secret");
      const provider = home.resource(
        "pulumi:providers:docker",
        `home-services-host-${host.name}-provider`,
      );
      assert.deepEqual(provider.options.dependsOn, [ref(wait)]);
      assert.equal(provider.inputs.host, `ssh://debian@${host.address}:22`);
    }
    assert.equal(home.ofType(WAIT).length, 10);
  });

  it("the wait reaches the VM as the Docker user with the agent's keys, retrying while it boots", async () => {
    const cluster = home.homelab.proxmox!;
    const wait = cluster.guests.caddy!.resource as command.remote.Command;
    assert.ok(command.remote.Command.isInstance(wait));
    const connection = (await valueOf(wait.connection)) as unknown as Record<string, unknown>;
    // Exactly these keys: no private key, no password (the SSH agent at SSH_AUTH_SOCK signs).
    assert.deepEqual(connection, {
      host: "10.128.0.10",
      port: 22,
      user: "debian",
      dialErrorLimit: 60,
      perDialTimeout: 10,
    });
  });

  it("Home Assistant gets the ZigBee dongle through a USB mapping on pve1", () => {
    const mapping = home.resource(
      "proxmoxve:hardware/mapping/usb:Usb",
      "home-proxmox-usb-homeassistant-0",
    );
    assert.deepEqual(mapping.inputs.maps, [{ id: "10c4:ea60", node: "pve1" }]);
    const ha = home.resource(VM, "home-proxmox-guest-homeassistant");
    assert.deepEqual(ha.inputs.usbs, [{ mapping: mapping.inputs.name }]);
    assert.ok(ha.options.dependsOn.includes(ref(mapping)));
    assert.equal(home.ofType("proxmoxve:hardware/mapping/usb:Usb").length, 1);
  });

  it("images are downloaded by Proxmox to pve1, without re-downloading a changed upstream", () => {
    const files = home.ofType("proxmoxve:download/file:File");
    assert.deepEqual(
      files.map((f) => [f.name, f.inputs.nodeName, f.inputs.contentType, f.inputs.overwrite]),
      [["home-proxmox-image-debian13-pve1", "pve1", "import", false]],
    );
    assert.equal(files[0]!.inputs.checksumAlgorithm, "sha512");
    assert.match(files[0]!.inputs.checksum as string, /^[0-9a-f]{128}$/);
    assert.match(
      files[0]!.inputs.url as string,
      /^https:\/\/cloud\.debian\.org\/.*\/20260712-2537\//,
    );
  });

  it("outputs for the services issue: address, SSH user and resource of every guest", async () => {
    const outputs = home.homelab.proxmox!.guests;
    assert.deepEqual(
      Object.keys(outputs).sort(),
      guests.map((g) => g.name.replace(/^home-proxmox-guest-/, "")).sort(),
    );
    for (const host of home.model.dockerHosts.filter((h) => h.kind === "guest")) {
      const out = outputs[host.name]!;
      assert.equal(await valueOf(out.address), host.address, host.name);
      assert.equal(out.sshUser, host.user, host.name);
      // A Docker host is ready once its daemon answers: connect after the wait.
      const resourceRef = await refOf(out.resource);
      assert.equal(resourceRef, `${WAIT}::home-proxmox-docker-ready-${host.name}`);
    }
    assert.equal(await valueOf(outputs.caddy!.address), "10.128.0.10");
    assert.equal(outputs.caddy!.sshUser, "debian");
    assert.equal(outputs.immich!.sshUser, "debian");
  });

  it("no secret in clear in any input: the placeholders never appear, secrets print [secret]", () => {
    const text = JSON.stringify(home.plan);
    assert.ok(home.secretValues.length >= 3);
    for (const value of home.secretValues) assert.ok(!text.includes(value), `${value} leaked`);
    assert.ok(!text.includes("offline-placeholder"));
    const secretInputs = (text.match(/"\[secret\]"/g) ?? []).length;
    assert.ok(secretInputs >= 5, `only ${secretInputs} secret inputs`);
  });
});

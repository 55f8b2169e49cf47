/** Proxmox derivations: ids, images, guest networking, backups, SDN fingerprint, quorum. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { proxmoxBaseSchema, type ProxmoxConfig } from "../../src/config/proxmox";
import { canonicalJson } from "../../src/lib/canonical-json";
import { planAddresses } from "../../src/model/address-plan";
import {
  apiStorage,
  backupJobs,
  containerOsType,
  DERIVED_VMID_COUNT,
  DERIVED_VMID_FIRST,
  guestNics,
  guestVmid,
  imageFileName,
  imageFiles,
  pruneBackups,
  quorum,
  sdnFingerprint,
  sdnObjectIds,
  vzdumpCompress,
  zoneRunsDhcp,
} from "../../src/model/proxmox";
import { planProxmox } from "../../src/model/proxmox-plan";
import { siteModel } from "../helpers/site";
import { HOME } from "../helpers/sites";

const home = siteModel(HOME);
const px = home.config.proxmox!;
/** A site without SSH keys, for plans of clusters built here. */
const NO_SITE = { sshKeys: [], domains: { internal: "home.arpa" } };

function cluster(extra: Record<string, unknown>): ProxmoxConfig {
  return proxmoxBaseSchema.parse({
    endpoint: "https://10.0.0.11:8006/",
    apiTokenId: "pulumi@pve!t",
    nodes: [
      { name: "pve1", address: "10.0.0.11" },
      { name: "pve2", address: "10.0.0.12" },
      { name: "pve3", address: "10.0.0.13", powered: false },
    ],
    ...extra,
  });
}

describe("guest ids", () => {
  it("a declared vmid wins; otherwise a stable id derived from the name, clear of small ids", () => {
    assert.equal(guestVmid({ name: "immich", vmid: 105 }), 105);
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), (name) => {
        const id = guestVmid({ name });
        assert.equal(guestVmid({ name }), id);
        assert.ok(id >= DERIVED_VMID_FIRST && id < DERIVED_VMID_FIRST + DERIVED_VMID_COUNT);
      }),
    );
    assert.notEqual(guestVmid({ name: "a" }), guestVmid({ name: "b" }));
  });
});

describe("images", () => {
  it("the seed's image: on pve1 only, as an import volume", () => {
    assert.deepEqual(
      imageFiles(px).map((f) => [f.image, f.node, f.contentType, f.volumeId]),
      [
        [
          "debian13",
          "pve1",
          "import",
          "local:import/debian-13-genericcloud-amd64-20260712-2537.qcow2",
        ],
      ],
    );
  });

  it("an image without node is downloaded to every powered node (once on shared storage); fileName overrides the URL", () => {
    const cfg = cluster({
      images: [
        {
          name: "noble",
          url: "https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img?x=1",
          fileName: "noble.qcow2",
          storage: "shared-iso",
          checksum: { algorithm: "sha256", value: "ab12" },
        },
      ],
    });
    assert.deepEqual(
      imageFiles(cfg).map((f) => [f.node, f.volumeId, f.checksum?.value]),
      [
        ["pve1", "shared-iso:import/noble.qcow2", "ab12"],
        ["pve2", "shared-iso:import/noble.qcow2", "ab12"],
      ],
    );
    assert.deepEqual(
      imageFiles(cfg).map((f) => f.serves),
      [["pve1"], ["pve2"]],
    );
    const shared = cluster({
      storages: [{ name: "shared-iso", type: "nfs", server: "10.0.0.5", export: "/iso" }],
      images: cfg.images,
    });
    assert.deepEqual(
      imageFiles(shared).map((f) => [f.node, f.serves]),
      [["pve1", ["pve1", "pve2"]]],
      "one download on a shared storage serves every powered node",
    );
    assert.equal(
      imageFileName({ url: "https://example.org/a/b/debian%2012.qcow2", fileName: undefined }),
      "debian 12.qcow2",
    );
  });

  it("a container template's distribution comes from os, else from Proxmox's file names", () => {
    const t = (url: string, os?: "alpine") => containerOsType({ url, os, fileName: undefined });
    assert.equal(t("http://x/debian-12-standard_12.7-1_amd64.tar.zst"), "debian");
    assert.equal(t("http://x/ubuntu-24.04-standard_24.04-2_amd64.tar.zst"), "ubuntu");
    assert.equal(t("http://x/rockylinux-9-default_20240912_amd64.tar.xz"), "centos");
    assert.equal(t("http://x/alpine-3.20-default_20240908_amd64.tar.xz"), "alpine");
    assert.equal(t("http://x/homebrew.tar.zst"), undefined);
    assert.equal(t("http://x/homebrew.tar.zst", "alpine"), "alpine");
  });
});

describe("guest networking", () => {
  it("seed guests: on swprod with their planned /24 address and the SDN gateway", () => {
    const caddy = px.guests.find((g) => g.name === "caddy")!;
    assert.deepEqual(guestNics(caddy, home.addresses), [
      {
        bridge: "swprod",
        vnet: "swprod",
        vlan: undefined,
        mac: undefined,
        firewall: false,
        address: "10.128.0.10/24",
        gateway: "10.128.0.1",
      },
    ]);
    const immich = px.guests.find((g) => g.name === "immich")!;
    const planned = home.addresses.nics.find((n) => n.guest === "immich")!;
    assert.equal(guestNics(immich, home.addresses)[0]!.address, `${planned.address!}/24`);
  });

  it("one default gateway per guest: the NIC that names one, else the first with a subnet gateway", () => {
    const cfg = cluster({
      sdn: {
        zones: [
          {
            name: "z",
            type: "simple",
            vnets: [
              {
                name: "a",
                subnets: [
                  {
                    cidr: "10.1.0.0/24",
                    gateway: "10.1.0.1",
                    dhcp: { range: "10.1.0.100-10.1.0.110" },
                  },
                ],
              },
              { name: "b", subnets: [{ cidr: "10.2.0.0/24", gateway: "10.2.0.1" }] },
            ],
          },
        ],
      },
      guests: [
        {
          name: "multi",
          type: "vm",
          node: "pve1",
          image: "i",
          disk: { storage: "s", sizeGiB: 8 },
          nics: [
            { vnet: "a", ip: "dhcp" },
            { vnet: "b", ip: "10.2.0.5" },
            { vnet: "a", ip: "10.1.0.7" },
            {
              bridge: "vmbr0",
              vlan: 10,
              ip: "10.0.10.20/24",
              gateway: "10.0.10.1",
              mac: "BC:24:11:00:00:01",
            },
          ],
        },
      ],
    });
    const nics = guestNics(cfg.guests[0]!, planAddresses(cfg));
    assert.deepEqual(
      nics.map((n) => [n.bridge, n.vlan, n.address, n.gateway, n.mac]),
      [
        ["a", undefined, "dhcp", undefined, undefined],
        ["b", undefined, "10.2.0.5/24", undefined, undefined],
        ["a", undefined, "10.1.0.7/24", undefined, undefined],
        ["vmbr0", 10, "10.0.10.20/24", "10.0.10.1", "BC:24:11:00:00:01"],
      ],
    );
    const unnamed = {
      ...cfg.guests[0]!,
      nics: cfg.guests[0]!.nics.map((nic) => ({ ...nic, gateway: undefined })),
    };
    assert.deepEqual(
      guestNics(unnamed, planAddresses({ ...cfg, guests: [unnamed] })).map((n) => n.gateway),
      [undefined, "10.2.0.1", undefined, undefined],
    );
  });
});

describe("backups", () => {
  it("the seed's nightly job covers every guest by vmid, with its retention", () => {
    const [nightly, ...rest] = backupJobs(px);
    assert.equal(rest.length, 0);
    assert.equal(nightly!.job.storage, "friend-pbs");
    assert.deepEqual(nightly!.vmids, [101, 102, 103, 104, 105, 106, 107, 108, 109, 110]);
    assert.deepEqual(pruneBackups(nightly!.job.keep), {
      "keep-daily": "7",
      "keep-weekly": "4",
      "keep-monthly": "6",
    });
  });

  it("a job no guest names is left out; compression names map to vzdump's", () => {
    const cfg = cluster({
      backups: [{ name: "weekly", storage: "nfs", schedule: "sun 03:00", keep: { last: 3 } }],
    });
    assert.deepEqual(backupJobs(cfg), []);
    assert.deepEqual(pruneBackups(cfg.backups[0]!.keep), { "keep-last": "3" });
    assert.equal(vzdumpCompress("none"), "0");
    assert.equal(vzdumpCompress("zstd"), "zstd");
  });
});

describe("SDN fingerprint", () => {
  const zone = {
    name: "shared1",
    type: "simple",
    vnets: [
      { name: "swprod", subnets: [{ cidr: "10.128.0.0/24", gateway: "10.128.0.1", snat: true }] },
    ],
  };
  const sdnOf = (z: unknown) => cluster({ sdn: { zones: [z] } }).sdn;

  it("is stable: key order does not matter, the same declaration gives the same fingerprint", () => {
    assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] }), '{"a":[{"d":2}],"b":1}');
    const reordered = { vnets: zone.vnets, type: "simple", name: "shared1" };
    assert.equal(sdnFingerprint(sdnOf(zone)), sdnFingerprint(sdnOf(reordered)));
    assert.match(sdnFingerprint(px.sdn), /^[0-9a-f]{16}$/);
  });

  it("changes with any zone, vnet or subnet setting", () => {
    const base = sdnFingerprint(sdnOf(zone));
    const variants = [
      { ...zone, mtu: 1450 },
      { ...zone, nodes: ["pve1"] },
      { ...zone, vnets: [{ ...zone.vnets[0], alias: "prod" }] },
      { ...zone, vnets: [{ ...zone.vnets[0], name: "swprod2" }] },
      {
        ...zone,
        vnets: [{ ...zone.vnets[0], subnets: [{ ...zone.vnets[0]!.subnets[0], snat: false }] }],
      },
      {
        ...zone,
        vnets: [
          {
            ...zone.vnets[0],
            subnets: [
              { ...zone.vnets[0]!.subnets[0], dhcp: { range: "10.128.0.200-10.128.0.250" } },
            ],
          },
        ],
      },
    ];
    const prints = variants.map((v) => sdnFingerprint(sdnOf(v)));
    for (const print of prints) assert.notEqual(print, base);
    assert.equal(new Set(prints).size, prints.length);
  });

  it("object ids list zones, vnets and subnets; DHCP runs in simple zones with a range", () => {
    assert.deepEqual(sdnObjectIds(px.sdn), [
      "subnet:swprod:10.128.0.0/24",
      "vnet:swprod",
      "zone:shared1",
    ]);
    assert.equal(zoneRunsDhcp(px.sdn.zones[0]!), false);
    const withDhcp = sdnOf({
      ...zone,
      vnets: [
        {
          ...zone.vnets[0],
          subnets: [{ ...zone.vnets[0]!.subnets[0], dhcp: { range: "10.128.0.200-10.128.0.250" } }],
        },
      ],
    });
    assert.equal(zoneRunsDhcp(withDhcp.zones[0]!), true);
  });
});

describe("quorum", () => {
  it("the seed: pve1 with 2 of 3 votes holds quorum alone", () => {
    assert.deepEqual(quorum(px.nodes), { total: 3, needed: 2, powered: 2, quorate: true });
  });

  it("two equal nodes with one off lose quorum; a majority of powered votes keeps it", () => {
    const node = (votes: number, powered: boolean) => ({ votes, powered });
    assert.equal(quorum([node(1, true), node(1, false)]).quorate, false);
    assert.equal(quorum([node(1, true), node(1, true)]).quorate, true);
    fc.assert(
      fc.property(
        fc.array(fc.record({ votes: fc.nat({ max: 5 }), powered: fc.boolean() }), { minLength: 1 }),
        (nodes) => {
          const q = quorum(nodes);
          assert.equal(q.quorate, q.powered * 2 > q.total);
        },
      ),
    );
  });
});

describe("storages through the API", () => {
  it("iSCSI (content none) and LVM on its LUN; the provider's resources for the others", () => {
    const named = (name: string) => px.storages.find((s) => s.name === name);
    const [iscsi, lvm, pbs] = ["nas-iscsi", "nas-lvm", "friend-pbs"].map(named);
    assert.equal(
      apiStorage(named("local-lvm")!),
      undefined,
      "an existing storage is never created",
    );
    assert.deepEqual(apiStorage(iscsi!), {
      id: "nas-iscsi",
      create: {
        storage: "nas-iscsi",
        type: "iscsi",
        portal: "172.24.0.20",
        target: "iqn.2013-03.com.wdc:ex2ultra:pve",
        content: "none",
      },
      update: { content: "none" },
      clear: ["nodes"],
      fixed: { type: "iscsi", portal: "172.24.0.20", target: "iqn.2013-03.com.wdc:ex2ultra:pve" },
    });
    assert.deepEqual(apiStorage(lvm!), {
      id: "nas-lvm",
      create: {
        storage: "nas-lvm",
        type: "lvm",
        vgname: "vg-nas",
        base: "nas-iscsi:0.0.0.scsi-36001405a1b2c3d4e5f60718293a4b5c6",
        content: "images,rootdir",
        shared: "1",
      },
      update: { content: "images,rootdir", shared: "1" },
      clear: ["nodes"],
      fixed: {
        type: "lvm",
        vgname: "vg-nas",
        base: "nas-iscsi:0.0.0.scsi-36001405a1b2c3d4e5f60718293a4b5c6",
      },
    });
    assert.equal(apiStorage(pbs!), undefined);
    const plain = cluster({
      storages: [{ name: "local-lvm", type: "lvm", volumeGroup: "pve", nodes: ["pve1"] }],
    }).storages[0]!;
    assert.equal(apiStorage(plain), undefined);
    const limited = cluster({
      storages: [
        {
          name: "i",
          type: "iscsi",
          portal: "10.0.0.20",
          target: "iqn.2005-10.org.example:t",
          nodes: ["pve1", "pve2"],
        },
      ],
    }).storages[0]!;
    assert.deepEqual(apiStorage(limited)?.update, { content: "none", nodes: "pve1,pve2" });
    assert.deepEqual(apiStorage(limited)?.clear, []);
  });
});

describe("the Proxmox plan", () => {
  const plan = home.proxmox!;

  it("connection: the endpoint as declared, the API base without its slash, SSH with node addresses", () => {
    assert.deepEqual(plan.connection, {
      endpoint: "https://pve1.home.arpa:8006/",
      apiBase: "https://pve1.home.arpa:8006",
      apiTokenId: "pulumi@pve!homelab",
      insecureSkipVerify: false,
      ssh: {
        username: "root",
        agent: true,
        nodes: [
          { name: "pve1", address: "172.24.0.11" },
          { name: "pve2", address: "172.24.0.12" },
        ],
      },
    });
  });

  it("storages in creation order: iSCSI, then the LVM on its LUN (API), then the PBS (provider)", () => {
    assert.deepEqual(
      plan.storages.map((s) => [s.name, s.via, s.via === "api" ? s.base : undefined]),
      [
        ["nas-iscsi", "api", undefined],
        ["nas-lvm", "api", "nas-iscsi"],
        ["friend-pbs", "provider", undefined],
      ],
    );
    const lvmFirst = cluster({
      storages: [
        { name: "l", type: "lvm", volumeGroup: "vg", base: { storage: "i", volume: "lun0" } },
        { name: "i", type: "iscsi", portal: "10.0.0.20", target: "iqn.2005-10.org.example:t" },
      ],
    });
    const planned = planProxmox(lvmFirst, planAddresses(lvmFirst), "f.yaml", NO_SITE).plan;
    assert.deepEqual(
      planned.storages.map((s) => s.name),
      ["i", "l"],
    );
  });

  it("guests: ids, downloads, OS type, NICs and Docker endpoints from the derivations", () => {
    const caddy = plan.guests.find((g) => g.name === "caddy")!;
    assert.equal(caddy.vmid, guestVmid(px.guests.find((g) => g.name === "caddy")!));
    assert.equal(caddy.type, "vm");
    assert.equal(caddy.download, "debian13/pve1");
    assert.equal(caddy.address, "10.128.0.10");
    assert.equal(caddy.sshUser, "debian");
    assert.equal(caddy.sshPort, 22);
    assert.equal(caddy.disk.raw, true, "nas-lvm holds raw volumes");
    assert.deepEqual(caddy.sshKeys, home.config.site.sshKeys);
    assert.equal(caddy.userData?.volumeId, "local:snippets/homelab-caddy-user-data.yaml");
    assert.equal(caddy.userData?.storage, "local");
    const immich = plan.guests.find((g) => g.name === "immich")!;
    assert.deepEqual(
      immich.nics,
      guestNics(
        px.guests.find((g) => g.name === "immich")!,
        home.addresses,
      ),
    );
    assert.deepEqual(
      plan.guests.map((g) => g.name),
      px.guests.map((g) => g.name),
    );
    assert.deepEqual(plan.downloads, imageFiles(px));
    assert.deepEqual(
      plan.backups[0]!.guests,
      px.guests.map((g) => g.name),
    );
    assert.equal(plan.sdn!.fingerprint, sdnFingerprint(px.sdn));
  });

  it("returns the problems of its derivations with the stack file, and none for the seed", () => {
    assert.deepEqual(planProxmox(px, home.addresses, HOME.file, home.config.site).problems, []);
    const lost = cluster({ nodes: [{ name: "a", address: "10.0.0.1", powered: false }] });
    assert.deepEqual(planProxmox(lost, planAddresses(lost), "f.yaml", NO_SITE).problems, [
      {
        file: "f.yaml",
        path: ["homelab:proxmox", "nodes"],
        message: "no node is declared powered: nothing could run; power at least one",
      },
    ]);
  });
});

/** The diagram graph of the example sites and of the federation. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { Member, Registry } from "../../src/config/federation";
import {
  childrenOf,
  exposureLine,
  federationDiagram,
  siteDiagram,
  tunnelPrefix,
  type Diagram,
  type DiagramNode,
} from "../../src/diagram/graph";
import { siteModel } from "../helpers/site";
import { ANNEX, HOME } from "../helpers/sites";

const model = siteModel;

/** Ids are unique and safe; every parent and edge end exists; groups come before children. */
function assertWellFormed(d: Diagram): void {
  const ids = d.nodes.map((n) => n.id);
  assert.equal(new Set(ids).size, ids.length, "node ids are unique");
  for (const id of ids) assert.match(id, /^[A-Za-z_][A-Za-z0-9_]*$/);
  const seen = new Set<string>();
  for (const node of d.nodes) {
    if (node.parent)
      assert.ok(seen.has(node.parent), `${node.id}: parent ${node.parent} comes first`);
    seen.add(node.id);
  }
  for (const e of d.edges) {
    assert.ok(seen.has(e.from), `edge from unknown ${e.from}`);
    assert.ok(seen.has(e.to), `edge to unknown ${e.to}`);
  }
}

function node(d: Diagram, id: string): DiagramNode {
  const found = d.nodes.find((n) => n.id === id);
  assert.ok(found, `no node ${id}`);
  return found;
}

function edge(d: Diagram, from: string, to: string) {
  return d.edges.filter((e) => e.from === from && e.to === to);
}

describe("site diagram: home (Proxmox, FortiGate, federation)", () => {
  const d = siteDiagram(model(HOME));

  it("is well formed", () => assertWellFormed(d));

  it("the router, the WAN, and the published proxy", () => {
    assert.deepEqual(node(d, "router"), {
      id: "router",
      kind: "router",
      label: "FortiGate",
      details: ["172.24.0.1"],
      tags: [],
    });
    assert.equal(edge(d, "router", "internet")[0]?.label, "wan1 (dhcp)");
    assert.deepEqual(edge(d, "internet", "infra_proxy")[0], {
      from: "internet",
      to: "infra_proxy",
      kind: "publish",
      label: ":80, :443 from any",
      tags: ["public"],
    });
    assert.equal(node(d, "infra_proxy").parent, "guest_caddy");
    assert.deepEqual(node(d, "internet").details, ["Cloudflare DNS example.net"]);
  });

  it("every network with its prefixes; the SDN subnet reached through its route", () => {
    const networks = d.nodes.filter((n) => n.kind === "network");
    assert.deepEqual(
      networks.map((n) => [n.label, n.details[0], n.tags[0]]),
      [
        ["work", "198.51.100.23/32 · external", "external"],
        ["freebox", "192.168.1.0/24 · external", "external"],
        ["lan", "172.24.0.0/24 · LAN", "lan"],
        ["vpn", "172.26.0.0/24 · VPN pool", "vpn"],
        ["swprod", "10.128.0.0/24 · SDN vnet", "sdn"],
      ],
    );
    assert.equal(edge(d, "router", "net_lan")[0]?.label, "172.24.0.1");
    assert.equal(edge(d, "router", "net_vpn")[0]?.kind, "attach");
    assert.deepEqual(
      edge(d, "router", "net_swprod").map((e) => [e.kind, e.label]),
      [["route", "route via 172.24.0.11"]],
    );
    assert.equal(edge(d, "internet", "net_work")[0]?.kind, "attach");
  });

  it("the cluster, its nodes (pve2 off) and the guests on pve1 with their addresses", () => {
    assert.deepEqual(
      childrenOf(d, "pve").map((n) => [n.id, n.tags]),
      [
        ["pve_pve1", []],
        ["pve_pve2", ["off"]],
      ],
    );
    assert.ok(node(d, "pve_pve2").details.includes("powered off"));
    const guests = childrenOf(d, "pve_pve1");
    assert.equal(guests.length, 10);
    assert.ok(guests.every((g) => g.kind === "guest"));
    assert.deepEqual(node(d, "guest_immich").details, ["VM 105 · 2 vCPU · 4096 MiB · 64 GiB"]);
    assert.equal(edge(d, "guest_caddy", "net_swprod")[0]?.label, "10.128.0.10");
    const immich = model(HOME).addresses.nics.find((n) => n.guest === "immich")!;
    assert.equal(edge(d, "guest_immich", "net_swprod")[0]?.label, immich.address);
    assert.equal(edge(d, "pve_pve1", "net_lan")[0]?.label, "172.24.0.11");
    assert.equal(edge(d, "pve_pve1", "net_swprod")[0]?.label, "zone shared1");
    assert.equal(edge(d, "pve_pve2", "net_swprod").length, 0, "nothing runs on a powered-off node");
  });

  it("services on their guests, with how they are exposed", () => {
    const immich = node(d, "svc_immich");
    assert.equal(immich.parent, "guest_immich");
    assert.deepEqual(immich.details, ["photos.example.net · public · open"]);
    assert.deepEqual(immich.tags, ["public"]);
    const vault = node(d, "svc_vaultwarden");
    assert.deepEqual(vault.details, ["vault.example.net · public · from lan, swprod, vpn, work"]);
    assert.deepEqual(vault.tags, ["restricted"]);
    assert.deepEqual(node(d, "svc_paperless").details[0], "paperless-ngx");
    assert.equal(node(d, "infra_crowdsec").parent, "guest_crowdsec");
  });

  it("the federation behind the router", () => {
    assert.deepEqual(node(d, "federation").details, [
      "member alexis",
      "4 peers: baptiste, camille, dorian, estelle",
    ]);
    assert.equal(edge(d, "router", "federation")[0]?.kind, "tunnel");
  });
});

describe("site diagram: annex (UniFi, hosts, split service)", () => {
  const d = siteDiagram(model(ANNEX));

  it("is well formed and has no federation", () => {
    assertWellFormed(d);
    assert.equal(
      d.nodes.find((n) => n.kind === "federation"),
      undefined,
    );
  });

  it("VLANs and the WireGuard pool on the UniFi gateway", () => {
    assert.equal(node(d, "router").label, "UniFi gateway");
    assert.deepEqual(node(d, "router").details, ["10.0.20.1"]);
    assert.deepEqual(node(d, "net_servers").details, [
      "10.0.10.0/24 · VLAN 10",
      "gateway 10.0.10.1",
    ]);
    assert.deepEqual(node(d, "net_wireguard").details, [
      "10.0.3.0/24 · VPN pool",
      "gateway 10.0.3.1",
    ]);
    for (const name of ["servers", "management", "users", "iot", "lab", "wireguard"]) {
      assert.equal(edge(d, "router", `net_${name}`).length, 1, name);
    }
  });

  it("hosts on their networks; services on their hosts; Immich's ML part on servo", () => {
    assert.equal(edge(d, "host_servo", "net_servers")[0]?.label, "10.0.10.10");
    assert.equal(edge(d, "host_truenas", "net_management")[0]?.label, "10.0.20.5");
    assert.deepEqual(node(d, "host_truenas").details.at(-1), "NFS: kopia, immich-backup");
    assert.equal(node(d, "svc_immich").parent, "host_optiplex");
    assert.equal(node(d, "svc_immich_machine_learning").parent, "host_servo");
    assert.equal(edge(d, "svc_immich", "svc_immich_machine_learning")[0]?.kind, "placement");
    assert.deepEqual(node(d, "svc_paperless").tags, ["sso"]);
    assert.deepEqual(node(d, "svc_kopia").details, [
      "backup.home.arpa · internal · from servers, management, wireguard",
    ]);
    assert.deepEqual(node(d, "svc_loki").tags, ["private"]);
    assert.deepEqual(
      childrenOf(d, "host_optiplex")
        .filter((n) => n.tags.includes("infra"))
        .map((n) => n.label),
      ["Traefik", "CrowdSec", "Authelia", "LLDAP"],
    );
    assert.deepEqual(node(d, "infra_sso").details, ["SSO", "auth.example.org"]);
    assert.equal(edge(d, "internet", "infra_proxy")[0]?.label, ":80, :443 from cloudflare");
  });

  it("exposure lines name the domain, the audience and the access", () => {
    const domains = { public: "example.org", internal: "home.arpa" };
    assert.equal(
      exposureLine({ hostname: "git", public: true, access: "open" }, domains),
      "git.example.org · public · open",
    );
    assert.equal(
      exposureLine({ hostname: "n8n", public: true, access: "sso" }, { internal: "home.arpa" }),
      "n8n.(public domain) · public · SSO",
    );
  });

  it("is deterministic", () => {
    assert.deepEqual(siteDiagram(model(ANNEX)), d);
  });
});

describe("federation diagram", () => {
  const home = model(HOME);

  it("every member, one tunnel per peering, this site highlighted", () => {
    const d = federationDiagram(home.registry!, { member: "alexis" });
    assertWellFormed(d);
    assert.equal(d.title, "FGN federation: 5 members, full mesh, tunnels from 172.31.254.0/24");
    assert.deepEqual(
      d.nodes.map((n) => [n.id, n.tags]),
      [
        ["member_alexis", ["highlight"]],
        ["member_baptiste", []],
        ["member_camille", []],
        ["member_dorian", []],
        ["member_estelle", []],
      ],
    );
    assert.deepEqual(node(d, "member_alexis").details, [
      "AS4200000001 · fortigate · this site",
      "172.24.0.0/14",
      "10.128.0.0/10",
      "endpoint 203.0.113.10",
    ]);
    assert.equal(d.edges.length, 10);
    assert.equal(d.edges.filter((e) => e.tags.includes("highlight")).length, 4);
    assert.ok(
      d.edges.every((e) => e.label === undefined),
      "no derivation, no addresses",
    );
  });

  it("tunnels are labelled with their /31 when the derivation is available", () => {
    const d = federationDiagram(home.registry!, {
      member: "alexis",
      tunnelsOf: (m) =>
        m === "alexis"
          ? [
              { peer: "baptiste", localAddress: "172.31.254.0", prefixLength: 31 },
              { peer: "camille", localAddress: "172.31.254.3", prefixLength: 31 },
            ]
          : m === "dorian"
            ? [{ peer: "estelle", localAddress: "172.31.254.9", prefixLength: 31 }]
            : undefined,
    });
    assert.equal(edge(d, "member_alexis", "member_baptiste")[0]?.label, "172.31.254.0/31");
    assert.equal(edge(d, "member_alexis", "member_camille")[0]?.label, "172.31.254.2/31");
    assert.equal(edge(d, "member_dorian", "member_estelle")[0]?.label, "172.31.254.8/31");
    assert.equal(edge(d, "member_alexis", "member_dorian")[0]?.label, undefined);
    assert.equal(
      tunnelPrefix({ peer: "x", localAddress: "nonsense", prefixLength: 31 }),
      undefined,
    );
  });

  const member = (id: string, i: number): Member => ({
    id,
    number: i + 1,
    name: id.toUpperCase(),
    asn: 4_200_000_000 + i,
    routerId: `10.${i}.0.1`,
    endpoint: `198.51.100.${i}`,
    prefixes: [`10.${i}.0.0/16`],
    edge: "unmanaged",
    ike: { proposals: ["aes256gcm-prfsha384"], dhGroups: [20] },
    ipsec: { proposals: ["aes256gcm"] },
  });
  const registries = fc
    .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), { minLength: 1, maxLength: 12 })
    .chain((ids) =>
      fc.record({
        ids: fc.constant(ids),
        pairs: fc.array(fc.tuple(fc.constantFrom(...ids), fc.constantFrom(...ids)), {
          maxLength: 20,
        }),
        mesh: fc.boolean(),
      }),
    )
    .map(({ ids, pairs, mesh }): Registry => {
      const distinct = pairs.filter(([a, b]) => a !== b);
      return {
        version: 1,
        name: "T",
        transferPool: "172.31.254.0/23",
        topology: mesh || distinct.length === 0 ? "full-mesh" : { pairs: distinct },
        lifetimes: { ike: 86400, ipsec: 43200 },
        bgp: { keepalive: 30, holdtime: 90, maxPrefix: 100 },
        members: ids.map(member),
      };
    });

  it("property: one node per member and one edge per distinct peering", () => {
    fc.assert(
      fc.property(registries, (registry) => {
        const d = federationDiagram(registry, { member: registry.members[0]!.id });
        assertWellFormed(d);
        assert.equal(d.nodes.length, registry.members.length);
        const expected =
          registry.topology === "full-mesh"
            ? (registry.members.length * (registry.members.length - 1)) / 2
            : new Set(registry.topology.pairs.map((p) => [...p].sort().join("|"))).size;
        assert.equal(d.edges.length, expected);
        assert.equal(d.nodes.filter((n) => n.tags.includes("highlight")).length, 1);
      }),
      { numRuns: 200 },
    );
  });
});

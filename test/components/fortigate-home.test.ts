/**
 * The FortiGate edge of the home stack (seed 000) under Pulumi's mock runtime, against the
 * real federation derivation: one phase1/phase2/tunnel-address/BGP-neighbor set per peer,
 * the seed's static route and redistribution, the dial-up VPN, the WAN publish, every object
 * with its CMDB path, key and exact body, and no secret in clear anywhere.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { Json, Plan, PlannedResource } from "../../src/cli/mock-runtime";
import { offlinePlaceholder } from "../../src/cli/offline";
import { buildModel } from "../../src/model";
import type { Peering } from "../../src/model/federation";
import { PATHS } from "../../src/devices/fortios/tables";
import { loadHome } from "../model/fortigate-plan";
import { byName, ofType, plan, strings } from "../helpers/plan";
import { HOME } from "../helpers/sites";

const CMDB = "pulumi-nodejs:dynamic/fortios:CmdbObject";
type Body = Record<string, Json>;

let home: Plan;
let objects: PlannedResource[];
let peerings: Peering[];

before(async () => {
  home = await plan(HOME);
  objects = ofType(home, CMDB);
  peerings = buildModel(loadHome()).model.federation!.peerings;
});

const find = (path: string, key: string | number) => {
  const found = objects.filter((o) => o.inputs.path === path && o.inputs.key === key);
  assert.equal(found.length, 1, `one ${path} ${String(key)}`);
  return found[0]!;
};
const body = (o: PlannedResource) => o.inputs.body as Body;
const dottedOf = (length: number) =>
  [0, 8, 16, 24].map((shift) => ((0xffffffff << (32 - length)) >>> (24 - shift)) & 255).join(".");

describe("FortiGate edge of the home stack (seed 000)", () => {
  it("is one homelab:fortigate:Edge under the root, holding every FortiOS object", () => {
    const edge = byName(home, "home-fortigate");
    assert.equal(edge.type, "homelab:fortigate:Edge");
    assert.equal(edge.parent, "homelab:index:Homelab::home");
    assert.ok(objects.length > 40);
    for (const o of objects) {
      assert.equal(o.parent, "homelab:fortigate:Edge::home-fortigate");
      assert.ok(o.name.startsWith("home-fortigate-"), o.name);
      assert.equal(typeof o.inputs.path, "string");
      assert.ok(o.inputs.body && typeof o.inputs.body === "object", `${o.name} has a body`);
      assert.match(o.inputs.version as string, /^[0-9a-f]{16}$/);
      assert.deepEqual(Object.keys(o.inputs.connection as object).sort(), [
        "host",
        "port",
        "tls",
        "vdom",
      ]);
      assert.equal(o.inputs.adopt, false);
    }
  });

  it("has the four federation peers of the registry", () => {
    assert.deepEqual(
      peerings.map((p) => p.peer),
      ["baptiste", "camille", "dorian", "estelle"],
    );
  });

  it("one phase1, phase2 and tunnel address per peering, IKEv2 with the negotiated proposals and the PSK secret", () => {
    const phase1s = objects.filter((o) => o.inputs.path === PATHS.phase1);
    assert.deepEqual(
      phase1s.map((o) => o.inputs.key).sort(),
      [...peerings.map((p) => p.interfaceName), "vpn"].sort(),
    );
    for (const p of peerings) {
      const p1 = body(find(PATHS.phase1, p.interfaceName));
      assert.equal(p1["ike-version"], "2");
      assert.equal(p1.proposal, p.ike.proposals.join(" "));
      assert.equal(p1.dhgrp, p.ike.dhGroups.join(" "));
      assert.equal(p1.keylife, p.ike.lifetime);
      assert.equal(p1.psksecret, "[secret]", "the PSK stays a secret");
      assert.deepEqual(find(PATHS.phase1, p.interfaceName).inputs.secretFields, ["psksecret"]);
      if (/^[\d.]+$/.test(p.remoteGateway)) assert.equal(p1["remote-gw"], p.remoteGateway);
      else assert.equal(p1["remotegw-ddns"], p.remoteGateway);
      const p2 = body(find(PATHS.phase2, p.interfaceName));
      assert.equal(p2.phase1name, p.interfaceName);
      assert.equal(p2.proposal, p.ipsec.proposals.join(" "));
      assert.equal(p2.dhgrp, p.ipsec.pfsGroups.join(" "));
      const tunnel = find(PATHS.interface, p.interfaceName);
      assert.equal(
        tunnel.inputs.mode,
        "update-only",
        "the tunnel interface is updated, never created",
      );
      assert.equal(body(tunnel).ip, `${p.localAddress} 255.255.255.255`);
      assert.equal(body(tunnel)["remote-ip"], `${p.remoteAddress} ${dottedOf(p.prefixLength)}`);
      assert.ok(
        tunnel.options.dependsOn.includes(`${CMDB}::home-fortigate-p1-${p.interfaceName}`),
        "after its phase1",
      );
    }
    assert.equal(
      body(find(PATHS.phase1, "fgn-camille")).type,
      "ddns",
      "camille's endpoint is a DNS name",
    );
  });

  it("one BGP object: AS and router id from the registry, one neighbor per peering with exact filters", () => {
    const bgp = objects.filter((o) => o.inputs.path === PATHS.bgp);
    assert.equal(bgp.length, 1);
    const b = body(bgp[0]!);
    assert.equal(b.as, "4200000001");
    assert.equal(b["router-id"], "172.24.0.1");
    const neighbors = b.neighbor as Body[];
    assert.equal(neighbors.length, peerings.length);
    for (const p of peerings) {
      const n = neighbors.find((x) => x.ip === p.remoteAddress)!;
      assert.ok(n, `neighbor ${p.remoteAddress}`);
      assert.equal(n["remote-as"], String(p.remoteAsn));
      assert.equal(n["maximum-prefix"], p.bgp.maxPrefix);
      assert.equal(n["keep-alive-timer"], p.bgp.keepalive);
      assert.equal(n["holdtime-timer"], p.bgp.holdtime);
      const inbound = body(find(PATHS.prefixList, n["prefix-list-in"] as string)).rule as Body[];
      const outbound = body(find(PATHS.prefixList, n["prefix-list-out"] as string)).rule as Body[];
      const prefixesOf = (rules: Body[], action = "permit") =>
        rules
          .filter((r) => r.action === action)
          .map((r) => {
            assert.equal(r.le, 32, "more-specifics of a registered prefix are accepted");
            const [address, mask] = (r.prefix as string).split(" ");
            const length = mask!
              .split(".")
              .reduce((n, o) => n + Number(o).toString(2).replace(/0/g, "").length, 0);
            return `${address!}/${length}`;
          });
      assert.deepEqual(
        prefixesOf(inbound),
        p.acceptPrefixes,
        "inbound: exactly the peer's registered prefixes",
      );
      assert.deepEqual(prefixesOf(outbound), p.announcePrefixes, "outbound: exactly ours");
      assert.deepEqual(
        prefixesOf(inbound, "deny"),
        p.peer === "dorian" ? ["192.168.1.0/24"] : [],
        "never a route into the site's own networks: Dorian's 192.168.0.0/17 holds the Freebox LAN, the WAN transit",
      );
      assert.ok(
        inbound.findIndex((r) => r.action === "deny") <= 0,
        "the denials come before the permits",
      );
    }
    assert.deepEqual(
      (b.redistribute as Body[]).filter((r) => r.status === "enable").map((r) => r.name),
      ["connected", "static"],
      "redistribute connected and static, as the seed",
    );
    const fallback = bgp[0]!.inputs.fallback as Body;
    assert.equal(fallback.missing, "redistribute", "for a FortiOS whose router/bgp lacks it");
    assert.deepEqual(
      ((fallback.body as Body).network as Body[]).map((n) => n.prefix),
      ["10.128.0.0 255.255.255.0", "172.24.0.0 255.255.255.0", "172.26.0.0 255.255.255.0"],
    );
  });

  it("the seed's static route to the Proxmox SDN subnet, via pve1 on the LAN", () => {
    const routes = objects.filter(
      (o) => o.inputs.path === PATHS.staticRoute && body(o).blackhole === undefined,
    );
    assert.equal(routes.length, 1);
    const r = body(routes[0]!);
    assert.equal(r.dst, "10.128.0.0 255.255.255.0");
    assert.equal(r.gateway, "172.24.0.11");
    assert.equal(r.device, "lan");
    assert.equal(routes[0]!.inputs.key, r["seq-num"]);
  });

  it("LACP aggregate, DHCP for the LAN, the dial-up VPN and the WAN publish", () => {
    const lan = body(find(PATHS.interface, "lan"));
    assert.equal(lan.type, "aggregate");
    assert.deepEqual(lan.member, [
      { "interface-name": "internal1" },
      { "interface-name": "internal2" },
    ]);
    const dhcp = objects.find((o) => o.inputs.path === PATHS.dhcpServer)!;
    assert.deepEqual(body(dhcp)["ip-range"], [
      { id: 1, "start-ip": "172.24.0.100", "end-ip": "172.24.0.199" },
    ]);
    const vpn = body(find(PATHS.phase1, "vpn"));
    assert.equal(vpn.type, "dynamic");
    assert.equal(vpn.psksecret, "[secret]");
    assert.equal(vpn["ipv4-start-ip"], "172.26.0.1");
    assert.equal(body(find(PATHS.vip, "pub-caddy-443")).mappedip instanceof Array, true);
  });

  it("policies allow exactly LAN/SDN <-> each peer's prefixes, and come after what they name", () => {
    const local = (body(find(PATHS.addrgrp, "fgn-local")).member as Body[]).map((m) => m.name);
    assert.deepEqual(local, ["net-lan", "net-swprod"]);
    for (const p of peerings) {
      const out = objects.find(
        (o) => o.inputs.path === PATHS.policy && body(o).name === `${p.interfaceName}-out`,
      )!;
      const b = body(out);
      assert.deepEqual(
        [b.srcaddr, b.dstaddr, b.dstintf],
        [
          [{ name: "fgn-local" }],
          [{ name: `${p.interfaceName}-nets` }],
          [{ name: p.interfaceName }],
        ],
      );
      const nets = (body(find(PATHS.addrgrp, `${p.interfaceName}-nets`)).member as Body[]).map(
        (m) => m.name,
      );
      assert.deepEqual(
        nets,
        p.acceptPrefixes.map((prefix) => `fgn-${prefix}`),
      );
      for (const dep of [
        `tun-${p.interfaceName}`,
        "grp-fgn-local",
        `grp-${p.interfaceName}-nets`,
        "if-lan",
      ]) {
        assert.ok(
          out.options.dependsOn.includes(`${CMDB}::home-fortigate-${dep}`),
          `${out.name} after ${dep}`,
        );
      }
    }
  });

  it("checks the device first: every FortiOS object waits for the device check", () => {
    const [check] = ofType(home, "pulumi-nodejs:dynamic/fortios:DeviceCheck");
    assert.ok(check, "a DeviceCheck");
    assert.deepEqual(check.inputs.aggregates, [
      { name: "lan", members: ["internal1", "internal2"] },
    ]);
    assert.equal(check.inputs.managementInterface, "lan");
    for (const o of objects)
      assert.ok(
        o.options.dependsOn.includes(
          "pulumi-nodejs:dynamic/fortios:DeviceCheck::home-fortigate-precheck",
        ),
        `${o.name} after the check`,
      );
    assert.equal(
      byName(home, "home-fortigate-if-lan").options.protect,
      true,
      "the API's interface",
    );
  });

  it("the Internet policy: LAN and SDN out through wan1, NATed", () => {
    const internet = body(
      objects.find((o) => o.inputs.path === PATHS.policy && body(o).name === "internet")!,
    );
    assert.deepEqual(
      [internet.srcintf, internet.dstintf, internet.srcaddr, internet.dstaddr, internet.nat],
      [
        [{ name: "lan" }],
        [{ name: "wan1" }],
        [{ name: "net-lan" }, { name: "net-swprod" }],
        [{ name: "all" }],
        "enable",
      ],
    );
  });

  it("the dial-up VPN: one user each (EAP), into the federation", () => {
    const vpn = body(find(PATHS.phase1, "vpn"));
    assert.deepEqual(
      [vpn.eap, vpn["eap-identity"], vpn.authusrgrp],
      ["enable", "send-request", "vpn-users"],
    );
    assert.equal(body(find(PATHS.userLocal, "alexis")).passwd, "[secret]");
    assert.deepEqual(body(find(PATHS.userGroup, "vpn-users")).member, [{ name: "alexis" }]);
    const access = body(
      objects.find((o) => o.inputs.path === PATHS.policy && body(o).name === "vpn-access")!,
    );
    assert.deepEqual(
      (access.dstintf as Body[]).map((i) => i.name),
      ["lan", ...peerings.map((p) => p.interfaceName)],
    );
  });

  it("no secret in clear: PSKs and the API token never appear", () => {
    const all = home.resources.flatMap((r) => strings(r.inputs as Json));
    for (const name of [
      "psk-baptiste",
      "psk-camille",
      "psk-dorian",
      "psk-estelle",
      "dialupPsk",
      "fortigateApiToken",
      "vpnPasswordAlexis",
    ]) {
      assert.ok(!all.some((s) => s.includes(offlinePlaceholder(name))), `${name} leaked`);
    }
    assert.ok(
      !objects.some((o) => "__provider" in o.inputs),
      "the serialized provider is not in the plan",
    );
    assert.ok(!objects.some((o) => JSON.stringify(o.inputs.connection).includes("token")));
  });
});

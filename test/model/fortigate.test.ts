/**
 * The FortiGate plan (pure): the seed's objects, references that always resolve to objects
 * the referrer depends on (so Pulumi deletes referrers first), unique keys, ids that never
 * shift. The plans applied for real to the emulator: test/providers/fortios-plan.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  cmdbObjects,
  planFortigate,
  planSecrets,
  type FortigateCmdbObject as FortigateObject,
} from "../../src/model/fortigate";
import { tunnelPeerAddress } from "../../src/model/fortigate/ipsec";
import { allocateIds, ID_SPAN } from "../../src/model/fortigate/topology";
import { PATHS } from "../../src/devices/fortios/tables";
import { HOME } from "../helpers/sites";
import { PEERINGS, extendedInput, homeInput } from "./fortigate-plan";

type Body = Record<string, unknown>;

const body = (o: FortigateObject) => o.spec.body as Body;
const byRole = (objects: readonly FortigateObject[], role: string) => {
  const found = objects.find((o) => o.role === role);
  assert.ok(found, `no object ${role}`);
  return found;
};

/** Builtin objects of a FortiGate and physical ports the plan may name without planning. */
const BUILTIN = new Set(["all", "ALL", "always", "internal1", "internal2"]);

/** Every (path, name) a body refers to. */
function references(o: FortigateObject): { path: string; name: string }[] {
  const b = body(o);
  const refs: { path: string; name: string }[] = [];
  const iface = (name: unknown) =>
    typeof name === "string" && name !== "" && refs.push({ path: PATHS.interface, name });
  const addr = (name: unknown) => typeof name === "string" && refs.push({ path: "address", name });
  const members = (list: unknown, each: (n: unknown) => void) => {
    for (const m of (list as Body[] | undefined) ?? []) each(m.name ?? m["interface-name"]);
  };
  switch (o.spec.path) {
    case PATHS.policy:
      members(b.srcintf, iface);
      members(b.dstintf, iface);
      members(b.srcaddr, addr);
      members(b.dstaddr, addr);
      break;
    case PATHS.addrgrp:
      members(b.member, addr);
      break;
    case PATHS.staticRoute:
      iface(b.device);
      break;
    case PATHS.dhcpServer:
      iface(b.interface);
      break;
    case PATHS.interface:
      iface(b.interface);
      members(b.member, iface);
      break;
    case PATHS.phase1:
      iface(b.interface);
      addr(b["ipv4-split-include"]);
      if (typeof b.authusrgrp === "string")
        refs.push({ path: PATHS.userGroup, name: b.authusrgrp });
      break;
    case PATHS.userGroup:
      members(b.member, (name) => refs.push({ path: PATHS.userLocal, name: name as string }));
      break;
    case PATHS.routeMap:
      for (const r of b.rule as Body[])
        if (typeof r["match-ip-address"] === "string")
          refs.push({ path: PATHS.prefixList, name: r["match-ip-address"] });
      break;
    case PATHS.phase2:
      refs.push({ path: PATHS.phase1, name: b.phase1name as string });
      break;
    case PATHS.vip:
      iface(b.extintf);
      break;
    case PATHS.bgp:
      for (const n of b.neighbor as Body[]) {
        iface(n.interface);
        refs.push({ path: PATHS.prefixList, name: n["prefix-list-in"] as string });
        refs.push({ path: PATHS.prefixList, name: n["prefix-list-out"] as string });
      }
      for (const r of (b.redistribute as Body[] | undefined) ?? [])
        if (typeof r["route-map"] === "string")
          refs.push({ path: PATHS.routeMap, name: r["route-map"] });
      break;
  }
  return refs;
}

/** Roles `o` depends on, transitively. */
function closure(objects: readonly FortigateObject[], o: FortigateObject): Set<string> {
  const seen = new Set<string>();
  const walk = (role: string) => {
    for (const dep of byRole(objects, role).dependsOn) {
      if (dep === "precheck") continue; // the device check, not a FortiOS object
      if (!seen.has(dep)) {
        seen.add(dep);
        walk(dep);
      }
    }
  };
  walk(o.role);
  return seen;
}

function checkReferences(objects: readonly FortigateObject[]): void {
  const owner = (path: string, name: string): FortigateObject | undefined =>
    objects.find((o) => {
      const key = String(o.spec.key);
      if (path === "address")
        return (
          (o.spec.path === PATHS.address ||
            o.spec.path === PATHS.addrgrp ||
            o.spec.path === PATHS.vip) &&
          key === name
        );
      if (path === PATHS.interface)
        return (o.spec.path === PATHS.interface || o.spec.path === PATHS.phase1) && key === name;
      return o.spec.path === path && key === name;
    });
  for (const o of objects) {
    const deps = closure(objects, o);
    for (const ref of references(o)) {
      if (BUILTIN.has(ref.name)) continue;
      const target = owner(ref.path, ref.name);
      assert.ok(target, `${o.role} refers to ${ref.path} ${ref.name}, which the plan lacks`);
      assert.ok(
        deps.has(target.role) ||
          (target.spec.mode === "update-only" && deps.has(`p1-${ref.name}`)) ||
          target.role === o.role,
        `${o.role} refers to ${ref.name} (${target.role}) without depending on it`,
      );
    }
  }
}

describe("FortiGate plan of the home stack (seed 000)", () => {
  const plan = planFortigate(homeInput());
  const objects = cmdbObjects(plan);

  it("LACP aggregate to the switch, WAN port updated only, DHCP for the LAN", () => {
    const lan = byRole(objects, "if-lan");
    assert.equal(lan.spec.mode, "create-update-delete");
    assert.deepEqual(body(lan), {
      name: "lan",
      role: "lan",
      mode: "static",
      ip: "172.24.0.1 255.255.255.0",
      allowaccess: "ping https ssh",
      description: "2x1GbE LACP to the D-Link DGS-3000-10TC",
      vdom: "root",
      type: "aggregate",
      member: [{ "interface-name": "internal1" }, { "interface-name": "internal2" }],
      "lacp-mode": "active",
    });
    const wan = byRole(objects, "if-wan1");
    assert.equal(wan.spec.mode, "update-only");
    assert.equal(body(wan).mode, "dhcp");
    assert.equal(body(wan).ip, undefined);
    const dhcp = byRole(objects, "dhcp-lan");
    assert.deepEqual(
      { ...body(dhcp), id: undefined },
      {
        id: undefined,
        interface: "lan",
        status: "enable",
        "default-gateway": "172.24.0.1",
        netmask: "255.255.255.0",
        "lease-time": 86400,
        "dns-service": "specify",
        "dns-server1": "10.128.0.12",
        domain: "home.arpa",
        "ip-range": [{ id: 1, "start-ip": "172.24.0.100", "end-ip": "172.24.0.199" }],
        "reserved-address": [],
      },
    );
  });

  it("the static route to the Proxmox SDN subnet via pve1, and the dial-up pool's blackhole", () => {
    const routes = objects.filter((o) => o.spec.path === PATHS.staticRoute);
    assert.deepEqual(
      routes.map((r) => r.role),
      ["route-10.128.0.0-24-lan", "route-172.26.0.0-24-blackhole"],
    );
    const { "seq-num": seq, ...rest } = body(routes[0]!);
    assert.ok(typeof seq === "number" && seq >= 100000 && seq < 100000 + ID_SPAN);
    assert.deepEqual(rest, {
      dst: "10.128.0.0 255.255.255.0",
      gateway: "172.24.0.11",
      device: "lan",
      distance: 10,
      comment: "Proxmox SDN shared1/swprod via pve1",
    });
    const { "seq-num": _id, comment: _comment, ...pool } = body(routes[1]!);
    assert.deepEqual(pool, { dst: "172.26.0.0 255.255.255.0", blackhole: "enable", distance: 254 });
    assert.deepEqual(routes[1]!.spec.identity, ["dst", "blackhole"]);
  });

  it("per peering: phase1 (IKEv2, PSK secret), phase2, tunnel addresses, filters, policies", () => {
    for (const p of PEERINGS) {
      const p1 = byRole(objects, `p1-${p.interfaceName}`);
      assert.deepEqual(p1.spec.secretFields, ["psksecret"]);
      assert.deepEqual(body(p1).psksecret, { $secret: p.pskSecret });
      assert.equal(body(p1)["ike-version"], "2");
      assert.equal(body(p1).interface, "wan1");
      assert.equal(body(p1).proposal, "aes256gcm-prfsha384");
      assert.equal(body(p1).keylife, 28800);
      const p2 = byRole(objects, `p2-${p.interfaceName}`);
      assert.equal(body(p2).phase1name, p.interfaceName);
      assert.equal(body(p2).dhgrp, "20");
      const tunnel = byRole(objects, `tun-${p.interfaceName}`);
      assert.equal(tunnel.spec.mode, "update-only", "the tunnel interface is never created");
      assert.equal(body(tunnel).ip, `${p.localAddress} 255.255.255.255`);
      assert.equal(body(tunnel)["remote-ip"], `${p.remoteAddress} 255.255.255.254`);
      assert.deepEqual(
        (body(byRole(objects, `pl-${p.interfaceName}-in`)).rule as Body[]).map(
          (r) => `${String(r.action)} ${String(r.prefix)} le ${String(r.le)}`,
        ),
        p.acceptPrefixes.map(
          (prefix) =>
            `permit ${prefix.split("/")[0]!} ${prefix.endsWith("/14") ? "255.252.0.0" : "255.192.0.0"} le 32`,
        ),
      );
      assert.deepEqual(
        [body(p1).localid, body(p1)["localid-type"]],
        ["203.0.113.10", "address"],
        "our registered endpoint is our IKE identity, behind NAT too",
      );
      assert.equal(body(p1)["net-device"], undefined, "net-device is a dial-up setting");
      const out = body(byRole(objects, `policy-${p.interfaceName}-out`));
      assert.deepEqual(out.srcintf, [{ name: "lan" }]);
      assert.deepEqual(out.dstintf, [{ name: p.interfaceName }]);
      assert.deepEqual(out.srcaddr, [{ name: "fgn-local" }]);
      assert.deepEqual(out.dstaddr, [{ name: `${p.interfaceName}-nets` }]);
      assert.equal(out.action, "accept");
      const back = body(byRole(objects, `policy-${p.interfaceName}-in`));
      assert.deepEqual(
        [back.srcintf, back.dstintf, back.srcaddr, back.dstaddr],
        [out.dstintf, out.srcintf, out.dstaddr, out.srcaddr],
      );
    }
    assert.equal(body(byRole(objects, "p1-fgn-camille")).type, "ddns");
    assert.equal(
      body(byRole(objects, "p1-fgn-camille"))["remotegw-ddns"],
      "fgn.camille.example.com",
    );
    assert.equal(body(byRole(objects, "p1-fgn-baptiste"))["remote-gw"], "198.51.100.20");
    assert.deepEqual(
      (body(byRole(objects, "grp-fgn-local")).member as Body[]).map((m) => m.name),
      ["net-lan", "net-swprod"],
      "exactly the federation.networks",
    );
  });

  it("one BGP object: AS, router id, one neighbor per peering, redistribute connected and static (the clients' /32s filtered)", () => {
    const bgps = objects.filter((o) => o.spec.path === PATHS.bgp);
    assert.equal(bgps.length, 1, "router/bgp is owned by exactly one object");
    const b = body(bgps[0]!);
    assert.equal(b.as, "4200000001");
    assert.equal(b["router-id"], "172.24.0.1");
    assert.deepEqual(b.network, []);
    assert.deepEqual(
      (b.neighbor as Body[]).map((n) => [
        n.ip,
        n["remote-as"],
        n["prefix-list-in"],
        n["prefix-list-out"],
        n["maximum-prefix"],
      ]),
      [
        ["172.31.254.1", "4200000002", "fgn-baptiste-in", "fgn-baptiste-out", 100],
        ["172.31.254.3", "4200000003", "fgn-camille-in", "fgn-camille-out", 100],
      ],
    );
    assert.deepEqual(
      (b.redistribute as Body[]).filter((r) => r.status === "enable").map((r) => r.name),
      ["connected", "static"],
    );
    assert.equal(
      (b.redistribute as Body[]).find((r) => r.name === "static")?.["route-map"],
      "fgn-redistribute-static",
    );
    assert.deepEqual(body(byRole(objects, "rm-fgn-redistribute-static")).rule, [
      { id: 1, action: "deny", "match-ip-address": "vpn-clients" },
      { id: 2, action: "permit" },
    ]);
    assert.deepEqual(body(byRole(objects, "pl-vpn-clients")).rule, [
      { id: 1, action: "permit", prefix: "172.26.0.0 255.255.255.0", ge: 25, le: 32 },
    ]);
    assert.ok(
      !objects.some((o) => o.spec.path.startsWith("router/bgp/")),
      "nothing writes BGP's sub-tables",
    );
  });

  it("the IKEv2 dial-up VPN: EAP with one user each, its pool, split tunnel to lan, swprod and the federation", () => {
    const p1 = body(byRole(objects, "p1-vpn"));
    assert.equal(p1.type, "dynamic");
    assert.deepEqual(p1.psksecret, { $secret: "dialupPsk" });
    assert.deepEqual(
      [p1.eap, p1["eap-identity"], p1.authusrgrp, p1["net-device"]],
      ["enable", "send-request", "vpn-users", "disable"],
    );
    const user = byRole(objects, "user-alexis");
    assert.deepEqual(body(user), {
      name: "alexis",
      type: "password",
      passwd: { $secret: "vpnPasswordAlexis" },
      status: "enable",
    });
    assert.deepEqual(user.spec.secretFields, ["passwd"]);
    assert.deepEqual(body(byRole(objects, "usergrp-vpn-users")).member, [{ name: "alexis" }]);
    assert.equal(p1["ipv4-start-ip"], "172.26.0.1");
    assert.equal(p1["ipv4-end-ip"], "172.26.0.254");
    assert.equal(p1["ipv4-netmask"], "255.255.255.0");
    assert.equal(p1["ipv4-dns-server1"], "10.128.0.12");
    assert.deepEqual(p1["internal-domain-list"], [{ "domain-name": "home.arpa" }], "split DNS");
    assert.ok(!objects.some((o) => o.role === "dns-vpn"), "Pi-hole answers, not the FortiGate");
    assert.equal(p1["mode-cfg"], "enable");
    assert.deepEqual(
      (body(byRole(objects, "grp-vpn-split")).member as Body[]).map((m) => m.name),
      ["net-lan", "net-swprod", "fgn-baptiste-nets", "fgn-camille-nets"],
    );
    const policy = body(byRole(objects, "policy-vpn-access"));
    assert.deepEqual(policy.srcaddr, [{ name: "net-vpn" }]);
    assert.deepEqual(policy.dstintf, [
      { name: "lan" },
      { name: "fgn-baptiste" },
      { name: "fgn-camille" },
    ]);
    assert.equal(body(byRole(objects, "addr-net-vpn")).subnet, "172.26.0.0 255.255.255.0");
  });

  it("the reverse proxy published on the WAN: a VIP per port and one policy", () => {
    for (const port of [80, 443]) {
      const vip = body(byRole(objects, `vip-pub-caddy-${port}`));
      assert.deepEqual(
        [vip.extintf, vip.extip, vip.mappedip, vip.extport],
        ["wan1", "0.0.0.0", [{ range: "10.128.0.10" }], String(port)],
      );
    }
    const policy = body(byRole(objects, "policy-publish-caddy"));
    assert.deepEqual(policy.srcaddr, [{ name: "all" }]);
    assert.deepEqual(policy.dstintf, [{ name: "lan" }]);
    assert.deepEqual(policy.dstaddr, [{ name: "pub-caddy-80" }, { name: "pub-caddy-443" }]);
  });

  it("every reference resolves to an object the referrer depends on (deleted after it)", () => {
    checkReferences(objects);
  });

  it("keys are unique per table, ids in the stack's range, secrets declared", () => {
    const keys = objects.map((o) => `${o.spec.path} ${String(o.spec.key)}`);
    assert.equal(new Set(keys).size, keys.length);
    for (const o of objects.filter((x) => typeof x.spec.key === "number")) {
      assert.ok(
        (o.spec.key as number) >= 100000 && (o.spec.key as number) < 100000 + ID_SPAN,
        o.role,
      );
    }
    assert.deepEqual(planSecrets(plan), [
      "dialupPsk",
      "psk-baptiste",
      "psk-camille",
      "vpnPasswordAlexis",
    ]);
  });

  it("removing a peering changes no other object's key", () => {
    const smaller = planFortigate(homeInput([PEERINGS[1]!]));
    for (const o of cmdbObjects(smaller)) {
      const same = objects.find((x) => x.role === o.role);
      assert.ok(same, o.role);
      assert.equal(same.spec.key, o.spec.key, o.role);
    }
  });
});

describe("FortiGate plan: extra tunnels and the dial-up VPN to the federation", () => {
  const objects = cmdbObjects(planFortigate(extendedInput()));

  it("a site-to-site tunnel: phase1/phase2 with its PSK, tunnel address, route and policies", () => {
    const p1 = body(byRole(objects, "p1-to-office"));
    assert.deepEqual(
      [p1.type, p1["remote-gw"], p1.psksecret],
      ["static", "203.0.113.50", { $secret: "officePsk" }],
    );
    assert.equal(body(byRole(objects, "p2-to-office")).proposal, "aes256gcm");
    const tunnel = body(byRole(objects, "tun-to-office"));
    assert.deepEqual(
      [tunnel.ip, tunnel["remote-ip"]],
      ["169.254.7.0 255.255.255.255", "169.254.7.1 255.255.255.254"],
    );
    const route = body(byRole(objects, "route-10.50.0.0-16-to-office"));
    assert.deepEqual([route.dst, route.device], ["10.50.0.0 255.255.0.0", "to-office"]);
    const out = body(byRole(objects, "policy-to-office-out"));
    assert.deepEqual(
      [out.srcaddr, out.dstaddr, out.dstintf],
      [[{ name: "net-lan" }], [{ name: "to-office-nets" }], [{ name: "to-office" }]],
    );
    assert.ok(byRole(objects, "route-10.50.0.0-16-to-office").dependsOn.includes("tun-to-office"));
  });

  it("access: federation adds the peers' prefixes to the split tunnel and the tunnels to the policy", () => {
    const split = (body(byRole(objects, "grp-vpn-split")).member as Body[]).map((m) => m.name);
    assert.deepEqual(split, ["net-lan", "net-swprod", "fgn-baptiste-nets", "fgn-camille-nets"]);
    const policy = body(byRole(objects, "policy-vpn-access"));
    assert.deepEqual(policy.dstintf, [
      { name: "lan" },
      { name: "fgn-baptiste" },
      { name: "fgn-camille" },
    ]);
  });

  it("every reference resolves to an object the referrer depends on", () => {
    checkReferences(objects);
  });
});

describe("FortiGate plan pieces", () => {
  it("ids depend on their own identity only", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 40 }),
        (identities) => {
          const all = allocateIds(identities, 5000);
          assert.equal(new Set(all.values()).size, identities.length);
          for (const id of all.values()) assert.ok(id >= 5000 && id < 5000 + ID_SPAN);
          const fewer = allocateIds(identities.slice(1), 5000);
          let moved = 0;
          for (const [identity, id] of fewer) if (all.get(identity) !== id) moved++;
          assert.ok(moved <= 1, "at most a colliding neighbour moves");
        },
      ),
    );
  });

  it("the other end of a tunnel network", () => {
    assert.equal(tunnelPeerAddress("169.254.7.0/31"), "169.254.7.1");
    assert.equal(tunnelPeerAddress("169.254.7.1/31"), "169.254.7.0");
    assert.equal(tunnelPeerAddress("169.254.7.1/30"), "169.254.7.2");
    assert.equal(tunnelPeerAddress("169.254.7.2/30"), "169.254.7.1");
  });

  it("what the FortiGate cannot reach is a problem of the plan, which then plans nothing", () => {
    const input = homeInput();
    const plan = planFortigate({
      ...input,
      siteRoutes: [{ dst: "10.200.0.0/24", gateway: "192.0.2.1", description: "a test route" }],
      publish: { ...input.publish!, address: "192.0.2.10" },
    });
    assert.deepEqual(plan.objects, []);
    assert.deepEqual(
      plan.problems.map((p) => [p.file, p.path.join("."), p.message]),
      [
        [
          HOME.file,
          "homelab:fortigate.interfaces",
          "the route to 10.200.0.0/24 (a test route) goes via 192.0.2.1, which is on no FortiGate interface subnet: give the interface facing it an address in that subnet",
        ],
        [
          HOME.file,
          "homelab:fortigate.federation.networks.1",
          'network "swprod" (10.128.0.0/24) is behind no FortiGate interface: no interface subnet holds it and no static route leads to it',
        ],
        [
          HOME.file,
          "homelab:fortigate.dialupVpn.access.1",
          'network "swprod" (10.128.0.0/24) is behind no FortiGate interface: no interface subnet holds it and no static route leads to it',
        ],
        [
          HOME.file,
          "homelab:fortigate.internet.networks.1",
          'network "swprod" (10.128.0.0/24) is behind no FortiGate interface: no interface subnet holds it and no static route leads to it',
        ],
        [
          HOME.file,
          "homelab:proxy.host",
          'the proxy host "caddy" (192.0.2.10) is behind no FortiGate interface, so the WAN cannot be forwarded to it',
        ],
      ],
    );
  });

  it("without dialupVpn.dns, the home site's clients get Pi-hole's address from its host", () => {
    const input = homeInput();
    const vpn = input.config.dialupVpn!;
    const plan = planFortigate({
      ...input,
      config: { ...input.config, dialupVpn: { ...vpn, dns: [] } },
    });
    assert.deepEqual(plan.problems, []);
    const p1 = body(byRole(cmdbObjects(plan), "p1-vpn"));
    assert.deepEqual(
      [p1["dns-mode"], p1["ipv4-dns-server1"], p1["internal-domain-list"]],
      ["manual", "10.128.0.12", [{ "domain-name": "home.arpa" }]],
    );
  });

  it("a site that is not a federation member gets no BGP, no tunnels", () => {
    const input = homeInput();
    const plan = planFortigate({ ...input, federation: undefined });
    assert.ok(
      !cmdbObjects(plan).some((o) => o.spec.path === PATHS.bgp || o.role.startsWith("p1-fgn")),
    );
    checkReferences(cmdbObjects(plan));
  });
});

/**
 * The UniFi provider driven like the engine drives it, against the emulated console: CRUD of
 * every object type, idempotency (no write on a second apply), drift, adoption by natural
 * key, secrets kept out of state, preview with unknowns, errors.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { collectionPath } from "../../../src/devices/unifi/api";
import { UNKNOWN } from "../../../src/providers/kit/values";
import {
  legacyRuleBody,
  networkBody,
  policyBody,
  policyOrderBody,
} from "../../../src/devices/unifi/bodies";
import { FIELD_RULES } from "../../../src/devices/unifi/fields";
import { isWireguardKey } from "../../../src/providers/unifi/objects";
import type { ObjectOutputs } from "../../../src/providers/unifi/provider";
import { lab, providerOptions, vlanSpec, WG_KEY, WG_KEY_2, type Lab } from "./harness";

const servers = vlanSpec("servers", 10, {
  dhcp: { start: "10.0.10.100", stop: "10.0.10.199", dns: ["1.1.1.1"], leaseSeconds: 86400 },
  domain: "home.arpa",
});
const users = vlanSpec("users", 30, { dhcp: undefined });

function outs(l: Lab, name: string): ObjectOutputs {
  return l.engine.state.get(name)!.outs as unknown as ObjectOutputs;
}

describe("CRUD per object type (Network 9, zone-based firewall)", () => {
  it("networks: created with the exact body, updated by merge, deleted", async () => {
    const l = await lab();
    assert.deepEqual(await l.engine.up([l.network(servers)]), [
      { name: "net-servers", op: "create" },
    ]);
    const doc = l.emulator.find("networkconf", (d) => d.name === "servers")!;
    for (const [k, v] of Object.entries(networkBody(servers))) assert.deepEqual(doc[k], v, k);
    assert.equal(l.id("net-servers"), doc._id);
    assert.equal(outs(l, "net-servers").objectId, doc._id);

    l.emulator.server.resetLog();
    const moved = { ...servers, dhcp: { ...servers.dhcp!, start: "10.0.10.50" } };
    assert.deepEqual(await l.engine.up([l.network(moved)]), [
      { name: "net-servers", op: "update" },
    ]);
    assert.equal(
      l.emulator.find("networkconf", (d) => d.name === "servers")?.dhcpd_start,
      "10.0.10.50",
    );
    assert.equal(l.emulator.server.writes(), 1, "one PUT");

    assert.deepEqual(await l.engine.up([]), [{ name: "net-servers", op: "delete" }]);
    assert.equal(
      l.emulator.find("networkconf", (d) => d.name === "servers"),
      undefined,
    );
  });

  it("the WireGuard server: the key reaches the console, never the outputs", async () => {
    const l = await lab();
    await l.engine.up([l.wireguard(WG_KEY)]);
    const doc = l.emulator.find("networkconf", (d) => d.name === "wireguard")!;
    assert.equal(doc.x_wireguard_private_key, WG_KEY);
    const state = outs(l, "wg");
    assert.ok(!JSON.stringify(state).includes(WG_KEY), "no key in outputs");
    assert.match(state.secretHashes.x_wireguard_private_key!, /^sha256:[0-9a-f]{64}$/);
    assert.equal(
      state.body.local_port,
      51820,
      'the console\'s "51820" is kept as the desired number',
    );

    l.emulator.server.resetLog();
    await l.engine.up([l.wireguard(WG_KEY)]);
    assert.equal(l.emulator.server.writes(), 0);
    assert.deepEqual(await l.engine.up([l.wireguard(WG_KEY_2)]), [{ name: "wg", op: "update" }]);
    assert.equal(
      l.emulator.find("networkconf", (d) => d.name === "wireguard")?.x_wireguard_private_key,
      WG_KEY_2,
    );
    assert.ok(!JSON.stringify(outs(l, "wg")).includes(WG_KEY_2));
  });

  it("firewall groups: address and port groups", async () => {
    const l = await lab();
    await l.engine.up([
      l.group("cloudflare", "address-group", ["173.245.48.0/20", "103.21.244.0/22"]),
      l.group("web", "port-group", ["80", "443"]),
    ]);
    assert.deepEqual(l.emulator.find("firewallgroup", (d) => d.name === "web")?.group_members, [
      "80",
      "443",
    ]);
    await l.engine.up([
      l.group("cloudflare", "address-group", ["173.245.48.0/20"]),
      l.group("web", "port-group", ["80", "443"]),
    ]);
    assert.deepEqual(
      l.emulator.find("firewallgroup", (d) => d.name === "cloudflare")?.group_members,
      ["173.245.48.0/20"],
    );
    await l.engine.up([]);
    assert.equal(l.emulator.docs("firewallgroup").length, 0);
  });

  it("zones: found by key, never written", async () => {
    const l = await lab();
    const zone = l.zone("zone", "internal");
    l.emulator.server.resetLog();
    await l.engine.up([zone]);
    await l.engine.up([]);
    assert.equal(l.emulator.server.writes(), 0);
    const missing = l.zone("dmz", "no-such-zone");
    await assert.rejects(
      l.engine.up([missing]),
      /no firewall\/zone object with zone_key "no-such-zone" on the controller: it is created by the controller itself when the zone-based firewall is enabled \(otherwise set homelab:unifi\.firewall\.mode: legacy\)/,
    );
  });

  it("zone-based policies and their order", async () => {
    const l = await lab();
    const zone = l.zone("zone", "internal");
    await l.engine.up([zone, l.network(servers), l.network(users)]);
    const internal = l.id("zone");
    const policy = (name: string, ports?: string) =>
      l.object(
        name,
        "firewall-policies",
        { name },
        policyBody({
          name,
          action: name === "deny" ? "BLOCK" : "ALLOW",
          protocol: ports ? "tcp" : "all",
          sourceZone: internal,
          destinationZone: internal,
          destinationZoneKey: "internal",
          source: { kind: "networks", networks: [l.id("net-users")] },
          destination: { kind: "networks", networks: [l.id("net-servers")] },
          ports,
        }),
      );
    const base = [zone, l.network(servers), l.network(users)];
    await l.engine.up([...base, policy("deny"), policy("web", "80,443")]);
    const web = l.emulator.find("firewall-policies", (p) => p.name === "web")!;
    assert.equal((web.destination as { port: string }).port, "80,443");
    const order = () =>
      l.object(
        "order",
        "firewall-policies/batch-reorder",
        { source_zone_id: internal, destination_zone_id: internal },
        policyOrderBody(internal, internal, [l.id("web"), l.id("deny")]),
        { kind: "ordering" },
      );
    const all = () => [...base, policy("deny"), policy("web", "80,443"), order()];
    await l.engine.up(all());
    const indexOf = (name: string) =>
      Number(l.emulator.find("firewall-policies", (p) => p.name === name)!.index);
    assert.ok(indexOf("web") < indexOf("deny"), "the allow runs before the block");

    l.emulator.server.resetLog();
    await l.engine.up(all());
    assert.equal(l.emulator.server.writes(), 0, "nothing to reorder");

    // Someone reorders in the UI: refresh sees it, the next apply restores the order.
    l.emulator.find("firewall-policies", (p) => p.name === "deny")!.index = 9000;
    assert.deepEqual(await l.engine.refresh(), ["order"]);
    await l.engine.up(all());
    assert.ok(indexOf("web") < indexOf("deny"));

    await l.engine.up([...base, policy("deny"), policy("web", "443"), order()]);
    assert.equal(
      (
        l.emulator.find("firewall-policies", (p) => p.name === "web")!.destination as {
          port: string;
        }
      ).port,
      "443",
    );
    await l.engine.up(base);
    assert.equal(
      l.emulator.docs("firewall-policies").filter((p) => p.predefined === false).length,
      0,
    );
  });

  it("port forwards limited to a source group, and static DNS records", async () => {
    const l = await lab();
    await l.engine.up([l.group("cloudflare", "address-group", ["173.245.48.0/20"])]);
    const forward = (port: number) => l.forward("forward", "https", port, l.id("group-cloudflare"));
    const dns = (value: string) => l.dns("dns", "photos.home.arpa", value);
    const g = l.group("cloudflare", "address-group", ["173.245.48.0/20"]);
    await l.engine.up([g, forward(443), dns("10.0.10.11")]);
    const doc = l.emulator.find("portforward", (d) => d.name === "https")!;
    assert.equal(doc.src_firewall_group_id, l.id("group-cloudflare"));
    assert.equal(doc.src_limiting_enabled, true);
    assert.equal(
      l.emulator.find("static-dns", (d) => d.key === "photos.home.arpa")?.value,
      "10.0.10.11",
    );
    await l.engine.up([g, forward(8443), dns("10.0.10.12")]);
    assert.equal(l.emulator.find("portforward", (d) => d.name === "https")?.dst_port, "8443");
    assert.equal(
      l.emulator.find("static-dns", (d) => d.key === "photos.home.arpa")?.value,
      "10.0.10.12",
    );
    await l.engine.up([]);
    assert.equal(l.emulator.docs("portforward").length + l.emulator.docs("static-dns").length, 0);
  });
});

describe("consoles that answer writes with data: [] (UDM SE firmware)", () => {
  it("read the object back after a POST or a PUT", async () => {
    const l = await lab({ emptyPostAnswer: true, emptyPutAnswer: true });
    await l.engine.up([l.network(servers)]);
    const doc = l.emulator.find("networkconf", (d) => d.name === "servers")!;
    assert.equal(l.id("net-servers"), doc._id);
    await l.engine.up([l.network({ ...servers, igmpSnooping: true })]);
    assert.equal(outs(l, "net-servers").body.igmp_snooping, true);
    assert.equal(l.emulator.find("networkconf", (d) => d.name === "servers")?.igmp_snooping, true);
    assert.deepEqual(await l.engine.refresh(), []);
  });
});

describe("legacy firewall rules (Network 8)", () => {
  it("create, update, delete; unique indexes per ruleset", async () => {
    const l = await lab({ version: "8.6.9" });
    const g = l.group("site", "address-group", ["10.0.10.0/24", "10.0.30.0/24"]);
    await l.engine.up([g]);
    const rule = (index: number) =>
      l.object(
        "deny",
        "firewallrule",
        { ruleset: "LAN_IN", name: "deny inter-VLAN" },
        legacyRuleBody({
          name: "deny inter-VLAN",
          ruleset: "LAN_IN",
          index,
          action: "drop",
          protocol: "all",
          srcAddressGroup: l.id("group-site"),
          dstAddressGroup: l.id("group-site"),
        }),
      );
    await l.engine.up([g, rule(2999)]);
    const doc = l.emulator.find("firewallrule", (d) => d.name === "deny inter-VLAN")!;
    assert.deepEqual(doc.src_firewallgroup_ids, [l.id("group-site")]);
    assert.equal(doc.rule_index, 2999);
    await l.engine.up([g, rule(2998)]);
    assert.equal(
      l.emulator.find("firewallrule", (d) => d.name === "deny inter-VLAN")?.rule_index,
      2998,
    );
    await l.engine.up([g]);
    assert.equal(l.emulator.docs("firewallrule").length, 0);
  });

  it("waits for a sibling rule that is moving out of an index, and explains a foreign one", async () => {
    const l = await lab({ version: "8.6.9" });
    const rule = (name: string, index: number) =>
      l.object(
        name,
        "firewallrule",
        { ruleset: "LAN_IN", name },
        legacyRuleBody({ name, ruleset: "LAN_IN", index, action: "accept", protocol: "all" }),
      );
    await l.engine.up([rule("a", 2100)]);
    const a = l.engine.state.get("a")!;
    // The engine runs these in parallel: b's create hits a's old index while a moves away
    // (a moves once the console has refused b's first try).
    const check = await l.provider.check({} as never, rule("b", 2100).inputs as never);
    const refused = () =>
      l.emulator.server.log.some(
        (e) => e.method === "POST" && e.path.endsWith("/firewallrule") && e.status === 400,
      );
    const moveA = (async () => {
      for (let i = 0; i < 2000 && !refused(); i++) await new Promise((r) => setTimeout(r, 5));
      assert.ok(refused(), "b's create was refused while a held the index");
      return l.provider.update(a.id, a.outs as never, rule("a", 2200).inputs as never);
    })();
    // Waits long enough for a's move on a loaded machine (spent only while the conflict
    // lasts). The provider reads its options when it waits: they are put back after.
    const saved = providerOptions.conflictWaitsMs;
    providerOptions.conflictWaitsMs = [20, 40, 80, 160, 320, 640, 1280, 2560];
    let created;
    try {
      created = await l.provider.create(check.inputs as never);
      await moveA;
    } finally {
      providerOptions.conflictWaitsMs = saved;
    }
    assert.ok(created.id);
    assert.deepEqual(
      l.emulator
        .docs("firewallrule")
        .map((d) => [d.name, d.rule_index])
        .sort(),
      [
        ["a", 2200],
        ["b", 2100],
      ],
    );
    // A rule made in the UI never moves: after the (test's short) waits, the refusal explained.
    const other = await lab({ version: "8.6.9" });
    other.emulator.insert("firewallrule", {
      name: "made in the UI",
      ruleset: "LAN_IN",
      rule_index: 2300,
      action: "drop",
    });
    const c = other.object(
      "c",
      "firewallrule",
      { ruleset: "LAN_IN", name: "c" },
      legacyRuleBody({
        name: "c",
        ruleset: "LAN_IN",
        index: 2300,
        action: "accept",
        protocol: "all",
      }),
    );
    await assert.rejects(
      other.provider.create(c.inputs as never),
      /another rule of the same ruleset already has this rule_index \(rule indexes are unique per ruleset\): move or delete that rule \[api\.err\.FirewallRuleIndexExisted/,
    );
  });

  it("explains a zone-based console refusing legacy rules", async () => {
    const l = await lab();
    await assert.rejects(
      l.engine.up([
        l.object(
          "r",
          "firewallrule",
          { ruleset: "LAN_IN", name: "r" },
          legacyRuleBody({
            name: "r",
            ruleset: "LAN_IN",
            index: 2000,
            action: "drop",
            protocol: "all",
          }),
        ),
      ]),
      /the controller refuses legacy firewall rules: it runs the zone-based firewall \(Network 9\+ after the upgrade\), so set homelab:unifi\.firewall\.mode to zone/,
    );
  });
});

describe("idempotency and drift", () => {
  async function site(l: Lab) {
    const g = l.group("web", "port-group", ["80", "443"]);
    const desired = [l.network(servers), l.network(users), l.wireguard(WG_KEY), g];
    await l.engine.up(desired);
    return desired;
  }

  it("a second apply makes no write, and a refresh finds nothing", async () => {
    const l = await lab();
    const desired = await site(l);
    l.emulator.server.resetLog();
    const steps = await l.engine.up(desired);
    assert.ok(
      steps.every((s) => s.op === "same"),
      JSON.stringify(steps),
    );
    assert.equal(l.emulator.server.writes(), 0);
    assert.deepEqual(await l.engine.refresh(), []);
    assert.ok((await l.engine.preview(desired)).every((s) => s.op === "same"));
  });

  it("takes a sent field the console does not keep as its default: no PUT on every run", async () => {
    // The emulator drops the WireGuard server's wireguard_* fields, as the 9.5.21 capture
    // of a server has none of them.
    const l = await lab();
    const desired = await site(l);
    const stored = l.emulator.find("networkconf", (d) => d.name === "wireguard")!;
    assert.equal(stored.wireguard_interface, undefined);
    assert.equal(outs(l, "wg").body.wireguard_interface, "wan");
    l.emulator.server.resetLog();
    await l.engine.up(desired);
    assert.equal(l.emulator.server.writes(), 0);
    assert.deepEqual(await l.engine.refresh(), []);

    // Kept under the name a UI-made server has (l2tp_*): read there; a value that is not the
    // desired one is drift, put back.
    const wan2 = l.object(
      "wg",
      "networkconf",
      { name: "wireguard" },
      {
        ...(desired[2]!.inputs.body as Record<string, unknown>),
        wireguard_interface: "wan2",
      },
    );
    stored.l2tp_interface = "wan2";
    await l.engine.up([...desired.slice(0, 2), wan2, desired[3]!]);
    assert.equal(l.emulator.server.writes(), 0, "l2tp_interface already says wan2");
    stored.l2tp_interface = "wan";
    assert.deepEqual(await l.engine.refresh(), ["wg"]);
  });

  it("reads one list per collection for a whole refresh", async () => {
    const l = await lab();
    await site(l);
    l.emulator.server.resetLog();
    await l.engine.refresh();
    assert.deepEqual(l.emulator.server.log.map((e) => `${e.method} ${e.path}`).sort(), [
      "GET /proxy/network/api/s/default/rest/firewallgroup",
      "GET /proxy/network/api/s/default/rest/networkconf",
    ]);
  });

  it("sees a managed field changed on the console, and puts it back", async () => {
    const l = await lab();
    const desired = await site(l);
    l.emulator.find("networkconf", (d) => d.name === "servers")!.dhcpd_stop = "10.0.10.150";
    assert.deepEqual(await l.engine.refresh(), ["net-servers"]);
    assert.deepEqual(
      (await l.engine.preview(desired)).filter((s) => s.op !== "same"),
      [{ name: "net-servers", op: "update" }],
    );
    await l.engine.up(desired);
    assert.equal(
      l.emulator.find("networkconf", (d) => d.name === "servers")?.dhcpd_stop,
      "10.0.10.199",
    );
  });

  it("ignores what it does not manage and the console's own rewrites", async () => {
    const l = await lab();
    const desired = await site(l);
    const doc = l.emulator.find("networkconf", (d) => d.name === "servers")!;
    doc.mdns_enabled = true; // set in the UI, not managed here
    doc.vlan = "10"; // the same value, as a string
    assert.deepEqual(await l.engine.refresh(), []);
    l.emulator.server.resetLog();
    await l.engine.up(desired);
    assert.equal(l.emulator.server.writes(), 0);
  });

  it("sees a WireGuard key replaced on the console without learning it", async () => {
    const l = await lab();
    const desired = await site(l);
    l.emulator.find("networkconf", (d) => d.name === "wireguard")!.x_wireguard_private_key =
      WG_KEY_2;
    assert.deepEqual(await l.engine.refresh(), ["wg"]);
    const entry = l.engine.state.get("wg")!;
    assert.ok(
      !JSON.stringify(entry.inputs).includes(WG_KEY_2),
      "the console's key is not copied into inputs",
    );
    assert.ok(!JSON.stringify(entry.outs).includes(WG_KEY_2), "nor into outputs");
    await l.engine.up(desired);
    assert.equal(
      l.emulator.find("networkconf", (d) => d.name === "wireguard")?.x_wireguard_private_key,
      WG_KEY,
    );
  });

  it("recreates what was deleted on the console after a refresh, and explains an update before it", async () => {
    const l = await lab();
    const desired = await site(l);
    const doc = l.emulator.find("networkconf", (d) => d.name === "users")!;
    l.emulator.remove("networkconf", doc._id);
    const changed = desired.map((d) =>
      d.name === "net-users" ? l.network({ ...users, igmpSnooping: true }) : d,
    );
    await assert.rejects(
      l.engine.up(changed),
      /the networkconf object with name "users" no longer exists on the controller \(deleted outside Pulumi\): run pulumi refresh, then pulumi up to create it again/,
    );
    assert.deepEqual(await l.engine.refresh(), ["net-users"]);
    assert.deepEqual(
      (await l.engine.up(desired)).filter((s) => s.op !== "same"),
      [{ name: "net-users", op: "create" }],
    );
    assert.equal(l.emulator.docs("networkconf").filter((d) => d.name === "users").length, 1);
  });

  it("a new provider version updates state without writing to the console", async () => {
    const l = await lab();
    await l.engine.up([l.network(servers)]);
    l.emulator.server.resetLog();
    const next = l.network(servers);
    (next.inputs as { version: string }).version = "test-version-2";
    assert.deepEqual(await l.engine.up([next]), [{ name: "net-servers", op: "update" }]);
    assert.equal(l.emulator.server.writes(), 0);
    assert.equal(outs(l, "net-servers").version, "test-version-2");
  });
});

describe("natural keys and adoption", () => {
  it("refuses to create over an existing object unless told to adopt it", async () => {
    const l = await lab();
    l.emulator.insert("networkconf", {
      ...networkBody({ ...servers, dhcp: undefined }),
      purpose: "corporate",
    });
    await assert.rejects(
      l.engine.up([l.network(servers)]),
      /a networkconf object with name "servers" already exists on the controller \(not created by this stack\): set homelab:unifi\.adopt: true to take it over, or rename or delete it/,
    );
    l.emulator.server.resetLog();
    await l.engine.up([l.network(servers, { adopt: true })]);
    assert.equal(
      l.emulator.server.count((e) => e.method === "POST"),
      0,
      "adopted, not created",
    );
    const docs = l.emulator.docs("networkconf").filter((d) => d.name === "servers");
    assert.equal(docs.length, 1);
    assert.equal(docs[0]?.dhcpd_start, "10.0.10.100", "the desired body was applied");
  });

  it("refuses to guess between duplicates the console allows", async () => {
    const l = await lab();
    l.emulator.insert("networkconf", {
      name: "servers",
      purpose: "vlan-only",
      vlan_enabled: true,
      vlan: 77,
    });
    l.emulator.insert("networkconf", {
      name: "servers",
      purpose: "vlan-only",
      vlan_enabled: true,
      vlan: 78,
    });
    await assert.rejects(
      l.engine.up([l.network(servers, { adopt: true })]),
      /2 networkconf objects have name "servers" on the controller \(it allows duplicates\): delete or rename the extra ones/,
    );
  });
});

describe("check and preview", () => {
  it("reports every field the controller would refuse, before anything is sent", async () => {
    const l = await lab();
    const bad = l.object(
      "bad",
      "networkconf",
      { name: "other" },
      { ...networkBody(servers), vlan: 1, ip_subnet: "10.0.10.1/33", dhcpdv6_enable: true },
    );
    const result = await l.provider.check({} as never, bad.inputs as never);
    assert.deepEqual(
      result.failures?.map((f) => `${f.property}: ${f.reason}`),
      [
        "key.name: must equal body.name",
        "body.vlan: expected a value matching the controller's pattern [2-9]|[1-9][0-9]{1,2}|[1-3][0-9]{3}|400[0-9]|401[0-8]|^$",
        "body.ip_subnet: expected a value matching the controller's pattern " +
          (FIELD_RULES.networkconf.ip_subnet as string),
        "body.dhcpdv6_enable: not a field of this object (the controller rejects unknown fields)",
      ],
    );
    await assert.rejects(l.engine.up([bad]), /check failed for bad/);
    assert.equal(l.emulator.server.count(), 0);
  });

  it("refuses ports past 65535, reversed ranges and a site that is not a path segment", async () => {
    const l = await lab();
    const failures = async (desired: { inputs: Record<string, unknown> }) =>
      ((await l.provider.check({} as never, desired.inputs as never)).failures ?? []).map(
        (f) => `${f.property}: ${f.reason}`,
      );
    // Port groups take any member text on the console (group_members: [""]).
    assert.deepEqual(
      await failures(l.group("p", "port-group", ["443", "8000-70000", "9100-9000"])),
      [
        'body.group_members[1]: "8000-70000" is not a port (1-65535) or a range of ports',
        'body.group_members[2]: "9100-9000" is a reversed range: write the lower port first',
      ],
    );
    assert.deepEqual(await failures(l.group("a", "address-group", ["10.0.0.1-10.0.0.9"])), []);
    const forward = l.forward("f", "f", 443, "0123456789abcdef01234567");
    const body = forward.inputs.body as Record<string, unknown>;
    assert.deepEqual(
      await failures({
        inputs: {
          ...forward.inputs,
          body: { ...body, dst_port: "2000-1000", fwd_port: "2000-1000" },
        },
      }),
      [
        'body.dst_port: "2000-1000" is a reversed range: write the lower port first',
        'body.fwd_port: "2000-1000" is a reversed range: write the lower port first',
      ],
    );
    const dotted = { ...l.connection, site: ".." };
    assert.deepEqual(
      await failures({
        inputs: {
          ...l.group("g", "port-group", ["80"]).inputs,
          connection: dotted,
          path: "/proxy/network/api/s/../rest/firewallgroup",
        },
      }),
      [
        "connection.site: must be the site's short name (default): it is a segment of every API path",
        'path: "/proxy/network/api/s/../rest/firewallgroup" is not a UniFi collection path this provider knows',
      ],
    );
    assert.throws(() => collectionPath("..", "networkconf"), /"\.\." cannot be a UniFi site name/);
    assert.equal(l.emulator.server.count(), 0);
  });

  it("explains a malformed WireGuard key without printing it", async () => {
    const l = await lab();
    const secret = "definitely-not-a-key";
    const result = await l.provider.check({} as never, l.wireguard(secret).inputs as never);
    assert.equal(result.failures?.length, 1);
    const [failure] = result.failures;
    assert.equal(failure?.property, "body.x_wireguard_private_key");
    assert.match(
      failure.reason,
      /is not a WireGuard private key \(44 base64 characters, as printed by wg genkey\)/,
    );
    assert.ok(!failure.reason.includes(secret));
    assert.ok(isWireguardKey(WG_KEY));
  });

  it("tolerates preview's unknown values in check and diff", async () => {
    const l = await lab();
    await l.engine.up([l.group("site", "address-group", ["10.0.10.0/24"])]);
    const rule = l.object(
      "r",
      "firewallrule",
      { ruleset: "LAN_IN", name: "r" },
      {
        ...legacyRuleBody({
          name: "r",
          ruleset: "LAN_IN",
          index: 2000,
          action: "drop",
          protocol: "all",
        }),
        src_firewallgroup_ids: [UNKNOWN],
        rule_index: UNKNOWN,
      },
    );
    assert.deepEqual(await l.engine.preview([rule]), [
      { name: "r", op: "create" },
      { name: "group-site", op: "delete" },
    ]);
    const unknownMembers = l.object(
      "group-site",
      "firewallgroup",
      { name: "site" },
      { name: "site", group_type: "address-group", group_members: UNKNOWN },
    );
    assert.deepEqual(await l.engine.preview([unknownMembers]), [
      { name: "group-site", op: "update" },
    ]);
    // A whole input unknown at preview (body, connection, key) is checked when known.
    for (const input of ["body", "connection", "key"]) {
      const desired = { ...unknownMembers.inputs, [input]: UNKNOWN };
      const result = await l.provider.check({} as never, desired as never);
      assert.deepEqual(result.failures ?? [], [], input);
      const diff = await l.provider.diff(
        l.id("group-site"),
        outs(l, "group-site"),
        desired as never,
      );
      assert.equal(diff.changes, true, input);
    }
  });
});

describe("session auth", () => {
  it("manages objects with a local admin (CSRF on every write)", async () => {
    const l = await lab({}, "password");
    const desired = [l.network(servers), l.group("web", "port-group", ["80"])];
    await l.engine.up(desired);
    await l.engine.up([l.network(servers), l.group("web", "port-group", ["443"])]);
    assert.deepEqual(l.emulator.find("firewallgroup", (d) => d.name === "web")?.group_members, [
      "443",
    ]);
    await l.engine.up([]);
    assert.equal(l.emulator.docs("firewallgroup").length, 0);
    assert.equal(l.emulator.logins, 1);
  });
});

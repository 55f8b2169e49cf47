/** The UniFi gateway as controller objects (pure model): both firewall generations. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { loadSite, stackFileSource } from "../../src/config/load";
import { CLOUDFLARE_RANGES } from "../../src/data/cloudflare";
import { buildModel } from "../../src/model";
import { unifiPlan, type UnifiIntent, type UnifiPlan } from "../../src/model/unifi";
import { decideFirewallMode } from "../../src/model/unifi/firewall-mode";
import { allowRuleName } from "../../src/config/unifi";
import { groupName, slug } from "../../src/model/unifi/names";
import { legacyRuleIndexes, type ConsoleRule } from "../../src/model/unifi/indexes";
import { wireguardPublicKey } from "../../src/model/unifi/wireguard";
import { policyBody } from "../../src/devices/unifi/bodies";
import { ANNEX, ROOT, pathOf } from "../helpers/sites";

const annex = buildModel(
  loadSite(stackFileSource(pathOf(ANNEX), ANNEX.stack, ANNEX.file), {
    root: ROOT,
    requireSecrets: false,
  }),
).model;
const config = annex.config.unifi!;
const input = {
  file: ANNEX.file,
  config,
  networks: annex.networks,
  publish: annex.publish,
};
/** The legacy block when the console leaves it free: established/related first, drop last. */
const LEGACY_FIRST_INDEX = 2000;
const LEGACY_DENY_INDEX = 2999;

function byKind<K extends UnifiIntent["kind"]>(plan: UnifiPlan, kind: K) {
  return plan.objects.filter((o): o is Extract<UnifiIntent, { kind: K }> => o.kind === kind);
}

/** Every `{ ref }` in a value. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (value !== null && typeof value === "object") {
    const ref = (value as { ref?: unknown }).ref;
    if (typeof ref === "string" && Object.keys(value).length === 1) return [ref];
    return Object.values(value).flatMap(refs);
  }
  return [];
}

function checkOrder(plan: UnifiPlan): void {
  const seen = new Set<string>();
  for (const object of plan.objects) {
    for (const ref of refs(object))
      assert.ok(seen.has(ref), `${object.role} refers to ${ref} before it exists`);
    assert.ok(!seen.has(object.role), `role ${object.role} twice`);
    seen.add(object.role);
  }
}

describe("UniFi model, legacy firewall (the annex seed)", () => {
  const plan = unifiPlan({ ...input, firewall: decideFirewallMode("legacy") });
  const groups = new Map(byKind(plan, "FirewallGroup").map((g) => [g.role, g.spec]));
  const rules = byKind(plan, "FirewallRule");
  const lanIn = rules.filter((r) => r.spec.ruleset === "LAN_IN");

  it("has the five VLANs with the gateway form of their subnets, and WireGuard", () => {
    const networks = byKind(plan, "Network").map((n) => [
      n.spec.name,
      n.spec.vlan,
      n.spec.gateway,
      n.spec.prefixLength,
    ]);
    assert.deepEqual(networks, [
      ["servers", 10, "10.0.10.1", 24],
      ["management", 20, "10.0.20.1", 24],
      ["users", 30, "10.0.30.1", 24],
      ["iot", 40, "10.0.40.1", 24],
      ["lab", 50, "10.0.50.1", 24],
    ]);
    const [wg] = byKind(plan, "WireGuardServer");
    assert.deepEqual(wg?.spec.server, {
      name: "wireguard",
      gateway: "10.0.3.1",
      prefixLength: 24,
      port: 51820,
      dns: ["10.0.10.1"],
      wanInterface: "wan",
    });
    assert.deepEqual(wg?.spec.privateKey, { secret: "wireguardPrivateKey" });
  });

  it("allows established/related first, the 11 allows, and drops everything else between the networks last", () => {
    assert.equal(lanIn.length, 13);
    const first = lanIn.find((r) => r.spec.index === LEGACY_FIRST_INDEX)!;
    assert.equal(first.spec.establishedRelated, true);
    assert.equal(first.spec.action, "accept");
    const last = lanIn.find((r) => r.spec.index === LEGACY_DENY_INDEX)!;
    assert.equal(last.spec.action, "drop");
    const site = groups.get(last.spec.srcAddressGroup!.ref)!;
    assert.deepEqual(last.spec.dstAddressGroup, last.spec.srcAddressGroup);
    assert.deepEqual([...site.members].sort(), [
      "10.0.10.0/24",
      "10.0.20.0/24",
      "10.0.3.0/24",
      "10.0.30.0/24",
      "10.0.40.0/24",
      "10.0.50.0/24",
    ]);
    const allows = lanIn.filter((r) => r !== first && r !== last);
    assert.deepEqual(
      allows.map((r) => r.spec.name),
      config.firewall.allow.map((a) => a.name),
    );
    for (const rule of allows) {
      assert.ok(rule.spec.index > LEGACY_FIRST_INDEX && rule.spec.index < LEGACY_DENY_INDEX);
      assert.equal(rule.spec.action, "accept");
    }
    assert.equal(new Set(lanIn.map((r) => r.spec.index)).size, lanIn.length, "indexes are unique");
  });

  it("resolves allows by network name to address groups, and ports to port groups", () => {
    const rule = lanIn.find((r) => r.spec.name === "iot to MQTT")!.spec;
    assert.equal(rule.protocol, "tcp");
    assert.deepEqual(groups.get(rule.srcAddressGroup!.ref)?.members, ["10.0.40.0/24"]);
    assert.deepEqual(groups.get(rule.dstAddressGroup!.ref)?.members, ["10.0.10.0/24"]);
    assert.deepEqual(groups.get(rule.dstPortGroup!.ref), {
      name: "homelab ports 1883,8883",
      type: "port-group",
      members: ["1883", "8883"],
    });
    const everything = lanIn.find((r) => r.spec.name === "management to everything")!.spec;
    assert.equal(everything.dstPortGroup, undefined);
    assert.deepEqual(groups.get(everything.dstAddressGroup!.ref)?.members, [
      "10.0.40.0/24",
      "10.0.50.0/24",
      "10.0.10.0/24",
      "10.0.30.0/24",
    ]);
    const vpn = lanIn.find((r) => r.spec.name === "vpn to servers")!.spec;
    assert.deepEqual(groups.get(vpn.srcAddressGroup!.ref)?.members, ["10.0.3.0/24"]);
  });

  it("shares one group per distinct set (web ports are used by two rules)", () => {
    const names = [...groups.values()].map((g) => g.name);
    assert.equal(new Set(names).size, names.length);
    assert.equal(names.filter((n) => n === "homelab ports 80,443").length, 1);
    for (const name of names) assert.ok(name.length <= 64, name);
  });

  it("opens the WAN to Cloudflare's ranges only, on 80/443 to the proxy host", () => {
    const wan = rules.filter((r) => r.spec.ruleset === "WAN_IN");
    assert.equal(wan.length, 1);
    const rule = wan[0]!.spec;
    assert.equal(rule.action, "accept");
    assert.equal(rule.dstAddress, "10.0.10.11");
    assert.deepEqual(groups.get(rule.srcAddressGroup!.ref)?.members, [...CLOUDFLARE_RANGES.ipv4]);
    assert.deepEqual(groups.get(rule.dstPortGroup!.ref)?.members, ["80", "443"]);
    const forwards = byKind(plan, "PortForward").map((f) => f.spec);
    assert.deepEqual(
      forwards.map((f) => [f.port, f.forwardTo, f.forwardPort, f.sourceGroup?.ref]),
      [
        [80, "10.0.10.11", 80, rule.srcAddressGroup!.ref],
        [443, "10.0.10.11", 443, rule.srcAddressGroup!.ref],
      ],
    );
  });

  it("lists every object after the objects it refers to", () => checkOrder(plan));
});

describe("UniFi model, zone-based firewall", () => {
  const plan = unifiPlan({
    ...input,
    firewall: decideFirewallMode("zone"),
    dnsRecords: [{ name: "photos.home.arpa", address: "10.0.10.11" }],
  });
  const policies = byKind(plan, "FirewallPolicy");
  const orders = byKind(plan, "FirewallPolicyOrder");

  it("looks up the controller's zones instead of creating them", () => {
    assert.deepEqual(
      byKind(plan, "FirewallZone").map((z) => z.spec.zoneKey),
      ["internal", "vpn", "external"],
    );
    assert.equal(byKind(plan, "FirewallRule").length, 0);
  });

  it("orders established/related, the allows and the block for each pair of zones", () => {
    assert.deepEqual(
      orders.map((o) => o.role),
      ["order-internal-internal", "order-internal-vpn", "order-vpn-internal"],
    );
    const names = (order: (typeof orders)[number]) =>
      order.spec.policies.map((p) => policies.find((x) => x.role === p.ref)!.spec.name);
    const internal = names(orders[0]!);
    assert.equal(internal[0], "homelab allow established/related internal to internal");
    assert.equal(internal.at(-1), "homelab deny inter-VLAN internal to internal");
    assert.equal(internal.length, 2 + 9);
    assert.deepEqual(names(orders[2]!), [
      "homelab allow established/related vpn to internal",
      "vpn to servers",
      "vpn to management",
      "homelab deny inter-VLAN vpn to internal",
    ]);
    const block = policies.find(
      (p) => p.spec.name === "homelab deny inter-VLAN internal to internal",
    )!.spec;
    assert.equal(block.action, "BLOCK");
    assert.equal(block.source.kind === "networks" && block.source.networks.length, 5);
  });

  it("creates each pair's block after the pair's allows, so it never sits above one", () => {
    for (const order of orders) {
      const pair = order.spec.policies.map((p) => policies.find((x) => x.role === p.ref)!);
      const block = pair.at(-1)!;
      assert.equal(block.spec.action, "BLOCK");
      assert.deepEqual(
        block.dependsOn,
        pair.slice(0, -1).map((p) => p.role),
        order.role,
      );
      for (const allow of pair.slice(0, -1)) assert.deepEqual(allow.dependsOn, [], allow.role);
    }
  });

  it("asks for return traffic on every ALLOW but ICMP or into External, never on a BLOCK", () => {
    const bodies = policies.map((p) => policyBody(p.spec));
    for (const body of bodies) {
      assert.equal(typeof body.create_allow_respond, "boolean", String(body.name));
      assert.equal(body.create_allow_respond, body.action === "ALLOW", String(body.name));
    }
    const spec = policies.find((p) => p.spec.name === "users to web services")!.spec;
    assert.equal(policyBody({ ...spec, protocol: "icmp" }).create_allow_respond, false);
    assert.equal(
      policyBody({ ...spec, destinationZoneKey: "external" }).create_allow_respond,
      false,
    );
    assert.equal(policyBody({ ...spec, action: "BLOCK" }).create_allow_respond, false);
  });

  it("puts a guest network in the Hotspot zone, and denies between it and the others", () => {
    const guest = unifiPlan({
      ...input,
      config: {
        ...config,
        networks: config.networks.map((n) =>
          n.name === "iot" ? { ...n, purpose: "guest" as const } : n,
        ),
      },
      firewall: decideFirewallMode("zone"),
    });
    const zones = byKind(guest, "FirewallZone").map((z) => z.spec.zoneKey);
    assert.deepEqual(zones, ["internal", "hotspot", "vpn", "external"]);
    const mqtt = byKind(guest, "FirewallPolicy").find((p) => p.spec.name === "iot to MQTT")!;
    assert.deepEqual(mqtt.spec.sourceZone, { ref: "zone-hotspot" });
    assert.deepEqual(mqtt.spec.source, { kind: "networks", networks: [{ ref: "net-iot" }] });
    assert.ok(
      byKind(guest, "FirewallPolicyOrder").some((o) => o.role === "order-hotspot-internal"),
    );
  });

  it("matches networks by id and ports inline", () => {
    const rule = policies.find((p) => p.spec.name === "users to web services")!.spec;
    assert.deepEqual(rule.source, { kind: "networks", networks: [{ ref: "net-users" }] });
    assert.deepEqual(rule.destination, { kind: "networks", networks: [{ ref: "net-servers" }] });
    assert.equal(rule.ports, "80,443");
    assert.deepEqual(rule.sourceZone, { ref: "zone-internal" });
  });

  it("splits an allow whose networks sit in two zones", () => {
    const plan2 = unifiPlan({
      ...input,
      config: {
        ...config,
        firewall: {
          ...config.firewall,
          allow: [{ name: "admins", from: ["users", "wireguard"], to: "servers", protocol: "all" }],
        },
      },
      firewall: decideFirewallMode("zone"),
    });
    assert.deepEqual(
      byKind(plan2, "FirewallPolicy")
        .map((p) => p.spec.name)
        .filter((n) => n.startsWith("admins")),
      ["admins (internal to internal)", "admins (vpn to internal)"],
    );
  });

  it("allows the proxy from Cloudflare's group, forwards its ports, and serves internal names", () => {
    const wan = policies.find((p) => p.spec.sourceZone.ref === "zone-external")!.spec;
    assert.deepEqual(wan.source, { kind: "addressGroup", group: { ref: "group-cloudflare" } });
    assert.deepEqual(wan.destination, { kind: "addresses", addresses: ["10.0.10.11"] });
    assert.equal(wan.ports, "80,443");
    assert.equal(byKind(plan, "PortForward").length, 2);
    assert.deepEqual(
      byKind(plan, "DnsRecord").map((d) => d.spec),
      [{ name: "photos.home.arpa", type: "A", value: "10.0.10.11" }],
    );
  });

  it("lists every object after the objects it refers to", () => checkOrder(plan));

  it("has no deny, order or established/related object when inter-VLAN traffic is allowed", () => {
    const open = unifiPlan({
      ...input,
      config: { ...config, firewall: { ...config.firewall, interVlan: "allow" } },
      firewall: decideFirewallMode("zone"),
    });
    assert.equal(byKind(open, "FirewallPolicyOrder").length, 0);
    assert.ok(
      byKind(open, "FirewallPolicy").every(
        (p) => p.spec.action === "ALLOW" && !p.spec.establishedRelated,
      ),
    );
    const legacy = unifiPlan({
      ...input,
      config: { ...config, firewall: { ...config.firewall, interVlan: "allow" } },
      firewall: decideFirewallMode("legacy"),
    });
    assert.ok(
      byKind(legacy, "FirewallRule").every(
        (r) => r.spec.action === "accept" && !r.spec.establishedRelated,
      ),
    );
  });
});

describe("UniFi model helpers", () => {
  it("gives allows stable, unique indexes: adding or removing one moves no other", () => {
    const indexes = (names: string[], consoleRules?: ConsoleRule[]) => {
      const result = legacyRuleIndexes(
        { ruleset: "LAN_IN", first: "first", allows: names, last: "last" },
        consoleRules,
      );
      assert.ok("indexes" in result, JSON.stringify(result));
      return result.indexes;
    };
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 60 }),
        fc.uniqueArray(fc.integer({ min: 2000, max: 2999 }), { maxLength: 40 }),
        (names, taken) => {
          const consoleRules = taken.map((index) => ({
            ruleset: "LAN_IN",
            index,
            name: `console ${index}`,
          }));
          const got = indexes(names, consoleRules);
          const all = [got.first!, ...got.allows, got.last!];
          assert.equal(new Set(all).size, all.length, "unique");
          for (const i of all) assert.ok(!taken.includes(i), `${i} is the console's`);
          for (const i of got.allows) assert.ok(i > got.first! && i < got.last!);
          // Appending a name never changes the indexes of the others.
          const more = indexes([...names, "\u0000new rule"], consoleRules);
          assert.deepEqual(more.allows.slice(0, names.length), got.allows);
        },
      ),
    );
    // A free console: established/related at 2000, the drop at 2999.
    const free = indexes(["a", "b"]);
    assert.deepEqual([free.first, free.last], [LEGACY_FIRST_INDEX, LEGACY_DENY_INDEX]);
  });

  it("takes the indexes the console's rules leave free, and its five-digit block", () => {
    // The seed console: 11 LAN_IN rules of its own at 2000-2010, and one of ours.
    const seed: ConsoleRule[] = Array.from({ length: 11 }, (_, i) => ({
      ruleset: "LAN_IN",
      index: 2000 + i,
      name: `UI rule ${i + 1}`,
    }));
    const ours = { ruleset: "LAN_IN", index: 2999, name: "homelab deny inter-VLAN" };
    const plan = unifiPlan({
      ...input,
      firewall: {
        ...decideFirewallMode("legacy", {
          zoneBasedFirewall: false,
          staticDns: true,
          legacyRules: [...seed, ours, { ruleset: "WAN_IN", index: 2000, name: "UI wan" }],
        }),
      },
    });
    assert.deepEqual(plan.problems, []);
    const rules = byKind(plan, "FirewallRule");
    const lanIn = rules.filter((r) => r.spec.ruleset === "LAN_IN");
    const indexOf = (name: string) => rules.find((r) => r.spec.name === name)!.spec.index;
    assert.equal(indexOf("homelab allow established/related"), 2011);
    assert.equal(indexOf("homelab deny inter-VLAN"), 2999, "our own rule is not in the way");
    for (const rule of lanIn) assert.ok(rule.spec.index >= 2011, rule.spec.name);
    assert.equal(indexOf("homelab allow optiplex from cloudflare"), 2001);
    assert.equal(new Set(lanIn.map((r) => r.spec.index)).size, 13);

    const fiveDigits = legacyRuleIndexes({ ruleset: "WAN_IN", first: "proxy", allows: [] }, [
      { ruleset: "WAN_IN", index: 20000, name: "UI" },
    ]);
    assert.deepEqual(fiveDigits, { indexes: { first: 20001, allows: [], last: undefined } });
  });

  it("names the console's rules in the way when no index is free", () => {
    const full: ConsoleRule[] = Array.from({ length: 999 }, (_, i) => ({
      ruleset: "LAN_IN",
      index: 2000 + i,
      name: `UI rule ${i}`,
    }));
    const plan = unifiPlan({
      ...input,
      firewall: decideFirewallMode("legacy", {
        zoneBasedFirewall: false,
        staticDns: true,
        legacyRules: full,
      }),
    });
    assert.equal(plan.objects.length, 0);
    assert.equal(plan.problems.length, 1);
    const [problem] = plan.problems;
    assert.equal(problem?.file, ANNEX.file);
    assert.deepEqual(problem?.path, ["homelab:unifi", "firewall"]);
    assert.match(
      problem?.message ?? "",
      /^no free LAN_IN rule_index for "homelab deny inter-VLAN" between 2000 and 2999: the console's LAN_IN rules "UI rule 0" \(2000\), "UI rule 1" \(2001\), .* and 994 more take them: move or delete some in the UniFi UI/,
    );
  });

  it("fails on a pinned mode the console does not run, at the key that fixes it", () => {
    const plan = unifiPlan({
      ...input,
      firewall: decideFirewallMode("legacy", {
        version: "9.5.21",
        zoneBasedFirewall: true,
        staticDns: true,
      }),
    });
    assert.equal(plan.objects.length, 0);
    assert.deepEqual(
      plan.problems.map((p) => [p.file, p.path, p.message]),
      [
        [
          ANNEX.file,
          ["homelab:unifi", "firewall", "mode"],
          "firewall.mode is legacy, but the console (UniFi Network 9.5.21) runs the zone-based firewall: it refuses every legacy rule (api.err.FirewallRuleIndexOutOfRange) after the networks, groups and port forwards would have been written. Set homelab:unifi.firewall.mode to zone (or auto)",
        ],
      ],
    );
    const zone = decideFirewallMode("zone", { zoneBasedFirewall: false, staticDns: true });
    assert.match(
      zone.mismatch ?? "",
      /^firewall\.mode is zone, but the console \(the controller\) runs the legacy LAN_IN\/WAN_IN firewall/,
    );
    assert.equal(
      decideFirewallMode("zone", { zoneBasedFirewall: true, staticDns: true }).mismatch,
      undefined,
    );
  });

  it("names rules and groups readably and within the controller's limits", () => {
    assert.equal(
      allowRuleName({ from: ["users", "iot"], to: "servers", protocol: "all" }),
      "users+iot to servers",
    );
    assert.equal(allowRuleName({ name: "x", from: "a", to: "b", protocol: "all" }), "x");
    assert.equal(slug("Servers to NAS (NFS)"), "servers-to-nas-nfs");
    const long = groupName(
      "nets",
      Array.from({ length: 12 }, (_, i) => `network-${i}`),
    );
    assert.equal(long.length, 64);
    assert.match(long, /^homelab nets network-0\+.*~[0-9a-f]{8}$/);
    assert.notEqual(
      long,
      groupName(
        "nets",
        Array.from({ length: 12 }, (_, i) => `network-${i + 1}`),
      ),
    );
  });

  it("derives a WireGuard public key (RFC 7748 test vector) and rejects what is not a key", () => {
    const alice = Buffer.from(
      "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
      "hex",
    ).toString("base64");
    assert.equal(
      wireguardPublicKey(alice),
      Buffer.from(
        "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
        "hex",
      ).toString("base64"),
    );
    assert.equal(wireguardPublicKey("offline-placeholder-wireguardPrivateKey"), undefined);
  });

  it("decides the firewall mode and says why, and what it assumes offline", () => {
    assert.deepEqual(decideFirewallMode("legacy"), {
      mode: "legacy",
      source: "configured",
      staticDns: true,
      version: undefined,
      message:
        "UniFi firewall: legacy LAN_IN/WAN_IN firewall rules, as configured (homelab:unifi.firewall.mode: legacy)",
      mismatch: undefined,
      legacyRules: undefined,
      assumptions: [
        "UniFi firewall: firewall.mode legacy is NOT CHECKED against the console: an offline plan cannot ask it (a real preview does, and stops when the console runs the other firewall)",
        "UniFi legacy rules: indexes 2000-2999 of LAN_IN and WAN_IN are ASSUMED free: an offline plan cannot read the console's ruleset (a real preview reads it, takes the free indexes and names a rule in the way)",
      ],
    });
    const checked = decideFirewallMode("legacy", {
      version: "8.6.9",
      zoneBasedFirewall: false,
      staticDns: true,
      legacyRules: [],
    });
    assert.deepEqual(
      [checked.assumptions, checked.mismatch, checked.legacyRules],
      [[], undefined, []],
    );
    assert.equal(
      checked.message,
      "UniFi firewall: legacy LAN_IN/WAN_IN firewall rules, as configured (homelab:unifi.firewall.mode: legacy); UniFi Network 8.6.9 runs it",
    );
    assert.equal(decideFirewallMode("zone").assumptions.length, 1, "no index assumption");
    const assumed = decideFirewallMode("auto");
    assert.equal(assumed.mode, "zone");
    assert.equal(assumed.source, "assumed");
    assert.match(
      assumed.message,
      /ASSUMED: firewall\.mode is auto and an offline plan cannot ask the controller/,
    );
    assert.deepEqual(assumed.assumptions, [assumed.message]);
    const old = decideFirewallMode("auto", {
      version: "8.6.9",
      zoneBasedFirewall: false,
      staticDns: true,
    });
    assert.deepEqual([old.mode, old.source, old.version], ["legacy", "detected", "8.6.9"]);
    assert.match(
      old.message,
      /detected \(UniFi Network 8\.6\.9 does not run the zone-based firewall\)/,
    );
    assert.equal(
      decideFirewallMode("auto", { zoneBasedFirewall: true, staticDns: false }).mode,
      "zone",
    );
  });
});

/**
 * The annex stack with `firewall.mode: auto`, planned offline: the zone-based firewall is
 * assumed, and the plan says so (stack output, resource types and names); the policies, their
 * order and the zone lookups are planned, each body valid for the controller.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { offlineObjectId } from "../../../src/cli/mock-outputs";
import type { Plan } from "../../../src/cli/mock-runtime";
import { byName as find, plan as planOf } from "../../helpers/plan";
import { ANNEX, variant } from "../../helpers/sites";
import { assertControllerAccepts, bodyOf as body, unifiObjects, type Body } from "./plan-objects";

let plan: Plan;
before(async () => {
  plan = await planOf(variant(ANNEX, (text) => text.replace(/mode: legacy.*\n/, "mode: auto\n")));
});

const ofType = (type: string) => unifiObjects(plan, type);
const byName = (name: string) => find(plan, name);
const id = (name: string) => offlineObjectId(`annex-unifi-${name}`);

describe("annex with firewall.mode auto, planned offline", () => {
  it("says the zone-based firewall is an assumption and how to pin it", () => {
    const outputs = plan.outputs.unifi as Body;
    assert.equal(outputs.firewallMode, "zone");
    assert.equal(outputs.firewallModeSource, "assumed");
    assert.match(
      String(outputs.firewallModeMessage),
      /zone-based firewall policies \(Network 9\+\), ASSUMED: firewall\.mode is auto and an offline plan cannot ask the controller \(a real run detects it\)\. Set homelab:unifi\.firewall\.mode to zone or legacy/,
    );
    assert.equal(ofType("FirewallRule").length, 0);
    assert.ok(ofType("FirewallPolicy").every((r) => r.name.startsWith("annex-unifi-policy-")));
  });

  it("looks up the controller's zones (no write) and refers to them", () => {
    assert.deepEqual(
      ofType("FirewallZone").map((r) => [r.name, r.inputs.kind, r.inputs.key, r.inputs.body]),
      [
        ["annex-unifi-zone-internal", "lookup", { zone_key: "internal" }, {}],
        ["annex-unifi-zone-vpn", "lookup", { zone_key: "vpn" }, {}],
        ["annex-unifi-zone-external", "lookup", { zone_key: "external" }, {}],
      ],
    );
  });

  it("denies between the networks by default and orders each pair of zones", () => {
    const block = body(byName("annex-unifi-policy-deny-inter-vlan-internal-internal"));
    assert.equal(block.action, "BLOCK");
    assert.deepEqual(
      (block.source as Body).network_ids,
      ["servers", "management", "users", "iot", "lab"].map((n) => id(`net-${n}`)),
    );
    assert.equal((block.source as Body).zone_id, id("zone-internal"));
    const vpnDeny = body(byName("annex-unifi-policy-deny-inter-vlan-vpn-internal"));
    assert.deepEqual((vpnDeny.source as Body).network_ids, [id("wireguard")]);
    const order = body(byName("annex-unifi-order-vpn-internal"));
    assert.deepEqual(order, {
      after_predefined_ids: [],
      before_predefined_ids: [
        id("policy-established-related-vpn-internal"),
        id("policy-vpn-to-servers"),
        id("policy-vpn-to-management"),
        id("policy-deny-inter-vlan-vpn-internal"),
      ],
      destination_zone_id: id("zone-internal"),
      source_zone_id: id("zone-vpn"),
    });
    const established = body(byName("annex-unifi-policy-established-related-internal-internal"));
    assert.deepEqual(
      [established.action, established.connection_state_type, established.connection_states],
      ["ALLOW", "CUSTOM", ["ESTABLISHED", "RELATED"]],
    );
    const mqtt = body(byName("annex-unifi-policy-iot-to-mqtt"));
    assert.deepEqual(mqtt.destination, {
      match_opposite_ports: false,
      matching_target: "NETWORK",
      matching_target_type: "SPECIFIC",
      network_ids: [id("net-servers")],
      port: "1883,8883",
      port_matching_type: "SPECIFIC",
      zone_id: id("zone-internal"),
    });
  });

  it("creates each pair's block only after the pair's allows exist (dependsOn)", () => {
    // The controller appends a new policy to the end of its pair: created last, the block
    // can never sit above an allow, even when an apply stops half-way.
    const deny = byName("annex-unifi-policy-deny-inter-vlan-vpn-internal");
    assert.deepEqual(deny.options.dependsOn.map((d) => d.split("::").at(-1)).sort(), [
      "annex-unifi-policy-established-related-vpn-internal",
      "annex-unifi-policy-vpn-to-management",
      "annex-unifi-policy-vpn-to-servers",
    ]);
    assert.ok(deny.options.dependsOn.every((d) => d.includes("dynamic/unifi:FirewallPolicy::")));
    for (const r of ofType("FirewallPolicy").filter((p) => body(p).action === "ALLOW")) {
      assert.deepEqual(r.options.dependsOn, [], r.name);
    }
  });

  it("asks for return traffic on its allows and never on a block", () => {
    for (const r of ofType("FirewallPolicy")) {
      assert.equal(body(r).create_allow_respond, body(r).action === "ALLOW", r.name);
    }
  });

  it("opens the WAN to Cloudflare's group only", () => {
    const wan = body(byName("annex-unifi-policy-allow-optiplex-from-cloudflare"));
    assert.deepEqual(wan.source, {
      ip_group_id: id("group-cloudflare"),
      match_opposite_ports: false,
      matching_target: "IP",
      matching_target_type: "OBJECT",
      port_matching_type: "ANY",
      zone_id: id("zone-external"),
    });
    assert.deepEqual((wan.destination as Body).ips, ["10.0.10.11"]);
    assert.equal((wan.destination as Body).port, "80,443");
    assert.ok(
      ofType("PortForward").every((r) => body(r).src_firewall_group_id === id("group-cloudflare")),
    );
  });

  it("every body is valid for the controller", () => {
    assert.ok(unifiObjects(plan).length > 30);
    assertControllerAccepts(plan);
  });
});

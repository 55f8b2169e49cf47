/**
 * Seed 001 (the annex stack) under the mock runtime, as `npm run plan` evaluates it: the
 * UniFi gateway's VLANs 10-50, the WireGuard network, inter-VLAN default deny with its 11
 * allows (legacy LAN_IN rules, as the stack pins), the Cloudflare-only WAN rule, and every
 * object body valid for the controller's field rules.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { offlineObjectId } from "../../../src/cli/mock-outputs";
import type { Plan } from "../../../src/cli/mock-runtime";
import { CLOUDFLARE_RANGES } from "../../../src/data/cloudflare";
import { byName as find, plan as planOf } from "../../helpers/plan";
import { ANNEX } from "../../helpers/sites";
import { assertControllerAccepts, bodyOf as body, unifiObjects, type Body } from "./plan-objects";

let plan: Plan;
before(async () => {
  plan = await planOf(ANNEX);
});

const unifi = () => unifiObjects(plan);
const ofType = (type: string) => unifiObjects(plan, type);
const byName = (name: string) => find(plan, name);
const idOf = (name: string) => offlineObjectId(name);

describe("annex (seed 001) UniFi gateway, legacy firewall", () => {
  it("states the firewall mode it configures, and why", () => {
    const outputs = plan.outputs.unifi as Body;
    assert.equal(outputs.firewallMode, "legacy");
    assert.equal(outputs.firewallModeSource, "configured");
    assert.match(
      String(outputs.firewallModeMessage),
      /legacy LAN_IN\/WAN_IN firewall rules, as configured/,
    );
    const gateway = plan.resources.find((r) => r.type === "homelab:unifi:Gateway");
    assert.equal(gateway?.name, "annex-unifi");
    assert.equal(gateway?.parent, "homelab:index:Homelab::annex");
    assert.equal(ofType("FirewallPolicy").length, 0);
  });

  it("has VLANs 10/20/30/40/50 with their subnets (gateway form) and DHCP ranges", () => {
    const networks = ofType("Network").map((r) => {
      const b = body(r);
      return [b.name, b.vlan, b.ip_subnet, b.dhcpd_start, b.dhcpd_stop, b.vlan_enabled, b.purpose];
    });
    assert.deepEqual(networks, [
      ["servers", 10, "10.0.10.1/24", "10.0.10.100", "10.0.10.199", true, "corporate"],
      ["management", 20, "10.0.20.1/24", "10.0.20.100", "10.0.20.199", true, "corporate"],
      ["users", 30, "10.0.30.1/24", "10.0.30.100", "10.0.30.250", true, "corporate"],
      ["iot", 40, "10.0.40.1/24", "10.0.40.100", "10.0.40.250", true, "corporate"],
      ["lab", 50, "10.0.50.1/24", "10.0.50.100", "10.0.50.250", true, "corporate"],
    ]);
    assert.equal(body(byName("annex-unifi-net-servers")).domain_name, "home.arpa");
    for (const r of ofType("Network")) {
      assert.equal(r.inputs.path, "/proxy/network/api/s/default/rest/networkconf");
      assert.deepEqual(r.inputs.key, { name: body(r).name });
    }
  });

  it("has the WireGuard server on 10.0.3.0/24 with its private key as a secret", () => {
    const [wg] = ofType("WireGuardServer");
    assert.equal(wg?.name, "annex-unifi-wireguard");
    assert.deepEqual(body(wg), {
      dhcpd_dns_1: "10.0.10.1",
      dhcpd_dns_enabled: true,
      enabled: true,
      ip_subnet: "10.0.3.1/24",
      local_port: 51820,
      name: "wireguard",
      purpose: "remote-user-vpn",
      setting_preference: "manual",
      vpn_type: "wireguard-server",
      wireguard_interface: "wan",
      wireguard_local_wan_ip: "any",
      x_wireguard_private_key: "[secret]",
    });
    assert.ok(!JSON.stringify(plan).includes("offline-placeholder-wireguardPrivateKey"));
  });

  it("denies inter-VLAN traffic by default, after established/related and the 11 allows", () => {
    const lanIn = ofType("FirewallRule").filter((r) => body(r).ruleset === "LAN_IN");
    assert.equal(lanIn.length, 13);
    const byIndex = [...lanIn].sort(
      (a, b) => Number(body(a).rule_index) - Number(body(b).rule_index),
    );
    const first = body(byIndex[0]!);
    const last = body(byIndex.at(-1)!);
    assert.deepEqual(
      [first.rule_index, first.action, first.state_established, first.state_related],
      [2000, "accept", true, true],
    );
    assert.deepEqual([last.rule_index, last.action, last.protocol], [2999, "drop", "all"]);
    const site = idOf("annex-unifi-group-site-networks");
    assert.deepEqual(last.src_firewallgroup_ids, [site]);
    assert.deepEqual(last.dst_firewallgroup_ids, [site]);
    assert.deepEqual(
      [...(body(byName("annex-unifi-group-site-networks")).group_members as string[])].sort(),
      [
        "10.0.10.0/24",
        "10.0.20.0/24",
        "10.0.3.0/24",
        "10.0.30.0/24",
        "10.0.40.0/24",
        "10.0.50.0/24",
      ],
    );
    const allows = byIndex
      .slice(1, -1)
      .map((r) => body(r).name)
      .sort();
    assert.deepEqual(allows, [
      "iot to DNS",
      "iot to MQTT",
      "lab to web services",
      "management to everything",
      "servers to NAS (NFS)",
      "servers to NAS (web UI)",
      "users to DNS",
      "users to printers and casting",
      "users to web services",
      "vpn to management",
      "vpn to servers",
    ]);
    const dns = body(byName("annex-unifi-lan-in-users-to-dns"));
    assert.equal(dns.protocol, "tcp_udp");
    assert.deepEqual(dns.src_firewallgroup_ids, [idOf("annex-unifi-group-nets-users")]);
    assert.deepEqual(dns.dst_firewallgroup_ids, [
      idOf("annex-unifi-group-nets-servers"),
      idOf("annex-unifi-group-ports-53"),
    ]);
    assert.deepEqual(body(byName("annex-unifi-group-ports-53")).group_members, ["53"]);
  });

  it("sends every rule in full, as go-unifi sends rules to real consoles", () => {
    // ubiquiti-community/go-unifi unifi/firewall_rule.generated.go: the fields without
    // omitempty always go out; terraform-provider-unifi defaults the network types to NETv4.
    assert.deepEqual(body(byName("annex-unifi-lan-in-users-to-dns")), {
      name: "users to DNS",
      ruleset: "LAN_IN",
      rule_index: body(byName("annex-unifi-lan-in-users-to-dns")).rule_index,
      enabled: true,
      action: "accept",
      protocol: "tcp_udp",
      protocol_v6: "",
      protocol_match_excepted: false,
      icmp_typename: "",
      icmpv6_typename: "",
      logging: false,
      state_established: false,
      state_related: false,
      state_new: false,
      state_invalid: false,
      src_firewallgroup_ids: [idOf("annex-unifi-group-nets-users")],
      src_address: "",
      src_mac_address: "",
      src_networkconf_id: "",
      src_networkconf_type: "NETv4",
      dst_firewallgroup_ids: [
        idOf("annex-unifi-group-nets-servers"),
        idOf("annex-unifi-group-ports-53"),
      ],
      dst_address: "",
      dst_networkconf_id: "",
      dst_networkconf_type: "NETv4",
      ipsec: "",
    });
    const fields = Object.keys(body(byName("annex-unifi-lan-in-users-to-dns"))).sort();
    for (const rule of ofType("FirewallRule")) {
      assert.deepEqual(Object.keys(body(rule)).sort(), fields, rule.name);
    }
  });

  it("opens the WAN only to Cloudflare's ranges, on 80/443, towards the Traefik host", () => {
    const cloudflare = byName("annex-unifi-group-cloudflare");
    assert.deepEqual(body(cloudflare).group_members, [...CLOUDFLARE_RANGES.ipv4]);
    const wan = ofType("FirewallRule").filter((r) => body(r).ruleset === "WAN_IN");
    assert.equal(wan.length, 1);
    const rule = body(wan[0]!);
    assert.equal(rule.action, "accept");
    assert.equal(rule.protocol, "tcp");
    assert.equal(rule.dst_address, "10.0.10.11");
    assert.deepEqual(rule.src_firewallgroup_ids, [idOf("annex-unifi-group-cloudflare")]);
    assert.deepEqual(rule.dst_firewallgroup_ids, [idOf("annex-unifi-group-ports-80-443")]);
    const forwards = ofType("PortForward").map((r) => body(r));
    assert.deepEqual(
      forwards.map((f) => [
        f.dst_port,
        f.fwd,
        f.fwd_port,
        f.proto,
        f.src_limiting_enabled,
        f.src_limiting_type,
        f.src_firewall_group_id,
      ]),
      [
        [
          "80",
          "10.0.10.11",
          "80",
          "tcp",
          true,
          "firewall_group",
          idOf("annex-unifi-group-cloudflare"),
        ],
        [
          "443",
          "10.0.10.11",
          "443",
          "tcp",
          true,
          "firewall_group",
          idOf("annex-unifi-group-cloudflare"),
        ],
      ],
    );
  });

  it("serves the services' internal names from the console, retained like every DNS record", () => {
    const internal = (
      plan.outputs.services as { internalRecords: { name: string; address: string }[] }
    ).internalRecords;
    assert.ok(internal.length > 10);
    const records = ofType("DnsRecord");
    assert.deepEqual(
      records.map((r) => [body(r).key, body(r).value]).sort(),
      internal.map((r) => [r.name, r.address]).sort(),
    );
    const photos = records.find((r) => body(r).key === "photos.home.arpa")!;
    assert.deepEqual(body(photos), {
      enabled: true,
      key: "photos.home.arpa",
      record_type: "A",
      value: "10.0.10.11",
    });
    for (const r of records) {
      assert.equal(r.options.retainOnDelete, true, r.name);
      assert.equal(r.inputs.adopt, true, `${r.name}: a record left behind is taken back`);
    }
  });

  it("shows path, key and the exact body of every UniFi object, each valid for the controller", () => {
    const objects = unifi();
    assert.equal(objects.length, 38 + ofType("DnsRecord").length);
    assertControllerAccepts(plan);
    for (const r of objects) {
      assert.equal(r.parent, "homelab:unifi:Gateway::annex-unifi");
      assert.deepEqual(r.inputs.connection, {
        auth: "apiKey",
        controller: "https://10.0.20.1",
        site: "default",
        tls: {
          fingerprint:
            "5C:E2:18:9B:07:D4:6A:F1:30:8E:C5:72:19:BD:44:A0:6F:93:2B:E8:D1:57:0C:7A:36:F9:84:1E:C2:5B:A3:60",
        },
      });
      assert.match(r.inputs.version as string, /^[0-9a-f]{16}$/);
    }
  });
});

/**
 * verify's UniFi checks against the emulated console: healthy, then a network missing, a
 * wrong VLAN, the WireGuard server down, and a console running the other firewall.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { collectionPath } from "../../src/devices/unifi/api";
import { GatewayLab, rowOf } from "./harness";

const networks = collectionPath("default", "networkconf");

describe("verify: UniFi", () => {
  const lab = new GatewayLab();
  before(() => lab.start());
  after(() => lab.stop());
  beforeEach(() => lab.healthy());

  it("healthy: networks, WireGuard and the firewall as planned, exit 0", async () => {
    const run = await lab.verify();
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.deepEqual(
      run.rows.map((r) => `${r.check} | ${r.target} | ${r.status} | ${r.detail}`),
      [
        "unifi-network | servers vlan 10 | ok | corporate 10.0.10.1/24",
        "unifi-network | iot vlan 40 | ok | corporate 10.0.40.1/24",
        "unifi-wireguard | wireguard | ok | enabled on udp/51820, pool 10.0.3.1/24",
        "unifi-firewall | firewall zone | ok | the console runs the zone-based firewall (Network 9.5.21)",
      ],
    );
  });

  it("as a process: the same rows, and it exits as soon as the report is out", async () => {
    const run = await lab.verifyProcess(["--json"]);
    assert.equal(run.status, 0, run.stderr);
    const checks = (JSON.parse(run.stdout) as { checks: { status: string }[] }).checks;
    assert.equal(checks.length, 4);
    // Nothing holds it open after the report (connections, timers).
    assert.ok(run.ms < 4000, `${Math.round(run.ms)} ms`);
  });

  it("a network missing", async () => {
    const iot = await lab.network("iot");
    await lab.client!.call("DELETE", `${networks}/${String(iot._id)}`);
    const run = await lab.verify();
    assert.equal(run.status, 1);
    assert.deepEqual(rowOf(run, "unifi-network", "iot vlan 40"), {
      check: "unifi-network",
      target: "iot vlan 40",
      status: "fail",
      detail: "not on the controller: run pulumi up",
    });
  });

  it("a network on the wrong VLAN", async () => {
    const servers = await lab.network("servers");
    await lab.client!.call("PUT", `${networks}/${String(servers._id)}`, { vlan: 11 });
    const run = await lab.verify();
    assert.equal(run.status, 1);
    assert.equal(rowOf(run, "unifi-network", "servers vlan 10").detail, "VLAN 11, planned 10");
  });

  it("the WireGuard server down (disabled)", async () => {
    const server = await lab.network("wireguard");
    await lab.client!.call("PUT", `${networks}/${String(server._id)}`, { enabled: false });
    const run = await lab.verify();
    assert.equal(run.status, 1);
    const row = rowOf(run, "unifi-wireguard", "wireguard");
    assert.equal(row.status, "fail");
    assert.equal(row.detail, "the server is disabled");
  });

  it("an API key the console refuses: the rows fail, the key is never printed", async () => {
    const run = await lab.verifyWithEnv(
      "UNIFI_API_KEY",
      "refused-key-9f86d081884c7d659a2feaa0c55ad015",
    );
    assert.equal(run.status, 1);
    assert.match(
      rowOf(run, "unifi-network", "servers vlan 10").detail,
      /^cannot read: .*API key was rejected/,
    );
    assert.ok(!run.stdout.includes("9f86d081884c7d659a2feaa0c55ad015"));
  });
});

describe("verify: UniFi, a console on the other firewall", () => {
  const legacy = new GatewayLab({ firewall: "legacy" });
  before(() => legacy.start());
  after(() => legacy.stop());

  it("the firewall mode is not the one the stack pins", async () => {
    const run = await legacy.verify();
    assert.equal(run.status, 1);
    assert.equal(
      rowOf(run, "unifi-firewall", "firewall zone").detail,
      "the console runs the legacy firewall, the stack pins zone: its rules are not the ones applied",
    );
  });
});

describe("verify: UniFi with a local admin's password", () => {
  const lab = new GatewayLab({}, "password");
  before(() => lab.start());
  after(() => lab.stop());

  it("logs in with UNIFI_PASSWORD; without it, a credentials row", async () => {
    const run = await lab.verify();
    assert.equal(run.status, 0, run.stdout);
    assert.equal(rowOf(run, "unifi-network", "servers vlan 10").status, "ok");
    const without = await lab.verifyWithEnv("UNIFI_PASSWORD", undefined);
    assert.equal(without.status, 1);
    assert.equal(
      rowOf(without, "credentials", "UNIFI_PASSWORD").detail,
      "not set: export it from the stack secret homelab:unifiPassword (see README, Verify)",
    );
  });
});

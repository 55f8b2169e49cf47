/**
 * The FortiGate plans of the fixture sites applied to the emulator, which validates every
 * body against Fortinet's own FortiOS 7.4 schema and enforces references: the VLAN
 * interfaces derived from the vnets routed by the edge (test/fixtures/sites/vlan-fortigate.yaml)
 * and the DNS database and servers of the internal names (fortigate-names.yaml), with the
 * dial-up clients' DNS (split DNS, or without it on a FortiOS before 7.4.1). Applied,
 * idempotent, torn down.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { stackFileSource } from "../../src/config/load";
import { PATHS } from "../../src/devices/fortios/tables";
import { evaluateSite } from "../../src/evaluate";
import type { FortigatePlan } from "../../src/model/fortigate";
import { FortiosProvider } from "../../src/providers/fortios/provider";
import {
  EMULATOR_TOKEN,
  startFortiGate,
  type FortiGateEmulator,
  type FortiGateEmulatorOptions,
} from "../emulators/fortigate";
import { MiniEngine, type Desired } from "../helpers/engine";
import { desiredOf } from "../helpers/fortios-desired";
import { ROOT } from "../helpers/plan";

function fortigatePlan(fixture: string): FortigatePlan {
  const path = join(ROOT, "test", "fixtures", "sites", fixture);
  const { model } = evaluateSite(stackFileSource(path, "fixture", fixture), {
    root: ROOT,
    requireSecrets: false,
  });
  assert.ok(model.fortigate, `${fixture} has a FortiGate plan`);
  return model.fortigate;
}

describe("FortiGate plans of the fixture sites on the FortiOS 7.4 schema", () => {
  const emulators: FortiGateEmulator[] = [];
  after(async () => {
    for (const e of emulators) await e.stop();
  });

  async function apply(fixture: string, options: FortiGateEmulatorOptions = {}) {
    const started = await startFortiGate(options);
    emulators.push(started.emulator);
    const engine = new MiniEngine(new FortiosProvider({ backoffMs: 1 }));
    await engine.configure({ "homelab:fortigateApiToken": EMULATOR_TOKEN });
    const desired = desiredOf(fortigatePlan(fixture), started.connection);
    await engine.up(desired);
    return { ...started, engine, desired };
  }

  async function idempotentAndRemovable(
    emulator: FortiGateEmulator,
    engine: MiniEngine,
    desired: Desired[],
  ) {
    emulator.server.resetLog();
    await engine.up(desired);
    assert.equal(emulator.server.writes(), 0, "the second apply writes nothing");
    await engine.up([]);
  }

  it("vlan-fortigate: the vnets' VLAN interfaces on the aggregate, the Internet policy", async () => {
    const { emulator, engine, desired } = await apply("vlan-fortigate.yaml");
    const lab = emulator.entry(PATHS.interface, "lab");
    assert.deepEqual(
      [lab?.type, lab?.interface, lab?.vlanid, lab?.ip],
      ["vlan", "lan", 30, "10.30.0.1 255.255.255.0"],
    );
    assert.equal(emulator.entry(PATHS.interface, "iot")?.vlanid, 40);
    await idempotentAndRemovable(emulator, engine, desired);
    assert.equal(emulator.entry(PATHS.interface, "lab"), undefined);
  });

  it("fortigate-names: the DNS database of home.arpa and a DNS server per LAN interface", async () => {
    const { emulator, engine, desired } = await apply("fortigate-names.yaml");
    const zone = emulator.entry(PATHS.dnsDatabase, "home.arpa");
    assert.equal(zone?.domain, "home.arpa");
    assert.equal(zone?.view, "shadow");
    assert.deepEqual(
      (zone?.["dns-entry"] as { hostname: string; ip: string }[]).map((e) => [e.hostname, e.ip]),
      [
        ["auth", "10.20.0.10"],
        ["docker1", "10.20.0.10"],
        ["git", "10.20.0.10"],
        ["grafana", "10.20.0.10"],
        ["pve1", "172.24.0.11"],
      ],
    );
    assert.deepEqual(emulator.keys(PATHS.dnsServer).sort(), ["apps", "lan", "vpn"]);
    assert.equal(emulator.entry(PATHS.dnsServer, "apps")?.mode, "recursive");
    assert.equal(emulator.entry(PATHS.dnsServer, "vpn")?.mode, "recursive", "the dial-up tunnel");
    const p1 = emulator.entry(PATHS.phase1, "vpn");
    assert.deepEqual(
      [p1?.["dns-mode"], p1?.["ipv4-dns-server1"], p1?.["internal-domain-list"]],
      ["manual", "172.24.0.1", [{ "domain-name": "home.arpa" }]],
    );
    await idempotentAndRemovable(emulator, engine, desired);
    assert.deepEqual(emulator.keys(PATHS.dnsServer), []);
    assert.equal(emulator.entry(PATHS.dnsDatabase, "home.arpa"), undefined);
    assert.equal(emulator.entry(PATHS.phase1, "vpn"), undefined);
  });

  it("fortigate-names on a FortiOS before 7.4.1: the dial-up phase1 without split DNS", async () => {
    const { emulator, engine, desired } = await apply("fortigate-names.yaml", {
      lacking: { [PATHS.phase1]: ["internal-domain-list"] },
    });
    const p1 = emulator.entry(PATHS.phase1, "vpn");
    assert.deepEqual(
      [p1?.["dns-mode"], p1?.["ipv4-dns-server1"], p1?.["internal-domain-list"]],
      ["manual", "172.24.0.1", undefined],
    );
    assert.equal(p1?.psksecret, "value-of-dialupPsk", "the fallback body keeps the secret");
    await idempotentAndRemovable(emulator, engine, desired);
    assert.equal(emulator.entry(PATHS.phase1, "vpn"), undefined);
  });
});

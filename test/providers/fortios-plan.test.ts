/**
 * The FortiGate plans applied for real to the emulator, which validates every body against
 * Fortinet's own schema of FortiOS 7.4 and enforces references: the home stack's (seed 000)
 * plan on a device whose router/bgp has `redistribute` and on one that has not (the
 * provider's check asks the device's schema and takes what it supports); the device check
 * on a factory 60E, before anything is written; and the bootstrap of the API address.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { PATHS } from "../../src/devices/fortios/tables";
import { buildModel } from "../../src/model";
import { planFortigate, type FortigatePlan } from "../../src/model/fortigate";
import { FortiosCheckProvider, type DeviceCheckInputs } from "../../src/providers/fortios/check";
import { FortiosProvider } from "../../src/providers/fortios/provider";
import {
  EMULATOR_TOKEN,
  startFortiGate,
  type FortiGateEmulatorOptions,
  type FortiGateEmulator,
} from "../emulators/fortigate";
import { MiniEngine } from "../helpers/engine";
import { desiredOf, type Connection } from "../helpers/fortios-desired";
import { extendedInput, loadHome } from "../model/fortigate-plan";

type Body = Record<string, unknown>;

/** The device check's inputs of a plan, against `connection`. */
function checkOf(plan: FortigatePlan, connection: Connection): DeviceCheckInputs {
  const check = plan.objects.find((o) => o.kind === "DeviceCheck");
  assert.ok(check && check.kind === "DeviceCheck", "the plan checks the device first");
  return { connection, ...check.spec, version: "test" };
}

describe("FortiGate plans on the FortiOS 7.4 schema", () => {
  const emulators: FortiGateEmulator[] = [];
  after(async () => {
    for (const e of emulators) await e.stop();
  });
  const start = async (options: FortiGateEmulatorOptions = {}) => {
    const started = await startFortiGate(options);
    emulators.push(started.emulator);
    return started;
  };
  const checker = async () => {
    const provider = new FortiosCheckProvider();
    await provider.configure({
      config: {
        get: (key: string) => (key === "homelab:fortigateApiToken" ? EMULATOR_TOKEN : undefined),
        require: () => EMULATOR_TOKEN,
      },
    });
    return provider;
  };

  for (const redistribute of [false, true]) {
    it(`the home stack's plan, router/bgp ${redistribute ? "with" : "without"} redistribute: applied, idempotent, torn down without -23`, async () => {
      const { emulator, connection } = await start({ bgpRedistribute: redistribute });
      const built = buildModel(loadHome());
      assert.deepEqual(built.problems, []);
      const plan = built.model.fortigate!;
      const check = await (
        await checker()
      ).check(checkOf(plan, connection), checkOf(plan, connection));
      assert.deepEqual(check.failures, [], "free ports: the check passes");

      const engine = new MiniEngine(new FortiosProvider({ backoffMs: 1 }));
      await engine.configure({ "homelab:fortigateApiToken": EMULATOR_TOKEN });
      const desired = desiredOf(plan, connection);
      await engine.up(desired);
      const bgp = emulator.complex(PATHS.bgp);
      if (redistribute) {
        const entries = bgp.redistribute as Body[];
        assert.deepEqual(
          entries.filter((r) => r.status === "enable").map((r) => [r.name, r["route-map"]]),
          [
            ["connected", ""],
            ["static", "fgn-redistribute-static"],
          ],
        );
        assert.deepEqual(bgp.network, []);
      } else {
        assert.equal(bgp.redistribute, undefined, "this FortiOS has no redistribute table");
        assert.deepEqual(
          (bgp.network as Body[]).map((n) => n.prefix),
          ["10.128.0.0 255.255.255.0", "172.24.0.0 255.255.255.0", "172.26.0.0 255.255.255.0"],
          "the SDN, the LAN and the dial-up pool: never a client's /32",
        );
      }
      assert.equal((bgp.neighbor as unknown[]).length, 4, "one neighbor per FGN peer");
      assert.equal(emulator.entry(PATHS.phase1, "vpn")?.authusrgrp, "vpn-users");
      assert.deepEqual(emulator.entry(PATHS.phase1, "vpn")?.["internal-domain-list"], [
        { "domain-name": "home.arpa" },
      ]);
      assert.equal(emulator.entry(PATHS.userLocal, "alexis")?.passwd, "value-of-vpnPasswordAlexis");
      const internet = emulator
        .keys(PATHS.policy)
        .map((k) => emulator.entry(PATHS.policy, k)!)
        .find((p) => p.name === "internet");
      assert.deepEqual(
        [internet?.srcintf, internet?.dstintf, internet?.nat],
        [[{ name: "lan" }], [{ name: "wan1" }], "enable"],
      );
      emulator.server.resetLog();
      await engine.up(desired);
      assert.equal(emulator.server.writes(), 0, "the second apply writes nothing");
      assert.deepEqual(await engine.refresh(), []);
      await engine.up([]);
      assert.deepEqual(emulator.keys(PATHS.policy), []);
      assert.deepEqual(emulator.keys(PATHS.address), ["all", "none"]);
      assert.deepEqual(emulator.keys(PATHS.userLocal), []);
      assert.equal(emulator.entry(PATHS.interface, "lan"), undefined);
    });
  }

  it("with a site-to-site tunnel too, as the device supports", async () => {
    const { emulator, connection } = await start();
    const plan = planFortigate(extendedInput());
    assert.deepEqual(plan.problems, []);
    const engine = new MiniEngine(new FortiosProvider({ backoffMs: 1 }));
    await engine.configure({ "homelab:fortigateApiToken": EMULATOR_TOKEN });
    await engine.up(desiredOf(plan, connection));
    assert.equal(
      emulator.entry(PATHS.interface, "fgn-camille")?.ip,
      "172.31.254.2 255.255.255.255",
    );
    assert.equal(
      emulator.entry(PATHS.interface, "to-office")?.["remote-ip"],
      "169.254.7.1 255.255.255.254",
    );
    await engine.up([]);
    assert.deepEqual(emulator.keys(PATHS.policy), []);
  });

  it("a factory 60E: the device check refuses the aggregate of internal1/internal2 before any write", async () => {
    const { emulator, connection } = await start({ factory: true });
    const plan = buildModel(loadHome()).model.fortigate!;
    emulator.server.resetLog();
    const check = await (
      await checker()
    ).check(checkOf(plan, connection), checkOf(plan, connection));
    assert.equal(emulator.server.writes(), 0, "the check only reads");
    assert.equal(check.failures?.length, 1);
    const reason = check.failures[0]!.reason;
    assert.match(
      reason,
      /^aggregate "lan" cannot be built on FortiGate 127\.0\.0\.1:\d+ from internal1, internal2/,
    );
    assert.match(reason, /internal1 and internal2 are ports of the hardware switch "internal"/);
    assert.match(reason, /delete internal1 \/ delete internal2/);
    assert.match(reason, /homelab:fortigate\.internet replaces that policy/);

    // Without the check, the run fails part-way: objects before the aggregate are written.
    const engine = new MiniEngine(new FortiosProvider({ backoffMs: 1 }));
    await engine.configure({ "homelab:fortigateApiToken": EMULATOR_TOKEN });
    await assert.rejects(engine.up(desiredOf(plan, connection)), /interface-name internal1/);
    assert.ok(emulator.server.writes() > 0, "the check is what keeps this from happening");
  });

  it("an aggregate already built with its ports passes the check", async () => {
    const { emulator, connection } = await start();
    emulator.seed(PATHS.interface, {
      name: "lan",
      vdom: "root",
      type: "aggregate",
      member: [{ "interface-name": "internal1" }, { "interface-name": "internal2" }],
    });
    const plan = buildModel(loadHome()).model.fortigate!;
    const check = await (
      await checker()
    ).check(checkOf(plan, connection), checkOf(plan, connection));
    assert.deepEqual(check.failures, []);
  });

  it("an unreachable API address that the stack itself creates is explained (bootstrap)", async () => {
    const { emulator, connection } = await start();
    await emulator.stop();
    const plan = buildModel(loadHome()).model.fortigate!;
    const inputs: DeviceCheckInputs = {
      ...checkOf(plan, connection),
      connection: { ...connection, timeoutMs: 200, retries: 0 },
    };
    const check = await (await checker()).check(inputs, inputs);
    assert.equal(check.failures?.length, 1);
    assert.equal(check.failures[0]!.property, "connection");
    assert.match(
      check.failures[0]!.reason,
      /The API address 127\.0\.0\.1 is the address of interface "lan", which this stack creates: .* For the first run, set homelab:fortigate\.host to an address the FortiGate already has/,
    );
  });
});

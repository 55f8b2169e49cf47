/**
 * Faults: with 20% of requests failing (503s, connections reset before or after the device
 * applied the request, requests that hang until the timeout), applying the same desired state
 * converges to exactly that state: nothing duplicated, nothing lost, and then nothing left to
 * do. Authentication failures end the run with their plain-language message.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { MiniEngine } from "../helpers/engine";
import { EMULATOR_TOKEN, startFortiGate, type FortiGateEmulator } from "../emulators/fortigate";
import { FortiosProvider } from "../../src/providers/fortios/provider";
import { PATHS } from "../../src/devices/fortios/tables";
import { PSK, desiredOf, samples } from "./fortios-fixtures";

const emulators: FortiGateEmulator[] = [];
after(async () => {
  for (const e of emulators) await e.stop();
});

async function setup() {
  const started = await startFortiGate();
  emulators.push(started.emulator);
  const provider = new FortiosProvider({ backoffMs: 1 });
  const engine = new MiniEngine(provider);
  await engine.configure({ "homelab:fortigateApiToken": EMULATOR_TOKEN });
  const connection = { ...started.connection, timeoutMs: 250, retries: 4 };
  return { ...started, provider, engine, connection };
}

/** Everything the samples put on the device, table by table. */
function inventory(emulator: FortiGateEmulator) {
  return {
    interfaces: emulator.keys(PATHS.interface).filter((k) => !/^(wan|dmz|internal)\d*$/.test(k)),
    addresses: emulator.keys(PATHS.address),
    groups: emulator.keys(PATHS.addrgrp),
    vips: emulator.keys(PATHS.vip),
    policies: emulator.keys(PATHS.policy),
    routes: emulator.keys(PATHS.staticRoute),
    prefixLists: emulator.keys(PATHS.prefixList),
    routeMaps: emulator.keys(PATHS.routeMap),
    users: emulator.keys(PATHS.userLocal),
    userGroups: emulator.keys(PATHS.userGroup),
    phase1: emulator.keys(PATHS.phase1),
    phase2: emulator.keys(PATHS.phase2),
    dhcp: emulator.keys(PATHS.dhcpServer),
    neighbors: (emulator.complex(PATHS.bgp).neighbor as { ip: string }[]).map((n) => n.ip),
  };
}

const EXPECTED = {
  interfaces: ["lan", "iot", "fgn-baptiste"],
  addresses: ["all", "none", "net-lan", "10.128.0.0/24"],
  groups: ["fgn-local"],
  vips: ["pub-caddy-443"],
  policies: ["10042", "10043"],
  routes: ["10007", "10099"],
  prefixLists: ["fgn-baptiste-in", "fgn-baptiste-out", "vpn-clients"],
  routeMaps: ["fgn-redistribute-static"],
  users: ["alexis"],
  userGroups: ["vpn-users"],
  phase1: ["fgn-baptiste"],
  phase2: ["fgn-baptiste"],
  dhcp: ["10003"],
  neighbors: ["172.31.254.1"],
};

const kindsSeen = new Set<string>();

describe("FortiOS provider under faults", () => {
  for (const seed of [11, 23, 42]) {
    it(`converges with 20% of requests failing (seed ${seed}), duplicating and losing nothing`, async () => {
      const { emulator, engine, connection } = await setup();
      const desired = desiredOf(samples(), connection);
      emulator.server.setFaults({
        rate: 0.2,
        kinds: ["status-503", "reset-before", "reset-after", "hang"],
        seed,
      });
      const runs = await engine.converge(desired, 15);
      const faults = emulator.server.log.filter((e) => e.fault !== undefined);
      assert.ok(faults.length > 0, "faults were injected");
      for (const f of faults) kindsSeen.add(f.fault!);
      emulator.server.setFaults(undefined);

      assert.deepEqual(inventory(emulator), EXPECTED);
      assert.equal(emulator.entry(PATHS.phase1, "fgn-baptiste")?.psksecret, PSK);
      assert.equal(
        emulator.entry(PATHS.interface, "fgn-baptiste")?.ip,
        "172.31.254.0 255.255.255.255",
      );
      assert.equal(
        engine.state.size,
        desired.length,
        `every object is in state after ${runs} run(s)`,
      );

      // Converged: the same apply has nothing left to do.
      emulator.server.resetLog();
      const steps = await engine.up(desired);
      assert.ok(
        steps.every((s) => s.op === "same"),
        JSON.stringify(steps),
      );
      assert.equal(emulator.server.writes(), 0);

      // And tearing down under faults converges too, in dependency order.
      emulator.server.setFaults({
        rate: 0.2,
        kinds: ["status-503", "reset-before", "reset-after", "hang"],
        seed: seed + 1,
      });
      await engine.converge([], 15);
      emulator.server.setFaults(undefined);
      assert.deepEqual(inventory(emulator), {
        interfaces: [],
        addresses: ["all", "none"],
        groups: [],
        vips: [],
        policies: [],
        routes: [],
        prefixLists: [],
        routeMaps: [],
        users: [],
        userGroups: [],
        phase1: [],
        phase2: [],
        dhcp: [],
        neighbors: [],
      });
    });
  }

  it("the runs above met every kind of fault", () => {
    assert.deepEqual([...kindsSeen].sort(), ["hang", "reset-after", "reset-before", "status-503"]);
  });

  it("a POST whose answer was lost is recognised as ours, not sent twice", async () => {
    const { emulator, engine, connection } = await setup();
    const desired = desiredOf(
      samples().filter((s) => s.name === "net-lan" || s.name === "route" || s.name === "lan"),
      connection,
    );
    emulator.server.setFaults({ rate: 1, kinds: ["reset-after"], methods: ["POST"] });
    await engine.up(desired);
    emulator.server.setFaults(undefined);
    assert.equal(
      emulator.server.count((e) => e.method === "POST"),
      3,
      "one POST per object",
    );
    assert.deepEqual(emulator.keys(PATHS.staticRoute), ["10007"]);
    assert.equal(engine.state.size, 3);
  });

  it("a lost answer and someone else's object in its place: a clear failure", async () => {
    const { emulator, engine, connection } = await setup();
    const desired = desiredOf(
      samples().filter((s) => s.name === "net-lan"),
      connection,
    );
    // Someone creates the same name just before our POST lands, and our answer is lost.
    emulator.beforeRequest = (request) => {
      if (request.method !== "POST") return;
      emulator.beforeRequest = undefined;
      emulator.seed(PATHS.address, {
        name: "net-lan",
        subnet: "192.0.2.0/24",
        comment: "someone else",
      });
    };
    emulator.server.setFaults({ rate: 1, kinds: ["reset-after"], methods: ["POST"] });
    await assert.rejects(
      engine.up(desired),
      /the answer to POST firewall\/address "net-lan" on FortiGate 127\.0\.0\.1:\d+ was lost, and firewall\/address "net-lan" now exists with other values than this stack's: someone else created it meanwhile, or changed it\. Check it on the FortiGate; set adopt: true \(homelab:fortigate\.adopt\) to take it over\./,
    );
    assert.equal(emulator.entry(PATHS.address, "net-lan")?.comment, "someone else", "left alone");
    assert.equal(engine.state.size, 0);
  });

  it("401 and trusted-host refusals end the apply with their message", async () => {
    const { emulator, engine, connection } = await setup();
    const desired = desiredOf(
      samples().filter((s) => s.name === "net-lan"),
      connection,
    );
    const wrong = new MiniEngine(new FortiosProvider());
    await wrong.configure({ "homelab:fortigateApiToken": "an-old-revoked-token-000000" });
    await assert.rejects(wrong.up(desired), (error: Error) => {
      assert.match(
        error.message,
        /refused the API token \(HTTP 401\)\. Either the token is wrong .* or this machine is not a trusted host of the REST API admin/,
      );
      assert.ok(!error.message.includes("an-old-revoked-token-000000"));
      return true;
    });
    emulator.untrustedSource = 403;
    await assert.rejects(
      engine.up(desired),
      /denied POST firewall\/address \(HTTP 403\)\..*this machine's address must be in the admin's trusted hosts/,
    );
    assert.equal(engine.state.size, 0);
  });
});

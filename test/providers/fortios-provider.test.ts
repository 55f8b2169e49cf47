/**
 * The FortiOS dynamic provider driven like the engine does (MiniEngine) against the emulator:
 * CRUD of every table the edge uses, idempotency (zero writes on the second apply), drift,
 * secrets by salted hash, adopt, update-only objects, router/bgp as one complex object.
 */
import assert from "node:assert/strict";
import { after, beforeEach, describe, it } from "node:test";
import { MiniEngine, type Desired } from "../helpers/engine";
import { startFortiGate, EMULATOR_TOKEN, type FortiGateEmulator } from "../emulators/fortigate";
import { FortiosProvider, type CmdbOutputs } from "../../src/providers/fortios/provider";
import { UNKNOWN } from "../../src/providers/kit/values";
import { PSK, desiredOf, inputsOf, samples, type Sample } from "./fortios-fixtures";
import { PATHS } from "../../src/devices/fortios/tables";

type Connection = Awaited<ReturnType<typeof startFortiGate>>["connection"];

let emulator: FortiGateEmulator;
let connection: Connection;
const started: FortiGateEmulator[] = [];

// A fresh device for every test: a failure leaves nothing behind for the next one.
beforeEach(async () => {
  ({ emulator, connection } = await startFortiGate());
  started.push(emulator);
});
after(async () => {
  for (const e of started) await e.stop();
});

let provider: FortiosProvider;

async function engineFor(p = new FortiosProvider({ backoffMs: 1 })): Promise<MiniEngine> {
  provider = p;
  const engine = new MiniEngine(p);
  await engine.configure({ "homelab:fortigateApiToken": EMULATOR_TOKEN });
  return engine;
}

/**
 * Reads of one table share a listing for a moment (one refresh = one listing per table).
 * A change made by hand happens minutes before a refresh, never within that moment: tests
 * that change the device between two refreshes let that moment pass explicitly.
 */
function timePasses(): void {
  provider.forget();
}

function only(names: string[]): Sample[] {
  return samples().filter((s) => names.includes(s.name));
}

function withBody(d: Desired, patch: Record<string, unknown>): Desired {
  return {
    name: d.name,
    inputs: { ...d.inputs, body: { ...(d.inputs.body as object), ...patch } },
  };
}

describe("FortiOS provider: every table", () => {
  it("creates every object, reads it back without change, updates and deletes it", async () => {
    const engine = await engineFor();
    const desired = desiredOf(samples(), connection);
    emulator.server.resetLog();
    const steps = await engine.up(desired);
    assert.deepEqual(
      steps.map((s) => s.op),
      desired.map(() => "create"),
    );
    // What the device now holds.
    assert.equal(emulator.entry(PATHS.interface, "lan")?.type, "aggregate");
    assert.equal(emulator.entry(PATHS.interface, "internal1")?.aggregate, "lan");
    assert.equal(emulator.entry(PATHS.interface, "iot")?.ip, "172.24.30.1 255.255.255.0");
    assert.equal(
      emulator.entry(PATHS.address, "10.128.0.0/24")?.subnet,
      "10.128.0.0 255.255.255.0",
    );
    assert.equal(emulator.entry(PATHS.staticRoute, 10007)?.gateway, "172.24.0.11");
    assert.equal(emulator.entry(PATHS.dhcpServer, 10003)?.domain, "home.arpa");
    assert.equal(emulator.entry(PATHS.phase1, "fgn-baptiste")?.psksecret, PSK);
    assert.equal(emulator.entry(PATHS.interface, "fgn-baptiste")?.type, "tunnel");
    assert.equal(
      emulator.entry(PATHS.interface, "fgn-baptiste")?.ip,
      "172.31.254.0 255.255.255.255",
    );
    assert.equal(emulator.complex(PATHS.bgp).as, "4200000001");
    assert.equal((emulator.complex(PATHS.bgp).neighbor as unknown[]).length, 1);
    assert.deepEqual(emulator.keys(PATHS.policy), ["10042", "10043"]);
    assert.equal(emulator.entry(PATHS.vip, "pub-caddy-443")?.extport, "443");

    // Second apply of the same state: no write at all, and every step "same".
    emulator.server.resetLog();
    const again = await engine.up(desired);
    assert.ok(
      again.every((s) => s.op === "same"),
      JSON.stringify(again),
    );
    assert.equal(emulator.server.writes(), 0);
    // A refresh finds nothing changed, though the device re-spelled much of what was sent
    // (CIDR → dotted masks, option order, numbers, q_origin_key, defaults filled in).
    assert.deepEqual(await engine.refresh(), []);
    assert.equal(emulator.entry(PATHS.interface, "lan")?.allowaccess, "ping https ssh");

    // Updates: one attribute of several tables.
    const changed = desired.map((d) =>
      d.name === "net-lan"
        ? withBody(d, { comment: "the LAN" })
        : d.name === "route"
          ? withBody(d, { distance: 20 })
          : d.name === "bgp"
            ? withBody(d, { "keepalive-timer": 20 })
            : d,
    );
    emulator.server.resetLog();
    const updated = await engine.up(changed);
    assert.deepEqual(
      updated.filter((s) => s.op !== "same").map((s) => `${s.name}:${s.op}`),
      ["net-lan:update", "route:update", "bgp:update"],
    );
    assert.equal(emulator.server.writes(), 3, "one PUT per changed object");
    assert.equal(emulator.entry(PATHS.address, "net-lan")?.comment, "the LAN");
    assert.equal(emulator.entry(PATHS.staticRoute, 10007)?.distance, 20);
    assert.equal(emulator.complex(PATHS.bgp)["keepalive-timer"], 20);

    // Everything deleted in reverse order: referrers before referents, no -23.
    await engine.up([]);
    assert.deepEqual(emulator.keys(PATHS.policy), []);
    assert.equal(emulator.entry(PATHS.phase1, "fgn-baptiste"), undefined);
    assert.equal(
      emulator.entry(PATHS.interface, "fgn-baptiste"),
      undefined,
      "the tunnel interface goes with its phase1",
    );
    assert.equal(emulator.entry(PATHS.interface, "lan"), undefined);
    assert.equal(emulator.entry(PATHS.interface, "internal1")?.aggregate, "");
    assert.equal(
      emulator.entry(PATHS.interface, "wan1")?.type,
      "physical",
      "update-only objects stay",
    );
    assert.equal(emulator.complex(PATHS.bgp).as, "", "router/bgp reset");
    assert.deepEqual(emulator.complex(PATHS.bgp).neighbor, []);
    assert.deepEqual(emulator.keys(PATHS.address), ["all", "none"]);
  });
});

describe("FortiOS provider: drift", () => {
  it("refresh reports an out-of-band change and only that object; the next up repairs it", async () => {
    const engine = await engineFor();
    const desired = desiredOf(
      only(["wan1", "lan", "net-lan", "route", "pl-in", "phase1", "phase2", "tunnel"]),
      connection,
    );
    await engine.up(desired);
    assert.deepEqual(await engine.refresh(), [], "nothing changed yet");

    emulator.entry(PATHS.interface, "lan")!.allowaccess = "ping http"; // someone enabled http
    emulator.entry(PATHS.staticRoute, 10007)!.gateway = "172.24.0.12";
    (emulator.entry(PATHS.prefixList, "fgn-baptiste-in")!.rule as { le: unknown }[])[0]!.le = 24;
    emulator.entry(PATHS.phase1, "fgn-baptiste")!.description = "not a managed attribute";
    timePasses();
    assert.deepEqual((await engine.refresh()).sort(), ["lan", "pl-in", "route"]);

    const lan = engine.state.get("lan")!;
    assert.equal((lan.outs as unknown as CmdbOutputs).applied.allowaccess, "ping http");
    assert.equal(
      (lan.inputs.body as Record<string, unknown>).allowaccess,
      "ping http",
      "inputs follow the device",
    );
    assert.deepEqual(
      (await engine.preview(desired))
        .filter((s) => s.op !== "same")
        .map((s) => s.name)
        .sort(),
      ["lan", "pl-in", "route"],
    );
    emulator.server.resetLog();
    await engine.up(desired);
    assert.equal(emulator.server.writes(), 3);
    assert.equal(emulator.entry(PATHS.interface, "lan")?.allowaccess, "ping https ssh");
    assert.equal(emulator.entry(PATHS.staticRoute, 10007)?.gateway, "172.24.0.11");
    assert.deepEqual(await engine.refresh(), []);
    await engine.up([]);
  });

  it("an object deleted on the device leaves the state on refresh and is created again", async () => {
    const engine = await engineFor();
    const desired = desiredOf(only(["net-lan"]), connection);
    await engine.up(desired);
    emulator.removeEntry(PATHS.address, "net-lan");
    timePasses();
    assert.deepEqual(await engine.refresh(), ["net-lan"]);
    assert.equal(engine.state.has("net-lan"), false);
    assert.deepEqual(await engine.up(desired), [{ name: "net-lan", op: "create" }]);
    assert.equal(emulator.entry(PATHS.address, "net-lan")?.comment, "lan");
    // Deleted again, but without a refresh: the update that follows creates it again.
    emulator.removeEntry(PATHS.address, "net-lan");
    await engine.up([withBody(desired[0]!, { comment: "back" })]);
    assert.equal(emulator.entry(PATHS.address, "net-lan")?.comment, "back");
    await engine.up([]);
  });
});

describe("FortiOS provider: secrets", () => {
  it("keeps the PSK out of the outputs, compares it by salted hash, and sends a new one", async () => {
    const engine = await engineFor();
    const desired = desiredOf(only(["wan1", "phase1"]), connection);
    await engine.up(desired);
    const outs = engine.state.get("phase1")!.outs as unknown as CmdbOutputs;
    assert.ok(!JSON.stringify(outs).includes(PSK), "no PSK in outputs");
    assert.match(outs.applied.psksecret as string, /^sha256:[0-9a-f]{64}$/);
    // The device reads it back masked; that is not drift.
    assert.equal((await provider.read("x", outs)).props?.applied.psksecret, outs.applied.psksecret);
    assert.deepEqual(await engine.refresh(), []);
    assert.deepEqual(
      (await engine.preview(desired)).map((s) => s.op),
      ["same", "same"],
    );

    const rotated = [
      desired[0]!,
      withBody(desired[1]!, { psksecret: "a-new-pre-shared-key-2468" }),
    ];
    assert.deepEqual(
      (await engine.preview(rotated)).map((s) => s.op),
      ["same", "update"],
    );
    emulator.server.resetLog();
    await engine.up(rotated);
    assert.equal(emulator.server.writes(), 1);
    assert.equal(
      emulator.entry(PATHS.phase1, "fgn-baptiste")?.psksecret,
      "a-new-pre-shared-key-2468",
    );
    const after = engine.state.get("phase1")!.outs as unknown as CmdbOutputs;
    assert.equal(after.salt, outs.salt, "the salt stays");
    assert.notEqual(after.applied.psksecret, outs.applied.psksecret);
    await engine.up([]);
  });

  it("scrubs secret values from device errors", async () => {
    const engine = await engineFor();
    const bad = withBody(desiredOf(only(["phase1"]), connection)[0]!, { dhgrp: PSK });
    await assert.rejects(engine.up([bad]), (error: Error) => {
      assert.match(error.message, /FortiOS error -651/);
      assert.ok(!error.message.includes(PSK), error.message);
      assert.match(error.message, /\[redacted\]/);
      return true;
    });
  });
});

describe("FortiOS provider: adopt", () => {
  it("explains adopt when the object exists, and with adopt takes it over with a PUT", async () => {
    const client = new FortiosProvider().client(connection);
    await new MiniEngine(new FortiosProvider()).configure({
      "homelab:fortigateApiToken": EMULATOR_TOKEN,
    });
    process.env.FORTIOS_API_TOKEN = EMULATOR_TOKEN;
    try {
      await client.create(PATHS.address, {
        name: "net-lan",
        subnet: "172.24.0.0/24",
        comment: "by hand",
      });
    } finally {
      delete process.env.FORTIOS_API_TOKEN;
    }
    const engine = await engineFor();
    const desired = desiredOf(only(["net-lan"]), connection);
    await assert.rejects(engine.up(desired), (error: Error) => {
      assert.match(
        error.message,
        /^firewall\/address "net-lan" already exists on FortiGate 127\.0\.0\.1:\d+ \(VDOM "root"\) and this stack did not create it: an entry with this key is there\. Pulumi cannot import dynamic resources \("pulumi import" does not work for them\), so to take over objects that already exist set adopt: true \(homelab:fortigate\.adopt in the stack file\)/,
      );
      return true;
    });
    assert.equal(engine.state.size, 0);
    const steps = await engine.up(desiredOf(only(["net-lan"]), connection, { adopt: true }));
    assert.deepEqual(steps, [{ name: "net-lan", op: "create" }]);
    assert.equal((engine.state.get("net-lan")!.outs as unknown as CmdbOutputs).adopted, true);
    assert.equal(emulator.entry(PATHS.address, "net-lan")?.comment, "lan");
    await engine.up([]);
  });

  it("never adopts an integer-keyed entry that is someone else's", async () => {
    const engine = await engineFor();
    const [lan, route] = desiredOf(only(["lan", "route"]), connection, { adopt: true });
    await engine.up([lan!]); // the route's device
    const other = { ...(route!.inputs.body as object), dst: "192.0.2.0/24", comment: "by hand" };
    const byHand = await engineFor();
    await byHand.up([{ name: "seed", inputs: { ...route!.inputs, body: other } }]);
    await assert.rejects(
      engine.up([lan!, route!]),
      /^FortiosError: router\/static "10007" is already taken on FortiGate .* by an object that is not this stack's \(its dst is "192\.0\.2\.0 255\.255\.255\.0", not "10\.128\.0\.0 255\.255\.255\.0"\); adopt only takes over matching objects/,
    );
    assert.equal(emulator.entry(PATHS.staticRoute, 10007)?.comment, "by hand", "left untouched");
  });

  it("router/bgp configured by hand needs adopt; created and deleted it is reset", async () => {
    const bgpState = emulator.complex(PATHS.bgp);
    bgpState.as = "65010";
    const engine = await engineFor();
    const desired = desiredOf(only(["bgp"]), connection).map((d) => ({
      ...d,
      inputs: { ...d.inputs, body: { ...(d.inputs.body as object), neighbor: [] } },
    }));
    await assert.rejects(
      engine.up(desired),
      /router\/bgp already exists on .*it is already configured there \(AS 65010, 0 neighbors\).*adopt: true/,
    );
    bgpState.as = "";
    await engine.up(desired);
    assert.equal(emulator.complex(PATHS.bgp).as, "4200000001");
    assert.deepEqual(emulator.complex(PATHS.bgp).network, [
      {
        id: 1,
        prefix: "172.24.0.0 255.255.255.0",
        backdoor: "disable",
        "route-map": "",
        "network-import-check": "global",
      },
    ]);
    await engine.up([]);
    assert.equal(emulator.complex(PATHS.bgp).as, "");
    assert.deepEqual(emulator.complex(PATHS.bgp).network, [], "tables emptied");
  });
});

describe("FortiOS provider: update-only objects", () => {
  it("updates a physical port, never creates nor deletes it", async () => {
    const engine = await engineFor();
    await engine.up(desiredOf(only(["wan1"]), connection));
    assert.equal(emulator.entry(PATHS.interface, "wan1")?.mode, "dhcp");
    await engine.up([]);
    assert.equal(emulator.entry(PATHS.interface, "wan1")?.mode, "dhcp", "left as it is");
    const [tunnel] = desiredOf(only(["tunnel"]), connection);
    await assert.rejects(
      engine.up([tunnel!]),
      /system\/interface "fgn-baptiste" does not exist on FortiGate .* in VDOM "root"\. This object is only ever updated, never created: FortiOS creates it itself \(physical ports exist from the factory; the tunnel interface of an IPsec phase1 appears with its phase1-interface\)/,
    );
  });
});

describe("FortiOS provider: check and diff", () => {
  const provider = new FortiosProvider();
  const [address] = samples().filter((s) => s.name === "net-lan");

  it("check names every bad input", async () => {
    const inputs = inputsOf(address!.spec, connection);
    const result = await provider.check(
      {} as never,
      {
        ...inputs,
        path: "firewall address",
        mode: "sometimes",
        connection: { ...connection, token: "x" },
        secretFields: ["psksecret"],
      } as never,
    );
    assert.deepEqual(
      result.failures?.map((f) => f.property),
      ["path", "mode", "connection", "secretFields"],
    );
    assert.match(result.failures[2]!.reason, /must not carry the API token/);
    assert.deepEqual((await provider.check({} as never, inputs as never)).failures, []);
  });

  it("tolerates preview's unknown values anywhere", async () => {
    const inputs = inputsOf(address!.spec, connection);
    const preview = {
      ...inputs,
      key: UNKNOWN,
      body: { ...(inputs.body as object), subnet: UNKNOWN },
      connection: UNKNOWN,
    };
    assert.deepEqual((await provider.check({} as never, preview as never)).failures, []);
    const engine = await engineFor();
    await engine.up([{ name: "a", inputs }]);
    const outs = engine.state.get("a")!.outs as unknown as CmdbOutputs;
    const diff = await provider.diff("id", outs, preview as never);
    assert.equal(diff.changes, true);
    assert.deepEqual(diff.replaces, []);
    await engine.up([]);
  });

  it("a new provider version updates state without writing to the device", async () => {
    const engine = await engineFor();
    const [d] = desiredOf(only(["net-lan"]), connection);
    await engine.up([d!]);
    emulator.server.resetLog();
    const bumped = { name: d!.name, inputs: { ...d!.inputs, version: "0123456789abcdef" } };
    assert.deepEqual(await engine.up([bumped]), [{ name: "net-lan", op: "update" }]);
    assert.equal(emulator.server.writes(), 0);
    assert.equal(
      (engine.state.get("net-lan")!.outs as unknown as CmdbOutputs).version,
      "0123456789abcdef",
    );
    await engine.up([]);
  });

  it("replaces (delete first) what FortiOS cannot change: a VLAN's id", async () => {
    const engine = await engineFor();
    const desired = desiredOf(only(["lan", "iot"]), connection);
    await engine.up(desired);
    const outs = engine.state.get("iot")!.outs as unknown as CmdbOutputs;
    const moved = withBody(desired[1]!, { vlanid: 31 });
    const diff = await provider.diff("id", outs, moved.inputs as never);
    assert.deepEqual(diff.replaces, ["body.vlanid"]);
    assert.equal(diff.deleteBeforeReplace, true);
    await engine.up([desired[0]!, moved]);
    assert.equal(emulator.entry(PATHS.interface, "iot")?.vlanid, 31);
    await engine.up([]);
  });

  it("a renamed object is replaced (created first: the keys differ)", async () => {
    const engine = await engineFor();
    const [d] = desiredOf(only(["net-lan"]), connection);
    await engine.up([d!]);
    const renamed = {
      name: d!.name,
      inputs: {
        ...d!.inputs,
        key: "net-home",
        body: { ...(d!.inputs.body as object), name: "net-home" },
      },
    };
    const diff = await provider.diff(
      "id",
      engine.state.get("net-lan")!.outs as never,
      renamed.inputs as never,
    );
    assert.deepEqual(diff.replaces, ["key"]);
    assert.equal(diff.deleteBeforeReplace, false);
    assert.deepEqual(await engine.up([renamed]), [{ name: "net-lan", op: "replace" }]);
    assert.equal(emulator.entry(PATHS.address, "net-lan"), undefined);
    assert.equal(emulator.entry(PATHS.address, "net-home")?.comment, "lan");
    await engine.up([]);
  });

  it("an object named by a replaced one is replaced: its referents unknown means replace", async () => {
    const engine = await engineFor();
    const [d] = desiredOf(only(["net-lan"]), connection, { referents: { "if-lan": "urn:x" } });
    await engine.up([d!]);
    const outs = engine.state.get("net-lan")!.outs as unknown as CmdbOutputs;
    const same = await provider.diff("id", outs, d!.inputs as never);
    assert.equal(same.changes, false, "known referents change nothing");
    const other = await provider.diff("id", outs, {
      ...d!.inputs,
      referents: { "if-lan": "urn:y" },
    } as never);
    assert.equal(other.changes, false, "they are a dependency, not a value sent");
    const replaced = await provider.diff("id", outs, { ...d!.inputs, referents: UNKNOWN } as never);
    assert.deepEqual(replaced.replaces, ["referents"]);
    assert.equal(replaced.deleteBeforeReplace, true);
    await engine.up([]);
  });

  it("a table dropped from the body is emptied ([]), not sent as null", async () => {
    const engine = await engineFor();
    const desired = desiredOf(only(["lan", "dhcp"]), connection);
    await engine.up(desired);
    emulator.server.resetLog();
    const puts: unknown[] = [];
    emulator.beforeRequest = (request) => {
      if (request.method === "PUT") puts.push(request.body);
    };
    const { "reserved-address": _dropped, ...rest } = desired[1]!.inputs.body as Record<
      string,
      unknown
    >;
    await engine.up([
      desired[0]!,
      { name: desired[1]!.name, inputs: { ...desired[1]!.inputs, body: rest } },
    ]);
    emulator.beforeRequest = undefined;
    assert.deepEqual(puts, [{ "reserved-address": [] }]);
    assert.deepEqual(emulator.entry(PATHS.dhcpServer, 10003)?.["reserved-address"], []);
    await engine.up([]);
  });

  it("router/bgp on a FortiOS without redistribute: check takes the fallback; unreachable, it says so", async () => {
    const [bgp] = desiredOf(only(["bgp"]), connection);
    const fallback = {
      missing: "redistribute",
      body: { ...(bgp!.inputs.body as object), network: [] },
      reset: { neighbor: [] },
    };
    const inputs = {
      ...bgp!.inputs,
      body: {
        ...(bgp!.inputs.body as object),
        redistribute: [{ name: "static", status: "enable" }],
      },
      fallback,
    };
    const configured = new FortiosProvider({ backoffMs: 1 });
    await engineFor(configured);
    const checked = await configured.check({} as never, inputs as never);
    assert.deepEqual(checked.failures, []);
    assert.deepEqual(checked.inputs?.body, fallback.body, "this FortiOS has no redistribute");
    assert.deepEqual(checked.inputs?.reset, fallback.reset);
    const { emulator: other, connection: withIt } = await startFortiGate({ bgpRedistribute: true });
    started.push(other);
    const kept = await configured.check({} as never, { ...inputs, connection: withIt } as never);
    assert.deepEqual(kept.inputs?.body, inputs.body, "this one has it");
    await emulator.stop();
    const down = await configured.check(
      {} as never,
      { ...inputs, connection: { ...connection, retries: 0, timeoutMs: 300 } } as never,
    );
    assert.equal(down.failures?.[0]?.property, "fallback");
    assert.match(
      down.failures[0].reason,
      /could not ask the FortiGate whether router\/bgp has redistribute \(before any write\)/,
    );
  });

  it("a referenced object cannot be deleted: the message says why", async () => {
    const engine = await engineFor();
    const desired = desiredOf(only(["net-lan", "net-sdn", "grp"]), connection);
    await engine.up(desired);
    const provider2 = new FortiosProvider();
    await new MiniEngine(provider2).configure({ "homelab:fortigateApiToken": EMULATOR_TOKEN });
    await assert.rejects(
      provider2.delete("id", engine.state.get("net-lan")!.outs as never),
      /cannot delete firewall\/address "net-lan" on FortiGate .*: it is still used by other objects \(FortiOS error -23\)\. Remove the references first .* FortiOS says: entry is used by firewall\/addrgrp fgn-local member \(name\)\./,
    );
    await engine.up([]);
  });
});

describe("FortiOS provider: reads", () => {
  it("refresh reads a table once, however many of its objects it refreshes", async () => {
    const engine = await engineFor();
    const many: Desired[] = Array.from({ length: 12 }, (_, i) => ({
      name: `a${i}`,
      inputs: inputsOf(samples().find((s) => s.name === "net-lan")!.spec, connection, {
        key: `net-${i}`,
        body: { name: `net-${i}`, type: "ipmask", subnet: `10.9.${i}.0/24` },
      }),
    }));
    await engine.up(many);
    emulator.server.resetLog();
    assert.deepEqual(await engine.refresh(), []);
    assert.equal(emulator.server.count(), 1, "one list request");
    const slow = new MiniEngine(new FortiosProvider({ readCacheMs: 0 }));
    await slow.configure({ "homelab:fortigateApiToken": EMULATOR_TOKEN });
    for (const [name, entry] of engine.state) slow.state.set(name, { ...entry });
    emulator.server.resetLog();
    assert.deepEqual(await slow.refresh(), []);
    assert.equal(emulator.server.count(), 12, "one request per object without the cache");
    await engine.up([]);
  });

  it("a listing serves reads only for readCacheMs: a later refresh sees a later change", async () => {
    const engine = await engineFor(new FortiosProvider({ readCacheMs: 50 }));
    const desired = desiredOf(only(["net-lan"]), connection);
    await engine.up(desired);
    assert.deepEqual(await engine.refresh(), []);
    emulator.entry(PATHS.address, "net-lan")!.comment = "changed by hand";
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.deepEqual(await engine.refresh(), ["net-lan"]);
    await engine.up([]);
  });

  it("concurrent reads of a table (the engine refreshes in parallel) share one request", async () => {
    const engine = await engineFor();
    const desired = desiredOf(only(["wan1", "lan", "iot", "tunnel", "phase1"]), connection);
    await engine.up(desired);
    emulator.server.resetLog();
    const results = await Promise.all(
      [...engine.state.values()].map((entry) => provider.read(entry.id, entry.outs as never)),
    );
    assert.ok(results.every((r) => r.id !== "" && r.inputs === undefined));
    assert.deepEqual(emulator.server.log.map((e) => `${e.method} ${e.path}`).sort(), [
      "GET /api/v2/cmdb/system/interface",
      "GET /api/v2/cmdb/vpn.ipsec/phase1-interface",
    ]);
    await engine.up([]);
  });
});

/**
 * Fault injection: lost answers, a busy console, resets and hangs. The provider must never
 * duplicate an object (a POST whose answer was lost is looked up, not resent blindly), and
 * re-running `up` must converge to exactly the desired objects.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { policyBody } from "../../../src/devices/unifi/bodies";
import type { Desired } from "../../helpers/engine";
import { lab, providerOptions, vlanSpec, WG_KEY, type Lab } from "./harness";

// Hangs end quickly here.
providerOptions.client = { ...providerOptions.client, timeoutMs: 300 };

/** A small site; objects that refer to others are built once those exist. */
function site(l: Lab): Desired[] {
  const base: Desired[] = [
    ...[10, 20, 30, 40, 50].map((vlan) => l.network(vlanSpec(`net${vlan}`, vlan))),
    l.wireguard(WG_KEY),
    l.group("cloudflare", "address-group", ["173.245.48.0/20"]),
    l.dns("dns", "photos.home.arpa", "10.0.10.11"),
  ];
  if (!l.engine.state.has("group-cloudflare")) return base;
  return [
    ...base,
    ...[80, 443].map((port) =>
      l.forward(`fwd-${port}`, `proxy ${port}`, port, l.id("group-cloudflare")),
    ),
  ];
}

function assertNoDuplicates(l: Lab): void {
  for (const collection of ["networkconf", "firewallgroup", "portforward", "static-dns"]) {
    const names = l.emulator.docs(collection).map((d) => String(d.name ?? d.key));
    assert.equal(
      new Set(names).size,
      names.length,
      `duplicates in ${collection}: ${names.join(", ")}`,
    );
  }
}

describe("fault injection", () => {
  it("a POST whose answer is lost is found again, not posted twice", async () => {
    const l = await lab({
      server: { faults: { rate: 1, kinds: ["reset-after"], methods: ["POST"] } },
    });
    const desired = [l.group("cloudflare", "address-group", ["173.245.48.0/20"])];
    await l.engine.up(desired);
    assert.equal(l.emulator.docs("firewallgroup").length, 1);
    assert.equal(
      l.emulator.server.count((e) => e.method === "POST"),
      1,
      "posted once",
    );
    assert.equal(l.id("group-cloudflare"), l.emulator.docs("firewallgroup")[0]?._id);
  });

  it("a POST refused by a busy console is posted again after checking it was not applied", async () => {
    const l = await lab({
      server: { faults: { rate: 0.5, kinds: ["status-503"], methods: ["POST"], seed: 3 } },
    });
    for (let i = 0; i < 6; i++) {
      await l.engine.converge([l.group(`g${i}`, "port-group", [String(1000 + i)])]);
      l.engine.state.clear();
    }
    assert.ok(l.emulator.server.count((e) => e.fault === "status-503") > 0, "faults happened");
    assert.deepEqual(
      l.emulator
        .docs("firewallgroup")
        .map((d) => d.name)
        .sort(),
      ["g0", "g1", "g2", "g3", "g4", "g5"],
    );
  });

  it("lost answers of PUT and DELETE are retried harmlessly", async () => {
    const l = await lab();
    const group = (members: string[]) => l.group("g", "port-group", members);
    await l.engine.up([group(["80"])]);
    l.emulator.server.setFaults({ rate: 1, kinds: ["reset-after"], methods: ["PUT", "DELETE"] });
    // Every PUT loses its answer; the retries are refused the same way, but the change is applied.
    await assert.rejects(l.engine.up([group(["443"])]), /failed after 5 attempts/);
    assert.deepEqual(l.emulator.docs("firewallgroup")[0]?.group_members, ["443"]);
    l.emulator.server.setFaults({
      rate: 0.5,
      kinds: ["reset-after"],
      methods: ["PUT", "DELETE"],
      seed: 5,
    });
    await l.engine.converge([]);
    assert.equal(l.emulator.docs("firewallgroup").length, 0);
  });

  it("random resets, hangs and 503s: re-running up converges to exactly the desired site", async () => {
    const l = await lab({
      server: {
        faults: {
          rate: 0.25,
          kinds: ["status-503", "reset-before", "reset-after", "hang"],
          seed: 42,
        },
      },
    });
    let runs = 0;
    for (let round = 0; round < 2; round++) runs += await l.engine.converge(site(l), 15);
    assert.ok(l.emulator.server.count((e) => e.fault !== undefined) > 5, "faults were injected");
    assertNoDuplicates(l);
    assert.equal(l.emulator.docs("portforward").length, 2);
    assert.equal(l.emulator.docs("networkconf").length, 2 + 6);
    assert.ok(runs >= 2);

    l.emulator.server.setFaults(undefined);
    l.emulator.server.resetLog();
    const steps = await l.engine.up(site(l));
    assert.ok(
      steps.every((s) => s.op === "same"),
      JSON.stringify(steps),
    );
    assert.equal(l.emulator.server.writes(), 0);
    assert.deepEqual(await l.engine.refresh(), []);
  });
});

describe("damaged answers (issue 12): no duplicate, no lost object", () => {
  it("a POST whose 200 answer is cut off or empty is found again, not posted twice", async () => {
    const l = await lab();
    await l.engine.up([l.network(vlanSpec("net10", 10)), l.zone("zone", "internal")]);
    const policy = l.object(
      "policy",
      "firewall-policies",
      { name: "web" },
      policyBody({
        name: "web",
        action: "ALLOW",
        protocol: "tcp",
        sourceZone: l.id("zone"),
        destinationZone: l.id("zone"),
        destinationZoneKey: "internal",
        source: { kind: "any" },
        destination: { kind: "networks", networks: [l.id("net-net10")] },
        ports: "443",
      }),
    );
    const desired = [
      l.network(vlanSpec("net10", 10)),
      l.zone("zone", "internal"),
      l.group("cloudflare", "address-group", ["173.245.48.0/20"]),
      policy,
      l.dns("dns", "photos.home.arpa", "10.0.10.11"),
    ];
    // Classic (cut in the middle), v2 (cut), v2 (empty body).
    l.emulator.truncate("cut", { methods: ["POST"], path: /firewallgroup$/ });
    l.emulator.truncate("cut", { methods: ["POST"], path: /firewall-policies$/ });
    l.emulator.truncate("empty", { methods: ["POST"], path: /static-dns$/ });
    await l.engine.up(desired);
    assert.equal(
      l.emulator.server.count((e) => e.method === "POST"),
      1 + 3,
      "posted once each",
    );
    assertNoDuplicates(l);
    assert.equal(l.id("group-cloudflare"), l.emulator.docs("firewallgroup")[0]?._id);
    assert.equal(
      l.id("policy"),
      l.emulator.find("firewall-policies", (p) => p.name === "web")?._id,
    );
    assert.equal(l.id("dns"), l.emulator.docs("static-dns")[0]?._id);
    l.emulator.server.resetLog();
    await l.engine.up(desired);
    assert.equal(l.emulator.server.writes(), 0, "nothing lost, nothing left to write");
  });

  it("a listing answered with a damaged 200 is no answer, never 'nothing there'", async () => {
    const l = await lab();
    const group = l.group("cloudflare", "address-group", ["173.245.48.0/20"]);
    await l.engine.up([group]);
    for (const kind of ["no-data", "cut", "empty"] as const) {
      // refresh: the object is not dropped from state.
      l.emulator.truncate(kind, { methods: ["GET"] });
      await assert.rejects(l.engine.refresh(), /the answer is lost/);
      assert.ok(l.engine.state.has("group-cloudflare"), kind);
    }
    // create: the lookup before the POST fails, nothing is posted.
    const second = l.group("ports", "port-group", ["443"]);
    l.emulator.truncate("no-data", { methods: ["GET"], path: /firewallgroup$/ });
    l.emulator.server.resetLog();
    await assert.rejects(l.engine.up([group, second]), /without the data of its envelope/);
    assert.equal(
      l.emulator.server.count((e) => e.method === "POST"),
      0,
    );
    await l.engine.up([group, second]);
    assert.deepEqual(
      l.emulator
        .docs("firewallgroup")
        .map((d) => d.name)
        .sort(),
      ["cloudflare", "ports"],
    );
    assert.deepEqual(await l.engine.refresh(), []);
  });

  it("a v2 POST whose answer is lost (connection reset after it was applied) is not posted twice", async () => {
    const l = await lab();
    const dns = l.dns("dns", "photos.home.arpa", "10.0.10.11");
    l.emulator.server.setFaults({ rate: 1, kinds: ["reset-after"], methods: ["POST"] });
    await l.engine.up([dns]);
    l.emulator.server.setFaults(undefined);
    assert.equal(l.emulator.docs("static-dns").length, 1);
    assert.equal(
      l.emulator.server.count((e) => e.method === "POST"),
      1,
    );
    assert.equal(l.id("dns"), l.emulator.docs("static-dns")[0]?._id);
  });

  it("a console that keeps answering 429 is explained, and nothing is half-written", async () => {
    const l = await lab();
    l.emulator.rateLimit("1", { methods: ["POST"] }, 20);
    await assert.rejects(
      l.engine.up([l.group("web", "port-group", ["80", "443"])]),
      /POST \/proxy\/network\/api\/s\/default\/rest\/firewallgroup failed: the console is rate-limiting requests \(it asked to wait 1 s\): nothing was applied; run again in a moment \[HTTP 429\]/,
    );
    assert.equal(l.emulator.docs("firewallgroup").length, 0);
    assert.equal(l.engine.state.size, 0);
  });

  it("waits as long as a 429's Retry-After says, then writes once", async () => {
    const waits: number[] = [];
    const saved = providerOptions.client;
    providerOptions.client = {
      ...saved,
      sleep: (ms: number) => {
        waits.push(ms);
        return Promise.resolve();
      },
    };
    try {
      const l = await lab();
      l.emulator.rateLimit("3", { methods: ["POST"] });
      l.emulator.rateLimit("2", { methods: ["GET"] });
      await l.engine.up([l.group("web", "port-group", ["80", "443"])]);
      assert.equal(l.emulator.docs("firewallgroup").length, 1, "no duplicate, no loss");
      assert.equal(
        l.emulator.server.count((e) => e.status === 429),
        2,
      );
      assert.ok(waits.includes(2000), `waited ${waits.join(", ")} ms for the GET`);
      assert.ok(waits.includes(3000), `waited ${waits.join(", ")} ms for the POST`);
    } finally {
      providerOptions.client = saved;
    }
  });
});

/**
 * Fault injection: lost answers, a busy console, resets and hangs. The provider must never
 * duplicate an object (a POST whose answer was lost is looked up, not resent blindly), and
 * re-running `up` must converge to exactly the desired objects.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
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

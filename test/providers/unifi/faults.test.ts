/**
 * Fault injection: lost answers, a busy console, resets and hangs. The provider must never
 * duplicate an object (a POST whose answer was lost is looked up, not resent blindly), and
 * re-running `up` must converge to exactly the desired objects.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  dnsRecordBody,
  firewallGroupBody,
  networkBody,
  portForwardBody,
  wireguardBody,
  type NetworkSpec,
} from "../../../src/providers/unifi/bodies";
import { providerState } from "../../../src/providers/unifi/provider";
import type { Desired } from "../../helpers/engine";
import { lab, WG_KEY, type Lab } from "./harness";

// Hangs end quickly here.
providerState().clientOptions = { ...providerState().clientOptions, timeoutMs: 300 };

const spec = (name: string, vlan: number): NetworkSpec => ({
  name,
  purpose: "corporate",
  vlan,
  gateway: `10.0.${vlan}.1`,
  prefixLength: 24,
  dhcp: { start: `10.0.${vlan}.100`, stop: `10.0.${vlan}.199`, dns: [], leaseSeconds: 86400 },
  isolated: false,
  internetAccess: true,
  igmpSnooping: false,
});

/** A small site; objects that refer to others are built once those exist. */
function site(l: Lab): Desired[] {
  const base: Desired[] = [
    ...[10, 20, 30, 40, 50].map((vlan) =>
      l.object(
        `net-${vlan}`,
        "networkconf",
        { name: `net${vlan}` },
        networkBody(spec(`net${vlan}`, vlan)),
      ),
    ),
    l.object(
      "wg",
      "networkconf",
      { name: "wireguard" },
      wireguardBody(
        {
          name: "wireguard",
          gateway: "10.0.3.1",
          prefixLength: 24,
          port: 51820,
          dns: [],
          wanInterface: "wan",
        },
        WG_KEY,
      ),
    ),
    l.object(
      "cf",
      "firewallgroup",
      { name: "cloudflare" },
      firewallGroupBody({
        name: "cloudflare",
        type: "address-group",
        members: ["173.245.48.0/20"],
      }),
    ),
    l.object(
      "dns",
      "static-dns",
      { key: "photos.home.arpa", record_type: "A" },
      dnsRecordBody({ name: "photos.home.arpa", type: "A", value: "10.0.10.11" }),
    ),
  ];
  if (!l.engine.state.has("cf")) return base;
  return [
    ...base,
    ...[80, 443].map((port) =>
      l.object(
        `fwd-${port}`,
        "portforward",
        { name: `proxy ${port}` },
        portForwardBody({
          name: `proxy ${port}`,
          wanInterface: "wan",
          port,
          forwardTo: "10.0.10.11",
          forwardPort: port,
          protocol: "tcp",
          sourceGroup: l.id("cf"),
        }),
      ),
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
    const desired = [
      l.object(
        "cf",
        "firewallgroup",
        { name: "cloudflare" },
        firewallGroupBody({
          name: "cloudflare",
          type: "address-group",
          members: ["173.245.48.0/20"],
        }),
      ),
    ];
    await l.engine.up(desired);
    assert.equal(l.emulator.docs("firewallgroup").length, 1);
    assert.equal(
      l.emulator.server.count((e) => e.method === "POST"),
      1,
      "posted once",
    );
    assert.equal(l.id("cf"), l.emulator.docs("firewallgroup")[0]?._id);
  });

  it("a POST refused by a busy console is posted again after checking it was not applied", async () => {
    const l = await lab({
      server: { faults: { rate: 0.5, kinds: ["status-503"], methods: ["POST"], seed: 3 } },
    });
    for (let i = 0; i < 6; i++) {
      await l.engine.converge([
        l.object(
          `g${i}`,
          "firewallgroup",
          { name: `g${i}` },
          firewallGroupBody({ name: `g${i}`, type: "port-group", members: [String(1000 + i)] }),
        ),
      ]);
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
    const group = (members: string[]) =>
      l.object(
        "g",
        "firewallgroup",
        { name: "g" },
        firewallGroupBody({ name: "g", type: "port-group", members }),
      );
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

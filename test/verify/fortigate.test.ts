/**
 * verify's FortiGate and federation checks against the FortiGate emulator's monitor API:
 * healthy, then each failure injected on its own, asserting the row and the exit code.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { path, sa } from "../emulators/fortigate-monitor";
import { Lab, onlyFailures, rowOf } from "./harness";

const lab = new Lab();
before(() => lab.start());
after(() => lab.stop());
beforeEach(() => lab.healthy());

describe("verify: FortiGate", () => {
  it("healthy: every federation and SDN check passes, exit 0", async () => {
    const run = await lab.verify();
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.deepEqual(
      run.rows
        .filter((r) => r.check.startsWith("bgp") || r.check.startsWith("ipsec"))
        .map((r) => `${r.check} ${r.target} ${r.status}`),
      [
        "bgp-neighbor bravo 172.31.254.1 ok",
        "bgp-received bravo ok",
        "bgp-sent bravo ok",
        "bgp-neighbor charlie 172.31.254.3 ok",
        "bgp-received charlie ok",
        "bgp-sent charlie ok",
        "ipsec-sa fgn-bravo ok",
        "ipsec-sa fgn-charlie ok",
      ],
    );
    assert.equal(rowOf(run, "bgp-received", "bravo").detail, "10.2.0.0/24, 10.2.8.0/22");
    assert.match(rowOf(run, "bgp-sent", "bravo").detail, /^10\.1\.0\.0\/24, 10\.1\.128\.0\/24 /);
    assert.equal(rowOf(run, "sdn-route", "10.1.128.0/24").status, "ok");
    assert.equal(rowOf(run, "federation-prefixes", "charlie").status, "ok");
    const doc = JSON.parse(run.stdout) as { stack: string; summary: unknown };
    assert.equal(doc.stack, "edge");
    assert.deepEqual(doc.summary, { ok: run.rows.length - 2, fail: 0, skip: 2 });
  });

  it("no credential of the environment appears in the table or the JSON", async () => {
    lab.fortigate.monitor.neighbors.length = 0; // failing rows too
    for (const args of [[], ["--json"]]) {
      const run = await lab.verify(args);
      for (const value of Object.values(lab.env))
        assert.ok(value && !(run.stdout + run.stderr).includes(value));
    }
  });

  it("a neighbor down: its row fails with the state, exit 1", async () => {
    lab.fortigate.monitor.neighbors[0] = {
      ...lab.fortigate.monitor.neighbors[0]!,
      state: "Active",
    };
    const run = await lab.verify();
    assert.equal(run.status, 1);
    const row = rowOf(run, "bgp-neighbor", "bravo 172.31.254.1");
    assert.equal(row.status, "fail");
    assert.equal(row.detail, "state Active, not Established: is the tunnel fgn-bravo up?");
    assert.equal(rowOf(run, "bgp-sent", "bravo").status, "fail");
    assert.equal(rowOf(run, "bgp-neighbor", "charlie 172.31.254.3").status, "ok");
  });

  it("a neighbor missing from the device", async () => {
    lab.fortigate.monitor.neighbors.splice(1, 1);
    const run = await lab.verify();
    assert.equal(run.status, 1);
    assert.match(rowOf(run, "bgp-neighbor", "charlie 172.31.254.3").detail, /^not a BGP neighbor/);
  });

  it("a prefix missing: nothing received inside the peer's registered prefix", async () => {
    lab.fortigate.monitor.paths = lab.fortigate.monitor.paths.filter(
      (p) => p.learned_from !== "172.31.254.3",
    );
    const run = await lab.verify();
    assert.equal(run.status, 1);
    const row = rowOf(run, "bgp-received", "charlie");
    assert.equal(row.status, "fail");
    assert.equal(row.detail, "nothing received inside 10.3.0.0/16 (received: none)");
  });

  it("a prefix this site should originate is not in its BGP table", async () => {
    lab.fortigate.monitor.paths = lab.fortigate.monitor.paths.filter(
      (p) => p.nlri_prefix !== "10.1.128.0",
    );
    const run = await lab.verify();
    assert.equal(run.status, 1);
    assert.equal(
      rowOf(run, "bgp-sent", "bravo").detail,
      "not in the BGP table as originated here: 10.1.128.0/24",
    );
  });

  it("an extra prefix: the federation check names it", async () => {
    lab.fortigate.monitor.paths.push(path("192.168.7.0/24", "172.31.254.1"));
    const run = await lab.verify();
    assert.equal(run.status, 1);
    const row = rowOf(run, "federation-prefixes", "bravo");
    assert.equal(row.status, "fail");
    assert.match(
      row.detail,
      /^announces 192\.168\.7\.0\/24, outside its registered 10\.2\.0\.0\/16/,
    );
    assert.deepEqual(onlyFailures(run), ["federation-prefixes bravo"]);
  });

  it("an SA down", async () => {
    lab.fortigate.monitor.ipsec[1]!.proxyid[0] = sa("fgn-charlie", "down");
    const run = await lab.verify();
    assert.equal(run.status, 1);
    assert.deepEqual(rowOf(run, "ipsec-sa", "fgn-charlie"), {
      check: "ipsec-sa",
      target: "fgn-charlie",
      status: "fail",
      detail: "SA down: fgn-charlie (to charlie.example.com)",
    });
  });

  it("a tunnel with no SA, and a tunnel missing", async () => {
    lab.fortigate.monitor.ipsec[0]!.proxyid.length = 0;
    lab.fortigate.monitor.ipsec.splice(1, 1);
    const run = await lab.verify();
    assert.match(rowOf(run, "ipsec-sa", "fgn-bravo").detail, /^no phase 2 SA/);
    assert.match(rowOf(run, "ipsec-sa", "fgn-charlie").detail, /^no such tunnel/);
  });

  it("the SDN route missing, or via another gateway", async () => {
    lab.fortigate.monitor.routes = lab.fortigate.monitor.routes.filter(
      (r) => r.ip_mask !== "10.1.128.0/24",
    );
    let run = await lab.verify();
    assert.equal(run.status, 1);
    assert.match(
      rowOf(run, "sdn-route", "10.1.128.0/24").detail,
      /^not in the routing table \(expected via 10\.1\.0\.11/,
    );
    lab.healthy();
    lab.fortigate.monitor.routes[1] = { ...lab.fortigate.monitor.routes[1]!, gateway: "10.1.0.99" };
    run = await lab.verify();
    assert.equal(
      rowOf(run, "sdn-route", "10.1.128.0/24").detail,
      "installed via 10.1.0.99, not 10.1.0.11",
    );
  });

  it("a token the FortiGate refuses: every FortiGate row fails, the token is never printed", async () => {
    const run = await lab.verifyWithEnv(
      "FORTIOS_API_TOKEN",
      "wrong-token-d41d8cd98f00b204e9800998ecf8427e",
    );
    assert.equal(run.status, 1);
    const row = rowOf(run, "ipsec-sa", "fgn-bravo");
    assert.match(row.detail, /^cannot read: FortiGate 127\.0\.0\.1 refused the token \(HTTP 401\)/);
    assert.ok(!run.stdout.includes("d41d8cd98f00b204"));
  });

  it("no token in the environment: a credentials row names the variable", async () => {
    const run = await lab.verifyWithEnv("FORTIOS_API_TOKEN", undefined);
    assert.equal(run.status, 1);
    assert.equal(
      rowOf(run, "credentials", "FORTIOS_API_TOKEN").detail,
      "not set: export it from the stack secret homelab:fortigateApiToken (see README, Verify)",
    );
    assert.equal(run.rows.filter((r) => r.check.startsWith("bgp")).length, 0);
  });
});

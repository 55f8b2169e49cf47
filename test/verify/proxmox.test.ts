/**
 * verify's Proxmox checks against the emulated API: healthy, then a guest stopped or gone,
 * the SDN with pending changes, a storage inactive or missing.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { Lab, rowOf } from "./harness";

const lab = new Lab();
before(() => lab.start());
after(() => lab.stop());
beforeEach(() => lab.healthy());

describe("verify: Proxmox", () => {
  it("healthy: guests running, SDN applied, storages active", async () => {
    const run = await lab.verify();
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.deepEqual(
      run.rows
        .filter((r) => ["guest", "sdn", "storage"].includes(r.check))
        .map((r) => `${r.check} | ${r.target} | ${r.status} | ${r.detail}`),
      [
        "guest | lxc 201 dns on pve1 | ok | running",
        "guest | vm 202 apps on pve1 | ok | running",
        "sdn | zone lab | ok | applied, nothing pending",
        "sdn | vnet labnet | ok | applied, nothing pending",
        "storage | local-lvm on pve1 | ok | active (lvmthin)",
        "storage | local-lvm on pve2 | skip | node pve2 is declared powered: false",
        "storage | local on pve1 | ok | active (dir)",
        "storage | local on pve2 | skip | node pve2 is declared powered: false",
      ],
    );
  });

  it("a guest stopped", async () => {
    lab.proxmox.state.guests[1]!.status = "stopped";
    const run = await lab.verify();
    assert.equal(run.status, 1);
    assert.deepEqual(rowOf(run, "guest", "vm 202 apps on pve1"), {
      check: "guest",
      target: "vm 202 apps on pve1",
      status: "fail",
      detail: "stopped, planned running",
    });
  });

  it("a guest that is not on its node", async () => {
    lab.proxmox.state.guests.shift();
    const run = await lab.verify();
    assert.equal(run.status, 1);
    assert.equal(rowOf(run, "guest", "lxc 201 dns on pve1").detail, "not on pve1 (HTTP 500)");
  });

  it("SDN pending: a changed zone and a vnet never applied", async () => {
    lab.proxmox.state.zones[0]!.state = "changed";
    lab.proxmox.state.zones[0]!.pending = { mtu: 1450 };
    lab.proxmox.state.vnets[0]!.state = "new";
    const run = await lab.verify();
    assert.equal(run.status, 1);
    assert.equal(
      rowOf(run, "sdn", "zone lab").detail,
      "changed, not applied (pending: mtu): apply the SDN (Datacenter > SDN > Apply, or pulumi up)",
    );
    assert.match(rowOf(run, "sdn", "vnet labnet").detail, /^created but never applied/);
  });

  it("a storage inactive, and one missing", async () => {
    const storages = lab.proxmox.state.storages.pve1!;
    storages[1]!.active = 0;
    storages.shift();
    const run = await lab.verify();
    assert.equal(run.status, 1);
    assert.equal(
      rowOf(run, "storage", "local-lvm on pve1").detail,
      "inactive: pve1 cannot reach it (pvesm status on pve1)",
    );
    assert.equal(rowOf(run, "storage", "local on pve1").detail, "not a storage of pve1");
  });

  it("an API that drops every connection: asked once (with its retries), every row says why", async () => {
    lab.proxmox.server.resetLog();
    lab.proxmox.server.setFaults({ rate: 1, kinds: ["reset-before"] });
    try {
      const run = await lab.verify();
      assert.equal(run.status, 1);
      const rows = run.rows.filter(
        (r) => ["guest", "sdn", "storage"].includes(r.check) && r.status !== "skip",
      );
      assert.equal(rows.length, 6);
      for (const row of rows) assert.match(row.detail, /^cannot read: /);
      // 1 request and 2 retries, not 3 for each of the 5 reads.
      assert.equal(lab.proxmox.server.count(), 3);
    } finally {
      lab.proxmox.server.setFaults(undefined);
    }
  });

  it("a token the API refuses: every Proxmox row fails, the token is never printed", async () => {
    const run = await lab.verifyWithEnv(
      "PROXMOX_VE_API_TOKEN",
      "0e5f7c1a-9b2d-4e8f-a6c3-7d1b5e9f2a40",
    );
    assert.equal(run.status, 1);
    assert.match(
      rowOf(run, "storage", "local on pve1").detail,
      /^cannot read: the API refused the token \(HTTP 401\): check PROXMOX_VE_API_TOKEN \(verify@pve!homelab\)/,
    );
    assert.ok(!run.stdout.includes("0e5f7c1a-9b2d"));
  });
});

/**
 * Renames in the model: what a renamed entry keeps (values fixed at creation come from its
 * first name) and the former names and roles its resources get.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { withFormerRoles, type PlannedObject } from "../../src/devices/plan";
import { guestVmid } from "../../src/model/proxmox";
import { unifiPlan } from "../../src/model/unifi";
import { decideFirewallMode } from "../../src/model/unifi/firewall-mode";
import { editedStack } from "../helpers/renames";
import { siteModel } from "../helpers/site";
import { ANNEX, HOME } from "../helpers/sites";

const object = (role: string, kind = "Network"): PlannedObject => ({
  role,
  kind,
  spec: {},
  dependsOn: [],
});

describe("renames in the model", () => {
  it("a derived vmid comes from the first name", () => {
    const first = guestVmid({ name: "web" });
    assert.equal(guestVmid({ name: "front", renamedFrom: "web" }), first);
    assert.equal(guestVmid({ name: "edge", renamedFrom: ["web", "front"] }), first);
    assert.notEqual(guestVmid({ name: "front" }), first);
    assert.equal(guestVmid({ name: "front", renamedFrom: "web", vmid: 120 }), 120);
  });

  it("former roles pair objects by position; other shapes, taken and shared roles are left out", () => {
    const now = [object("net-research"), object("group-a"), object("group-b")];
    const before = [object("net-lab"), object("group-b"), object("group-c")];
    assert.deepEqual(
      withFormerRoles(now, [before]).map((o) => o.formerRoles),
      // group-b is group-a's former role, but another object is group-b now.
      [["net-lab"], undefined, ["group-c"]],
    );
    // A former plan of another shape pairs nothing.
    assert.deepEqual(withFormerRoles(now, [before.slice(1)]), now);
    assert.deepEqual(withFormerRoles(now, [[object("x", "Group"), ...before.slice(1)]])[0], now[0]);
    // Two objects claiming one former role (from two former plans): neither gets it.
    const other = [object("net-x"), object("net-lab"), object("group-c")];
    assert.deepEqual(
      withFormerRoles(now, [before, other]).map((o) => o.formerRoles),
      [["net-x"], undefined, ["group-c"]],
    );
  });

  it("UniFi, zone-based: the network and the policies named after it", () => {
    const annex = siteModel(ANNEX);
    const config = annex.config.unifi!;
    const renamed = {
      ...config,
      networks: config.networks.map((n) =>
        n.name === "iot" ? { ...n, name: "things", renamedFrom: "iot" } : n,
      ),
      firewall: {
        ...config.firewall,
        mode: "zone" as const,
        allow: config.firewall.allow.map((rule) => ({
          ...rule,
          // Default names come from the networks' names.
          name: rule.name === "iot to DNS" ? undefined : rule.name,
          from: rule.from === "iot" ? "things" : rule.from,
          to: Array.isArray(rule.to)
            ? rule.to.map((n) => (n === "iot" ? "things" : n))
            : rule.to === "iot"
              ? "things"
              : rule.to,
        })),
      },
    };
    const networks = annex.networks.map((n) => (n.name === "iot" ? { ...n, name: "things" } : n));
    const input = {
      file: "f",
      networks,
      publish: annex.publish,
      firewall: decideFirewallMode("zone"),
    };
    const plan = unifiPlan({ ...input, config: renamed });
    const formers = Object.fromEntries(
      plan.objects.filter((o) => o.formerRoles).map((o) => [o.role, o.formerRoles]),
    );
    assert.deepEqual(formers, {
      "net-things": ["net-iot"],
      "policy-things-to-servers": ["policy-iot-to-servers"],
    });
    // The same plan with the old name has exactly those roles.
    const old = unifiPlan({
      ...input,
      networks: annex.networks,
      config: {
        ...renamed,
        networks: config.networks,
        firewall: {
          ...renamed.firewall,
          allow: config.firewall.allow.map((r) => ({
            ...r,
            name: r.name === "iot to DNS" ? undefined : r.name,
          })),
        },
      },
    });
    const oldRoles = new Set(old.objects.map((o) => o.role));
    for (const role of Object.values(formers).flat()) assert.ok(oldRoles.has(role), role);
  });

  it("services: a renamed service's volumes and passwords keep their first name", () => {
    const site = editedStack(HOME, [
      [
        "    - name: immich\n      app: immich",
        "    - name: pictures\n      renamedFrom: [immich, photos]\n      app: immich",
      ],
    ]);
    const model = siteModel(site);
    const stack = model.services!.stacks.find((s) => s.name === "pictures")!;
    assert.deepEqual(stack.formerNames, ["immich", "photos"]);
    assert.deepEqual(
      stack.volumes.map((v) => [v.name, v.stack]),
      [
        ["immich-upload", "immich"],
        ["immich-model-cache", "immich"],
        ["immich-db", "immich"],
      ],
    );
    assert.ok(stack.containers.every((c) => c.name.startsWith("pictures-")));
    const password = model.services!.generated.find((g) => g.id === "pictures-db-password");
    assert.deepEqual(password?.formerIds, ["immich-db-password", "photos-db-password"]);
    // Others are untouched.
    const other = model.services!.generated.find((g) => g.id === "affine-db-password");
    assert.deepEqual(other?.formerIds, []);
  });
});

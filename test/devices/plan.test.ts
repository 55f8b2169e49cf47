/**
 * The one plan shape of the edge devices: the builder refuses what would make a plan that
 * cannot be applied in order, and applyPlan turns `{ ref }` placeholders into the earlier
 * objects' ids and `dependsOn` roles into explicit dependencies (under the mock runtime).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { runUnderMocks } from "../../src/cli/mock-runtime";
import { applyPlan } from "../../src/components/apply-plan";
import { PlanBuilder, isRef, refsOf, type PlannedObject } from "../../src/devices/plan";

type Thing = PlannedObject<"Thing", Record<string, unknown>>;

class ThingResource extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
    super("test:index:Thing", name, props, opts);
  }
}

describe("device plans", () => {
  it("finds every { ref } of a spec, and only objects with that one key", () => {
    const spec = { a: { ref: "x" }, b: [{ ref: "y" }, { ref: "z", other: 1 }], c: "ref" };
    assert.deepEqual(refsOf(spec), ["x", "y"]);
    assert.equal(isRef({ ref: "x" }), true);
    assert.equal(isRef({ ref: 1 }), false);
    assert.equal(isRef([{ ref: "x" }]), false);
  });

  it("refuses a role used twice and a reference or dependency to a later object", () => {
    const plan = new PlanBuilder<Thing>("Test");
    const a = plan.add({ role: "a", kind: "Thing", spec: {}, dependsOn: [] });
    assert.deepEqual(a, { ref: "a" });
    plan.add({ role: "b", kind: "Thing", spec: { parent: a }, dependsOn: ["a"] });
    assert.throws(
      () => plan.add({ role: "a", kind: "Thing", spec: {}, dependsOn: [] }),
      /internal error: two Test objects have the role a/,
    );
    assert.throws(
      () => plan.add({ role: "c", kind: "Thing", spec: { next: { ref: "d" } }, dependsOn: [] }),
      /internal error: Test object c needs d, which is not planned before it/,
    );
    assert.throws(
      () => plan.add({ role: "c", kind: "Thing", spec: {}, dependsOn: ["d"] }),
      /Test object c needs d/,
    );
    assert.deepEqual(
      plan.objects.map((o) => o.role),
      ["a", "b"],
    );
  });

  it("applies a plan: names, parent, ids for references, explicit dependencies", async () => {
    const plan = new PlanBuilder<Thing>("Test");
    const zone = plan.add({
      role: "zone",
      kind: "Thing",
      spec: { key: "internal" },
      dependsOn: [],
    });
    plan.add({ role: "address", kind: "Thing", spec: { subnet: "10.0.0.0/24" }, dependsOn: [] });
    plan.add({
      role: "policy",
      kind: "Thing",
      spec: { zones: [zone], name: "allow" },
      dependsOn: ["address"],
    });
    const result = await runUnderMocks({
      project: "homelab",
      stack: "test",
      config: {},
      secretKeys: [],
      program: () => {
        class Owner extends pulumi.ComponentResource {
          constructor() {
            super("test:index:Owner", "owner", {});
            applyPlan<Thing, ThingResource>(plan, {
              name: "owner",
              parent: this,
              idOf: (resource) => resource.id,
              create: (object, { name, opts, resolve }) =>
                new ThingResource(name, resolve(object.spec), opts),
            });
            this.registerOutputs({});
          }
        }
        new Owner();
        return {};
      },
    });
    const things = result.resources.filter((r) => r.type === "test:index:Thing");
    assert.deepEqual(
      things.map((r) => [r.name, r.parent, r.inputs, r.options.dependsOn]),
      [
        ["owner-zone", "test:index:Owner::owner", { key: "internal" }, []],
        ["owner-address", "test:index:Owner::owner", { subnet: "10.0.0.0/24" }, []],
        [
          "owner-policy",
          "test:index:Owner::owner",
          { name: "allow", zones: ["owner-zone-id"] },
          ["test:index:Thing::owner-address"],
        ],
      ],
    );
  });
});

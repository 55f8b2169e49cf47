/** The UniFi objects of an offline plan, and the check that the controller would take them. */
import assert from "node:assert/strict";
import type { Plan, PlannedResource } from "../../../src/cli/mock-runtime";
import { parseCollectionPath } from "../../../src/devices/unifi/api";
import { fieldViolations, formatViolation } from "../../../src/devices/unifi/fields";

export const UNIFI = "pulumi-nodejs:dynamic/unifi:";

export type Body = Record<string, unknown>;

export const bodyOf = (r: PlannedResource) => r.inputs.body as Body;

/** The planned UniFi objects of a type ("Network"), or all of them. */
export function unifiObjects(plan: Plan, type?: string): PlannedResource[] {
  return plan.resources.filter((r) =>
    type ? r.type === `${UNIFI}${type}` : r.type.startsWith(UNIFI),
  );
}

/**
 * Every UniFi object has a known collection path on the site, a key that names body fields,
 * and a body that satisfies the controller's field rules (secrets are "[secret]" here).
 */
export function assertControllerAccepts(plan: Plan, site = "default"): void {
  for (const r of unifiObjects(plan)) {
    const parsed = parseCollectionPath(r.inputs.path as string);
    assert.ok(parsed, `${r.name}: path ${r.inputs.path as string}`);
    assert.equal(parsed.site, site, r.name);
    assert.ok(r.inputs.key && typeof r.inputs.key === "object", `${r.name}: key`);
    if (r.inputs.kind !== "lookup") {
      for (const [k, v] of Object.entries(r.inputs.key as Body)) {
        assert.deepEqual(bodyOf(r)[k], v, `${r.name}: key ${k}`);
      }
    }
    const violations = fieldViolations(parsed.collection, bodyOf(r), {
      skip: (v) => v === "[secret]",
    });
    assert.deepEqual(violations.map(formatViolation), [], r.name);
  }
}

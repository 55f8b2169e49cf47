/**
 * Variations of the fixture sites for the rename tests: a stack file's text edited, written
 * to a temporary directory, and the engine's URN of every resource of a plan computed from
 * the plan alone (its type, its name and its ancestors' types, as the engine builds them).
 */
import type { Plan, PlannedResource } from "../../src/cli/mock-runtime";
import { variant, type StackFile } from "./sites";

/** One edit: a pattern (every match) and what replaces it; it must match at least once. */
export type Edit = readonly [RegExp | string, string];

/** A fixture site with the edits applied, as a new stack file (test/helpers/sites.ts `variant`). */
export function editedStack(site: StackFile, edits: readonly Edit[]): StackFile {
  return variant(site, (original) => {
    let text = original;
    for (const [pattern, replacement] of edits) {
      const regex =
        typeof pattern === "string"
          ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g")
          : pattern;
      if (!regex.test(text)) throw new Error(`edit ${String(pattern)} matches nothing`);
      text = text.replace(regex, replacement);
    }
    return text;
  });
}

/**
 * Every resource of a plan with its URN, computed as the engine does (pulumi/pulumi
 * sdk/go/common/resource/urn/urn.go `New`): the types of its ancestors below the stack and
 * its own, joined by `$`, and its name.
 */
export function engineUrns(plan: Plan): Map<string, PlannedResource> {
  const byRef = new Map<string, { urn: string; path: string }>();
  const out = new Map<string, PlannedResource>();
  for (const r of plan.resources) {
    const parent = r.parent ? byRef.get(r.parent) : undefined;
    const path = parent?.path ? `${parent.path}$${r.type}` : r.type;
    const urn = `urn:pulumi:${plan.stack}::${plan.project}::${path}::${r.name}`;
    // The stack's children are qualified by their own type only.
    byRef.set(`${r.type}::${r.name}`, { urn, path: r.type === "pulumi:pulumi:Stack" ? "" : path });
    out.set(urn, r);
  }
  return out;
}

/**
 * Variations of the example stacks for the rename tests: a stack file's text edited, written
 * to a temporary directory, and the engine's URN of every resource of a plan computed from
 * the plan alone (its type, its name and its ancestors' types, as the engine builds them).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Plan, PlannedResource } from "../../src/cli/mock-runtime";
import { ROOT } from "./plan";

const dir = mkdtempSync(join(tmpdir(), "renames-"));
let count = 0;

/** One edit: a pattern (every match) and what replaces it; it must match at least once. */
export type Edit = readonly [RegExp | string, string];

/** The example stack's file with the edits applied, as a new file; returns its path. */
export function editedStack(stack: string, edits: readonly Edit[]): string {
  let text = readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
  for (const [pattern, replacement] of edits) {
    const regex =
      typeof pattern === "string"
        ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g")
        : pattern;
    if (!regex.test(text)) throw new Error(`edit ${String(pattern)} matches nothing`);
    text = text.replace(regex, replacement);
  }
  const path = join(dir, `Pulumi.${stack}-${++count}.yaml`);
  writeFileSync(path, text);
  return path;
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

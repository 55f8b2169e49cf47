/** Offline plans of stack files (the fixture sites, or others) for component tests. */
import { planStack } from "../../src/cli/offline";
import type { Json, Plan, PlannedResource } from "../../src/cli/mock-runtime";
import { ROOT, pathOf, type StackFile } from "./sites";

export { ROOT };

export async function plan(site: StackFile): Promise<Plan> {
  return (await planStack(ROOT, site.stack, pathOf(site))).plan;
}

export function ofType(plan: Plan, type: string): PlannedResource[] {
  return plan.resources.filter((r) => r.type === type);
}

export function byName(plan: Plan, name: string): PlannedResource {
  const found = plan.resources.find((r) => r.name === name);
  if (!found) throw new Error(`no resource ${name} in the plan`);
  return found;
}

/** Every string anywhere in a JSON value. */
export function strings(value: Json): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/** The env of a planned container as a map (secret entries are "[secret]"). */
export function envOf(container: PlannedResource): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of (container.inputs.envs ?? []) as string[]) {
    if (entry === "[secret]") continue;
    const at = entry.indexOf("=");
    out[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return out;
}

/** Content of an uploaded file of a planned container. */
export function upload(container: PlannedResource, file: string): string {
  const uploads = (container.inputs.uploads ?? []) as { file: string; content: string }[];
  const found = uploads.find((u) => u.file === file);
  if (!found) throw new Error(`${container.name} has no upload ${file}`);
  return found.content;
}

/**
 * One part of a site's plan (`npm run plan -- --only <part>`): the subtree of one of the
 * `Homelab` component's children (src/components/homelab.ts), with its URN, so a preview can
 * target it (README, "Planning one part of a site"). The whole program is evaluated either
 * way: `--only` chooses what is printed, never what is validated.
 */
import { closest } from "../config/primitives";
import { formatUrn, refOf, STACK_TYPE } from "../lib/urn";
import { UsageError } from "./common";
import type { Plan, PlannedResource } from "./mock-runtime";

/** The type of the program's root component. */
const HOMELAB_TYPE = "homelab:index:Homelab";

/** The Homelab component's children by their role (`<site>-<role>`), and `edge`. */
export const PARTS = ["proxmox", "services", "dns", "fortigate", "unifi", "edge"] as const;

/** The edge router's part, whichever the site has. */
const EDGE_PARTS: readonly string[] = ["fortigate", "unifi"];

/** The parts of a plan: each child of the Homelab component, by its role. */
export function planParts(plan: Plan): Map<string, PlannedResource> {
  const homelab = plan.resources.find((r) => r.type === HOMELAB_TYPE);
  const parts = new Map<string, PlannedResource>();
  if (!homelab) return parts;
  const ref = refOf(homelab);
  for (const r of plan.resources) {
    if (r.parent !== ref || !r.name.startsWith(`${homelab.name}-`)) continue;
    const role = r.name.slice(homelab.name.length + 1);
    parts.set(role, r);
    if (EDGE_PARTS.includes(role)) parts.set("edge", r);
  }
  return parts;
}

/**
 * The URN the engine gives a planned resource: every ancestor's type but the stack's, then
 * its own (pulumi/pulumi pkg/resource/deploy/deployment.go `generateURN`: a parent's full
 * qualified type, none for the root stack; the mock monitor keeps the parent's own type only).
 */
export function plannedUrn(plan: Plan, resource: PlannedResource): string {
  const byRef = new Map(plan.resources.map((r) => [refOf(r), r]));
  const types: string[] = [];
  for (let r: PlannedResource | undefined = resource; r;) {
    if (r.type !== STACK_TYPE) types.unshift(r.type);
    r = r.parent === null ? undefined : byRef.get(r.parent);
  }
  return formatUrn({
    stack: plan.stack,
    project: plan.project,
    qualifiedType: types.join("$"),
    name: resource.name,
  });
}

export interface PlanPart {
  readonly part: string;
  readonly root: PlannedResource;
  readonly urn: string;
  /** The part's resources only; the part's root is the tree's root. */
  readonly plan: Plan;
}

/** `--only`'s value, checked before anything is planned: an unknown part gets "did you mean". */
export function partOption(value: string | undefined): string | undefined {
  if (value === undefined || (PARTS as readonly string[]).includes(value)) return value;
  const near = closest(value, PARTS);
  throw new UsageError(
    `--only: unknown part "${value}": ${near ? `did you mean "${near}"?` : `the parts are ${PARTS.join(", ")}`}`,
  );
}

/** The subtree of `part`, or a UsageError that lists the parts the stack has. */
export function planPart(plan: Plan, part: string): PlanPart {
  const parts = planParts(plan);
  const root = parts.get(part);
  if (!root) {
    const present = [...parts.keys()];
    throw new UsageError(
      `--only: stack "${plan.stack}" has no ${part} part: ${present.length > 0 ? `its parts are ${present.join(", ")}` : "it has none"}`,
    );
  }
  const inside = new Set([refOf(root)]);
  for (let grew = true; grew;) {
    grew = false;
    for (const r of plan.resources) {
      if (r.parent !== null && inside.has(r.parent) && !inside.has(refOf(r))) {
        inside.add(refOf(r));
        grew = true;
      }
    }
  }
  const resources = plan.resources
    .filter((r) => inside.has(refOf(r)))
    .map((r) => (r === root ? { ...r, parent: null } : r));
  return { part, root, urn: plannedUrn(plan, root), plan: { ...plan, resources } };
}

/** The lines `npm run plan -- --only` prints above the part's tree. */
export function partHeader(whole: Plan, only: PlanPart): string {
  const glob = `${only.urn.slice(0, only.urn.lastIndexOf("::"))}**`;
  return [
    `Only ${only.part}: ${only.root.type}  ${only.root.name}, ${only.plan.resources.length} of the stack's ${whole.resources.length} resources (the whole stack was evaluated and validated)`,
    `  URN: ${only.urn}`,
    `  Preview just this part: pulumi preview --stack ${whole.stack} --target '${glob}' (README, "Planning one part of a site")`,
  ].join("\n");
}

/**
 * One shape for what an edge device should hold (the FortiGate's CMDB objects, the UniFi
 * gateway's controller objects): objects in dependency order, each with
 *
 * - a `role`, unique in the plan (the resource is named `<component>-<role>`),
 * - a `kind` (which resource it becomes),
 * - a `spec` (what the resource is made from), which may refer to an earlier object of the
 *   plan by `{ ref: role }`: applying the plan puts that object's id there, and the data flow
 *   orders the two,
 * - `dependsOn`: roles of earlier objects it must come after although its spec does not hold
 *   their ids (a FortiOS policy names its addresses), so referents are created first and
 *   referrers deleted first.
 *
 * Pure: no Pulumi here. src/components/apply-plan.ts turns a plan into resources.
 */

/** A reference to another object of the same plan, by role. */
export interface Ref {
  readonly ref: string;
}

/** Whether `value` is a `{ ref }` placeholder (an object with that one key). */
export function isRef(value: unknown): value is Ref {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { ref?: unknown }).ref === "string"
  );
}

/** Every role a value refers to by `{ ref }`, at any depth, in order. */
export function refsOf(value: unknown): string[] {
  if (isRef(value)) return [value.ref];
  if (Array.isArray(value)) return value.flatMap(refsOf);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(refsOf);
  return [];
}

/** One object of a device plan. */
export interface PlannedObject<K extends string = string, S = unknown> {
  /** Unique within the plan; the resource is named `<component>-<role>`. */
  readonly role: string;
  /** Which resource the object becomes. */
  readonly kind: K;
  /** What the resource is made from; `{ ref: role }` stands for an earlier object's id. */
  readonly spec: S;
  /** Roles of earlier objects this one comes after (and is deleted before). */
  readonly dependsOn: readonly string[];
  /**
   * Roles it had before something it is named after was renamed (`renamedFrom`): applying
   * the plan declares them as aliases, so the rename updates the object in place.
   */
  readonly formerRoles?: readonly string[];
}

/** What a device should hold. */
export interface DevicePlan<O extends PlannedObject = PlannedObject> {
  /** In dependency order: every reference and dependency names an earlier object. */
  readonly objects: readonly O[];
}

/**
 * The objects of a plan with their former roles. `formers` are the objects of the same plan
 * computed under the former names of what was renamed: a rename changes names, never the
 * plan's shape, so objects pair by position (a former plan of another shape, which names
 * cannot make, is ignored). A former role that is another object's role now, or that two
 * objects would claim, is left out: the engine refuses an alias that another resource
 * answers to.
 */
export function withFormerRoles<O extends PlannedObject>(
  objects: readonly O[],
  formers: readonly (readonly PlannedObject[])[],
): O[] {
  const current = new Set(objects.map((o) => o.role));
  const claims = new Map<string, Set<number>>();
  for (const former of formers) {
    if (former.length !== objects.length) continue;
    if (former.some((o, i) => o.kind !== objects[i]!.kind)) continue;
    former.forEach((o, i) => {
      if (o.role === objects[i]!.role || current.has(o.role)) return;
      const claimants = claims.get(o.role) ?? new Set<number>();
      claims.set(o.role, claimants.add(i));
    });
  }
  const roles = objects.map(() => [] as string[]);
  for (const [role, claimants] of claims) {
    if (claimants.size === 1) roles[[...claimants][0]!]!.push(role);
  }
  return objects.map((o, i) => (roles[i]!.length > 0 ? { ...o, formerRoles: roles[i] } : o));
}

/**
 * Collects the objects of a plan in order, refusing a role used twice and a reference or
 * dependency to an object not planned before (both are bugs of the plan, not of the config).
 */
export class PlanBuilder<O extends PlannedObject> {
  readonly objects: O[];
  private readonly roles: Set<string>;

  constructor(readonly device: string) {
    this.objects = [];
    this.roles = new Set();
  }

  /** Adds `object` and returns a reference to it. */
  add(object: O): Ref {
    const { role } = object;
    if (this.roles.has(role))
      throw new Error(`internal error: two ${this.device} objects have the role ${role}`);
    for (const earlier of [...object.dependsOn, ...refsOf(object.spec)]) {
      if (!this.roles.has(earlier))
        throw new Error(
          `internal error: ${this.device} object ${role} needs ${earlier}, which is not planned before it`,
        );
    }
    this.roles.add(role);
    this.objects.push(object);
    return { ref: role };
  }

  has(role: string): boolean {
    return this.roles.has(role);
  }
}

/**
 * Applies a device plan (src/devices/plan.ts) inside a component: one resource per object,
 * in plan order, named `<name>-<role>` with the component as parent; `{ ref: role }` in a
 * spec becomes that object's id (an Output, so Pulumi also orders the two), `dependsOn`
 * roles become explicit dependencies and former roles aliases. The FortiGate edge and the
 * UniFi gateway both use it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { isRef, type DevicePlan, type PlannedObject, type Ref } from "../devices/plan";

/** A plan value with its `{ ref }` placeholders replaced by the objects' ids. */
export type Resolved<T> = T extends Ref
  ? pulumi.Output<string>
  : T extends readonly (infer U)[]
    ? Resolved<U>[]
    : T extends object
      ? { [K in keyof T]: Resolved<T[K]> }
      : T;

/** What `create` gets besides the object. */
export interface CreateContext {
  /** `<component>-<role>`. */
  readonly name: string;
  /** Parent and explicit dependencies. */
  readonly opts: pulumi.CustomResourceOptions;
  /** Replaces the `{ ref }` placeholders of a value by the ids they stand for. */
  readonly resolve: <T>(value: T) => Resolved<T>;
}

export interface ApplyOptions<O extends PlannedObject, R extends pulumi.Resource> {
  /** The component's name: resources are `<name>-<role>`. */
  readonly name: string;
  /** The component. */
  readonly parent: pulumi.Resource;
  /** The resource of one object. */
  readonly create: (object: O, context: CreateContext) => R;
  /** The id a `{ ref }` to this resource stands for. */
  readonly idOf: (resource: R) => pulumi.Output<string>;
}

/** Creates the resources of `plan`; returns them by role. */
export function applyPlan<O extends PlannedObject, R extends pulumi.Resource>(
  plan: DevicePlan<O>,
  options: ApplyOptions<O, R>,
): Map<string, R> {
  const created = new Map<string, R>();
  const resourceOf = (role: string): R => {
    const resource = created.get(role);
    if (!resource) throw new Error(`internal error: ${role} is used before it exists`);
    return resource;
  };
  const walk = (value: unknown): unknown => {
    if (isRef(value)) return options.idOf(resourceOf(value.ref));
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  const resolve = <T>(value: T): Resolved<T> => walk(value) as Resolved<T>;
  for (const object of plan.objects) {
    const opts: pulumi.CustomResourceOptions = {
      parent: options.parent,
      dependsOn: object.dependsOn.map(resourceOf),
      // A renamed object answers to its former resource names (same parent, same type).
      ...(object.formerRoles?.length
        ? { aliases: object.formerRoles.map((role) => ({ name: `${options.name}-${role}` })) }
        : {}),
    };
    created.set(
      object.role,
      options.create(object, { name: `${options.name}-${object.role}`, opts, resolve }),
    );
  }
  return created;
}

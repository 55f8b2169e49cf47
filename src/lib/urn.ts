/**
 * Pulumi URNs and the plans' resource references.
 *
 * A URN is `urn:pulumi:<stack>::<project>::<qualified type>::<name>`, where the qualified
 * type is the types of the resource's ancestors and its own joined by `$`
 * (`homelab:index:Homelab$homelab:services:Service`); the name may itself contain `::`.
 * A plan refers to a resource as `<type>::<name>` (its own type, not the qualified one).
 */

export const URN_PREFIX = "urn:pulumi:";

/** The type of the stack resource, the root of every URN's ancestry. */
export const STACK_TYPE = "pulumi:pulumi:Stack";

export interface UrnParts {
  readonly stack: string;
  readonly project: string;
  /** The ancestors' types and the resource's own, joined by `$`. */
  readonly qualifiedType: string;
  readonly name: string;
}

/** The parts of a URN, or undefined when `urn` is not one. */
export function parseUrn(urn: string): UrnParts | undefined {
  if (!urn.startsWith(URN_PREFIX)) return undefined;
  const [stack, project, qualifiedType, ...name] = urn.slice(URN_PREFIX.length).split("::");
  if (stack === undefined || project === undefined || qualifiedType === undefined) return undefined;
  if (name.length === 0) return undefined;
  return { stack, project, qualifiedType, name: name.join("::") };
}

/** The URN of these parts. */
export function formatUrn(parts: UrnParts): string {
  return `${URN_PREFIX}${[parts.stack, parts.project, parts.qualifiedType, parts.name].join("::")}`;
}

/** The resource's own type of a qualified type: "a$b$c" → "c". */
export function ownType(qualifiedType: string): string {
  return qualifiedType.split("$").pop() ?? qualifiedType;
}

/** "type::name": how plans refer to a resource. */
export function refOf(resource: { readonly type: string; readonly name: string }): string {
  return `${resource.type}::${resource.name}`;
}

/** The type of a "type::name" reference. */
export function refType(ref: string): string {
  return ref.split("::")[0] ?? "";
}

/** "urn:pulumi:stack::project::parent$type::name" → "type::name" ("" for a non-URN). */
export function urnToRef(urn: string): string {
  const parts = parseUrn(urn);
  return parts ? refOf({ type: ownType(parts.qualifiedType), name: parts.name }) : "";
}

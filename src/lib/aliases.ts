/**
 * Pulumi's alias semantics, as the engine applies them (pulumi/pulumi
 * pkg/resource/deploy/step_generator.go: `collapseAliasToUrn`, `inheritedChildAlias`,
 * `generateAliases`; sdk/go/common/resource/alias.go `CreateURN`;
 * sdk/go/common/resource/urn/urn.go `New`), so that an offline plan can say which former URNs
 * a resource answers to:
 *
 * - an alias is a URN, or a spec (name, type, parent, project, stack) whose missing parts
 *   are the resource's own; its parent defaults to the resource's parent, and a parent that
 *   was itself aliased stands for its old URN;
 * - a child inherits its parent's aliases: under each of them, with its name's prefix
 *   rewritten when it starts with the parent's name (the `${name}-<role>` convention), and so
 *   does each of its own aliases.
 *
 * The engine takes the one alias of the parent that matched the old state; without a state,
 * every alias of the parent counts (as the Node SDK's `allAliases` does for engines without
 * alias specs, @pulumi/pulumi resource.js).
 */
import { formatUrn, ownType, parseUrn, STACK_TYPE } from "./urn";

/** An alias as the SDK sends it: a URN, or a spec (empty parts are the resource's own). */
export type AliasSpec =
  | { readonly urn: string }
  | {
      readonly name?: string;
      readonly type?: string;
      readonly project?: string;
      readonly stack?: string;
      /** The parent's URN (the SDK passes the resource's own parent when none is given). */
      readonly parentUrn?: string;
      /** The resource had no parent. */
      readonly noParent?: boolean;
    };

/** What a resource is known by: its URN and every URN it answers to. */
export interface Identity {
  readonly urn: string;
  readonly aliases: readonly string[];
}

/** `CreateURN`: a URN under a parent URN (none: at the top of the stack). */
export function childUrn(
  parent: string,
  type: string,
  name: string,
  project: string,
  stack: string,
): string {
  const parts = parent ? parseUrn(parent) : undefined;
  if (!parts || parts.qualifiedType === STACK_TYPE) {
    return formatUrn({ stack, project, qualifiedType: type, name });
  }
  return formatUrn({ ...parts, qualifiedType: `${parts.qualifiedType}$${type}`, name });
}

/**
 * `inheritedChildAlias`: the child's URN under one of its parent's aliases, its name's prefix
 * rewritten when it starts with the parent's name (in the deployment's project and stack).
 */
export function inheritedChildAlias(
  child: { readonly type: string; readonly name: string },
  parentName: string,
  parentAlias: string,
  deployment: { readonly project: string; readonly stack: string },
): string {
  const aliasName = parseUrn(parentAlias)?.name ?? "";
  const name = child.name.startsWith(parentName)
    ? aliasName + child.name.slice(parentName.length)
    : child.name;
  return childUrn(parentAlias, child.type, name, deployment.project, deployment.stack);
}

/** A registration, with its parent's identity already computed (parents register first). */
export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly project: string;
  readonly stack: string;
  /** The parent's identity (undefined: no parent, the stack resource itself). */
  readonly parent?: Identity;
  readonly aliases: readonly AliasSpec[];
  /** Identity of a resource by its URN as the SDK knows it (an alias spec's parent). */
  readonly identityOf: (urn: string) => Identity | undefined;
}

/** The URN of a registration and the former URNs it answers to (never its own). */
export function identityOf(r: Registration): Identity {
  const parentUrn = r.parent?.urn ?? "";
  const urn = childUrn(parentUrn, r.type, r.name, r.project, r.stack);
  const out = new Set<string>();
  const own: string[] = [];
  for (const alias of r.aliases) {
    if ("urn" in alias) {
      own.push(alias.urn);
      out.add(alias.urn);
      continue;
    }
    const type = alias.type || r.type;
    const name = alias.name || r.name;
    const project = alias.project || r.project;
    const stack = alias.stack || r.stack;
    const parent = alias.noParent
      ? undefined
      : alias.parentUrn
        ? (r.identityOf(alias.parentUrn) ?? { urn: alias.parentUrn, aliases: [] })
        : r.parent;
    // Under the parent as it is now, and under each URN the parent had.
    const parents = parent ? [parent.urn, ...parent.aliases] : [""];
    own.push(childUrn(parent?.urn ?? "", type, name, project, stack));
    for (const p of parents) out.add(childUrn(p, type, name, project, stack));
  }
  if (r.parent) {
    const parentName = parseUrn(r.parent.urn)?.name ?? "";
    for (const parentAlias of r.parent.aliases) {
      out.add(inheritedChildAlias(r, parentName, parentAlias, r));
      for (const alias of own) {
        const parts = parseUrn(alias);
        if (!parts) continue;
        const child = { type: ownType(parts.qualifiedType), name: parts.name };
        out.add(inheritedChildAlias(child, parentName, parentAlias, r));
      }
    }
  }
  out.delete(urn);
  return { urn, aliases: [...out] };
}

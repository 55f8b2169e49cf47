/**
 * Comparing two offline plans (`npm run plan -- --json`, format in the README): what a change
 * adds, removes and changes, with the changed input fields, and what it puts at risk. Pure:
 * documents in, a structured diff and Markdown out; `npm run plan-diff` is a thin CLI on top.
 *
 * The Markdown rendering of a diff is in plan-markdown.ts.
 *
 * Identity follows Pulumi's: a resource is its URN, that is its type, its name and the types
 * of its ancestors. A resource whose ancestors' types change keeps its "type::name" but gets
 * a new URN, which Pulumi deletes and recreates unless the program declares an alias; the
 * diff shows it as changed ("moved") with a warning. As the engine does (pulumi/pulumi
 * pkg/resource/deploy/step_generator.go `getOldResource`: the URN first, then the aliases), a
 * new resource that lists a removed one's URN among its aliases is that resource renamed:
 * changed, not deleted and created. What a change puts at risk is in plan-risks.ts.
 */
import { z } from "zod";
import {
  ConfigError,
  formatPath,
  zodProblems,
  type PathSegment,
  type Problem,
} from "../config/errors";
import { canonicalJson } from "../lib/canonical-json";
import { parseUrn, refOf, refType, STACK_TYPE } from "../lib/urn";
import type { Json, Plan, PlannedResource } from "./mock-runtime";
import { likelyRenames, warningsOf } from "./plan-risks";

/** How the plan prints a secret and an unknown value (mock-runtime.ts SECRET and UNKNOWN). */
export { SECRET_MARK, UNKNOWN_MARK } from "./plan-marks";

// ----- reading a plan document -----------------------------------------------------------

const optionsSchema = z.looseObject({
  protect: z.boolean(),
  retainOnDelete: z.boolean(),
  deleteBeforeReplace: z.boolean(),
  ignoreChanges: z.array(z.string()),
  dependsOn: z.array(z.string()),
  // Added with the renames: a plan made before them has none.
  aliases: z.array(z.string()).default([]),
});

const providerSchema = z.strictObject({ ref: z.string().min(1), default: z.boolean() });

const resourceSchema = z.looseObject({
  type: z.string().min(1),
  name: z.string(),
  parent: z.string().nullable(),
  custom: z.boolean(),
  // Absent from a plan made before the field: the provider is unknown, not none.
  provider: providerSchema.nullable().optional(),
  // JSON.parse only ever yields JSON values: checking the values deeply again costs time
  // and finds nothing, so only their container is checked.
  inputs: z.record(z.string(), z.unknown()),
  options: optionsSchema,
});

/** The plan document; fields are only ever added, so unknown ones are accepted. */
export const planDocumentSchema = z.looseObject({
  stack: z.string().min(1),
  project: z.string().min(1),
  resources: z.array(resourceSchema),
  outputs: z.record(z.string(), z.unknown()),
});

/** 1-based line and column of a character offset. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/**
 * Parses the text of a plan document. Problems name the file (`label`), the key path and
 * what is wrong; an empty list means `plan` is set.
 */
export function parsePlanDocument(
  text: string,
  label: string,
): { plan?: Plan; problems: Problem[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message.replace(/\s+/g, " ");
    const at = /position (\d+)/.exec(message);
    const where = at ? position(text, Number(at[1])) : undefined;
    return {
      problems: [
        {
          file: label,
          path: [],
          message: `not valid JSON (${message}): pass the output of npm run plan -- --stack <name> --json`,
          ...where,
        },
      ],
    };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return {
      problems: [
        {
          file: label,
          path: [],
          message:
            "not a plan document: expected an object with stack, project, resources and outputs (npm run plan -- --stack <name> --json)",
        },
      ],
    };
  }
  const result = planDocumentSchema.safeParse(value, { reportInput: true });
  if (!result.success) return { problems: zodProblems(result.error, label, []) };
  return { plan: result.data as Plan, problems: [] };
}

/**
 * Parses both documents; throws a ConfigError listing every problem of both, or when they
 * are plans of different stacks.
 */
export function parsePlanPair(
  base: { text: string; label: string },
  head: { text: string; label: string },
): { base: Plan; head: Plan } {
  const a = parsePlanDocument(base.text, base.label);
  const b = parsePlanDocument(head.text, head.label);
  const problems = [...a.problems, ...b.problems];
  if (problems.length === 0 && a.plan && b.plan) {
    for (const key of ["project", "stack"] as const) {
      if (a.plan[key] !== b.plan[key]) {
        problems.push({
          file: head.label,
          path: [key],
          message: `is "${b.plan[key]}" but ${base.label} has "${a.plan[key]}": compare two plans of the same ${key}`,
        });
      }
    }
    if (problems.length === 0) return { base: a.plan, head: b.plan };
  }
  throw new ConfigError(problems, "Cannot compare the plans");
}

// ----- the diff --------------------------------------------------------------------------

/** One changed value; `before`/`after` undefined means absent on that side. */
export interface ValueChange {
  /** Dotted path, e.g. `inputs.memory.dedicated` or `networks[0].prefixes`. */
  readonly path: string;
  readonly before?: Json;
  readonly after?: Json;
}

/** A resource present on one side only. */
export interface ResourceEntry {
  readonly resource: PlannedResource;
  /** "type::name". */
  readonly ref: string;
  /**
   * For an added resource that looks like a rename without an alias: the removed resource's
   * ref (Pulumi deletes that one and creates this one).
   */
  readonly renamedFrom?: string;
}

export interface ResourceChange {
  readonly ref: string;
  readonly before: PlannedResource;
  readonly after: PlannedResource;
  /** Its URN changes (the types of its ancestors changed): old and new type paths. */
  readonly moved?: { readonly from: string; readonly to: string };
  /** Renamed with an alias: the old "type::name" (the same resource, nothing re-created). */
  readonly renamedFrom?: string;
  /**
   * Its provider changes ("type::name" of each; the old one as the head calls it when the
   * new provider answers to it by alias, in which case there is no change).
   */
  readonly provider?: { readonly from: string; readonly to: string };
  readonly inputs: ValueChange[];
  /** Changed options (protect, dependsOn, ...), and `parent`/`custom` when they change. */
  readonly options: ValueChange[];
}

export type WarningKind =
  | "delete-protected"
  | "delete-retained"
  | "delete-stateful"
  | "replace-moved"
  | "replace-stateful"
  | "provider-change"
  | "rename-not-kept"
  | "protect-off"
  | "retain-off"
  | "delete-before-replace"
  | "secret-now-plain"
  | "stateful-unprotected";

export interface PlanWarning {
  readonly kind: WarningKind;
  readonly ref: string;
  readonly parent: string | null;
  readonly message: string;
}

export interface PlanDiff {
  readonly stack: string;
  readonly project: string;
  readonly counts: { readonly before: number; readonly after: number; readonly unchanged: number };
  readonly added: ResourceEntry[];
  readonly removed: ResourceEntry[];
  readonly changed: ResourceChange[];
  readonly outputs: ValueChange[];
  readonly warnings: PlanWarning[];
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A JSON value that is not an object or a list. */
export function isScalar(value: Json): boolean {
  return value === null || typeof value !== "object";
}

/** Structural equality of two JSON values (key order does not matter). */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  const ao = a as { [key: string]: Json };
  const bo = b as { [key: string]: Json };
  const keys = Object.keys(ao);
  return (
    keys.length === Object.keys(bo).length &&
    keys.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && jsonEqual(ao[k], bo[k]))
  );
}

/**
 * The leaf changes between two JSON values, as paths: objects are compared key by key,
 * lists of objects item by item; a list of plain values (ports, prefixes) is one value.
 */
export function diffValues(
  before: Json | undefined,
  after: Json | undefined,
  path: readonly PathSegment[] = [],
): ValueChange[] {
  const out: ValueChange[] = [];
  const walk = (a: Json | undefined, b: Json | undefined, at: readonly PathSegment[]): void => {
    if (jsonEqual(a, b)) return;
    if (isObject(a) && isObject(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      for (const key of keys) walk(a[key], b[key], [...at, key]);
      return;
    }
    if (
      Array.isArray(a) &&
      Array.isArray(b) &&
      (a.some((v) => !isScalar(v)) || b.some((v) => !isScalar(v)))
    ) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], [...at, i]);
      return;
    }
    out.push({
      path: formatPath(at),
      ...(a === undefined ? {} : { before: a }),
      ...(b === undefined ? {} : { after: b }),
    });
  };
  walk(before, after, path);
  return out;
}

function twinKey(resource: PlannedResource): string {
  return `${resource.type}\u0000${resource.parent ?? ""}\u0000${canonicalJson(resource.inputs)}`;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/** Plan resources with their URN key (type path and name), resolving parents in order. */
function indexByUrn(plan: Plan): Map<string, { resource: PlannedResource; typePath: string }> {
  const out = new Map<string, { resource: PlannedResource; typePath: string }>();
  const latestByRef = new Map<string, string>();
  for (const resource of plan.resources) {
    const parentTypePath = resource.parent
      ? (() => {
          const key = latestByRef.get(resource.parent);
          const parent = key ? out.get(key) : undefined;
          if (!parent) return refType(resource.parent);
          return parent.resource.type === STACK_TYPE ? "" : parent.typePath;
        })()
      : "";
    const typePath = parentTypePath ? `${parentTypePath}$${resource.type}` : resource.type;
    let key = `${typePath}::${resource.name}`;
    // A URN is unique in a real stack; keep duplicates of a hand-edited document apart.
    for (let n = 2; out.has(key); n++) key = `${typePath}::${resource.name}#${n}`;
    out.set(key, { resource, typePath });
    latestByRef.set(refOf(resource), key);
  }
  return out;
}

type Indexed = Map<string, { resource: PlannedResource; typePath: string }>;

/**
 * Options compared between the two sides of a resource: all but `aliases`, which only say
 * what it answered to before (the diff pairs the two sides by them and says "renamed from").
 */
function comparedOptions(resource: PlannedResource): { [key: string]: Json } {
  const { aliases: _aliases, ...rest } = resource.options as unknown as { [key: string]: Json };
  return rest;
}

function compareResources(
  before: PlannedResource,
  after: PlannedResource,
  provider?: { from: string; to: string },
): { inputs: ValueChange[]; options: ValueChange[] } {
  const inputs = diffValues(before.inputs, after.inputs, ["inputs"]);
  const options: ValueChange[] = [];
  if (before.parent !== after.parent) {
    options.push({ path: "parent", before: before.parent, after: after.parent });
  }
  if (before.custom !== after.custom) {
    options.push({ path: "custom", before: before.custom, after: after.custom });
  }
  if (provider) options.push({ path: "provider", before: provider.from, after: provider.to });
  const a = comparedOptions(before);
  const b = comparedOptions(after);
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])]) {
    if (!jsonEqual(a[key], b[key])) {
      options.push({
        path: key,
        ...(a[key] === undefined ? {} : { before: a[key] }),
        ...(b[key] === undefined ? {} : { after: b[key] }),
      });
    }
  }
  return { inputs, options };
}

/** A base resource and the head resource that is it now (base key, head key). */
interface Pair {
  readonly from: string;
  readonly to: string;
  /** Paired by an alias of the head resource. */
  readonly aliased?: boolean;
  /** Same "type::name", other ancestor types, no alias: a new URN. */
  readonly moved?: boolean;
}

/** The base's key of an alias URN, when it is a URN of the base's stack and project. */
function aliasKey(alias: string, base: Plan): string | undefined {
  const parts = parseUrn(alias);
  if (!parts || parts.stack !== base.stack || parts.project !== base.project) return undefined;
  return `${parts.qualifiedType}::${parts.name}`;
}

/**
 * Pairs the two sides as the engine does: by URN first, then by the head resource's aliases
 * (an old resource is claimed once), then, for the diff's sake, the same "type::name" under
 * other ancestor types (the engine would delete and create it: `moved`).
 */
function pairResources(base: Plan, before: Indexed, after: Indexed): Pair[] {
  const pairs: Pair[] = [];
  const claimed = new Set<string>();
  const unpaired: string[] = [];
  for (const key of after.keys()) {
    if (before.has(key)) {
      pairs.push({ from: key, to: key });
      claimed.add(key);
    } else unpaired.push(key);
  }
  const left: string[] = [];
  for (const key of unpaired) {
    const old = after
      .get(key)!
      .resource.options.aliases.map((alias) => aliasKey(alias, base))
      .find((k) => k !== undefined && before.has(k) && !claimed.has(k) && !after.has(k));
    if (old === undefined) left.push(key);
    else {
      pairs.push({ from: old, to: key, aliased: true });
      claimed.add(old);
    }
  }
  const removedByRef = groupBy(
    [...before.keys()].filter((k) => !claimed.has(k)),
    (k) => refOf(before.get(k)!.resource),
  );
  const addedByRef = groupBy(left, (k) => refOf(after.get(k)!.resource));
  for (const [ref, keys] of removedByRef) {
    const candidates = addedByRef.get(ref);
    if (keys.length !== 1 || candidates?.length !== 1) continue;
    pairs.push({ from: keys[0]!, to: candidates[0]!, moved: true });
  }
  return pairs;
}

/**
 * A paired resource's provider change, if any: its provider's "type::name" differs, and the
 * new provider is not the old one renamed with an alias (the engine's `providerChanged` sees
 * no change then); a provider whose URN changed without an alias is another provider. A
 * plan made before providers were recorded tells nothing.
 */
function providerChange(
  before: PlannedResource,
  after: PlannedResource,
  providers: { renamed: Map<string, string>; moved: Set<string> },
): { from: string; to: string } | undefined {
  const from = before.provider?.ref;
  const to = after.provider?.ref;
  if (from === undefined || to === undefined) return undefined;
  if ((providers.renamed.get(from) ?? from) === to && !providers.moved.has(from)) return undefined;
  return { from, to };
}

/** Compares two plans of the same stack. */
export function diffPlans(base: Plan, head: Plan): PlanDiff {
  const before = indexByUrn(base);
  const after = indexByUrn(head);
  const pairs = pairResources(base, before, after);
  const providers = { renamed: new Map<string, string>(), moved: new Set<string>() };
  for (const pair of pairs) {
    const old = before.get(pair.from)!.resource;
    if (!old.type.startsWith("pulumi:providers:")) continue;
    if (pair.moved) providers.moved.add(refOf(old));
    else providers.renamed.set(refOf(old), refOf(after.get(pair.to)!.resource));
  }

  const changed: ResourceChange[] = [];
  let unchanged = 0;
  for (const pair of pairs) {
    const from = before.get(pair.from)!;
    const to = after.get(pair.to)!;
    const provider = providerChange(from.resource, to.resource, providers);
    const { inputs, options } = compareResources(from.resource, to.resource, provider);
    if (inputs.length === 0 && options.length === 0 && !pair.aliased) {
      unchanged++;
      continue;
    }
    changed.push({
      ref: refOf(to.resource),
      before: from.resource,
      after: to.resource,
      ...(pair.moved ? { moved: { from: from.typePath, to: to.typePath } } : {}),
      ...(pair.aliased ? { renamedFrom: refOf(from.resource) } : {}),
      ...(provider ? { provider } : {}),
      inputs,
      options,
    });
  }

  const paired = { from: new Set(pairs.map((p) => p.from)), to: new Set(pairs.map((p) => p.to)) };
  const removedResources = [...before]
    .filter(([k]) => !paired.from.has(k))
    .map(([, v]) => v.resource);
  const addedResources = [...after].filter(([k]) => !paired.to.has(k)).map(([, v]) => v.resource);
  const removed: ResourceEntry[] = removedResources.map((r) => ({ resource: r, ref: refOf(r) }));
  // Another name, no alias: Pulumi deletes the old one and creates this one.
  const renames = likelyRenames(removedResources, addedResources, twinKey);
  const renamedFrom = new Map<string, PlannedResource>();
  const added: ResourceEntry[] = addedResources.map((resource, i) => {
    const was = renames.get(i);
    if (was === undefined) return { resource, ref: refOf(resource) };
    renamedFrom.set(refOf(resource), removedResources[was]!);
    return { resource, ref: refOf(resource), renamedFrom: refOf(removedResources[was]!) };
  });

  // Changed resources in the head's registration order.
  const order = new Map(head.resources.map((r, i) => [r, i]));
  changed.sort((a, b) => (order.get(a.after) ?? 0) - (order.get(b.after) ?? 0));

  return {
    stack: head.stack,
    project: head.project,
    counts: { before: base.resources.length, after: head.resources.length, unchanged },
    added,
    removed,
    changed,
    outputs: diffValues(base.outputs, head.outputs),
    warnings: warningsOf({ added, removed, changed, renamedFrom }),
  };
}

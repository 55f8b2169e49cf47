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
 * diff shows it as changed ("moved") with a warning.
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
import { refOf, refType, STACK_TYPE } from "../lib/urn";
import type { Json, Plan, PlannedResource } from "./mock-runtime";

/** How the plan prints a secret and an unknown value (mock-runtime.ts SECRET and UNKNOWN). */
export const SECRET_MARK = "[secret]";
export const UNKNOWN_MARK = "[unknown]";

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
  /** For an added resource that looks like a rename: the removed resource's ref. */
  readonly renamedFrom?: string;
}

export interface ResourceChange {
  readonly ref: string;
  readonly before: PlannedResource;
  readonly after: PlannedResource;
  /** Its URN changes (the types of its ancestors changed): old and new type paths. */
  readonly moved?: { readonly from: string; readonly to: string };
  readonly inputs: ValueChange[];
  /** Changed options (protect, dependsOn, ...), and `parent`/`custom` when they change. */
  readonly options: ValueChange[];
}

export type WarningKind =
  | "delete-protected"
  | "delete-retained"
  | "delete-stateful"
  | "replace-moved"
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

/**
 * Resource types whose deletion loses something: data (a volume, a guest's disks, a DNS
 * record: they must be protected or retained) or a generated value (a password: a new one
 * would differ from what the services already use).
 */
export const STATEFUL_TYPES: readonly {
  readonly pattern: RegExp;
  readonly what: string;
  /** Holds data: a new one without protect or retainOnDelete is flagged. */
  readonly data: boolean;
}[] = [
  { pattern: /^docker:index\/volume:Volume$/, what: "a Docker volume and its data", data: true },
  {
    pattern: /^cloudflare:index\/(dnsRecord:DnsRecord|record:Record)$/,
    what: "a DNS record",
    data: true,
  },
  {
    pattern: /^proxmoxve:(index|cloned)\/(vm|vmLegacy|vm2Legacy|container|containerLegacy):/,
    what: "a Proxmox guest and its disks",
    data: true,
  },
  { pattern: /^proxmoxve:node\/disk\//, what: "a disk", data: true },
  {
    pattern: /^random:index\/random(Password|String|Bytes):/,
    what: "a generated secret (a new one would differ from the one in use)",
    data: false,
  },
];

/** What deleting a resource of this type loses, when it loses anything. */
export function statefulWhat(type: string): string | undefined {
  return STATEFUL_TYPES.find((t) => t.pattern.test(type))?.what;
}

function holdsData(type: string): boolean {
  return STATEFUL_TYPES.find((t) => t.pattern.test(type))?.data ?? false;
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

function compareResources(
  before: PlannedResource,
  after: PlannedResource,
): { inputs: ValueChange[]; options: ValueChange[] } {
  const inputs = diffValues(before.inputs, after.inputs, ["inputs"]);
  const options: ValueChange[] = [];
  if (before.parent !== after.parent) {
    options.push({ path: "parent", before: before.parent, after: after.parent });
  }
  if (before.custom !== after.custom) {
    options.push({ path: "custom", before: before.custom, after: after.custom });
  }
  const a = before.options as unknown as { [key: string]: Json };
  const b = after.options as unknown as { [key: string]: Json };
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

function secretsMadePlain(changes: readonly ValueChange[]): ValueChange[] {
  return changes.filter(
    (c) => c.before === SECRET_MARK && c.after !== undefined && c.after !== SECRET_MARK,
  );
}

/** Compares two plans of the same stack. */
export function diffPlans(base: Plan, head: Plan): PlanDiff {
  const before = indexByUrn(base);
  const after = indexByUrn(head);
  const changed: ResourceChange[] = [];
  const removedKeys: string[] = [];
  const addedKeys: string[] = [];
  let unchanged = 0;

  for (const [key, { resource }] of before) {
    const other = after.get(key);
    if (!other) {
      removedKeys.push(key);
      continue;
    }
    const { inputs, options } = compareResources(resource, other.resource);
    if (inputs.length === 0 && options.length === 0) unchanged++;
    else
      changed.push({
        ref: refOf(other.resource),
        before: resource,
        after: other.resource,
        inputs,
        options,
      });
  }
  for (const key of after.keys()) if (!before.has(key)) addedKeys.push(key);

  // Same "type::name" on both sides under other ancestor types: the URN changes.
  const removedByRef = groupBy(removedKeys, (k) => refOf(before.get(k)!.resource));
  const addedByRef = groupBy(addedKeys, (k) => refOf(after.get(k)!.resource));
  const moved = new Set<string>();
  for (const [ref, keys] of removedByRef) {
    const candidates = addedByRef.get(ref);
    if (keys.length !== 1 || candidates?.length !== 1) continue;
    const from = before.get(keys[0]!)!;
    const to = after.get(candidates[0]!)!;
    moved.add(keys[0]!).add(candidates[0]!);
    const { inputs, options } = compareResources(from.resource, to.resource);
    changed.push({
      ref,
      before: from.resource,
      after: to.resource,
      moved: { from: from.typePath, to: to.typePath },
      inputs,
      options,
    });
  }

  const removed: ResourceEntry[] = removedKeys
    .filter((k) => !moved.has(k))
    .map((k) => ({ resource: before.get(k)!.resource, ref: refOf(before.get(k)!.resource) }));
  // Same type, same parent, same inputs, another name: most likely a rename (when the
  // match is one to one).
  const addedResources = addedKeys.filter((k) => !moved.has(k)).map((k) => after.get(k)!.resource);
  const removedByTwin = groupBy(removed, (r) => twinKey(r.resource));
  const addedByTwin = groupBy(addedResources, twinKey);
  const added: ResourceEntry[] = addedResources.map((resource) => {
    const key = twinKey(resource);
    const twins = removedByTwin.get(key) ?? [];
    return twins.length === 1 && addedByTwin.get(key)?.length === 1
      ? { resource, ref: refOf(resource), renamedFrom: twins[0]!.ref }
      : { resource, ref: refOf(resource) };
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
    warnings: warningsOf(added, removed, changed),
  };
}

function warningsOf(
  added: readonly ResourceEntry[],
  removed: readonly ResourceEntry[],
  changed: readonly ResourceChange[],
): PlanWarning[] {
  const out: PlanWarning[] = [];
  const warn = (kind: WarningKind, resource: PlannedResource, message: string) =>
    out.push({ kind, ref: refOf(resource), parent: resource.parent, message });

  for (const { resource } of removed) {
    const what = statefulWhat(resource.type);
    if (resource.options.protect) {
      warn(
        "delete-protected",
        resource,
        `removed while protected: \`pulumi up\` fails until protect is turned off${what ? `, and deleting it then loses ${what}` : ""}`,
      );
    } else if (resource.options.retainOnDelete) {
      warn(
        "delete-retained",
        resource,
        `removed from the stack; retainOnDelete leaves it in place${what ? ` (${what})` : ""}, no longer managed by Pulumi`,
      );
    } else if (what) {
      warn("delete-stateful", resource, `removed: deleting it loses ${what}`);
    }
  }

  for (const change of changed) {
    const a = change.before.options;
    const b = change.after.options;
    const what = statefulWhat(change.after.type);
    const precious = a.protect || a.retainOnDelete || what !== undefined;
    if (change.moved && precious) {
      warn(
        "replace-moved",
        change.after,
        `its URN changes (ancestor types ${change.moved.from} → ${change.moved.to}): without an alias Pulumi deletes and recreates it${what ? `, losing ${what}` : ""}${a.protect ? " (protect makes `pulumi up` fail)" : ""}`,
      );
    }
    if (a.protect && !b.protect) {
      warn(
        "protect-off",
        change.after,
        `protect is turned off: a later change can now delete or replace it${what ? `, losing ${what}` : ""}`,
      );
    }
    if (a.retainOnDelete && !b.retainOnDelete) {
      warn(
        "retain-off",
        change.after,
        `retainOnDelete is turned off: removing it from the program will now delete it${what ? `, losing ${what}` : ""}`,
      );
    }
    if (!a.deleteBeforeReplace && b.deleteBeforeReplace && precious) {
      warn(
        "delete-before-replace",
        change.after,
        `deleteBeforeReplace is turned on: a replacement deletes it before its successor exists${what === "a DNS record" ? " (the name stops resolving meanwhile)" : ""}`,
      );
    }
    for (const c of secretsMadePlain(change.inputs)) {
      warn(
        "secret-now-plain",
        change.after,
        `\`${c.path}\` was a secret and is now plain text: it would be stored unencrypted in the state`,
      );
    }
  }

  for (const { resource } of added) {
    const what = statefulWhat(resource.type);
    if (
      what &&
      holdsData(resource.type) &&
      !resource.options.protect &&
      !resource.options.retainOnDelete
    ) {
      warn(
        "stateful-unprotected",
        resource,
        `holds ${what} but is neither protected nor retainOnDelete: a later change could delete it`,
      );
    }
  }
  return out;
}

/**
 * Comparing two offline plans (`npm run plan -- --json`, format in the README): what a change
 * adds, removes and changes, with the changed input fields, and what it puts at risk. Pure:
 * documents in, a structured diff and Markdown out; `npm run plan-diff` is a thin CLI on top.
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
import { plural } from "../lib/text";
import { refOf, refType, STACK_TYPE } from "../lib/urn";
import { diffLines, formatHunks } from "./line-diff";
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
});

const resourceSchema = z.looseObject({
  type: z.string().min(1),
  name: z.string(),
  parent: z.string().nullable(),
  custom: z.boolean(),
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

function isScalar(value: Json): boolean {
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

// ----- Markdown --------------------------------------------------------------------------

function isMark(value: string): boolean {
  return value === SECRET_MARK || value === UNKNOWN_MARK;
}

/** Longest value text before shortening. */
export const MAX_VALUE_CHARS = 80;

/** Compact text of a value, shortened with its full length when long. */
export function renderValue(value: Json | undefined, max = MAX_VALUE_CHARS): string {
  if (value === undefined) return "(absent)";
  if (value === SECRET_MARK || value === UNKNOWN_MARK) return value;
  const text = JSON.stringify(value);
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1)}… (${text.length} chars)`;
}

/**
 * Two long strings that differ, each cut down to the part that differs and a little context
 * around it ("…" marks what is left out), so that the change is visible.
 */
export function elide(before: string, after: string, max = MAX_VALUE_CHARS): [string, string] {
  if (JSON.stringify(before).length <= max && JSON.stringify(after).length <= max) {
    return [JSON.stringify(before), JSON.stringify(after)];
  }
  const shortest = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < shortest && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < shortest - prefix &&
    before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
  )
    suffix++;
  const context = 16;
  const start = Math.max(0, prefix - context);
  const cut = (text: string): string => {
    const end = Math.min(text.length, text.length - suffix + context);
    const piece = JSON.stringify(text.slice(start, end));
    const open = start > 0 ? `"…${piece.slice(1)}` : piece;
    const both = end < text.length ? `${open.slice(0, -1)}…"` : open;
    return both.length <= max ? both : `${both.slice(0, max - 2)}…"`;
  };
  return [cut(before), cut(after)];
}

/** Inline code that survives backticks inside the text. */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

function fenced(lines: readonly string[], info: string, indent: string): string[] {
  const longest = Math.max(2, ...lines.flatMap((l) => (l.match(/`+/g) ?? []).map((r) => r.length)));
  const fence = "`".repeat(longest + 1);
  return [`${indent}${fence}${info}`, ...lines.map((l) => `${indent}${l}`), `${indent}${fence}`];
}

/** Most items listed per side when a list of plain values changes. */
const MAX_LIST_ITEMS = 20;

/** Items of `a` that `b` lacks, counting repeats (a multiset difference). */
function missingFrom(a: readonly Json[], b: readonly Json[]): Json[] {
  const left = new Map<string, number>();
  for (const v of b) left.set(canonicalJson(v), (left.get(canonicalJson(v)) ?? 0) + 1);
  return a.filter((v) => {
    const key = canonicalJson(v);
    const n = left.get(key) ?? 0;
    if (n > 0) left.set(key, n - 1);
    return n === 0;
  });
}

/**
 * A change of a list of plain values (ports, prefixes, environment, dependsOn): what was
 * added and removed, or "reordered". `raw` prints strings without JSON quotes.
 */
function renderListChange(before: Json[], after: Json[], raw: boolean): string {
  const show = (v: Json) => code(raw && typeof v === "string" ? v : renderValue(v));
  const items = (sign: string, list: Json[]) => [
    ...list.slice(0, MAX_LIST_ITEMS).map((v) => `${sign} ${show(v)}`),
    ...(list.length > MAX_LIST_ITEMS ? [`${sign} … ${list.length - MAX_LIST_ITEMS} more`] : []),
  ];
  const added = missingFrom(after, before);
  const removed = missingFrom(before, after);
  const [one] = added;
  const [other] = removed;
  if (
    added.length === 1 &&
    removed.length === 1 &&
    typeof one === "string" &&
    typeof other === "string"
  ) {
    // One item replaced by another (an environment variable's value): show where they differ.
    const [a, b] = elide(other, one);
    return `~ ${code(a)} → ${code(b)}`;
  }
  const changes = [...items("+", added), ...items("−", removed)];
  if (changes.length > 0) return changes.join(", ");
  return raw
    ? "reordered"
    : `reordered: ${code(renderValue(before))} → ${code(renderValue(after))}`;
}

function renderChange(change: ValueChange, indent: string, label = "", raw = false): string[] {
  const { before, after } = change;
  const head = `${indent}- ${label}${code(change.path)}`;
  if (before === SECRET_MARK && after !== undefined && after !== SECRET_MARK) {
    // Never echo a value that used to be secret.
    return [`${head}: [secret] → (plain text, not shown)`];
  }
  if (
    typeof before === "string" &&
    typeof after === "string" &&
    (before.includes("\n") || after.includes("\n"))
  ) {
    const hunks = formatHunks(diffLines(before.split("\n"), after.split("\n")));
    return [`${head}: text changed`, ...fenced(hunks, "diff", `${indent}  `)];
  }
  if (
    Array.isArray(before) &&
    Array.isArray(after) &&
    before.every(isScalar) &&
    after.every(isScalar)
  ) {
    return [`${head}: ${renderListChange(before, after, raw)}`];
  }
  if (
    typeof before === "string" &&
    typeof after === "string" &&
    !isMark(before) &&
    !isMark(after)
  ) {
    const [a, b] = elide(before, after);
    return [`${head}: ${code(a)} → ${code(b)}`];
  }
  const arrow =
    before === undefined
      ? `added ${code(renderValue(after))}`
      : after === undefined
        ? `removed (was ${code(renderValue(before))})`
        : `${code(renderValue(before))} → ${code(renderValue(after))}`;
  return [`${head}: ${arrow}`];
}

function flags(resource: PlannedResource): string {
  const list = [
    resource.options.protect ? "protect" : "",
    resource.options.retainOnDelete ? "retainOnDelete" : "",
    resource.options.deleteBeforeReplace ? "deleteBeforeReplace" : "",
  ].filter(Boolean);
  return list.length ? ` · ${list.join(", ")}` : "";
}

function where(parent: string | null): string {
  return parent ? ` (in ${code(parent)})` : "";
}

/** The one-line summary of a diff. */
export function summaryLine(diff: PlanDiff): string {
  const parts = [
    diff.added.length ? `${diff.added.length} to add` : "",
    diff.changed.length ? `${diff.changed.length} to change` : "",
    diff.removed.length ? `${diff.removed.length} to delete` : "",
    diff.outputs.length ? plural(diff.outputs.length, "output change") : "",
  ].filter(Boolean);
  const body = parts.length ? parts.join(", ") : "no changes";
  const warnings = diff.warnings.length ? `, ⚠️ ${plural(diff.warnings.length, "warning")}` : "";
  return `Stack ${code(diff.stack)}: ${body}${warnings} (${diff.counts.before} → ${diff.counts.after} resources)`;
}

export interface RenderOptions {
  /** Most resources listed per section (0: all). */
  readonly limit?: number;
  /** Heading level of the summary line (the sections are one level below). */
  readonly level?: number;
}

/** The diff as Markdown (GitHub flavour): summary, warnings, added, removed, changed, outputs. */
export function renderPlanDiff(diff: PlanDiff, options: RenderOptions = {}): string {
  const limit = options.limit ?? 200;
  const level = options.level ?? 3;
  const h = (n: number) => "#".repeat(Math.min(6, n));
  const lines: string[] = [`${h(level)} ${summaryLine(diff)}`, ""];
  const capped = <T>(items: readonly T[]): { shown: readonly T[]; more: number } =>
    limit > 0 && items.length > limit
      ? { shown: items.slice(0, limit), more: items.length - limit }
      : { shown: items, more: 0 };
  const moreLine = (more: number) => (more > 0 ? [`- … and ${more} more`] : []);

  if (diff.warnings.length > 0) {
    lines.push("> [!CAUTION]", "> **Data or safety at risk: check these before merging.**", ">");
    for (const w of diff.warnings) lines.push(`> - ${code(w.ref)}${where(w.parent)}: ${w.message}`);
    lines.push("");
  }
  if (diff.added.length > 0) {
    const { shown, more } = capped(diff.added);
    lines.push(`${h(level + 1)} Added (${diff.added.length})`, "");
    for (const e of shown) {
      const rename = e.renamedFrom
        ? ` · looks like a rename of ${code(e.renamedFrom)}: without an alias Pulumi deletes that one and creates this`
        : "";
      lines.push(`- ${code(e.ref)}${where(e.resource.parent)}${flags(e.resource)}${rename}`);
    }
    lines.push(...moreLine(more), "");
  }
  if (diff.removed.length > 0) {
    const { shown, more } = capped(diff.removed);
    lines.push(`${h(level + 1)} Removed (${diff.removed.length})`, "");
    for (const e of shown)
      lines.push(`- ${code(e.ref)}${where(e.resource.parent)}${flags(e.resource)}`);
    lines.push(...moreLine(more), "");
  }
  if (diff.changed.length > 0) {
    const { shown, more } = capped(diff.changed);
    lines.push(`${h(level + 1)} Changed (${diff.changed.length})`, "");
    for (const c of shown) {
      lines.push(`- ${code(c.ref)}${where(c.after.parent)}${flags(c.after)}`);
      if (c.moved) {
        lines.push(`  - URN type path: ${code(c.moved.from)} → ${code(c.moved.to)} (a new URN)`);
      }
      for (const o of c.options) {
        const option = o.path !== "parent" && o.path !== "custom";
        lines.push(...renderChange(o, "  ", option ? "option " : "", true));
      }
      for (const i of c.inputs) lines.push(...renderChange(i, "  "));
    }
    lines.push(...moreLine(more), "");
  }
  if (diff.outputs.length > 0) {
    lines.push(`${h(level + 1)} Stack outputs (${diff.outputs.length})`, "");
    for (const o of diff.outputs) lines.push(...renderChange(o, ""));
    lines.push("");
  }
  return lines.join("\n").trimEnd() + "\n";
}

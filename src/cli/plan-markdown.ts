/**
 * A plan diff (plan-changes.ts) as Markdown, GitHub flavour: the summary line, warnings about
 * data at risk, resources added, removed and changed with their changed inputs and options
 * (multi-line values as line diffs), and stack output changes. Pure.
 */
import { canonicalJson } from "../lib/canonical-json";
import { printable } from "../lib/display";
import { plural } from "../lib/text";
import { diffLines, formatHunks } from "./line-diff";
import type { Json, PlannedResource } from "./mock-runtime";
import {
  isScalar,
  SECRET_MARK,
  UNKNOWN_MARK,
  type PlanDiff,
  type ValueChange,
} from "./plan-changes";

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

/**
 * Inline code that survives backticks inside the text: a fence longer than any run of
 * backticks in it. Line breaks and other control characters are written as escapes: a code
 * span does not stop block structure, so a line break in it could start a heading.
 */
export function code(text: string): string {
  const line = printable(text);
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = line.startsWith("`") || line.endsWith("`") ? " " : "";
  return `${fence}${pad}${line}${pad}${fence}`;
}

/** A code fence longer than any run of backticks in `lines` (at least three). */
export function fenceFor(lines: readonly string[]): string {
  const longest = Math.max(2, ...lines.flatMap((l) => (l.match(/`+/g) ?? []).map((r) => r.length)));
  return "`".repeat(longest + 1);
}

/** A fenced code block: nothing inside can close it, and GitHub renders no HTML there. */
export function fenced(lines: readonly string[], info: string, indent = ""): string[] {
  const fence = fenceFor(lines);
  return [`${indent}${fence}${info}`, ...lines.map((l) => `${indent}${l}`), `${indent}${fence}`];
}

/**
 * One line of Markdown text from data: its code spans kept (made safe by `code`), and around
 * them HTML (`<img>`, `<details>`), entities, link and image brackets and backslashes escaped,
 * line breaks and controls as escapes, so that the text renders as what it says.
 */
export function markdownText(text: string): string {
  return printable(text)
    .split(/(`+)([^`]*?)\1/)
    .map((part, i) => {
      if (i % 3 === 1) return "";
      if (i % 3 === 2) return code(part);
      return part
        .replaceAll("\\", "\\\\")
        .replaceAll("&", "&amp;")
        .replaceAll("<", "&lt;")
        .replaceAll(">", "&gt;")
        .replaceAll("[", "\\[")
        .replaceAll("]", "\\]")
        .replaceAll("`", "\\`");
    })
    .join("");
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
  /** Show each added resource's inputs in a collapsed block (`--expand`). */
  readonly expand?: boolean;
}

/** Most lines of an added resource's inputs shown by `--expand`. */
export const MAX_EXPAND_LINES = 80;

/** Inputs the plan never shows (a dynamic resource's provider code), should one be there. */
const UNSHOWN_INPUTS = new Set(["__provider"]);

/** A value with the keys of every object sorted, for a stable pretty print. */
function sortedKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((k) => [k, sortedKeys(value[k] as Json)]));
}

/**
 * An added resource's inputs as the plan holds them (secrets "[secret]", unknowns
 * "[unknown]"), in a collapsed block inside its list item: pretty JSON with sorted keys in a
 * fence nothing inside can close, cut after `max` lines. Nothing for a resource without
 * inputs.
 */
export function expandedInputs(
  resource: PlannedResource,
  indent = "  ",
  max = MAX_EXPAND_LINES,
): string[] {
  const inputs = Object.fromEntries(
    Object.entries(resource.inputs).filter(([key]) => !UNSHOWN_INPUTS.has(key)),
  );
  if (Object.keys(inputs).length === 0) return [];
  const all = JSON.stringify(sortedKeys(inputs), null, 2).split("\n");
  const shown = max > 0 && all.length > max ? all.slice(0, max) : all;
  const more = all.length - shown.length;
  // GitHub renders HTML blocks and fences inside a list item when they are indented to its
  // text and set apart by blank lines.
  return [
    "",
    `${indent}<details><summary>inputs</summary>`,
    "",
    ...fenced(shown, "json", indent),
    ...(more > 0 ? ["", `${indent}… ${plural(more, "more line")}`] : []),
    "",
    `${indent}</details>`,
    "",
  ];
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
    for (const w of diff.warnings)
      lines.push(`> - ${code(w.ref)}${where(w.parent)}: ${markdownText(w.message)}`);
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
      if (options.expand) lines.push(...expandedInputs(e.resource));
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
      const renamed = c.renamedFrom
        ? ` · renamed from ${code(c.renamedFrom)} (an alias: the same resource, nothing re-created)`
        : "";
      lines.push(`- ${code(c.ref)}${where(c.after.parent)}${flags(c.after)}${renamed}`);
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

/**
 * Configuration problems: what is wrong, where (file, key path, line) and how to fix it.
 * Every validation layer (zod schemas, cross-field rules, the federation registry, secrets)
 * reports `Problem`s; they are printed together, never as a stack trace.
 */
import type { z } from "zod";
import { printable } from "../lib/display";
import { describeExpected, schemaAt } from "./expected";
import { KEY_MESSAGE_SEPARATOR, suggestion } from "./primitives";
import { describeSecretText, isSecureValue, isSensitive, looksLikeSecret } from "./sensitive";

export type PathSegment = string | number;

export interface Problem {
  /** File the value comes from, relative to the project ("Pulumi.home.yaml"). */
  readonly file: string;
  /**
   * Key path. For stack files the first segment is the config key ("homelab:proxmox");
   * for the registry it is the top-level key ("members").
   */
  readonly path: readonly PathSegment[];
  /** What is wrong and how to fix it, in one or two sentences. */
  readonly message: string;
  /** 1-based position in the file, when known. */
  readonly line?: number;
  readonly column?: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*(:[A-Za-z0-9_-]+)?$/;

/** `homelab:proxmox.sdn.zones[0].vnets[1].subnets[0].gateway` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === "" ? "(top level)" : out;
}

export function problemLocation(problem: Problem): string {
  if (problem.line === undefined) return problem.file;
  return `${problem.file}:${problem.line}:${problem.column ?? 1}`;
}

/**
 * The full report: every problem, grouped by file, in a stable order. It goes to terminals,
 * CI logs and pull-request comments, so control characters from a file name, a key or a
 * value (an escape sequence, a carriage return) are printed as escapes.
 */
export function formatReport(
  problems: readonly Problem[],
  title = "Invalid configuration",
): string {
  const sorted = [...problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.line ?? Infinity) - (b.line ?? Infinity) ||
      formatPath(a.path).localeCompare(formatPath(b.path)),
  );
  const count = sorted.length === 1 ? "1 problem" : `${sorted.length} problems`;
  const lines = [`${title}: ${count}`, ""];
  for (const problem of sorted) {
    lines.push(printable(`${problemLocation(problem)}  ${formatPath(problem.path)}`));
    for (const messageLine of problem.message.split("\n"))
      lines.push(`    ${printable(messageLine)}`);
    lines.push("");
  }
  return lines.join("\n").trimEnd() + "\n";
}

/** Thrown by loaders; carries every problem found. Callers print `formatReport`. */
export class ConfigError extends Error {
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[], title?: string) {
    super(formatReport(problems, title));
    this.name = "ConfigError";
    this.problems = problems;
  }
}

// ----- zod issues → problems -------------------------------------------------------------

/** Longest text a message quotes; a longer one is described by its length. */
const MAX_QUOTED = 40;

/**
 * What a value is, for "expected …, got …". Texts are quoted only when short and not
 * `sensitive` (a secret, or something that looks like one): those are described.
 */
export function describeValue(value: unknown, sensitive = false): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null (an empty value)";
  if (isSecureValue(value)) return "an encrypted value";
  if (typeof value === "string") {
    if (sensitive || [...value].length > MAX_QUOTED) return describeSecretText(value);
    return `the text ${JSON.stringify(value)}`;
  }
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping (key: value)";
  return typeof value;
}

const EXPECTED: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping (key: value)",
  record: "a mapping (key: value)",
  tuple: "a list",
  literal: "a fixed value",
};

/** Zod's own messages start like this; ours never do. */
function isDefaultMessage(message: string): boolean {
  return /^(Invalid|Too (small|big)|Unrecognized key)/.test(message);
}

type Issue = z.core.$ZodIssue & { input?: unknown };

/** A missing key, with what it holds when the schema says. */
function missing(issue: Issue, schema?: z.ZodType): string {
  const at = schema ? schemaAt(schema, issue.path) : undefined;
  const expected = at ? describeExpected(at) : undefined;
  return expected ? `required key is missing: expected ${expected}` : "required key is missing";
}

function messageFor(issue: Issue, sensitive: boolean, schema?: z.ZodType): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return missing(issue, schema);
      if (!isDefaultMessage(issue.message)) return issue.message;
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(issue.input, sensitive)}`;
    case "invalid_value": {
      if (issue.input === undefined && schema) return missing(issue, schema);
      if (!isDefaultMessage(issue.message)) return issue.message;
      const allowed = issue.values.map((v) => String(v));
      if (allowed.length === 1) return `must be ${JSON.stringify(issue.values[0])}`;
      const got = issue.input;
      const expected = `expected one of: ${allowed.map((v) => `"${v}"`).join(", ")}`;
      if (sensitive || (typeof got === "string" && [...got].length > MAX_QUOTED))
        return `${describeValue(got, true)} is not allowed: ${expected}`;
      const prefix = `${JSON.stringify(got)} is not allowed`;
      return typeof got === "string"
        ? `${prefix}: ${suggestion(got, allowed)}`
        : `${prefix}: ${expected}`;
    }
    case "too_small":
    case "too_big": {
      if (!isDefaultMessage(issue.message)) return issue.message;
      const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const least = issue.code === "too_small" ? "at least" : "at most";
      const got = issue.input;
      switch (issue.origin) {
        case "array":
        case "set":
          return `must list ${least} ${String(bound)} item${bound === 1 ? "" : "s"}`;
        case "string":
          return `must be ${least} ${String(bound)} characters long${typeof got === "string" ? ` (got ${got.length})` : ""}`;
        default:
          return `must be ${least} ${String(bound)}${typeof got === "number" ? ` (got ${got})` : ""}`;
      }
    }
    case "invalid_union":
      if (!isDefaultMessage(issue.message)) return issue.message;
      if (issue.input === undefined && schema) return missing(issue, schema);
      return "does not match any of the accepted forms; see the JSON Schema (stacks/schema) for them";
    case "invalid_key": {
      const key = typeof issue.input === "string" ? issue.input : "";
      const hidden = sensitive || looksLikeSecret(key) || [...key].length > MAX_QUOTED;
      const reasons = issue.issues.map((i) => messageFor(i, hidden)).join("; ");
      return `invalid key ${hidden ? `(${describeValue(issue.input, true)})` : JSON.stringify(issue.input)}: ${reasons}`;
    }
    case "invalid_format":
      return isDefaultMessage(issue.message) ? `is not a valid ${issue.format}` : issue.message;
    default:
      return issue.message;
  }
}

/**
 * Converts a zod error into problems rooted at `root` (e.g. ["homelab:proxmox"]).
 * Unknown keys become one problem per key, each at its own path.
 */
export function zodProblems(
  error: z.ZodError,
  file: string,
  root: readonly PathSegment[],
  /** The schema that was parsed: a missing key's message then says what it holds. */
  schema?: z.ZodType,
): Problem[] {
  const problems: Problem[] = [];
  for (const raw of error.issues) {
    const issue: Issue = raw;
    const path = [...root, ...issue.path.filter((s): s is PathSegment => typeof s !== "symbol")];
    const sensitive = isSensitive(path, issue.input);
    if (issue.code === "unrecognized_keys") {
      const messages = issue.message.split(KEY_MESSAGE_SEPARATOR);
      issue.keys.forEach((key, i) => {
        const message =
          messages.length === issue.keys.length ? (messages[i] as string) : `unknown key "${key}"`;
        problems.push({ file, path: [...path, key], message });
      });
      continue;
    }
    problems.push({ file, path, message: messageFor(issue, sensitive, schema) });
  }
  return problems;
}

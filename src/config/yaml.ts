/**
 * Reading YAML files with positions, so problems can name the line, and hardened against
 * hostile input: a file is read only when it is a regular text file of a sensible size,
 * alias expansion is bounded ("billion laughs"), duplicate keys are errors, and every syntax
 * error is a problem with `file:line:col` and the key it is under, never an exception and
 * never an excerpt of the file (the line could hold a secret).
 */
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type Pair,
  type YAMLError,
} from "yaml";
import { formatPath, type PathSegment, type Problem } from "./errors";
import { readTextFile } from "./files";

/** Largest stack file or registry read. */
export const MAX_YAML_BYTES = 1024 * 1024;

/**
 * Most alias expansions a document may make (the `yaml` package's `maxAliasCount`: each
 * alias counts the aliases inside what it expands, so nested aliases multiply).
 */
export const MAX_YAML_ALIASES = 100;

export interface YamlFile {
  /** Label used in messages (path relative to the project). */
  readonly file: string;
  readonly doc: Document;
  readonly value: unknown;
  /** Syntax problems (the value is unusable when there are any). */
  readonly problems: Problem[];
  /** 1-based line and column of the value at `path`, or of its closest existing parent. */
  locate(path: readonly PathSegment[]): { line: number; column: number } | undefined;
}

export interface ParseOptions {
  /**
   * Which key paths a syntax problem may name (all by default). The registry names only its
   * own keys: a path that points at something else must not print a key of that file.
   */
  readonly showPath?: (path: readonly PathSegment[]) => boolean;
}

type Range = [number, number, number];

function rangeOf(node: unknown): Range | undefined {
  return (node as { range?: Range } | null | undefined)?.range ?? undefined;
}

function keyName(pair: Pair): PathSegment {
  const key = pair.key;
  if (isScalar(key)) return typeof key.value === "number" ? String(key.value) : String(key.value);
  return "?";
}

/**
 * The key path of the innermost key or list item that holds `offset` (a syntax error's
 * position), and the pair whose key starts there when there is one.
 */
export function pathAt(doc: Document, offset: number): { path: PathSegment[]; pair?: Pair } {
  const path: PathSegment[] = [];
  let node: unknown = doc.contents;
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((p) => {
        const start = rangeOf(p.key)?.[0] ?? rangeOf(p.value)?.[0];
        const end = rangeOf(p.value)?.[2] ?? rangeOf(p.key)?.[2];
        return start !== undefined && end !== undefined && offset >= start && offset <= end;
      });
      if (!pair) return { path };
      path.push(keyName(pair));
      if (rangeOf(pair.key)?.[0] === offset) return { path, pair };
      node = pair.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => {
        const range = rangeOf(item);
        return range !== undefined && offset >= range[0] && offset <= range[2];
      });
      if (index < 0) return { path };
      path.push(index);
      node = node.items[index];
    } else {
      return { path };
    }
  }
}

/** The path of the last key that starts at or before `offset` (an error between keys). */
function lastKeyBefore(doc: Document, offset: number): PathSegment[] {
  let best: { start: number; path: PathSegment[] } | undefined;
  const walk = (node: unknown, path: PathSegment[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const start = rangeOf(pair.key)?.[0];
        const here = [...path, keyName(pair)];
        if (start !== undefined && start <= offset && (!best || start >= best.start))
          best = { start, path: here };
        walk(pair.value, here);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i]));
    }
  };
  walk(doc.contents, []);
  return best?.path ?? [];
}

/** The yaml package's message without the position it appends (we report it apart). */
function bareMessage(error: YAMLError): string {
  const first = error.message.split("\n")[0] ?? error.message;
  return first.replace(/ at line \d+, column \d+:?$/, "");
}

/** An earlier pair of the same map with the same key as `pair`. */
function earlierTwin(doc: Document, path: PathSegment[], pair: Pair): Pair | undefined {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  if (!isMap(parent)) return undefined;
  const name = keyName(pair);
  return parent.items.find((p) => p !== pair && keyName(p) === name);
}

function syntaxProblem(
  error: YAMLError,
  doc: Document,
  lines: LineCounter,
  file: string,
  options: ParseOptions,
): Problem {
  const offset = error.pos[0];
  const where = offset >= 0 ? lines.linePos(offset) : undefined;
  const inside = offset >= 0 ? pathAt(doc, offset) : { path: [] };
  const found =
    inside.path.length > 0 || offset < 0 ? inside : { path: lastKeyBefore(doc, offset) };
  const shown = options.showPath?.(found.path) ?? true;
  const path = shown ? found.path : [];
  let message: string;
  switch (error.code) {
    case "DUPLICATE_KEY": {
      const twin = found.pair ? earlierTwin(doc, found.path, found.pair) : undefined;
      const at = rangeOf(twin?.key)?.[0];
      const line = at !== undefined ? ` at line ${lines.linePos(at).line}` : "";
      message = shown
        ? `duplicate key: ${formatPath(found.path.slice(-1))} is already set${line} in the same mapping; keep one of the two (YAML keys are unique)`
        : `duplicate key: this key is already set${line} in the same mapping; keep one of the two`;
      break;
    }
    case "TAB_AS_INDENT":
      message =
        "a tab indents this line: YAML indents with spaces only; replace the tab with spaces (two per level, as the rest of the file)";
      break;
    case "BAD_INDENT":
      message = `YAML syntax error: ${bareMessage(error)}; indent each key of a mapping by the same number of spaces`;
      break;
    default:
      message = `YAML syntax error: ${bareMessage(error)}`;
  }
  return {
    file,
    path,
    message,
    ...(where ? { line: where.line, column: where.col } : {}),
  };
}

/** The first alias of the document (where an alias bomb is reported). */
function firstAlias(text: string): number {
  const match = /(^|[\s[{,:-])\*[^\s,\]}]+/m.exec(text);
  return match ? match.index + match[1]!.length : 0;
}

/** Deepest flow nesting (`[`, `{`) a document may have. */
export const MAX_YAML_FLOW_DEPTH = 64;
/** Widest indentation (spaces and leading `- ` indicators) a line may have. */
export const MAX_YAML_INDENT = 256;

/**
 * Where a document nests deeper than any configuration does, before parsing it: the parser
 * recurses per level, and a few hundred thousand `[` exhaust its stack (and, in Node 20, the
 * regular expression engine of every later parse). Quoted text and comments are skipped;
 * plain text may hold brackets, which the generous limits allow for.
 */
function tooDeep(text: string): { offset: number; message: string } | undefined {
  let depth = 0;
  let quote: '"' | "'" | undefined;
  let lineStart = true;
  let indent = 0;
  /** The last character that is not a space on this line: a quote opens a scalar after these. */
  let last = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === "\n") {
      lineStart = true;
      indent = 0;
      last = "";
      continue;
    }
    if (lineStart) {
      if (c === " " || c === "\t" || (c === "-" && text[i + 1] === " ")) {
        indent++;
        if (indent > MAX_YAML_INDENT)
          return {
            offset: i,
            message: `this line is indented more than ${MAX_YAML_INDENT} columns deep: no configuration nests that deep; is this the right file?`,
          };
        continue;
      }
      lineStart = false;
    }
    if (c === "#" && (i === 0 || /\s/.test(text[i - 1] ?? ""))) {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end - 1;
    } else if ((c === '"' || c === "'") && (last === "" || ":-[{,?".includes(last))) quote = c;
    else if (c === "[" || c === "{") {
      depth++;
      if (depth > MAX_YAML_FLOW_DEPTH)
        return {
          offset: i,
          message: `lists and mappings are nested more than ${MAX_YAML_FLOW_DEPTH} levels deep here: no configuration nests that deep; is this the right file?`,
        };
    } else if ((c === "]" || c === "}") && depth > 0) depth--;
    if (c !== " " && c !== "\t") last = c;
  }
  return undefined;
}

/**
 * Documents parsed without a problem, by text: a process that reads the same file again (the
 * offline plan reads the stack file before the program does, `check` reads the registry once
 * per stack, the test suite plans the same fixtures many times) reuses the document and its
 * line table, and gets a value of its own from it (toJS, a tenth of the parse). Nothing
 * changes a document once parsed (`locate` only reads it), so sharing one is safe; the
 * newest PARSED_KEPT texts are kept.
 */
const parsed = new Map<string, { doc: Document; lineCounter: LineCounter }>();
const PARSED_KEPT = 16;

export function parseYaml(text: string, file: string, options: ParseOptions = {}): YamlFile {
  const known = parsed.get(text);
  if (known) {
    parsed.delete(text);
    parsed.set(text, known);
    return yamlFile(file, known.doc, known.lineCounter, [], text);
  }
  const lineCounter = new LineCounter();
  const deep = tooDeep(text);
  if (deep) {
    const before = text.slice(0, deep.offset);
    const line = before.split("\n").length;
    const column = deep.offset - before.lastIndexOf("\n");
    return {
      ...unreadableYaml(file, deep.message),
      problems: [{ file, path: [], message: deep.message, line, column }],
    };
  }
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: true,
    uniqueKeys: true,
  });
  const problems: Problem[] = doc.errors.map((error) =>
    syntaxProblem(error, doc, lineCounter, file, options),
  );
  const result = yamlFile(file, doc, lineCounter, problems, text);
  if (result.problems.length === 0) {
    parsed.set(text, { doc, lineCounter });
    if (parsed.size > PARSED_KEPT) parsed.delete(parsed.keys().next().value!);
  }
  return result;
}

/** A parsed document as a YamlFile: its value (a new one per call) or why there is none. */
function yamlFile(
  file: string,
  doc: Document,
  lineCounter: LineCounter,
  syntax: readonly Problem[],
  text: string,
): YamlFile {
  const problems = [...syntax];
  let value: unknown;
  if (problems.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (error) {
      const pos = lineCounter.linePos(firstAlias(text));
      const bomb = error instanceof ReferenceError && /alias count/i.test(error.message);
      problems.push({
        file,
        path: [],
        message: bomb
          ? `too many aliases: expanding the aliases (*name) of this file would repeat their anchors more than ${MAX_YAML_ALIASES} times, which is how an "alias bomb" exhausts memory; write the values out instead`
          : `YAML cannot be read: ${error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error)}`,
        line: pos.line,
        column: pos.col,
      });
    }
  }
  const locate = (path: readonly PathSegment[]) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
      const range = rangeOf(node);
      if (node && typeof node === "object" && range) {
        const pos = lineCounter.linePos(range[0]);
        return { line: pos.line, column: pos.col };
      }
      // Keys: a missing key's parent pair is the best anchor; keep walking up.
    }
    return undefined;
  };
  return { file, doc, value: problems.length ? undefined : value, problems, locate };
}

/** A YamlFile that could not be read at all. */
export function unreadableYaml(file: string, message: string): YamlFile {
  return {
    file,
    doc: parseDocument(""),
    value: undefined,
    problems: [{ file, path: [], message }],
    locate: () => undefined,
  };
}

/**
 * Reads and parses a YAML file: a regular UTF-8 text file of at most MAX_YAML_BYTES, or one
 * problem saying why not (`cannot read <file>: file not found`, ...).
 */
export function readYaml(path: string, file: string, options: ParseOptions = {}): YamlFile {
  const read = readTextFile(path, { maxBytes: MAX_YAML_BYTES });
  if ("reason" in read) {
    return unreadableYaml(
      file,
      `cannot read ${file}: ${read.missing ? "file not found" : `it ${read.reason}`}`,
    );
  }
  return parseYaml(read.text, file, options);
}

/** Adds line/column to problems of `yaml.file` whose path starts at `prefix` in the document. */
export function withPositions(
  problems: readonly Problem[],
  yaml: YamlFile | undefined,
  prefix: readonly PathSegment[] = [],
): Problem[] {
  if (!yaml) return [...problems];
  return problems.map((problem) => {
    if (problem.file !== yaml.file || problem.line !== undefined) return problem;
    const pos = yaml.locate([...prefix, ...problem.path]);
    return pos ? { ...problem, line: pos.line, column: pos.column } : problem;
  });
}

/**
 * Runs the project's TypeScript: a CommonJS require hook for `.ts` files only. Each file is
 * transpiled by esbuild (`transformSync`, types stripped, nothing checked: type-checking is
 * the separate `npm run typecheck`) and the result is kept on disk under
 * node_modules/.cache/homelab-ts, keyed by a hash of the file's text, esbuild's version and
 * the options below, so an unchanged file costs a read of its cached output. The path is not
 * part of the key: esbuild's output does not depend on it (it names the file only in syntax
 * errors, which are not cached, and in the source map's `sources`, which is not read: a
 * frame's `.ts` position is reported under the frame's own file). A copy of the project at
 * another path (the suite's clones, a CI checkout of the base branch) reuses the entries.
 * Every other file (node_modules) loads exactly as plain node loads it: no lexing, no
 * source maps.
 *
 * Stack traces point at the `.ts` lines: this module's `Error.prepareStackTrace` maps frames
 * in a transpiled file through its source map (read from the cache when a stack first needs
 * it), and formats the others as V8 does. It also replaces source-map-support's once that is
 * installed (the Pulumi SDK's `cmd/run` does, before it loads the program): see
 * reclaimStackFormatting. The SDK reads resources' source positions from these stacks.
 *
 * Why not tsx: it also runs every `.js` file of node_modules through its ESM lexer and
 * source-map handling, about 0.4 s per process here (issue 17).
 */
"use strict";
const { createHash } = require("node:crypto");
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const { join } = require("node:path");
const { makeRoom } = require("./cache-dir");

const ROOT = join(__dirname, "..", "..");
const CACHE = join(ROOT, "node_modules", ".cache", "homelab-ts");
/** Files the cache may hold, two per entry (the project has 400 `.ts` files); cache-dir.js. */
const LIMIT = 6000;

/**
 * esbuild's options: what tsc emits for tsconfig.json (ES2022, CommonJS, strict mode,
 * class fields with define semantics), with an external source map. Whitespace is minified:
 * Pulumi's closure serializer stores the text of every function a dynamic provider captures
 * in the state of each of its resources, so the indentation would be stored hundreds of
 * times (8-10% of the serialized providers); the source map keeps stack traces at .ts lines.
 */
const OPTIONS = {
  loader: "ts",
  format: "cjs",
  platform: "node",
  target: "es2022",
  sourcemap: "external",
  sourcesContent: false,
  minifyWhitespace: true,
  tsconfigRaw: { compilerOptions: { strict: true, useDefineForClassFields: true } },
};

/** Part of every cache key: bump it when what this module writes to the cache changes. */
const CACHE_FORMAT = 2;

let esbuild;
let optionsKey;
/** Transpiled files of this process: file name → cache entry (its source map is there). */
const compiled = new Map();
/** Source maps of transpiled files, parsed when a stack first needs one (null: unreadable). */
const sourceMaps = new Map();

function cacheKey(source) {
  optionsKey ??= `${CACHE_FORMAT} ${require("esbuild/package.json").version} ${JSON.stringify(OPTIONS)}`;
  return createHash("sha256").update(optionsKey).update("\0").update(source).digest("hex");
}

/** Writes a cache file atomically (test files run in parallel processes). */
function writeAtomic(path, text) {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

/** The JavaScript for a `.ts` file, from the cache or freshly transpiled. */
function transpile(filename) {
  const source = readFileSync(filename, "utf8");
  const entry = join(CACHE, cacheKey(source));
  compiled.set(filename, entry);
  try {
    return readFileSync(`${entry}.js`, "utf8");
  } catch {
    // not cached yet
  }
  esbuild ??= require("esbuild");
  const result = esbuild.transformSync(source, { ...OPTIONS, sourcefile: filename });
  const map = JSON.parse(result.map);
  try {
    mkdirSync(CACHE, { recursive: true });
    makeRoom(CACHE, LIMIT);
    writeAtomic(`${entry}.map`, JSON.stringify(map));
    writeAtomic(`${entry}.js`, result.code);
  } catch {
    // a read-only node_modules: every run transpiles again
    sourceMaps.set(filename, new Module.SourceMap(map));
  }
  return result.code;
}

/** "file:line:column" of a transpiled position in its `.ts` file (1-based), or undefined. */
function originalPosition(filename, line, column) {
  if (!sourceMaps.has(filename)) {
    let map = null;
    try {
      map = new Module.SourceMap(JSON.parse(readFileSync(`${compiled.get(filename)}.map`, "utf8")));
    } catch {
      // cache cleared under us: positions stay unmapped
    }
    sourceMaps.set(filename, map);
  }
  const entry = sourceMaps.get(filename)?.findEntry(line - 1, column - 1);
  if (!entry || entry.originalLine === undefined) return undefined;
  return `${filename}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
}

/**
 * Mapped positions by generated one ("file:line:column" → the `.ts` one, or null): the SDK
 * captures a whole stack for every resource and every promise it creates (for source
 * positions and leak reports), so the same call sites are mapped over and over.
 */
const mapped = new Map();

/** V8's text for a frame, with the position mapped when the frame is in a `.ts` file. */
function formatFrame(frame) {
  const text = String(frame);
  const file = frame.getFileName();
  if (!file || !compiled.has(file)) return text;
  const line = frame.getLineNumber();
  const column = frame.getColumnNumber();
  const generated = `${file}:${line}:${column}`;
  const at = text.lastIndexOf(generated);
  if (at < 0) return text;
  let original = mapped.get(generated);
  if (original === undefined) {
    original = originalPosition(file, line, column) ?? null;
    mapped.set(generated, original);
  }
  if (!original) return text;
  return text.slice(0, at) + original + text.slice(at + generated.length);
}

const PROMISE_DEBUG_FILE = join("@pulumi", "pulumi", "runtime", "debuggable.js");
/**
 * Whether this is the stack the Pulumi SDK captures for every promise it makes
 * (runtime/debuggable.js, debuggablePromise: `_debugStackTrace: new Error().stack`), which it
 * reads only to report leaked promises when PULUMI_DEBUG_PROMISE_LEAKS is set (leakedPromises,
 * promiseDebugString). Formatting thousands of them per preview was a tenth of its start-up;
 * without that variable they are the error's first line only.
 */
function unreadPromiseStack(frames) {
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return false;
  const top = frames[0];
  return (
    top.getFunctionName() === "debuggablePromise" &&
    (top.getFileName()?.endsWith(PROMISE_DEBUG_FILE) ?? false)
  );
}

/** Formats stacks as V8 does, with `.ts` positions. */
function prepareStackTrace(error, frames) {
  let header;
  try {
    header = Error.prototype.toString.call(error);
  } catch {
    header = "<error>";
  }
  if (frames.length === 0) return header; // Error.stackTraceLimit = 0 (src/cli/mock-runtime.ts)
  if (unreadPromiseStack(frames)) return header;
  return header + frames.map((frame) => `\n    at ${formatFrame(frame)}`).join("");
}

let sourceMapSupport;
/**
 * Takes stack formatting back from source-map-support, which the SDK's `cmd/run` installs
 * before it loads the program: it copies every call site of every stack the SDK captures
 * (one per promise, a whole one per resource, for source positions) and maps the SDK's own
 * frames to TypeScript files the SDK does not ship; about a third of a preview's start-up.
 * Ours maps the frames of our `.ts` files and leaves the others at their `.js` positions.
 */
function reclaimStackFormatting() {
  if (sourceMapSupport === null || Error.prepareStackTrace === prepareStackTrace) return;
  try {
    sourceMapSupport ??= require.resolve("source-map-support", { paths: [ROOT] });
  } catch {
    sourceMapSupport = null;
    return;
  }
  if (!require.cache[sourceMapSupport]) return;
  sourceMapSupport = null; // done: from now on, a formatter someone installs stays
  Error.prepareStackTrace = prepareStackTrace;
}

/** Installs the hook (once per process). */
function register() {
  if (Module._extensions[".ts"]?.homelab) return;
  const load = (module, filename) => {
    const code = transpile(filename);
    reclaimStackFormatting();
    module._compile(code, filename);
  };
  load.homelab = true;
  Module._extensions[".ts"] = load;
  // Node's own formatter (Node 20 exposes it as Error.prepareStackTrace) is replaced; one a
  // library installed is left alone (but see reclaimStackFormatting).
  const current = Error.prepareStackTrace;
  if (current === undefined || current.name === "ErrorPrepareStackTrace") {
    Error.prepareStackTrace = prepareStackTrace;
  }
}

module.exports = { register, CACHE, LIMIT };

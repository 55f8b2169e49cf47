/**
 * A V8 code cache for CommonJS modules (Node 22 has one built in, `module.enableCompileCache`;
 * Node 20, which this project supports, does not). A module compiled once keeps V8's
 * bytecode on disk under node_modules/.cache/homelab-v8/<node version>-<arch>, and the next
 * process hands it back to V8 instead of parsing and compiling the source again: about 0.1 s
 * of every process that loads the Pulumi SDK, zod and the providers' SDKs (750 modules for a
 * plan), which is every CLI, every test file and `pulumi preview` (issue 17).
 *
 * - A directory per Node version, architecture and compile flags (compileFlags below).
 * - Only the modules of the project that owns the node_modules (ownerOf below).
 * - One cache file per module path (a hash of the path): a 20-byte SHA-1 of the module's
 *   text, then V8's data. A module whose text changed misses and is written again, so the
 *   cache holds one entry per module, never a stale one. V8 refuses data made by another
 *   V8 version or with other flags (`cachedDataRejected`): also a miss.
 * - The data is made when the process exits, after the code ran, so that it holds the
 *   functions V8 compiled lazily (most of the compile time), not only the top level.
 * - The module runs exactly as Node runs it: the same wrapper arguments and `require`
 *   (`resolve`, `resolve.paths`, `main`, `cache`, `extensions`), line and column numbers
 *   unchanged (the wrapper is on a line of its own, `lineOffset: -1`). What Node does
 *   otherwise (ES modules, `import()`, a policy manifest, `--inspect-brk`, a syntax error's
 *   message) is left to Node: those modules are compiled by Node itself.
 * - A directory that reaches 5,000 entries (edited files, copies of the project elsewhere)
 *   is emptied before the next write (cache-dir.js).
 * - A process whose V8 flags changed while it ran (v8.setFlagsFromString: the SDK's closure
 *   serializer) writes nothing: V8 would refuse that data in every other process.
 * - Writes are atomic (test files load modules in parallel processes); a cache that cannot
 *   be written (read-only node_modules) costs nothing but the cache.
 *
 * HOMELAB_CODE_CACHE=0 turns it off.
 */
"use strict";
const crypto = require("node:crypto");
const { mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } = require("node:fs");
const Module = require("node:module");
const { dirname, isAbsolute, join, sep } = require("node:path");
const v8 = require("node:v8");
const vm = require("node:vm");
const { makeRoom } = require("./cache-dir");

const DIGEST = 20; // SHA-1
/** Entries a cache directory may hold (a plan loads 750 modules, the whole suite 1,100). */
const LIMIT = 5000;
/** crypto.hash (Node 20.12+), else the same digest through a Hash object. */
const hash =
  crypto.hash ??
  ((algorithm, data, encoding) => crypto.createHash(algorithm).update(data).digest(encoding));
const WRAPPER = "(function (exports, require, module, __filename, __dirname) {\n";
/**
 * `import()` in a script compiled by `vm` needs a loader callback that Node 20 does not give
 * (vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER fails there with
 * ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING): a module that may call it is Node's to compile
 * (three of the 750 a plan loads). A false match only costs the cache.
 */
const DYNAMIC_IMPORT = /\bimport\s*(?:\(|\/[*/])/;

/** Options that take the next argument as their value and do not change how V8 compiles. */
const WITH_VALUE = new Set([
  ...["--require", "-r", "--import", "--loader", "--experimental-loader"],
  ...["--eval", "-e", "--print", "-p"],
]);

/**
 * The options of this process that may change how V8 compiles: V8 refuses a cache made under
 * other flags (a flag hash in the data), so processes started with other flags
 * (`--max-semi-space-size`, `--stack-size`, ...) keep their own cache instead of rewriting
 * each other's. Preloads, scripts given on the command line and the test runner's options
 * are left out: they change nothing.
 */
function compileFlags() {
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
  const kept = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg) continue;
    if (WITH_VALUE.has(arg)) i++;
    else if (/^--(require|import|loader|experimental-loader|eval|print)=/.test(arg)) continue;
    else if (/^--test(-|$)/.test(arg)) continue;
    else kept.push(arg);
  }
  return kept.sort().join(" ");
}

/** The cache directory under `root` (the project), for this node and its compile flags. */
function cacheDirectory(root) {
  const flags = compileFlags();
  const suffix = flags === "" ? "" : `-${hash("sha1", flags, "hex").slice(0, 12)}`;
  return join(
    root,
    "node_modules",
    ".cache",
    "homelab-v8",
    `${process.version}-${process.arch}${suffix}`,
  );
}

/**
 * The directory whose modules the cache holds ("/path/"): the project that owns the
 * node_modules the cache lives in. A copy of the project whose node_modules is a link to
 * another's (the suite's clones, a worktree) shares that cache for the packages, whose real
 * paths are the owner's, and leaves its own files out: entries are per path, and a copy at a
 * temporary path would add one per file and run.
 */
function ownerOf(root) {
  let modules = join(root, "node_modules");
  try {
    modules = realpathSync(modules);
  } catch {
    // no node_modules: nothing to share
  }
  return dirname(modules) + sep;
}

/** Hits and misses of this process (for tests and the benchmark). */
const stats = { hits: 0, misses: 0, written: 0, skipped: 0 };

/** The `require` Node gives a module (lib/internal/modules/helpers.js, makeRequireFunction). */
function requireFor(mod) {
  function require(id) {
    return mod.require(id);
  }
  function resolve(request, options) {
    if (typeof request !== "string") {
      const error = new TypeError(
        `The "request" argument must be of type string. Received ${typeof request}`,
      );
      error.code = "ERR_INVALID_ARG_TYPE";
      throw error;
    }
    return Module._resolveFilename(request, mod, false, options);
  }
  resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/**
 * Options under which Node's own compile does something ours would not: pause on the main
 * module's first line (`--inspect-brk`), check a policy manifest.
 */
const NODE_ONLY = /^--(inspect-brk|inspect-wait|experimental-policy|policy-integrity)(=|$)/;

/**
 * Installs the cache (once per process); false when turned off or under NODE_ONLY options.
 * `limit`: the files its directory may hold (cache-dir.js); the default outside tests.
 */
function enableCodeCache(root, limit = LIMIT) {
  if (process.env.HOMELAB_CODE_CACHE === "0") return false;
  const options = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
  if (options.some((arg) => NODE_ONLY.test(arg))) return false;
  if (Module.prototype._compile.homelabCodeCache) return true;
  const directory = cacheDirectory(root);
  const owner = ownerOf(root);
  const nodeCompile = Module.prototype._compile;
  /** Entries to write at exit: path → { script, digest }. */
  const pending = new Map();

  function compile(content, filename, format) {
    if (
      format === "module" ||
      typeof content !== "string" ||
      typeof filename !== "string" ||
      !isAbsolute(filename) ||
      !filename.startsWith(owner) ||
      DYNAMIC_IMPORT.test(content)
    ) {
      stats.skipped++;
      return nodeCompile.call(this, content, filename, format);
    }
    const digest = hash("sha1", content, "buffer");
    const entry = join(directory, hash("sha1", filename, "hex"));
    let cachedData;
    try {
      const data = readFileSync(entry);
      if (data.length > DIGEST && data.subarray(0, DIGEST).equals(digest)) {
        cachedData = data.subarray(DIGEST);
      }
    } catch {
      // not cached yet
    }
    let script;
    try {
      script = new vm.Script(`${WRAPPER}${content}\n})`, {
        filename,
        lineOffset: -1,
        cachedData,
      });
    } catch {
      // A syntax error (or ES module syntax): Node compiles it and says what is wrong.
      stats.skipped++;
      return nodeCompile.call(this, content, filename, format);
    }
    if (cachedData && !script.cachedDataRejected) stats.hits++;
    else {
      stats.misses++;
      pending.set(entry, { script, digest });
    }
    const wrapper = script.runInThisContext({ displayErrors: true });
    return Reflect.apply(wrapper, this.exports, [
      this.exports,
      requireFor(this),
      this,
      filename,
      dirname(filename),
    ]);
  }
  compile.homelabCodeCache = true;
  Module.prototype._compile = compile;

  // V8 stamps its data with the flags in force when it is made, and refuses it under others.
  // The SDK's closure serializer turns on --allow-natives-syntax when it loads
  // (runtime/closure/v8.js, v8Hooks.js): data such a process made at exit would be refused by
  // every process that does not serialize, and rewritten by it, over and over. A process
  // whose flags changed writes nothing.
  let flagsChanged = false;
  const setFlagsFromString = v8.setFlagsFromString;
  v8.setFlagsFromString = function (flags) {
    flagsChanged = true;
    return setFlagsFromString.call(this, flags);
  };

  process.once("exit", () => {
    if (pending.size === 0) return;
    if (flagsChanged) {
      stats.skipped += pending.size;
      return;
    }
    try {
      mkdirSync(directory, { recursive: true });
      makeRoom(directory, limit);
      for (const [entry, { script, digest }] of pending) {
        const temp = `${entry}.${process.pid}.tmp`;
        writeFileSync(temp, Buffer.concat([digest, script.createCachedData()]));
        renameSync(temp, entry);
        stats.written++;
      }
    } catch {
      // read-only node_modules: no cache
    }
  });
  return true;
}

module.exports = { enableCodeCache, cacheDirectory, stats, LIMIT };

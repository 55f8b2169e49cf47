/**
 * Loads the Pulumi Node.js SDK's closure serializer only when something serializes.
 *
 * `@pulumi/pulumi/runtime/index.js` re-exports `serializeFunction`, `serializeFunctionAsync`
 * (from `runtime/closure/serializeClosure`) and `computeCodePaths` (from
 * `runtime/closure/codePaths`), so every `require("@pulumi/pulumi")` loads both modules and
 * what they need: TypeScript (to parse function text) and @npmcli/arborist, about 0.27 s of
 * the SDK's 0.42 s load on a 2-core machine, for programs that serialize nothing or not yet
 * (the SDK's own `dynamic/index.js` already requires the serializer on demand).
 *
 * `deferClosureModules()`, called before the SDK loads, puts a stand-in for each of the two
 * modules into `require.cache`: the same exported names, each a function that loads the real
 * module on its first call (replacing the stand-in in the cache) and calls through. Results
 * are those of the real module; nothing else changes.
 *
 * The guard: it does nothing (and says why) when the SDK is already loaded, when a module is
 * not where this SDK version keeps it, or when a module does not export exactly the functions
 * listed below. test/boot/defer-closure.test.ts fails in those cases, so an SDK upgrade that
 * moves them is noticed. Upstream, the same effect is two lazy `require`s in runtime/index.ts.
 *
 * `deferAutomation()` does the same for the Automation API (`pulumi.automation`), see
 * AUTOMATION below.
 */
"use strict";
const { readFileSync } = require("node:fs");
const Module = require("node:module");
const { dirname, join } = require("node:path");

/** The deferred modules (relative to the SDK's directory) and the functions they export. */
const DEFERRED = {
  "runtime/closure/serializeClosure.js": ["serializeFunction", "serializeFunctionAsync"],
  "runtime/closure/codePaths.js": ["computeCodePaths", "findWorkspaceRoot"],
};

/** Names a compiled CommonJS module assigns to `exports.<name> = <name>;`, and whether each is a function. */
function exportedFunctions(text) {
  const names = [...text.matchAll(/^exports\.(\w+) = (\w+);$/gm)].map((m) => [m[1], m[2]]);
  return names.map(([name, local]) => ({
    name,
    isFunction: name === local && new RegExp(`^(async )?function ${name}\\(`, "m").test(text),
  }));
}

/** Why the module at `path` cannot be deferred, or undefined when it can. */
function refusal(path, expected) {
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return `${path} not found`;
  }
  const found = exportedFunctions(text);
  const names = found.map((f) => f.name).sort();
  if (JSON.stringify(names) !== JSON.stringify([...expected].sort())) {
    return `${path} exports ${names.join(", ") || "nothing"}, expected ${expected.join(", ")}`;
  }
  const notFunction = found.find((f) => !f.isFunction);
  if (notFunction) return `${path}: ${notFunction.name} is not a function declaration`;
  return undefined;
}

/**
 * An empty module for require.cache at `path`, marked as a stand-in (tests that check what a
 * tool loaded tell it from the real one), and the function that loads the real module in its
 * place (once).
 */
function deferredModule(path) {
  let real;
  const load = () => {
    if (!real) {
      delete require.cache[path];
      real = require(path);
    }
    return real;
  };
  const module = new Module(path, null);
  module.filename = path;
  module.loaded = true;
  module.deferredStandIn = true;
  return { module, load };
}

/** The directory of the SDK `require("@pulumi/pulumi")` resolves to from `from`, or undefined. */
function sdkDirectory(from) {
  try {
    return dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [from] }));
  } catch {
    return undefined;
  }
}

/** A module in require.cache whose functions load the real module on first call. */
function standIn(path, names) {
  const { module, load } = deferredModule(path);
  Object.defineProperty(module.exports, "__esModule", { value: true });
  for (const name of names) {
    module.exports[name] = function (...args) {
      return load()[name].apply(this, args);
    };
  }
  return module;
}

/**
 * Defers the closure modules of the SDK `require("@pulumi/pulumi")` resolves to from
 * `from` (a directory). Returns `{ deferred: [paths] }`, or `{ skipped: reason }` when the
 * guard finds anything unexpected (then nothing is changed).
 */
function deferClosureModules(from = process.cwd()) {
  const sdk = sdkDirectory(from);
  if (!sdk) return { skipped: "@pulumi/pulumi is not installed" };
  if (require.cache[join(sdk, "runtime", "index.js")])
    return { skipped: "the SDK is already loaded" };
  const modules = Object.entries(DEFERRED).map(([file, names]) => ({
    path: join(sdk, file),
    names,
  }));
  for (const { path, names } of modules) {
    if (require.cache[path]) return { skipped: `${path} is already loaded` };
    const why = refusal(path, names);
    if (why) return { skipped: why };
  }
  for (const { path, names } of modules) require.cache[path] = standIn(path, names);
  return { deferred: modules.map((m) => m.path) };
}

module.exports = { deferClosureModules, DEFERRED };

/**
 * The Automation API (`pulumi.automation`): the SDK's index.js loads it eagerly
 * (`__importStar(require("./automation"))`, with execa, semver, js-yaml, tmp and a log
 * tailer: about 30 ms with a warm code cache) although a program that runs under the engine
 * never uses it. Its stand-in is a namespace that loads the real module on first use of any
 * property (then `pulumi.automation.LocalWorkspace` is the real class). The guard: the SDK
 * not loaded yet, index.js importing it exactly that way, the module an ES-module namespace
 * (`__esModule`, which `__importStar` passes through as it is).
 */
const AUTOMATION = {
  consumer: "index.js",
  line: 'const automation = __importStar(require("./automation"));',
  module: "automation/index.js",
  esModule: 'Object.defineProperty(exports, "__esModule", { value: true });',
};

function namespaceStandIn(path) {
  const { module, load } = deferredModule(path);
  const target = {};
  // As the real module defines it (non-configurable: a proxy must show it as it is).
  Object.defineProperty(target, "__esModule", { value: true });
  module.exports = new Proxy(target, {
    get: (_, key) => (key === "__esModule" ? true : Reflect.get(load(), key)),
    has: (_, key) => key === "__esModule" || Reflect.has(load(), key),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor(_, key) {
      if (key === "__esModule") return Reflect.getOwnPropertyDescriptor(target, key);
      const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
      if (descriptor) descriptor.configurable = true;
      return descriptor;
    },
    set: (_, key, value) => Reflect.set(load(), key, value),
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(load(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(load(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(load()),
  });
  return module;
}

/** Defers `pulumi.automation` (see AUTOMATION); the same answers as deferClosureModules. */
function deferAutomation(from = process.cwd()) {
  const sdk = sdkDirectory(from);
  if (!sdk) return { skipped: "@pulumi/pulumi is not installed" };
  const consumer = join(sdk, AUTOMATION.consumer);
  const path = join(sdk, AUTOMATION.module);
  if (require.cache[consumer]) return { skipped: "the SDK is already loaded" };
  if (require.cache[path]) return { skipped: `${path} is already loaded` };
  for (const [file, text] of [
    [consumer, AUTOMATION.line],
    [path, AUTOMATION.esModule],
  ]) {
    let content;
    try {
      content = readFileSync(file, "utf8");
    } catch {
      return { skipped: `${file} not found` };
    }
    if (!content.includes(text)) return { skipped: `${file} does not have ${text}` };
  }
  require.cache[path] = namespaceStandIn(path);
  return { deferred: [path] };
}

module.exports.deferAutomation = deferAutomation;
module.exports.AUTOMATION = AUTOMATION;

/**
 * The V8 code cache (src/boot/code-cache.js): a module runs from the cache exactly as Node
 * runs it (its `require`, `this`, file names, `import()`, stack positions), a module whose
 * text changed is compiled again, bad or unwritable caches cost only the cache, and the
 * project's preload serves the Pulumi SDK from it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

const ROOT = join(__dirname, "..", "..");
const CODE_CACHE = join(ROOT, "src", "boot", "code-cache.js");
const REGISTER = join(ROOT, "src", "boot", "register.js");

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The cache's counts at exit (absent without the cache). */
  readonly stats?: { hits: number; misses: number; written: number; skipped: number };
}

/**
 * Runs `file` in a new node process, with the cache under `root` (or without it: null), and
 * reads the cache's counts, which the process writes to a file when it exits.
 */
function run(
  file: string,
  root: string | null,
  env: Record<string, string> = {},
  flags: string[] = [],
): Run {
  const statsFile = join(mkdtempSync(join(tmpdir(), "code-cache-stats-")), "stats.json");
  const setup =
    root === null
      ? ""
      : `const cc = require(${JSON.stringify(CODE_CACHE)}); cc.enableCodeCache(${JSON.stringify(root)}); process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(statsFile)}, JSON.stringify(cc.stats)));`;
  const script = `${setup} require(${JSON.stringify(file)});`;
  const result = spawnSync(process.execPath, [...flags, "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    stats: existsSync(statsFile)
      ? (JSON.parse(readFileSync(statsFile, "utf8")) as Run["stats"])
      : undefined,
  };
}

/** A fresh directory with `files` written into it. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "code-cache-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const cacheFiles = (root: string) => {
  const base = join(root, "node_modules", ".cache", "homelab-v8");
  if (!existsSync(base)) return [];
  return readdirSync(base).flatMap((v) => readdirSync(join(base, v)).map((f) => join(base, v, f)));
};

/** What a module sees of itself and of its `require`, as JSON. */
const INTROSPECT = `"use strict";
const Module = require("node:module");
const self = this;
function where() { return new Error("here").stack.split("\\n")[1].trim(); }
module.exports = (async () => {
  let invalid;
  try { require.resolve(42); } catch (e) { invalid = [e.name, e.code]; }
  const esm = await import("./esm.mjs");
  return {
    thisIsExports: self === module.exports,
    filename: __filename,
    dirname: __dirname,
    resolved: require.resolve("./helper"),
    paths: require.resolve.paths("anything").slice(0, 2),
    resolveWithPaths: require.resolve("./helper", { paths: [__dirname] }),
    cache: require.cache === Module._cache,
    extensions: require.extensions === Module._extensions,
    main: require.main === process.mainModule,
    helper: require("./helper").value,
    helperId: module.children.map((c) => c.id),
    invalid,
    esm: esm.value,
    frame: where(),
  };
})().then((v) => console.log(JSON.stringify(v)));
`;

describe("the V8 code cache", () => {
  it("runs a module as Node does: first compiled and written, then from the cache; import() is Node's", () => {
    const dir = project({
      "main.js": INTROSPECT,
      "helper.js": "exports.value = 'helped';\n",
      "esm.mjs": "export const value = 'esm';\n",
    });
    const file = join(dir, "main.js");
    const plain = run(file, null);
    assert.equal(plain.status, 0, plain.stderr);
    const first = run(file, dir);
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(
      [first.stats?.hits, first.stats?.misses, first.stats?.written],
      [0, 1, 1],
      "helper.js compiled and written; main.js, which calls import(), compiled by Node",
    );
    assert.equal(first.stats?.skipped, 1);
    assert.equal(cacheFiles(dir).length, 1);
    const second = run(file, dir);
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual([second.stats?.hits, second.stats?.misses], [1, 0], "from the cache");
    const seen = JSON.parse(plain.stdout) as Record<string, unknown>;
    assert.deepEqual(seen.invalid, ["TypeError", "ERR_INVALID_ARG_TYPE"]);
    assert.equal(seen.esm, "esm");
    assert.match(String(seen.frame), new RegExp(`main\\.js:4:`));
    // Node's own run, the first with the cache and the one from it see the same.
    assert.deepEqual(JSON.parse(first.stdout), seen);
    assert.deepEqual(JSON.parse(second.stdout), seen);
  });

  it("stack traces keep Node's lines and columns, on the first line too", () => {
    const dir = project({
      "thrower.js": `try { null.x } catch (e) { console.log(e.stack.split("\\n").slice(0, 2).join(" | ")) }
function deeper() {
    throw new Error("line three");
}
try { deeper() } catch (e) { console.log(e.stack.split("\\n").slice(0, 3).join(" | ")) }
`,
    });
    const file = join(dir, "thrower.js");
    const plain = run(file, null).stdout;
    assert.match(plain, /thrower\.js:1:12\)?/);
    assert.match(plain, /thrower\.js:3:11/);
    assert.equal(run(file, dir).stdout, plain, "compiled by the cache");
    assert.equal(run(file, dir).stdout, plain, "from the cache");
  });

  it("compiles a module whose text changed again, whatever its length", () => {
    const dir = project({ "value.js": "console.log(41);\n" });
    const file = join(dir, "value.js");
    assert.equal(run(file, dir).stdout, "41\n");
    assert.equal(run(file, dir).stats?.hits, 1);
    writeFileSync(file, "console.log(42);\n"); // same length
    const changed = run(file, dir);
    assert.equal(changed.stdout, "42\n");
    assert.deepEqual([changed.stats?.hits, changed.stats?.misses], [0, 1]);
    assert.equal(cacheFiles(dir).length, 1, "one entry per module: the old one replaced");
    assert.equal(run(file, dir).stats?.hits, 1);
  });

  it("keeps a cache per set of V8 flags: a process with other flags does not undo it", () => {
    const dir = project({ "value.js": "console.log('ok');\n" });
    const file = join(dir, "value.js");
    assert.equal(run(file, dir).stats?.misses, 1);
    const other = run(file, dir, {}, ["--max-semi-space-size=16"]);
    assert.deepEqual([other.stats?.hits, other.stats?.misses], [0, 1], "V8 refuses the data");
    assert.equal(run(file, dir, {}, ["--max-semi-space-size=16"]).stats?.hits, 1);
    assert.equal(run(file, dir).stats?.hits, 1, "the first cache is still there");
    assert.equal(run(file, dir, { NODE_OPTIONS: "--max-semi-space-size=16" }).stats?.hits, 1);
    assert.equal(cacheFiles(dir).length, 2);
  });

  it("a process whose V8 flags changed as it ran writes nothing (the closure serializer's)", () => {
    const dir = project({
      "value.js": "console.log('ok');\n",
      "natives.js":
        "require('node:v8').setFlagsFromString('--allow-natives-syntax');\nrequire('./value.js');\n",
    });
    const natives = run(join(dir, "natives.js"), dir);
    assert.equal(natives.stdout, "ok\n", natives.stderr);
    assert.deepEqual([natives.stats?.misses, natives.stats?.written], [2, 0]);
    assert.deepEqual(cacheFiles(dir), []);
    const plain = run(join(dir, "value.js"), dir);
    assert.deepEqual([plain.stats?.misses, plain.stats?.written], [1, 1]);
    assert.equal(run(join(dir, "value.js"), dir).stats?.hits, 1);
    // Data made after the change would be refused: the plain process's entry stays usable.
    run(join(dir, "natives.js"), dir);
    assert.equal(run(join(dir, "value.js"), dir).stats?.hits, 1);
  });

  it("a copy whose node_modules links to another project's caches the packages only", () => {
    const owner = project({});
    mkdirSync(join(owner, "node_modules", "pkg"), { recursive: true });
    writeFileSync(join(owner, "node_modules", "pkg", "index.js"), "module.exports = 'pkg';\n");
    const copy = project({ "own.js": "console.log(require('pkg'));\n" });
    symlinkSync(join(owner, "node_modules"), join(copy, "node_modules"));
    const first = run(join(copy, "own.js"), copy);
    assert.equal(first.stdout, "pkg\n", first.stderr);
    assert.deepEqual(
      [first.stats?.misses, first.stats?.skipped, first.stats?.written],
      [1, 1, 1],
      "the package is cached, the copy's own file is Node's",
    );
    assert.equal(cacheFiles(owner).length, 1, "in the owner's cache, as a link would have it");
    assert.equal(run(join(copy, "own.js"), copy).stats?.hits, 1);
  });

  it("leaves a syntax error to Node: the same message, no cache entry", () => {
    const dir = project({ "broken.js": "const a = ;\n" });
    const file = join(dir, "broken.js");
    const plain = run(file, null);
    const cached = run(file, dir);
    assert.notEqual(cached.status, 0);
    assert.equal(cached.status, plain.status);
    assert.match(cached.stderr, /SyntaxError: Unexpected token ';'/);
    assert.ok(cached.stderr.includes(`${file}:1`), cached.stderr);
    // Node's message: the file and line, the line, the caret, the error (the stack then has
    // the cache's frame).
    const message = (stderr: string) => stderr.slice(0, stderr.indexOf("\n    at "));
    assert.equal(message(cached.stderr), message(plain.stderr));
    assert.equal(cacheFiles(dir).length, 0);
  });

  it("data V8 refuses is a miss, written again", () => {
    const dir = project({ "value.js": "console.log('ok');\n" });
    const file = join(dir, "value.js");
    run(file, dir);
    const [entry] = cacheFiles(dir) as [string];
    const data = readFileSync(entry);
    // The right digest, V8's data damaged.
    writeFileSync(entry, Buffer.concat([data.subarray(0, 20), Buffer.alloc(data.length - 20, 7)]));
    const damaged = run(file, dir);
    assert.equal(damaged.stdout, "ok\n");
    assert.deepEqual([damaged.stats?.hits, damaged.stats?.misses], [0, 1]);
    assert.deepEqual(readFileSync(entry).subarray(0, 20), data.subarray(0, 20));
    assert.equal(run(file, dir).stats?.hits, 1);
  });

  it("a cache that cannot be written costs only the cache; HOMELAB_CODE_CACHE=0 turns it off", () => {
    const dir = project({
      "value.js": "console.log('ok');\n",
      node_modules: "a file, not a directory",
    });
    const file = join(dir, "value.js");
    const unwritable = run(file, dir);
    assert.equal(unwritable.status, 0, unwritable.stderr);
    assert.equal(unwritable.stdout, "ok\n");
    assert.deepEqual([unwritable.stats?.misses, unwritable.stats?.written], [1, 0]);
    const other = project({ "value.js": "console.log('ok');\n" });
    const off = run(join(other, "value.js"), other, { HOMELAB_CODE_CACHE: "0" });
    assert.equal(off.stdout, "ok\n");
    assert.deepEqual([off.stats?.hits, off.stats?.misses], [0, 0]);
    // Under a policy manifest Node's own compile checks integrity: the cache stays off.
    const policy = join(other, "policy.json");
    writeFileSync(policy, JSON.stringify({ onerror: "log", resources: {} }));
    const policed = run(join(other, "value.js"), other, {
      NODE_OPTIONS: `--experimental-policy=${policy}`,
    });
    assert.deepEqual([policed.stats?.hits, policed.stats?.misses], [0, 0], policed.stderr);
    assert.deepEqual(cacheFiles(other), []);
  });

  it("the project's preload serves the Pulumi SDK from the cache", () => {
    const probe = `require("@pulumi/pulumi"); process.on("exit", () => console.log(JSON.stringify(require(${JSON.stringify(CODE_CACHE)}).stats)));`;
    const args = ["--require", REGISTER, "-e", probe];
    const once = () => {
      const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
      assert.equal(result.status, 0, result.stderr);
      return JSON.parse(result.stdout) as { hits: number; misses: number };
    };
    once(); // fills the cache
    // Test files running meanwhile share the project's cache: one of them may empty it when
    // it is full (cache-dir.js) between two of these runs, but not between every two.
    const runs = [once()];
    while (runs.length < 3 && runs.at(-1)!.misses > 0) runs.push(once());
    const stats = runs.at(-1)!;
    assert.equal(stats.misses, 0, JSON.stringify(runs));
    assert.ok(stats.hits > 100, `${stats.hits} modules from the cache`);
  });
});

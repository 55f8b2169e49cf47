/**
 * The `.ts` require hook (src/boot/typescript.js): TypeScript runs as tsc would emit it, from
 * a disk cache keyed by content, with stack traces at `.ts` lines (also once source-map-support
 * is installed, as the Pulumi SDK's cmd/run does: the hook formats stacks again); nothing else
 * is transformed.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import Module from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fortiosVersion, PROVIDER_MODULE } from "../../src/providers/fortios/resource";
import { loadedSources, sourceVersion } from "../../src/providers/kit/version";

const ROOT = join(__dirname, "..", "..");
const REGISTER = join(ROOT, "src", "boot", "register.js");
const dir = mkdtempSync(join(tmpdir(), "ts-hook-"));

/** Runs `file` with the hook (and `preload` modules first); returns stdout, stderr, status. */
function node(args: string[], preload: string[] = []) {
  const result = spawnSync(
    process.execPath,
    [...preload.flatMap((p) => ["--require", p]), "--require", REGISTER, ...args],
    { cwd: ROOT, encoding: "utf8" },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A module whose line 12 throws, after type-only lines esbuild drops. */
const THROWER = `interface Shape {
  readonly kind: "circle" | "square";
  readonly size: number;
}

type Sized = Pick<Shape, "size">;

export function area(shape: Shape): number {
  const sized: Sized = shape;
  if (shape.kind === "circle") return Math.PI * sized.size ** 2;
  if (shape.kind === "square") return sized.size ** 2;
  throw new Error(\`unknown kind \${String(shape.kind)}\`);
}

try {
  area({ kind: "triangle" } as unknown as Shape);
} catch (error) {
  console.log((error as Error).stack);
}
`;

describe("the .ts require hook", () => {
  it("runs TypeScript, from the cache once transpiled; a changed file is transpiled again", () => {
    const file = join(dir, "answer.ts");
    // The cache is keyed by text: this run's directory in a comment makes the text new.
    const probe = `console.log(JSON.stringify({ answer: ANSWER, esbuild: Object.keys(require.cache).some((p) => p.includes("/node_modules/esbuild/lib/")) })); // ${dir}`;
    writeFileSync(file, `const ANSWER: number = 42;\n${probe}\nexport {};\n`);
    const first = node([file]);
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(JSON.parse(first.stdout), { answer: 42, esbuild: true });
    const again = node([file]);
    assert.deepEqual(JSON.parse(again.stdout), { answer: 42, esbuild: false }, "from the cache");
    writeFileSync(file, `const ANSWER: number = 43;\n${probe}\nexport {};\n`);
    assert.deepEqual(JSON.parse(node([file]).stdout), { answer: 43, esbuild: true });
  });

  it("stack traces point at the .ts line, also after source-map-support is installed", () => {
    const file = join(dir, "thrower.ts");
    writeFileSync(file, THROWER);
    for (const preload of [[], ["source-map-support/register"]]) {
      const result = node([file], preload);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /^Error: unknown kind triangle\n {4}at area \(/, preload.join());
      assert.ok(
        result.stdout.includes(`(${file}:12:9)`),
        `${preload.join() || "own formatter"}: no frame at ${file}:12:9 in\n${result.stdout}`,
      );
    }
  });

  it("a copy at another path runs from the same cache entry, its frames at its own path", () => {
    const text = `${THROWER}console.log(Object.keys(require.cache).some((p) => p.includes("/node_modules/esbuild/lib/")));\n// ${dir}\n`;
    const [first, copy] = ["first", "copy"].map((name) => {
      mkdirSync(join(dir, name), { recursive: true });
      writeFileSync(join(dir, name, "thrower.ts"), text);
      return join(dir, name, "thrower.ts");
    });
    const ran = [first!, copy!].map((file) => node([file]));
    assert.deepEqual(
      ran.map((r) => r.stdout.trimEnd().split("\n").at(-1)),
      ["true", "false"],
      "esbuild ran for the first file only",
    );
    for (const [i, file] of [first!, copy!].entries()) {
      assert.ok(ran[i]!.stdout.includes(`(${file}:12:9)`), `no frame at ${file}:12:9`);
    }
  });

  it("registers .ts only: every other file loads as plain node loads it", () => {
    assert.deepEqual(Object.keys(Module["_extensions" as keyof typeof Module]).sort(), [
      ".js",
      ".json",
      ".node",
      ".ts",
    ]);
    const print = `console.log(Object.values(require.extensions).slice(0, 3).join("\\n"))`;
    const plain = spawnSync(process.execPath, ["-e", print], { encoding: "utf8" });
    const hooked = node(["-e", print]);
    assert.equal(hooked.status, 0, hooked.stderr);
    assert.equal(hooked.stdout, plain.stdout, "the .js, .json and .node loaders are node's own");
  });

  it("keeps __dirname the .ts file's directory: the providers' source-hash version", () => {
    const sources = loadedSources(PROVIDER_MODULE);
    assert.ok(sources.length > 3 && sources.every((f) => f.endsWith(".ts")));
    assert.equal(fortiosVersion(), sourceVersion(sources));
    assert.match(fortiosVersion(), /^[0-9a-f]{16}$/);
  });

  it("keeps its cache under node_modules/.cache/homelab-ts", () => {
    const cache = join(ROOT, "node_modules", ".cache", "homelab-ts");
    assert.ok(readdirSync(cache).some((f) => f.endsWith(".js")));
  });

  it("leaves the SDK's per-promise stacks unformatted unless PULUMI_DEBUG_PROMISE_LEAKS is set", () => {
    const script = `require("@pulumi/pulumi");
const { debuggablePromise } = require("@pulumi/pulumi/runtime/debuggable");
const p = Promise.resolve(1);
debuggablePromise(p, "ctx");
function debuggablePromiseLookalike() { return new Error("mine").stack; }
console.log(JSON.stringify({ sdk: p._debugStackTrace, mine: debuggablePromiseLookalike() }));`;
    const run = (env: Record<string, string>) => {
      const result = spawnSync(process.execPath, ["--require", REGISTER, "-e", script], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, ...env },
      });
      assert.equal(result.status, 0, result.stderr);
      return JSON.parse(result.stdout) as { sdk: string; mine: string };
    };
    const quiet = run({});
    assert.equal(quiet.sdk, "Error");
    assert.match(quiet.mine, /^Error: mine\n {4}at debuggablePromiseLookalike /);
    const debugging = run({ PULUMI_DEBUG_PROMISE_LEAKS: "1" });
    assert.match(debugging.sdk, /^Error\n {4}at debuggablePromise \(.*debuggable\.js:\d+:\d+\)/);
  });
});

/**
 * The SDK runtime tuning (src/lib/sdk-runtime.ts): both changes are in place with the pinned
 * SDK (this fails when an upgrade moves what they change), the SDK's promises keep their
 * leak tracking and its report at exit, and strings are encoded to the bytes the SDK's own
 * encoder writes.
 */
// test: own process (it sees the SDK before the tuning; test/helpers/batch.js)
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tuneSdkRuntime } from "../../src/lib/sdk-runtime";

const ROOT = join(__dirname, "..", "..");
const sdkRequire = createRequire(require.resolve("@pulumi/pulumi/package.json"));

type WriteString = (this: Writer, field: number, value: string) => void;
interface Writer {
  getResultBuffer(): Uint8Array;
}
const { BinaryWriter } = sdkRequire("google-protobuf") as {
  BinaryWriter: { new (): Writer; prototype: Writer };
};
const writeStringOf = () =>
  Object.getOwnPropertyDescriptor(BinaryWriter.prototype, "writeString")!.value as WriteString;
// The SDK's encoder, before the tuning replaces it (importing sdk-runtime changes nothing).
const sdkWriteString = writeStringOf();

const debuggable = sdkRequire("@pulumi/pulumi/runtime/debuggable") as {
  debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
  leakedPromises(): [Set<Promise<unknown>>, string];
};

describe("the SDK runtime tuning", () => {
  it("is in place with this SDK, once per process", () => {
    const tuning = tuneSdkRuntime();
    assert.deepEqual(tuning, { promiseStacks: "in place", protobufStrings: "in place" });
    assert.equal(tuneSdkRuntime(), tuning);
  });

  it("the SDK's promises keep their leak tracking, without stacks or debug properties", async () => {
    tuneSdkRuntime();
    void debuggable.debuggablePromise(Promise.resolve(0), "the SDK's own, once");
    debuggable.leakedPromises(); // starts from an empty list
    let resolve!: (v: number) => void;
    const pending = new Promise<number>((r) => (resolve = r));
    const tracked = debuggable.debuggablePromise(pending, "a test promise");
    assert.notEqual(tracked, pending, "a promise that settles with it, as the SDK's");
    for (const property of ["_debugId", "_debugCtx", "_debugStackTrace"])
      assert.ok(!(property in pending), `${property}: read only with PULUMI_DEBUG_PROMISE_LEAKS`);
    const [leaked] = debuggable.leakedPromises();
    assert.ok(leaked.has(pending), "a pending promise is a leak candidate");
    const again = debuggable.debuggablePromise(pending, "a test promise");
    resolve(42);
    assert.equal(await tracked, 42);
    assert.equal(await again, 42);
    const settled = Promise.resolve(1);
    await debuggable.debuggablePromise(settled, "settles");
    assert.ok(!debuggable.leakedPromises()[0].has(settled), "a settled one is not");
  });

  it("a rejection carries its promise, as the SDK's; a primitive reason fails as there", async () => {
    tuneSdkRuntime();
    const error = new Error("refused");
    const rejected = Promise.reject(error);
    await assert.rejects(debuggable.debuggablePromise(rejected, "rejects"), error);
    assert.equal((error as Error & { promise?: unknown }).promise, rejected);
    assert.ok(!debuggable.leakedPromises()[0].has(rejected));
    // The SDK's strict-mode `err.promise = p` throws on a string reason.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the case tested
    const primitive = Promise.reject("a string");
    await assert.rejects(
      debuggable.debuggablePromise(primitive, "rejects"),
      (e: unknown) => e instanceof TypeError && /Cannot create property 'promise'/.test(e.message),
    );
  });

  it("a promise still pending at exit is reported as the SDK reports it, exit code 1", () => {
    const script = `const { tuneSdkRuntime } = require("./src/lib/sdk-runtime.ts");
tuneSdkRuntime();
const { debuggablePromise } = require("@pulumi/pulumi/runtime/debuggable");
debuggablePromise(Promise.resolve(1), "settles");
debuggablePromise(new Promise(() => {}), "never settles");`;
    const result = spawnSync(
      process.execPath,
      ["--require", join(ROOT, "src", "boot", "register.js"), "-e", script],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /The Pulumi runtime detected that 1 promise was still active/);
  });

  it("strings are the bytes the SDK's own encoder writes", () => {
    tuneSdkRuntime();
    const text = `exports.handler = __f0; // é → 😀 ${"x".repeat(70_000)} \u0000 \uffff \u{10ffff}`;
    const encode = (writeString: WriteString) => {
      const writer = new BinaryWriter();
      writeString.call(writer, 1, text);
      writeString.call(writer, 2, "");
      return Buffer.from(writer.getResultBuffer());
    };
    assert.notEqual(writeStringOf(), sdkWriteString, "replaced");
    assert.deepEqual(encode(writeStringOf()), encode(sdkWriteString));
  });

  it("with PULUMI_DEBUG_PROMISE_LEAKS set, the SDK's promises keep their whole stacks", () => {
    const script = `const { tuneSdkRuntime } = require("./src/lib/sdk-runtime.ts");
const tuning = tuneSdkRuntime();
const { debuggablePromise } = require("@pulumi/pulumi/runtime/debuggable");
const p = Promise.resolve(1); debuggablePromise(p, "x");
console.log(JSON.stringify({ tuning, lines: p._debugStackTrace.split("\\n").length }));`;
    const result = spawnSync(
      process.execPath,
      ["--require", join(ROOT, "src", "boot", "register.js"), "-e", script],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, PULUMI_DEBUG_PROMISE_LEAKS: "1" } },
    );
    assert.equal(result.status, 0, result.stderr);
    const out = JSON.parse(result.stdout) as { tuning: { promiseStacks: string }; lines: number };
    assert.equal(out.tuning.promiseStacks, "skipped: PULUMI_DEBUG_PROMISE_LEAKS is set");
    assert.ok(out.lines > 3, `${out.lines} lines`);
  });
});

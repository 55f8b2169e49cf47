/**
 * The runner's preload runs node:test's harness without an async hook (test/helpers/
 * harness-hook.js): tests still find their parents, and a failure the hook would have pinned
 * on a test still fails the run.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

const ROOT = join(__dirname, "..", "..");
const HOOK = join(ROOT, "test", "helpers", "harness-hook.js");

/** Runs a test file with the runner's preloads; returns its status and output. */
function runFile(text: string, env: Record<string, string> = {}) {
  const file = join(mkdtempSync(join(tmpdir(), "harness-hook-")), "probe.test.js");
  writeFileSync(file, text);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.NODE_TEST_CONTEXT; // a runner of its own, not a child of this one
  const result = spawnSync(
    process.execPath,
    ["--require", join(ROOT, "src", "boot", "register.js"), "--require", HOOK, "--test", file],
    { cwd: ROOT, encoding: "utf8", env: childEnv, timeout: 60_000 },
  );
  return { status: result.status, output: result.stdout + result.stderr };
}

describe("the test runner's preload", () => {
  it("this process runs without the harness's async hook", () => {
    const state = (globalThis as { homelabHarnessHook?: { harnessHook: string } })
      .homelabHarnessHook;
    assert.equal(state?.harnessHook, "no async hook: AsyncResources only");
  });

  it("suites, tests and hooks still find their parents", () => {
    const probe = `const { after, before, describe, it } = require("node:test");
describe("outer", () => {
  before(() => console.log("HOOK before outer"));
  after(() => console.log("HOOK after outer"));
  describe("inner", () => {
    it("deepest", () => {});
  });
  it("sibling", async (t) => {
    await t.test("subtest", () => {});
  });
});
it("top", () => {});
`;
    const result = runFile(probe);
    assert.equal(result.status, 0, result.output);
    // TAP: four spaces per level of nesting.
    assert.match(result.output, /\n {8}ok 1 - deepest\n/);
    assert.match(result.output, /\n {4}ok 1 - inner\n/);
    assert.match(result.output, /\n {8}ok 1 - subtest\n/);
    assert.match(result.output, /\n {4}ok 2 - sibling\n/);
    assert.match(result.output, /\nok 1 - outer\n/);
    assert.match(result.output, /\nok 2 - top\n/);
    assert.ok(
      result.output.indexOf("HOOK before outer") < result.output.indexOf("HOOK after outer"),
    );
  });

  it("an unhandled rejection in a test still fails the run, and names the error", () => {
    const probe = `const { it } = require("node:test");
it("rejects without a handler", async () => {
  Promise.reject(new Error("boom from a forgotten promise"));
  await new Promise((resolve) => setTimeout(resolve, 100));
});
it("passes", () => {});
`;
    const quiet = runFile(probe);
    assert.notEqual(quiet.status, 0, quiet.output);
    assert.match(quiet.output, /boom from a forgotten promise/);
    assert.match(quiet.output, /triggered an unhandledRejection event/);
    // With HOMELAB_TEST_ASYNC_HOOK=1 node:test pins it on the test, as without the preload.
    const pinned = runFile(probe, { HOMELAB_TEST_ASYNC_HOOK: "1" });
    assert.notEqual(pinned.status, 0, pinned.output);
    assert.match(pinned.output, /not ok 1 - rejects without a handler/);
  });

  it("other async hooks are left alone", () => {
    const probe = `const { it } = require("node:test");
const { createHook } = require("node:async_hooks");
it("sees its own promises", async () => {
  let seen = 0;
  const hook = createHook({ init(id, type) { if (type === "PROMISE") seen++; } }).enable();
  await new Promise((resolve) => setTimeout(resolve, 1));
  hook.disable();
  if (seen === 0) throw new Error("the hook saw nothing");
});
`;
    const result = runFile(probe);
    assert.equal(result.status, 0, result.output);
  });

  it("no promise is tracked: code after an await runs in no async resource", () => {
    // With any async hook that has `init`, Node gives each promise an id (updatePromiseHookMode).
    const probe = `const { it } = require("node:test");
const { executionAsyncId } = require("node:async_hooks");
it("after an await", async () => {
  await null;
  console.log("AFTER AWAIT " + executionAsyncId());
});
`;
    const result = runFile(probe);
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /AFTER AWAIT 0\n/);
    const kept = runFile(probe, { HOMELAB_TEST_ASYNC_HOOK: "1" });
    assert.match(kept.output, /AFTER AWAIT [1-9]\d*\n/);
  });

  it("an exception thrown by a test's timer fails the run, outside any test", () => {
    const probe = `const { it } = require("node:test");
it("starts a timer that throws", (t, done) => {
  setTimeout(() => { throw new Error("boom from a timer"); }, 5);
  setTimeout(done, 100);
});
`;
    const result = runFile(probe);
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, /boom from a timer" which triggered an uncaughtException event/);
    const pinned = runFile(probe, { HOMELAB_TEST_ASYNC_HOOK: "1" });
    assert.match(pinned.output, /not ok 1 - starts a timer that throws/);
  });
});

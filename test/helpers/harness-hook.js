/**
 * The test runner's preload (scripts/run-tests.mjs): node:test's harness stops tracking
 * promises.
 *
 * Node 20's harness (lib/internal/test_runner/harness.js, setup) enables an async_hooks hook
 * with `init` and `destroy` callbacks that maps every async resource, every promise included,
 * to the test that created it: `describe`, `it` and the hooks find their parent test through
 * it, and an uncaught exception or unhandled rejection fails the test it came from. The
 * Pulumi SDK creates hundreds of thousands of promises per plan; tracking each one's
 * destruction (a weak callback per promise) and mapping it took half the CPU of a test file
 * that plans a stack (test/cli/renames.test.ts: 11.8 s; 6.3 s with this).
 *
 * The harness's hook is replaced by one without `destroy` whose `init` passes on every
 * resource but promises: tests, suites and hooks still find their parent (they are created
 * synchronously in their parent's scope), timers and I/O still map to their test. What
 * changes: code that runs after an `await` is not mapped to its test any more, so a test
 * created there lands at the top level, and an unhandled rejection is reported as a
 * top-level diagnostic ("A resource generated asynchronous activity after the test ended ...
 * <the error>") with exit code 1 instead of failing its test: the run fails all the same
 * (test/helpers/harness-hook.test.ts). To see which test it came from, run the file with
 * HOMELAB_TEST_ASYNC_HOOK=1, which keeps the harness's own hook.
 */
"use strict";
const asyncHooks = require("node:async_hooks");

const HARNESS = "node:internal/test_runner/harness";

/** Whether the caller of createHook is the harness's `setup` (not code a test runs). */
function calledFromHarnessSetup() {
  const { prepareStackTrace, stackTraceLimit } = Error;
  const holder = {};
  try {
    Error.stackTraceLimit = 3;
    Error.prepareStackTrace = (_, frames) => frames;
    Error.captureStackTrace(holder, calledFromHarnessSetup);
    // [0]: the createHook wrapper below; [1]: its caller.
    const caller = holder.stack?.[1];
    return caller?.getFileName() === HARNESS && caller.getFunctionName() === "setup";
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}
const state = { harnessHook: "not created" };
globalThis.homelabHarnessHook = state;

if (process.env.HOMELAB_TEST_ASYNC_HOOK !== "1") {
  const createHook = asyncHooks.createHook;
  asyncHooks.createHook = function (callbacks) {
    if (!calledFromHarnessSetup()) return createHook.call(this, callbacks);
    state.harnessHook = "promises untracked";
    return createHook.call(this, {
      init(asyncId, type, triggerAsyncId, resource) {
        if (type !== "PROMISE") callbacks.init(asyncId, type, triggerAsyncId, resource);
      },
    });
  };
} else {
  state.harnessHook = "kept (HOMELAB_TEST_ASYNC_HOOK=1)";
}

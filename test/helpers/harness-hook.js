/**
 * The test runner's preload (scripts/run-tests.mjs): node:test's harness runs without an
 * async_hooks hook.
 *
 * Node 20's harness (lib/internal/test_runner/harness.js, setup) enables an async_hooks hook
 * with `init` and `destroy` callbacks that maps every async resource, every promise included,
 * to the test that created it: `describe`, `it` and the hooks find their parent test through
 * it (a test runs in its own AsyncResource's scope), and an uncaught exception or unhandled
 * rejection fails the test it came from. Any `init` hook makes V8 call into Node for every
 * promise made (lib/internal/async_hooks.js, updatePromiseHookMode), and the Pulumi SDK makes
 * hundreds of thousands per plan: tracking them took half the CPU of a file that plans
 * stacks (test/cli/renames.test.ts: 11.8 s; 6.3 s without `destroy` and without promises in
 * `init`), and the promise hooks alone still a tenth of what was left.
 *
 * So no hook is enabled. The harness gets a stand-in hook, and its `init` is called for
 * AsyncResources only, as they are made: node:test's tests, suites and hooks are
 * AsyncResources (internal/test_runner/test.js, `class Test extends AsyncResource`, loaded
 * after this preload), so each still finds its parent. What changes: timers, I/O and
 * promises are not mapped to their test, so a test created after an `await` lands at the
 * top level, and an uncaught exception or unhandled rejection is reported as a top-level
 * diagnostic ("... generated asynchronous activity after the test ended ... <the error>")
 * with exit code 1 instead of failing its test: the run fails all the same, and the
 * failure summary names it (test/helpers/harness-hook.test.ts). To see which test it came
 * from, run the file with HOMELAB_TEST_ASYNC_HOOK=1, which keeps the harness's own hook.
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
  /** The harness's `init`, once it has asked for its hook. */
  let harnessInit;
  const Base = asyncHooks.AsyncResource;
  /** An AsyncResource that tells the harness it was made, as its hook would have heard. */
  class AsyncResource extends Base {
    constructor(type, options) {
      super(type, options);
      harnessInit?.(this.asyncId(), type, this.triggerAsyncId(), this);
    }
  }
  asyncHooks.AsyncResource = AsyncResource;
  const createHook = asyncHooks.createHook;
  asyncHooks.createHook = function (callbacks) {
    if (!calledFromHarnessSetup()) return createHook.call(this, callbacks);
    state.harnessHook = "no async hook: AsyncResources only";
    const standIn = {
      enable() {
        harnessInit = callbacks.init;
        return standIn;
      },
      disable() {
        harnessInit = undefined;
        return standIn;
      },
    };
    return standIn;
  };
} else {
  state.harnessHook = "kept (HOMELAB_TEST_ASYNC_HOOK=1)";
}

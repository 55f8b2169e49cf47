/**
 * Runs several test files in one process, one after another (scripts/run-tests.mjs writes an
 * entry file per batch that calls runBatch). A process per file costs about a quarter of a
 * second of start-up for each of them (Node, node:test, the preload, the modules the file
 * loads, compiled and warmed up again); files that share a process share that.
 *
 * Each file becomes a suite named after its path, and is loaded only when the suite before it
 * has finished: its top-level code, `before` and `after` run in its turn, scoped to its
 * suite, as they would in a process of its own. The test modules (everything under test/,
 * helpers included) are loaded afresh for each file, so a helper's module-level state and
 * hooks (test/emulators/unifi-fixtures.ts stops its consoles in an `after` it registers when
 * it loads) belong to the file that uses them. What a file shares with the files before it
 * is the rest of what a process holds: the project's and the packages' modules and their
 * state (the Pulumi SDK's runtime, which each plan and each setMocks sets anew),
 * process.env, listeners. A file that needs a process of its own says so with a line
 * `// test: own process` (scripts/run-tests.mjs).
 */
"use strict";
const { AsyncResource } = require("node:async_hooks");
const { appendFileSync, readFileSync } = require("node:fs");
const { join, relative, sep } = require("node:path");
const { describe } = require("node:test");

const ROOT = join(__dirname, "..", "..");
const TESTS = join(ROOT, "test") + sep;
/** This module and the runner's preloads stay: they serve the whole process. */
const KEEP = new Set([
  __filename,
  require.resolve("./harness-hook.js"),
  require.resolve("./plan-memo.ts"),
]);

/** Forgets the loaded test modules (those under `tests`), so the next file loads its own. */
function forgetTestModules(tests) {
  for (const path of Object.keys(require.cache)) {
    if (path.startsWith(tests) && !KEEP.has(path)) delete require.cache[path];
  }
}

/**
 * With HOMELAB_TEST_CPU_LOG=<file>, each file's CPU time in milliseconds (in its process, and
 * in the processes it started and waited for) is appended there as "<ms>\t<path>\t<ms>":
 * where the suite's time goes.
 */
function logCpu(file, usage, children) {
  const log = process.env.HOMELAB_TEST_CPU_LOG;
  // A batch that a test runs (test/helpers/batch.test.ts) counts as that test's own time.
  if (!log || relative(ROOT, file).startsWith("..")) return;
  const ms = Math.round((usage.user + usage.system) / 1000);
  appendFileSync(log, `${ms}\t${relative(ROOT, file)}\t${childrenCpuMs() - children}\n`);
}

/** CPU of the child processes this one has waited for, in ms (Linux; 0 elsewhere). */
function childrenCpuMs() {
  if (!process.env.HOMELAB_TEST_CPU_LOG) return 0;
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    // cutime and cstime (fields 16 and 17 of proc(5)), in clock ticks of 10 ms.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return 0;
  }
}

/**
 * Runs `files` (absolute paths) in turn, each as a suite named after its path; `tests`: the
 * directory of the test modules to load afresh for each file (test/, or a test's own).
 */
function runBatch(files, tests = TESTS) {
  // The root's scope: a suite started from here is a top-level one, not a child of the one
  // that just ended (node:test finds a test's parent through the async context it runs in).
  const root = new AsyncResource("homelab-test-batch");
  const next = (index) => {
    if (index >= files.length) return;
    const file = files[index];
    const cpu = process.cpuUsage();
    const children = childrenCpuMs();
    const done = root.runInAsyncScope(() =>
      describe(relative(ROOT, file), () => {
        forgetTestModules(tests);
        require(file);
      }),
    );
    // A top-level describe answers a promise that settles when its suite has run.
    void Promise.resolve(done).then(() => {
      logCpu(file, process.cpuUsage(cpu), children);
      next(index + 1);
    });
  };
  next(0);
}

module.exports = { runBatch };

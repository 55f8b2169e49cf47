// Runs every test/**/*.test.ts with node's test runner (not vitest: it breaks Pulumi's
// closure serializer), TypeScript through the project's require hook (src/boot/register.js),
// without the async hook node:test installs in every test process (test/helpers/
// harness-hook.js: it took half the CPU of a file that plans a stack).
// The engine's files and those marked `// test: own process` run in processes of their own;
// the others share five, one file after another, each loading its own test modules
// (test/helpers/batch.js).
//
//   node scripts/run-tests.mjs [<path part>|<file>]...
//
// Arguments select the test files whose path contains one of them; an argument naming an
// existing file runs that file whatever its name. Every test has a time limit
// (TEST_TIMEOUT_MS, default 120000): a test awaiting something that never happens (an
// Output that never resolves while a server keeps the process alive) fails instead of
// hanging the run. Node 20 applies the same limit to each test file as a whole (its
// process), so it is also the longest a file may take. The report ends with a summary of
// the failures (test/helpers/failure-summary.mjs).
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { availableParallelism, tmpdir } from "node:os";

function find(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return find(path);
      return entry.endsWith(".test.ts") ? [path] : [];
    });
}

const filters = process.argv.slice(2);
const named = filters.filter((f) => existsSync(f) && statSync(f).isFile());
const parts = filters.filter((f) => !named.includes(f));
/**
 * The engine's files: each runs a plugin process and an emulator, in a process of its own.
 * node:test runs the files it is given in the order of their paths, whatever the order here:
 * the groups' entry files (in the temporary directory) come before the project's files, so
 * the engine's files run last, CONCURRENCY at a time. Running them first (named to sort first) made
 * no difference: `npm test` took 61.5–64.5 s against 60.6–69.0 s, two runs each.
 */
const ENGINE = join("test", "engine") + "/";
const found = find("test").filter((f) => parts.length === 0 || parts.some((x) => f.includes(x)));
const files = [...named, ...(named.length > 0 && parts.length === 0 ? [] : found)];
if (files.length === 0) {
  console.error(`no test files match ${filters.join(" ")}`);
  process.exit(1);
}
/** A file that must not share its process says so on a line of its own (test/helpers/batch.js). */
const OWN_PROCESS = /^\/\/ test: own process\b/m;

/**
 * Files that share processes (test/helpers/batch.js), in BATCHES groups: every file but the
 * engine's (each runs a plugin process and an emulator, and overlaps the others) and those
 * that ask for a process of their own. Each group takes the largest file left while it has
 * the least text (about the same work each, and each well within the time limit, which
 * Node applies to a group as to a file). Five: each process costs its start-up and warm-up
 * (ten groups took about 10 s more CPU than four or five, and three no less); a group runs
 * about a fifth of the shared files, some 25 s here, well within the limit on a machine
 * several times slower. HOMELAB_TEST_BATCH=<n> makes n groups; 0 runs every file in its own
 * process.
 */
const BATCHES = Number(process.env.HOMELAB_TEST_BATCH || 5);
/** The run's own files: the batches' entry files, the plan memo's plans. */
const runDir = mkdtempSync(join(tmpdir(), "homelab-test-"));
function batched(list) {
  if (!(BATCHES > 0)) return list;
  const shared = list.filter(
    (f) => !f.startsWith(ENGINE) && !OWN_PROCESS.test(readFileSync(f, "utf8")),
  );
  if (shared.length < 2) return list;
  const count = Math.min(BATCHES, Math.ceil(shared.length / 2));
  const groups = Array.from({ length: count }, () => ({ files: [], size: 0 }));
  const sizes = new Map(shared.map((f) => [f, statSync(f).size]));
  for (const file of [...shared].sort((a, b) => sizes.get(b) - sizes.get(a))) {
    const group = groups.reduce((a, b) => (b.size < a.size ? b : a));
    group.files.push(file);
    group.size += sizes.get(file);
  }
  const runner = JSON.stringify(resolve("test", "helpers", "batch.js"));
  const entries = groups.map((group, i) => {
    const entry = join(runDir, `batch-${i + 1}-of-${count}.test.js`);
    const files = JSON.stringify(group.files.sort().map((f) => resolve(f)));
    writeFileSync(entry, `require(${runner}).runBatch(${files});\n`);
    return entry;
  });
  return [...entries, ...list.filter((f) => !shared.includes(f))];
}

/**
 * V8 options of the test processes: no optimizing compiler and no background threads. A test
 * process runs most of its code a few times, so what TurboFan compiled on its own threads was
 * mostly thrown away with the process: without it the suite took a tenth less CPU (about 105
 * s instead of 117 s, three runs each, side by side). Only how fast code runs changes, not
 * what it does. The CLIs that tests start as subprocesses get them too (test/helpers/cli.ts:
 * a plan there took 0.65 s of CPU instead of 1.1 s), and so do the plugin processes of the
 * engine tests (test/engine/plugin.ts: the engine files took about 1 s less), but for the
 * one plugin.test starts exactly as the engine does. HOMELAB_TEST_V8_FLAGS replaces them
 * ("" for V8's defaults).
 */
const V8_FLAGS = (process.env.HOMELAB_TEST_V8_FLAGS ?? "--no-opt --single-threaded")
  .split(/\s+/)
  .filter(Boolean);

/**
 * Test processes at a time: one more than the cores. A test process waits at times (for its
 * subprocesses, its emulators' timeouts, the engine's plugin), and with one per core a core
 * then idles: here, 2 cores, three at a time took about 3 s less than two (three runs each,
 * side by side: 55.2-61.9 s against 57.7-65.2 s), four no less than three.
 * HOMELAB_TEST_CONCURRENCY=<n> sets it.
 */
const CONCURRENCY =
  Number(process.env.HOMELAB_TEST_CONCURRENCY) || Math.max(1, availableParallelism()) + 1;

const timeout = Number(process.env.TEST_TIMEOUT_MS ?? 120_000);
/**
 * A run that a test of another run started (a copy of the project's, the runner's own tests):
 * its CPU is counted as that test's child processes already, so it adds nothing to
 * HOMELAB_TEST_CPU_LOG.
 */
const nested = process.env.HOMELAB_TEST_RUN === "1";
const result = spawnSync(
  process.execPath,
  [
    ...V8_FLAGS,
    "--require",
    "./src/boot/register.js",
    "--require",
    "./test/helpers/harness-hook.js",
    "--require",
    "./test/helpers/plan-memo.ts",
    "--test",
    `--test-concurrency=${CONCURRENCY}`,
    `--test-timeout=${timeout}`,
    // Node's own report (spec on a terminal, TAP otherwise, as without these options), then
    // the failures again in a few lines at the very end, where a log cut to its end shows them.
    `--test-reporter=${process.stdout.isTTY ? "spec" : "tap"}`,
    "--test-reporter-destination=stdout",
    `--test-reporter=${resolve("test", "helpers", "failure-summary.mjs")}`,
    "--test-reporter-destination=stdout",
    ...batched(files),
  ],
  {
    stdio: "inherit",
    env: {
      ...process.env,
      PULUMI_ERROR_OUTPUT_STRING: "true",
      HOMELAB_TEST_RUN: "1",
      // The flags in force, for the CLIs that tests start (test/helpers/cli.ts) and nested runs.
      HOMELAB_TEST_V8_FLAGS: V8_FLAGS.join(" "),
      ...(nested ? { HOMELAB_TEST_CPU_LOG: "" } : {}),
      // This run's own memo, even in a run that a test of another run started.
      HOMELAB_TEST_PLAN_MEMO:
        process.env.HOMELAB_TEST_PLAN_MEMO === "0" ? "0" : join(runDir, "plans"),
    },
  },
);
rmSync(runDir, { recursive: true, force: true });
process.exit(result.status ?? 1);

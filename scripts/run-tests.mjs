// Runs every test/**/*.test.ts with node's test runner (not vitest: it breaks Pulumi's
// closure serializer), TypeScript through the project's require hook (src/boot/register.js),
// without the async hook node:test installs in every test process (test/helpers/
// harness-hook.js: it took half the CPU of a file that plans a stack).
// Each file runs in its own process, so Pulumi's global runtime state (mocks, config) never
// leaks between files.
//
//   node scripts/run-tests.mjs [<path part>|<file>]...
//
// Arguments select the test files whose path contains one of them; an argument naming an
// existing file runs that file whatever its name. Every test has a time limit
// (TEST_TIMEOUT_MS, default 120000): a test awaiting something that never happens (an
// Output that never resolves while a server keeps the process alive) fails instead of
// hanging the run. Node 20 applies the same limit to each test file as a whole (its
// process), so it is also the longest a file may take.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";

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
 * The engine tests first: the longest files, mostly waiting on a plugin process, so they
 * overlap the others instead of running alone at the end (about 4 s of a 95 s run).
 */
const FIRST = join("test", "engine") + "/";
const found = find("test").filter((f) => parts.length === 0 || parts.some((x) => f.includes(x)));
const files = [
  ...named,
  ...(named.length > 0 && parts.length === 0
    ? []
    : [...found.filter((f) => f.startsWith(FIRST)), ...found.filter((f) => !f.startsWith(FIRST))]),
];
if (files.length === 0) {
  console.error(`no test files match ${filters.join(" ")}`);
  process.exit(1);
}
const timeout = Number(process.env.TEST_TIMEOUT_MS ?? 120_000);
const result = spawnSync(
  process.execPath,
  [
    "--require",
    "./src/boot/register.js",
    "--require",
    "./test/helpers/harness-hook.js",
    "--test",
    `--test-concurrency=${Math.max(1, availableParallelism())}`,
    `--test-timeout=${timeout}`,
    ...files,
  ],
  { stdio: "inherit", env: { ...process.env, PULUMI_ERROR_OUTPUT_STRING: "true" } },
);
process.exit(result.status ?? 1);

// Runs every test/**/*.test.ts with node's test runner through tsx (not vitest: it breaks
// Pulumi's closure serializer). Each file runs in its own process, so Pulumi's global
// runtime state (mocks, config) never leaks between files.
import { readdirSync, statSync } from "node:fs";
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
const files = find("test").filter(
  (f) => filters.length === 0 || filters.some((x) => f.includes(x)),
);
if (files.length === 0) {
  console.error(`no test files match ${filters.join(" ")}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [
    "--import",
    "tsx",
    "--test",
    `--test-concurrency=${Math.max(1, availableParallelism())}`,
    ...files,
  ],
  { stdio: "inherit", env: { ...process.env, PULUMI_ERROR_OUTPUT_STRING: "true" } },
);
process.exit(result.status ?? 1);

// `npm run format:check`: Prettier's check of every file (`prettier --check .`, its per-file
// cache in node_modules/.cache/prettier), not run again while no file has changed since it
// passed (scripts/unchanged.cjs): then it says so and stops (0.1 s instead of 1.5 s, Prettier's
// start-up and a look at each of 700 files). Output and exit code otherwise are Prettier's.
//
//   node scripts/format-check.mjs
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { resolve } from "node:path";

const require = createRequire(import.meta.url);
const { fingerprint, passedWith, record, treeFiles } = require("./unchanged.cjs");

const ARGS = [
  "--check",
  ".",
  "--cache",
  "--cache-strategy",
  "content",
  "--cache-location",
  "node_modules/.cache/prettier/.prettier-cache",
];
/** Where a passed check is recorded. */
const PASSED = resolve("node_modules/.cache/prettier/passed.json");

const root = process.cwd();
// Every file: Prettier reads its configuration and ignore files as well as what it formats.
const print = fingerprint(root, treeFiles(root), { tool: "prettier", args: ARGS });
if (passedWith(PASSED, print)) {
  console.log("format:check: no file has changed since it passed");
  process.exit(0);
}
const result = spawnSync(
  process.execPath,
  [require.resolve("prettier/bin/prettier.cjs"), ...ARGS],
  {
    stdio: "inherit",
  },
);
const status = result.status ?? 1;
record(PASSED, status === 0 ? print : undefined);
process.exit(status);

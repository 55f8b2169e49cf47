// `npm run format:check`: Prettier's check of every file (`prettier --check .`, its per-file
// cache in node_modules/.cache/prettier), not run again in whole while nothing that sets
// Prettier's options has changed since it passed (its configuration and ignore files, any
// package.json, the installed packages):
// - no file changed since: it says so and stops (0.1 s instead of 1.5 s, Prettier's start-up
//   and a look at each of 700 files);
// - some did: it checks those, in this process, as the command line would (their options
//   from resolveConfig with .editorconfig, files that .gitignore or .prettierignore name or
//   whose language Prettier does not know left out: prettier/internal/legacy-cli.mjs,
//   getOptionsForFile), and says how many it checked (0.3 s);
// - one of those fails its check, or the options may have changed: `prettier --check .`,
//   whose output and exit code are then the script's.
// A check that fails records nothing: the files it found are checked again next time.
//
//   node scripts/format-check.mjs
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, resolve } from "node:path";

const require = createRequire(import.meta.url);
const { treeFiles } = require("./unchanged.cjs");

const ARGS = [
  "--check",
  ".",
  "--cache",
  "--cache-strategy",
  "content",
  "--cache-location",
  "node_modules/.cache/prettier/.prettier-cache",
];
/** Where a passed check is recorded: what set the options, and each file's hash. */
const PASSED = resolve("node_modules/.cache/prettier/passed.json");
/** Files that set Prettier's options or say which files it checks. */
const SETTINGS =
  /^(\.prettierrc(\..+)?|prettier\.config\.[cm]?[jt]s|\.prettierignore|\.gitignore|\.editorconfig|package\.json)$/;

const sha256 = (data) => createHash("sha256").update(data).digest("hex");
const read = (file) => {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
};

const root = process.cwd();
const files = treeFiles(root);
const hashes = Object.fromEntries(files.map((file) => [file, sha256(read(file) ?? "")]));
const settings = sha256(
  JSON.stringify({
    args: ARGS,
    prettier: require("prettier/package.json").version,
    packages: sha256(read("node_modules/.package-lock.json") ?? ""),
    files: files.filter((file) => SETTINGS.test(basename(file))).map((f) => [f, hashes[f]]),
  }),
);

function recordPass() {
  try {
    mkdirSync(dirname(PASSED), { recursive: true });
    writeFileSync(PASSED, `${JSON.stringify({ settings, files: hashes })}\n`);
  } catch {
    // A read-only node_modules: every run checks everything.
  }
}

/** Whether every one of `changed` passes Prettier's check as its command line checks it. */
async function changedPass(changed) {
  const prettier = await import("prettier");
  let checked = 0;
  for (const file of changed) {
    const info = await prettier.getFileInfo(file, {
      ignorePath: [".gitignore", ".prettierignore"],
      resolveConfig: true,
    });
    if (info.ignored || !info.inferredParser) continue;
    const options = await prettier.resolveConfig(file, { editorconfig: true });
    const text = read(file);
    if (text === undefined) continue; // removed since
    try {
      if (!(await prettier.check(text.toString("utf8"), { ...options, filepath: file }))) {
        return undefined;
      }
    } catch {
      return undefined; // the command line says what is wrong
    }
    checked++;
  }
  return checked;
}

let last;
try {
  last = JSON.parse(readFileSync(PASSED, "utf8"));
} catch {
  last = undefined;
}
if (last?.settings === settings && last.files && typeof last.files === "object") {
  const changed = files.filter((file) => last.files[file] !== hashes[file]);
  if (changed.length === 0) {
    console.log("format:check: no file has changed since it passed");
    process.exit(0);
  }
  const checked = await changedPass(changed);
  if (checked !== undefined) {
    console.log(
      `format:check: ${changed.length} changed since it passed; the ${checked} Prettier formats use its code style`,
    );
    recordPass();
    process.exit(0);
  }
}
const result = spawnSync(
  process.execPath,
  [require.resolve("prettier/bin/prettier.cjs"), ...ARGS],
  {
    stdio: "inherit",
  },
);
const status = result.status ?? 1;
if (status === 0) recordPass();
process.exit(status);

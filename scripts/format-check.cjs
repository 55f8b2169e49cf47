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
//   node scripts/format-check.cjs
"use strict";
const { spawnSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const { mkdirSync, readFileSync, writeFileSync } = require("node:fs");
const { basename, dirname, join } = require("node:path");
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
const PASSED = "node_modules/.cache/prettier/passed.json";
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

/**
 * The check of the project in `cwd`, what it says written to `out`; returns the exit code
 * (Prettier's when its command line ran).
 */
async function formatCheck({ cwd = process.cwd(), out = process.stdout } = {}) {
  const at = (file) => join(cwd, file);
  const files = treeFiles(cwd);
  const hashes = Object.fromEntries(files.map((file) => [file, sha256(read(at(file)) ?? "")]));
  const settings = sha256(
    JSON.stringify({
      args: ARGS,
      prettier: require("prettier/package.json").version,
      packages: sha256(read(at("node_modules/.package-lock.json")) ?? ""),
      files: files.filter((file) => SETTINGS.test(basename(file))).map((f) => [f, hashes[f]]),
    }),
  );
  const recordPass = () => {
    try {
      mkdirSync(dirname(at(PASSED)), { recursive: true });
      writeFileSync(at(PASSED), `${JSON.stringify({ settings, files: hashes })}\n`);
    } catch {
      // A read-only node_modules: every run checks everything.
    }
  };

  /** How many of `changed` Prettier checked, all passing; undefined when one fails. */
  const changedPass = async (changed) => {
    const prettier = await import("prettier");
    let checked = 0;
    for (const file of changed) {
      const info = await prettier.getFileInfo(at(file), {
        ignorePath: [at(".gitignore"), at(".prettierignore")],
        resolveConfig: true,
      });
      if (info.ignored || !info.inferredParser) continue;
      const options = await prettier.resolveConfig(at(file), { editorconfig: true });
      const text = read(at(file));
      if (text === undefined) continue; // removed since
      try {
        const ok = await prettier.check(text.toString("utf8"), { ...options, filepath: at(file) });
        if (!ok) return undefined;
      } catch {
        return undefined; // the command line says what is wrong
      }
      checked++;
    }
    return checked;
  };

  let last;
  try {
    last = JSON.parse(readFileSync(at(PASSED), "utf8"));
  } catch {
    last = undefined;
  }
  if (last?.settings === settings && last.files && typeof last.files === "object") {
    const changed = files.filter((file) => last.files[file] !== hashes[file]);
    if (changed.length === 0) {
      out.write("format:check: no file has changed since it passed\n");
      return 0;
    }
    const checked = await changedPass(changed);
    if (checked !== undefined) {
      out.write(
        `format:check: ${changed.length} changed since it passed; the ${checked} Prettier formats use its code style\n`,
      );
      recordPass();
      return 0;
    }
  }
  const cli = [require.resolve("prettier/bin/prettier.cjs"), ...ARGS];
  const inherit = out === process.stdout;
  // Output for `out` is not a terminal's: no colours (Prettier's are on where CI is set).
  const plain = { ...process.env, NO_COLOR: "1" };
  delete plain.FORCE_COLOR;
  const result = spawnSync(process.execPath, cli, {
    cwd,
    encoding: "utf8",
    stdio: inherit ? "inherit" : ["ignore", "pipe", "pipe"],
    env: inherit ? process.env : plain,
  });
  if (!inherit) out.write(`${result.stdout}${result.stderr}`);
  const status = result.status ?? 1;
  if (status === 0) recordPass();
  return status;
}

module.exports = { formatCheck };

if (require.main === module) {
  void formatCheck().then((code) => (process.exitCode = code));
}

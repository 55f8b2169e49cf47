// `npm run typecheck`: TypeScript's check of the project (tsconfig.json), not run again while
// nothing it read has changed since it last passed.
//
// When the check passes, this script records what it read (INPUTS): the compiler's version and
// options, package-lock.json, the files of tsconfig.json's `include`, and a hash of every file
// the check read (the list in tsc's build info, tsconfig.json's tsBuildInfoFile: the project's
// files, the packages' declarations, .github/scripts/*.d.cts, JSON modules). Next time, when
// all of it is the same, the check would find what it found: the script says so and stops
// (0.3 s instead of 3.5 s). Otherwise it runs tsc as `tsc -p .` does, in this process
// (incremental: it parses everything again and checks what changed and what that reaches); a
// failed check is never recorded, so its errors are reported again until they are fixed.
// Exit code: tsc's.
//
// Not tsc's build mode (`tsc -b`), which decides from the build info alone: it dates only the
// files of `include`, so it finds the project up to date after a package's declarations
// change (npm gives every file it installs the same date of 1985), or after a file that is
// older than the build info is added (moved in, unpacked, `cp -p`).
//
//   node scripts/typecheck.mjs
import { createHash } from "node:crypto";
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";

const require = createRequire(import.meta.url);
const ts = require("typescript");

const sha256 = (data) => createHash("sha256").update(data).digest("hex");

function read(path) {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

const config = ts.getParsedCommandLineOfConfigFile(
  "tsconfig.json",
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
);
/** Without a config or its build info, tsc reports what is wrong and nothing is recorded. */
const buildInfo = config?.options.tsBuildInfoFile;
const INPUTS = buildInfo && join(dirname(buildInfo), "inputs.json");

/**
 * What the check depends on besides the files it reads: the compiler, its options, the
 * installed packages (their lock), the files of `include`.
 */
function settings() {
  const lock = read(resolve("package-lock.json"));
  return sha256(
    JSON.stringify({
      typescript: ts.version,
      options: config.options,
      lock: lock === undefined ? null : sha256(lock),
      roots: config.fileNames,
      errors: config.errors.length,
    }),
  );
}

/** The files the build info lists, each as the build info names it, with its hash now. */
function filesRead() {
  const info = read(buildInfo);
  let names = [];
  try {
    names = info === undefined ? [] : JSON.parse(info.toString("utf8")).fileNames;
  } catch {
    // A build info tsc cannot read either: it checks everything.
  }
  return Object.fromEntries(
    (Array.isArray(names) ? names : []).map((name) => {
      const text = read(resolve(dirname(buildInfo), String(name)));
      return [String(name), text === undefined ? "missing" : sha256(text)];
    }),
  );
}

function recorded() {
  try {
    return JSON.parse(readFileSync(INPUTS, "utf8"));
  } catch {
    return undefined;
  }
}

/** Same keys, same values. */
const sameFiles = (a, b) =>
  Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => a[k] === b[k]);

// What there is to read is read before tsc runs: a file that changes while it runs is recorded
// as it was, so the next run checks it again.
const started = Date.now();
const before = INPUTS ? { settings: settings(), files: filesRead() } : undefined;
const last = INPUTS ? recorded() : undefined;
if (
  before !== undefined &&
  last?.settings === before.settings &&
  Object.keys(before.files).length > 0 &&
  sameFiles(last.files ?? {}, before.files)
) {
  console.log(`typecheck: nothing it reads has changed since it passed (${INPUTS})`);
  process.exit(0);
}

// tsc as its command line runs it (`tsc -p .`), in this process: TypeScript is loaded already.
let status = 1;
ts.executeCommandLine({ ...ts.sys, exit: (code = 0) => void (status = code) }, () => {}, [
  "-p",
  ".",
]);
if (INPUTS) {
  const files = status === 0 ? filesRead() : {};
  // A file the build info did not list before (all of them, the first time) is read now: if
  // it changed since a second before tsc started, tsc may have read another text, and nothing
  // is recorded.
  const changedSince = (name) => {
    try {
      return statSync(resolve(dirname(buildInfo), name)).mtimeMs >= started - 1000;
    } catch {
      return true;
    }
  };
  const fresh = Object.keys(files).filter((name) => before.files[name] === undefined);
  if (status === 0 && !fresh.some(changedSince)) {
    for (const name of Object.keys(files)) files[name] = before.files[name] ?? files[name];
    writeFileSync(INPUTS, `${JSON.stringify({ settings: before.settings, files })}\n`);
  } else {
    rmSync(INPUTS, { force: true });
  }
}
process.exit(status);

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
// `typecheck(onProgram)` hands the program it checked to `onProgram`: scripts/check-code.ts
// lints with it instead of making another (2.6 s of CPU). So that it is the program
// typescript-eslint would make, its files are parsed with their JSDoc (tsc parses only what
// type errors need, typescript-eslint everything: a rule may read a `@deprecated`), which
// changes no type error; the rest is what `tsc -p .` does (runTsc).
//
//   node scripts/typecheck.cjs
"use strict";
const { createHash } = require("node:crypto");
const { readFileSync, rmSync, statSync, writeFileSync } = require("node:fs");
const { dirname, join, resolve } = require("node:path");
const ts = require("typescript");

const sha256 = (data) => createHash("sha256").update(data).digest("hex");

function read(path) {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** The project in `cwd`: its parsed tsconfig.json, its build info, the record of a pass. */
function project(cwd) {
  const config = ts.getParsedCommandLineOfConfigFile(
    resolve(cwd, "tsconfig.json"),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  // Without a config or its build info, tsc reports what is wrong and nothing is recorded.
  const buildInfo = config?.options.tsBuildInfoFile;
  return { cwd, config, buildInfo, inputs: buildInfo && join(dirname(buildInfo), "inputs.json") };
}

/**
 * What the check depends on besides the files it reads: the compiler, its options, the
 * installed packages (their lock), the files of `include`.
 */
function settings({ cwd, config }) {
  const lock = read(resolve(cwd, "package-lock.json"));
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
function filesRead({ buildInfo }) {
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

function recorded({ inputs }) {
  try {
    return JSON.parse(readFileSync(inputs, "utf8"));
  } catch {
    return undefined;
  }
}

/** Same keys, same values. */
const sameFiles = (a, b) =>
  Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => a[k] === b[k]);

/**
 * `tsc -p .` run in `cwd`, in this process, as TypeScript's command line runs an incremental
 * project (typescript/lib/typescript.js: executeCommandLineWorker,
 * performIncrementalCompilation2): the same diagnostics, summary and exit code, and the build
 * info written; its output to `out`. Its host parses JSDoc whole, and `onProgram` gets the
 * program. Without the functions of TypeScript's it needs (not all are public), or for a
 * project that is not incremental: `tsc -p .` itself, and no program.
 */
function runTsc(cwd, out, onProgram) {
  const system = {
    ...ts.sys,
    getCurrentDirectory: () => cwd,
    write: (text) => void out.write(text),
  };
  const needed = [
    "performIncrementalCompilation",
    "createDiagnosticReporter",
    "getErrorSummaryText",
  ];
  const plain = () => {
    let status = 1;
    const exit = (code = 0) => void (status = code);
    ts.executeCommandLine({ ...system, exit }, () => {}, ["-p", cwd]);
    return status;
  };
  if (!needed.every((name) => typeof ts[name] === "function")) return plain();
  let unrecoverable;
  const parsed = ts.getParsedCommandLineOfConfigFile(
    resolve(cwd, "tsconfig.json"),
    {},
    { ...system, onUnRecoverableConfigFileDiagnostic: (d) => void (unrecoverable = d) },
  );
  if (!parsed || unrecoverable || !(parsed.options.incremental || parsed.options.composite)) {
    return plain(); // tsc reports what is wrong
  }
  const pretty =
    parsed.options.pretty ??
    (out === process.stdout &&
      !!ts.sys.writeOutputIsTTY &&
      ts.sys.writeOutputIsTTY() &&
      !process.env.NO_COLOR);
  const host = ts.createIncrementalCompilerHost(parsed.options, system);
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseAll;
  return ts.performIncrementalCompilation({
    host,
    system,
    rootNames: parsed.fileNames,
    options: parsed.options,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
    projectReferences: parsed.projectReferences,
    reportDiagnostic: ts.createDiagnosticReporter(system, pretty),
    reportErrorSummary: pretty
      ? (count, files) => system.write(ts.getErrorSummaryText(count, files, system.newLine, host))
      : undefined,
    afterProgramEmitAndDiagnostics: (builder) => onProgram?.(builder.getProgram()),
  });
}

/**
 * The check of the project in `cwd` (skipped when nothing it read has changed), its output
 * written to `out`; returns tsc's exit code. `onProgram` gets the program it checked, when it
 * ran.
 */
function typecheck({ cwd = process.cwd(), out = process.stdout, onProgram } = {}) {
  const at = project(resolve(cwd));
  const { buildInfo, inputs } = at;
  // What there is to read is read before tsc runs: a file that changes while it runs is
  // recorded as it was, so the next run checks it again.
  const started = Date.now();
  const before = inputs ? { settings: settings(at), files: filesRead(at) } : undefined;
  const last = inputs ? recorded(at) : undefined;
  if (
    before !== undefined &&
    last?.settings === before.settings &&
    Object.keys(before.files).length > 0 &&
    sameFiles(last.files ?? {}, before.files)
  ) {
    out.write(`typecheck: nothing it reads has changed since it passed (${inputs})\n`);
    return 0;
  }

  const status = runTsc(at.cwd, out, onProgram);
  if (inputs) {
    const files = status === 0 ? filesRead(at) : {};
    // A file the build info did not list before (all of them, the first time) is read now: if
    // it changed since a second before tsc started, tsc may have read another text, and
    // nothing is recorded.
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
      writeFileSync(inputs, `${JSON.stringify({ settings: before.settings, files })}\n`);
    } else {
      rmSync(inputs, { force: true });
    }
  }
  return status;
}

module.exports = { typecheck };

if (require.main === module) process.exitCode = typecheck();

// `npm run lint`: ESLint over the project (eslint.config.mjs), keeping each file's result
// (node_modules/.cache/eslint/results.json) and reusing it only while nothing its typed rules
// read has changed: scripts/lint-inputs.ts hashes a file's text, what the project files it
// reaches through its imports declare, the files that declare globals, the configs and the
// installed packages. A run with nothing changed lints nothing; a change inside a function
// relints that file; a change to what a file declares (an exported type, an inferred return
// type) relints the files that import it.
//
//   node --require ./src/boot/register.js scripts/lint.ts [--no-cache] [<file or directory>...]
//
// HOMELAB_LINT_CACHE=0 is --no-cache. Named files, or --no-cache: ESLint as configured, every
// file linted. Output and exit code are ESLint's: 1 when a file has an error, 2 when ESLint
// itself fails.
//
// Not ESLint's own cache (`--cache`), which keys a result on the file's text and config: a
// hash in each file's config (a setting) made ESLint merge and validate 420 configs (1.2 s of
// CPU), and the TypeScript program this script makes to know what a changed file declares
// cannot go into a config that ESLint's cache hashes (it refuses function values). That
// program is the one typescript-eslint lints with (parserOptions.programs, in place of its
// project service, which would make the same program again: 2.6 s). It is what the project
// service makes for a file of tsconfig.json, the only one: another tsconfig.json in the tree
// is an error here.
//
// The whole project's lint (no file named) that passed with nothing to report is recorded
// (scripts/unchanged.cjs): while no file it could read has changed (the JavaScript and
// TypeScript files, the JSON ones, the installed packages), the next one says so and stops
// without loading ESLint (0.1 s instead of 2 s).
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type * as Eslint from "eslint";
import type { ESLint } from "eslint";
import type { Program } from "typescript";
import type * as LintInputs from "./lint-inputs";
import type { Declared } from "./lint-inputs";
import { fingerprint, passedWith, record, treeFiles } from "./unchanged.cjs";

/* eslint-disable @typescript-eslint/no-require-imports -- ESLint and TypeScript load only for a
   lint that runs, not for one that finds nothing changed (0.15 s). */
const eslint = (): typeof Eslint => require("eslint") as typeof Eslint;
const lintInputs = (): typeof LintInputs => require("./lint-inputs") as typeof LintInputs;
/* eslint-enable @typescript-eslint/no-require-imports */

export const CACHE_LOCATION = "node_modules/.cache/eslint/";
/** The kept results and what each project file declared, relative to the project. */
export const RESULTS = join(CACHE_LOCATION, "results.json");
const FORMAT = 1;

const sha = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

/** What results.json holds (paths relative to the project, `/`-separated). */
interface Kept {
  readonly format: number;
  /** Per file: the hash of its inputs, and ESLint's result for them (filePath left out). */
  readonly results: Record<string, { readonly hash: string; readonly result: ESLint.LintResult }>;
  /** Per TypeScript file: its declarations, and the key they were made for (lint-inputs.ts). */
  readonly declared: Record<string, Declared>;
}

function readKept(file: string): Kept {
  try {
    const kept = JSON.parse(readFileSync(file, "utf8")) as Kept;
    if (kept.format === FORMAT) return kept;
  } catch {
    // none yet, or unreadable: lint everything
  }
  return { format: FORMAT, results: {}, declared: {} };
}

function writeKept(file: string, kept: Kept): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(kept));
  } catch {
    // A read-only node_modules: every run lints everything.
  }
}

/** Names of the files ESLint could lint (its config decides which it does). */
const SOURCE = /\.[cm]?[jt]sx?$/;
/** Names of the files its typed rules lint. */
const TYPED = /\.[cm]?tsx?$/;

/**
 * The files `npm run lint` lints in `cwd` (absolute, sorted), as ESLint's `lintFiles(["."])`
 * finds them: those under it, outside node_modules and .git, that a config object matches and
 * none ignores (`isPathIgnored`: ESLint's own test for a file it found).
 */
export async function lintableFiles(linter: ESLint, cwd: string): Promise<string[]> {
  const files: string[] = [];
  for (const file of treeFiles(cwd, (name) => SOURCE.test(name))) {
    const path = join(cwd, file);
    if (!(await linter.isPathIgnored(path))) files.push(path);
  }
  return files;
}

export interface LintOptions {
  readonly cwd?: string;
  readonly patterns?: readonly string[];
  /** Reuse and keep results (default true); only for the whole project (patterns ["."]). */
  readonly cache?: boolean;
  /**
   * The program of the project's tsconfig.json, made already (scripts/check-code.ts: the
   * type check's), with its files' JSDoc parsed, as typescript-eslint parses them.
   */
  readonly program?: Program;
}

export interface Linted {
  readonly results: ESLint.LintResult[];
  readonly report: string;
  /** The files ESLint linted this time (absolute); the other results were kept ones. */
  readonly linted: readonly string[];
}

/** Lints `patterns` in `cwd`; returns ESLint's results, the formatted report, what it linted. */
export async function lint(options: LintOptions = {}): Promise<Linted> {
  const { cwd = process.cwd(), patterns = ["."], cache = true, program: made } = options;
  if (!cache || patterns.length !== 1 || patterns[0] !== ".") {
    const linter = new (eslint().ESLint)({ cwd });
    const results = await linter.lintFiles([...patterns]);
    return { ...(await format(linter, results)), linted: results.map((r) => r.filePath) };
  }

  const root = realpathSync(cwd);
  const configs = treeFiles(root, (name) => name === "tsconfig.json");
  if (configs.length > 1) {
    throw new Error(
      `scripts/lint.ts types every file with ./tsconfig.json, and this project has ${configs.length}: ${configs.join(", ")}. Lint with --no-cache, or teach scripts/lint.ts to make a program per config`,
    );
  }
  const inputs = lintInputs();
  const keptFile = join(root, RESULTS);
  const kept = readKept(keptFile);
  let program: Program | undefined;
  const projectProgram = () => (program ??= made ?? inputs.projectProgram(root));
  const types = inputs.typeInputHashes(root, {
    kept: (path) => kept.declared[path],
    make: (file) => inputs.declarationHash(projectProgram(), file),
  });

  const probe = new (eslint().ESLint)({ cwd: root });
  const files = await lintableFiles(probe, root);
  const keyOf = (file: string) => relative(root, file).split(sep).join("/");
  // A TypeScript file's typed inputs; any other's text (its rules are not typed).
  const hashOf = (file: string) =>
    TYPED.test(file)
      ? (types.hashes.get(file) ?? types.all)
      : sha(`${types.environment}\n${sha(readFileSync(file))}`);
  const hashes = new Map(files.map((file) => [file, hashOf(file)]));
  const stale = files.filter((file) => kept.results[keyOf(file)]?.hash !== hashes.get(file));

  const fresh = new Map<string, ESLint.LintResult>();
  if (stale.length > 0) {
    const typed = stale.some((file) => TYPED.test(file));
    const linter = new (eslint().ESLint)({
      cwd: root,
      ...(typed
        ? {
            overrideConfig: [
              {
                files: ["**/*.ts"],
                languageOptions: {
                  parserOptions: { projectService: false, programs: [projectProgram()] },
                },
              },
            ],
          }
        : {}),
    });
    for (const result of await linter.lintFiles(stale)) fresh.set(result.filePath, result);
  }
  const results = files.map(
    (file) => fresh.get(file) ?? { ...kept.results[keyOf(file)]!.result, filePath: file },
  );
  // The declarations made this run, and those kept for the project's other files (reused
  // only for the same key).
  const declared = Object.fromEntries([
    ...Object.entries(kept.declared).filter(([path]) => types.hashes.has(join(root, path))),
    ...types.declared,
  ]);
  writeKept(keptFile, {
    format: FORMAT,
    results: Object.fromEntries(
      results.map((result) => [
        keyOf(result.filePath),
        { hash: hashes.get(result.filePath)!, result: { ...result, filePath: "" } },
      ]),
    ),
    declared,
  });
  return { ...(await format(probe, results)), linted: [...fresh.keys()] };
}

async function format(
  linter: ESLint,
  results: ESLint.LintResult[],
): Promise<{ results: ESLint.LintResult[]; report: string }> {
  const formatter = await linter.loadFormatter("stylish");
  const report = await formatter.format(results, linter.getRulesMetaForResults(results));
  return { results, report };
}

/** Where a passed lint of the whole project is recorded. */
export const PASSED = join(CACHE_LOCATION, "passed.json");
/** The files a lint can read: the code ESLint lints, the JSON that configures it. */
const LINT_INPUT = /\.([cm]?[jt]sx?|json)$/;

/**
 * The command: `args` as on its command line, run in `cwd`, its report written to `out`;
 * returns the exit code.
 */
export async function main(
  args: readonly string[],
  cwd = process.cwd(),
  out: Pick<NodeJS.WritableStream, "write"> = process.stdout,
  made: Pick<LintOptions, "program"> = {},
): Promise<number> {
  const cache = !args.includes("--no-cache") && process.env.HOMELAB_LINT_CACHE !== "0";
  const patterns = args.filter((a) => a !== "--no-cache");
  const passed = join(cwd, PASSED);
  const print =
    cache && patterns.length === 0
      ? fingerprint(
          cwd,
          treeFiles(cwd, (name) => LINT_INPUT.test(name)),
          { tool: "eslint" },
        )
      : undefined;
  if (print !== undefined && passedWith(passed, print)) {
    out.write("lint: nothing it reads has changed since it passed\n");
    return 0;
  }
  try {
    const { results, report } = await lint({
      cwd,
      patterns: patterns.length > 0 ? patterns : ["."],
      cache,
      ...made,
    });
    if (report) out.write(report);
    const failed = results.some((r) => r.errorCount > 0 || r.fatalErrorCount > 0);
    if (print !== undefined) record(passed, failed || report.trim() !== "" ? undefined : print);
    return failed ? 1 : 0;
  } catch (error) {
    console.error(`lint: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}

// `npm run lint`: ESLint over the project (eslint.config.mjs), keeping each file's result in
// ESLint's cache (node_modules/.cache/eslint) and reusing it only while nothing its typed
// rules read has changed: scripts/lint-inputs.ts hashes a file's text, the project files it
// reaches through its imports, the files that declare globals, the config and the installed
// packages. The hash goes into the file's config as a setting, and ESLint's cache entry is
// valid only for the same text and the same config (eslint/lib/cli-engine/lint-result-cache.js,
// getValidCachedLintResults). A run with nothing changed lints nothing (about 2 s instead
// of 30); a change to one file relints the files that import it.
//
//   node --require ./src/boot/register.js scripts/lint.ts [--no-cache] [<file or directory>...]
//
// HOMELAB_LINT_CACHE=0 is --no-cache. Output and exit code are ESLint's: 1 when a file has
// an error, 2 when ESLint itself fails.
//
// The whole project's lint (no file named) that passed with nothing to report is recorded
// (scripts/unchanged.cjs): while no file it could read has changed (the JavaScript and
// TypeScript files, the JSON ones, the installed packages), the next one says so and stops
// without loading ESLint (0.1 s instead of 2 s).
import { join, relative } from "node:path";
import type * as Eslint from "eslint";
import type { ESLint, Linter } from "eslint";
import type * as LintInputs from "./lint-inputs";
import { fingerprint, passedWith, record, treeFiles } from "./unchanged.cjs";

/* eslint-disable @typescript-eslint/no-require-imports -- ESLint and TypeScript load only for a
   lint that runs, not for one that finds nothing changed (0.15 s). */
const eslint = (): typeof Eslint => require("eslint") as typeof Eslint;
const lintInputs = (): typeof LintInputs => require("./lint-inputs") as typeof LintInputs;
/* eslint-enable @typescript-eslint/no-require-imports */

/** The setting that carries a file's hash (no rule reads it). */
export const SETTING = "homelab/type-inputs";
export const CACHE_LOCATION = "node_modules/.cache/eslint/";

/** A minimatch pattern that matches exactly `path` (relative, with forward slashes). */
const literal = (path: string) => path.replace(/[\\*?[\]{}()!+@,]/g, (c) => `\\${c}`);

/**
 * Config objects that give every TypeScript file its hash: first one for all of them (a hash
 * of every input, for a file that lint-inputs does not know), then one per known file.
 */
export function hashConfigs(cwd: string): Linter.Config[] {
  // Patterns relative to the project's real path: the same under `cwd` if it is a link to it.
  const { root, hashes, all } = lintInputs().typeInputHashes(cwd);
  return [
    // The files eslint.config.mjs types (a pattern here would also add files to the lint).
    { files: ["**/*.ts"], settings: { [SETTING]: all } },
    ...[...hashes]
      .filter(([file]) => file.endsWith(".ts"))
      .map(([file, hash]) => ({
        files: [literal(relative(root, file).split("\\").join("/"))],
        settings: { [SETTING]: hash },
      })),
  ];
}

export interface LintOptions {
  readonly cwd?: string;
  readonly patterns?: readonly string[];
  /** Reuse and keep results in ESLint's cache (default true). */
  readonly cache?: boolean;
}

/** Lints `patterns` in `cwd`; returns ESLint's results and the formatted report. */
export async function lint(
  options: LintOptions = {},
): Promise<{ results: ESLint.LintResult[]; report: string }> {
  const { cwd = process.cwd(), patterns = ["."], cache = true } = options;
  const linter = new (eslint().ESLint)({
    cwd,
    ...(cache
      ? {
          cache: true,
          cacheLocation: CACHE_LOCATION,
          cacheStrategy: "content",
          overrideConfig: hashConfigs(cwd),
        }
      : {}),
  });
  const results = await linter.lintFiles([...patterns]);
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

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
import { relative } from "node:path";
import { ESLint, type Linter } from "eslint";
import { typeInputHashes } from "./lint-inputs";

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
  const { root, hashes, all } = typeInputHashes(cwd);
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
  const eslint = new ESLint({
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
  const results = await eslint.lintFiles([...patterns]);
  const formatter = await eslint.loadFormatter("stylish");
  const report = await formatter.format(results, eslint.getRulesMetaForResults(results));
  return { results, report };
}

async function main(args: readonly string[]): Promise<number> {
  const cache = !args.includes("--no-cache") && process.env.HOMELAB_LINT_CACHE !== "0";
  const patterns = args.filter((a) => a !== "--no-cache");
  try {
    const { results, report } = await lint({
      patterns: patterns.length > 0 ? patterns : ["."],
      cache,
    });
    if (report) process.stdout.write(report);
    return results.some((r) => r.errorCount > 0 || r.fatalErrorCount > 0) ? 1 : 0;
  } catch (error) {
    console.error(`lint: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}

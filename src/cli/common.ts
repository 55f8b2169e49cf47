/** Shared helpers of the offline command-line tools. */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ConfigError } from "../config/errors";
import { closest } from "../config/primitives";

/** The project root: the directory holding Pulumi.yaml, found from this file. */
export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "Pulumi.yaml"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find Pulumi.yaml above " + __dirname);
    dir = parent;
  }
  return dir;
}

/** Stack names that have a `Pulumi.<name>.yaml` in the project root, sorted. */
export function stackNames(root: string): string[] {
  return readdirSync(root)
    .map((f) => /^Pulumi\.([^.]+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/**
 * The value of an option that takes one of a few words: `fallback` when absent, else one of
 * `allowed`, or a UsageError that suggests the closest.
 */
export function oneOf<T extends string>(
  option: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const near = closest(value, allowed);
  throw new UsageError(
    `${option} must be one of ${allowed.join(", ")}, got "${value}"${near ? `: did you mean "${near}"?` : ""}`,
  );
}

/**
 * The `--stack` of a command that reads a stack (with an optional `--config <file>`): without
 * `--config`, `Pulumi.<stack>.yaml` must exist in the project, or it is a usage error that
 * names the closest stack (or the stacks there are).
 */
export function stackOption(
  root: string,
  stack: string | undefined,
  config: string | undefined,
): string | undefined {
  if (stack === undefined) {
    if (config !== undefined) throw new UsageError("--config needs --stack <name>");
    return undefined;
  }
  if (config !== undefined) return stack;
  const stacks = stackNames(root);
  if (stacks.includes(stack)) return stack;
  const near = closest(stack, stacks);
  const hint =
    near !== undefined
      ? `did you mean "${near}"?`
      : stacks.length > 0
        ? `the stacks are ${stacks.map((s) => `"${s}"`).join(", ")}`
        : "there is no stack yet: npm run new-site -- <name> writes one";
  throw new UsageError(`--stack: unknown stack "${stack}" (no Pulumi.${stack}.yaml): ${hint}`);
}

/**
 * Brings generated files (path relative to `root` → content) up to date, printing
 * "wrote <file>" for each one written, and removes the `orphans` (generated files nothing
 * generates any more); with `check`, changes nothing and prints "<file> is stale: run
 * <command>" instead. Returns how many were stale.
 */
export function syncGeneratedFiles(
  root: string,
  files: Readonly<Record<string, string>>,
  check: boolean,
  command: string,
  orphans: readonly string[] = [],
): number {
  let stale = 0;
  for (const file of orphans) {
    stale++;
    if (check) {
      process.stderr.write(`${file} is no longer generated: run ${command} (it removes it)\n`);
    } else {
      rmSync(join(root, file));
      process.stdout.write(`removed ${file}\n`);
    }
  }
  for (const [file, content] of Object.entries(files)) {
    const path = join(root, file);
    const current = existsSync(path) ? readFileSync(path, "utf8") : undefined;
    if (current === content) continue;
    stale++;
    if (check) {
      process.stderr.write(`${file} is stale: run ${command}\n`);
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      process.stdout.write(`wrote ${file}\n`);
    }
  }
  if (!check && stale === 0) {
    process.stdout.write(`up to date: ${Object.keys(files).join(", ")}\n`);
  }
  return stale;
}

/** Label for a path in messages: relative to the project root when inside it. */
export function fileLabel(root: string, path: string): string {
  const rel = relative(root, resolve(path));
  return rel.startsWith("..") ? path : rel;
}

/** A usage error: printed with the usage text, exit code 2. */
export class UsageError extends Error {}

/** Ends a CLI early with an exit code (after --help). */
export class ExitNow extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

type ParsedValues<T extends NonNullable<ParseArgsConfig["options"]>> = ReturnType<
  typeof parseArgs<{ options: T; allowPositionals: true; strict: true }>
>["values"];

/**
 * Parses the command line: options plus exactly the named positional arguments (none by
 * default). `--help`/`-h` prints `usage` and ends the run with exit code 0; anything
 * unexpected (an unknown option, a missing or extra argument) is a UsageError.
 */
export function parseCliArgs<T extends NonNullable<ParseArgsConfig["options"]>>(
  argv: string[],
  usage: string,
  options: T,
  positionals: readonly string[] = [],
): { values: ParsedValues<T>; positionals: string[] } {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: "boolean", short: "h", default: false } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(usage + "\n");
    throw new ExitNow(0);
  }
  if (parsed.positionals.length > positionals.length) {
    throw new UsageError(
      `unexpected argument: ${parsed.positionals.slice(positionals.length).join(" ")}`,
    );
  }
  if (parsed.positionals.length < positionals.length) {
    const missing = positionals.slice(parsed.positionals.length);
    throw new UsageError(`missing argument${missing.length > 1 ? "s" : ""}: ${missing.join(" ")}`);
  }
  return { values: parsed.values as ParsedValues<T>, positionals: parsed.positionals };
}

/** Parses the command line (no positional arguments): see `parseCliArgs`. */
export function parseCli<T extends NonNullable<ParseArgsConfig["options"]>>(
  argv: string[],
  usage: string,
  options: T,
): ParsedValues<T> {
  return parseCliArgs(argv, usage, options).values;
}

/**
 * Runs a CLI body: configuration problems print their report on stderr (exit 1), usage
 * errors print the usage (exit 2); nothing else is printed on failure but the message. The
 * exit code is set on `process.exitCode` when the returned promise settles (it never rejects).
 */
export function runCli(usage: string, body: () => number | Promise<number>): Promise<void> {
  return Promise.resolve()
    .then(body)
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        if (error instanceof ExitNow) {
          process.exitCode = error.code;
        } else if (error instanceof ConfigError) {
          process.stderr.write(error.message);
          process.exitCode = 1;
        } else if (error instanceof UsageError) {
          process.stderr.write(`${error.message}\n\n${usage}\n`);
          process.exitCode = 2;
        } else {
          process.stderr.write(
            `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
          );
          process.exitCode = 70;
        }
      },
    );
}

/** A whole-number option: `fallback` when absent, else at least `min`, or a UsageError. */
export function countOption(
  text: string | undefined,
  option: string,
  fallback: number,
  min: number,
): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min) {
    throw new UsageError(`${option} must be a whole number of at least ${min}, got "${text}"`);
  }
  return Number(text);
}

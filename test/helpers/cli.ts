/**
 * The project's CLIs, two ways. In process (`runMain`): a CLI's `main(argv)` with what it
 * writes captured, which is how tests exercise their behaviour. As a real subprocess
 * (`runCli`, node with the project's preload, as `npm run <cli>` starts it, and the test
 * runner's V8 flags): one or two smoke tests per CLI.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { listen } from "./output";

export const ROOT = join(__dirname, "..", "..");

/**
 * The test runner's V8 flags (scripts/run-tests.mjs: no optimizing compiler, no background
 * threads), for the node processes a test starts to run a CLI: they change how fast it runs,
 * not what it does. None outside the runner.
 */
export const NODE_FLAGS: readonly string[] = (process.env.HOMELAB_TEST_V8_FLAGS ?? "")
  .split(/\s+/)
  .filter(Boolean);

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(script: string, args: string[], cwd = ROOT): CliResult {
  const result = spawnSync(
    process.execPath,
    [
      ...NODE_FLAGS,
      "--require",
      join(ROOT, "src", "boot", "register.js"),
      join(ROOT, "src", "cli", `${script}.ts`),
      ...args,
    ],
    { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The `runMain` call under way: one at a time (the exit code is process-wide). */
let running = false;

/**
 * Runs a CLI's `main` in this process, as `npm run <cli> -- <argv>` would: its output and
 * its exit code. One call at a time (the exit code is process-wide).
 */
export async function runMain(
  main: (argv: string[]) => Promise<void>,
  argv: string[],
): Promise<CliResult> {
  if (running) throw new Error("runMain: one call at a time (another has not ended)");
  running = true;
  const saved = process.exitCode;
  process.exitCode = undefined;
  const captured = { stdout: "", stderr: "" };
  // What code writes while it runs (test/helpers/output.ts): the CLI's output.
  const stop = listen((stream, text) => {
    captured[stream] += text;
    return true;
  });
  try {
    await main(argv);
    return { status: Number(process.exitCode ?? 0), ...captured };
  } finally {
    stop();
    running = false;
    process.exitCode = saved;
  }
}

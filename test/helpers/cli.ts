/**
 * The project's CLIs, two ways. In process (`runMain`): a CLI's `main(argv)` with what it
 * writes captured, which is how tests exercise their behaviour. As a real subprocess
 * (`runCli`, node with the project's preload, as `npm run <cli>` starts it): one or two smoke
 * tests per CLI.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export const ROOT = join(__dirname, "..", "..");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(script: string, args: string[], cwd = ROOT): CliResult {
  const result = spawnSync(
    process.execPath,
    [
      "--require",
      join(ROOT, "src", "boot", "register.js"),
      join(ROOT, "src", "cli", `${script}.ts`),
      ...args,
    ],
    { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Captured {
  stdout: string;
  stderr: string;
}

/**
 * Output written while a `runMain` call runs (one at a time), by code other than Node's
 * own. The test runner reports through the same streams meanwhile, from Node's stream code
 * alone (its reporter is piped to stdout); the CLI, the SDK and any package write from their
 * own code, which is on the stack of the write.
 *
 * Not an AsyncLocalStorage: in Node 20 one makes V8 call into Node for every promise (an
 * async hook, lib/internal/async_hooks.js), a quarter of the CPU of a test file that plans
 * through runMain, and for every file after it in its process (test/helpers/batch.js).
 */
let capture: Captured | undefined;
let streamsPatched = false;

/** Whether the write being made comes from code outside Node's own (and this module). */
function writtenByCode(): boolean {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as it was, not called
  const prepareStackTrace = Error.prepareStackTrace;
  const stackTraceLimit = Error.stackTraceLimit;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  try {
    Error.stackTraceLimit = 50;
    Error.prepareStackTrace = (_, frames) => frames;
    Error.captureStackTrace(holder, writtenByCode);
    return (holder.stack ?? []).some((frame) => {
      const file = frame.getFileName();
      return typeof file === "string" && !file.startsWith("node:") && file !== __filename;
    });
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}

function patchStreams(): void {
  if (streamsPatched) return;
  streamsPatched = true;
  for (const name of ["stdout", "stderr"] as const) {
    const stream = process[name];
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = (chunk: unknown, ...rest: unknown[]) => {
      const captured = capture;
      if (!captured || !writtenByCode()) return write(chunk, ...rest);
      captured[name] +=
        typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString();
      const callback = rest.find((r): r is () => void => typeof r === "function");
      if (callback) process.nextTick(callback);
      return true;
    };
  }
}

/**
 * Runs a CLI's `main` in this process, as `npm run <cli> -- <argv>` would: its output and
 * its exit code. One call at a time (the exit code is process-wide).
 */
export async function runMain(
  main: (argv: string[]) => Promise<void>,
  argv: string[],
): Promise<CliResult> {
  if (capture) throw new Error("runMain: one call at a time (another has not ended)");
  patchStreams();
  const saved = process.exitCode;
  process.exitCode = undefined;
  const captured: Captured = { stdout: "", stderr: "" };
  capture = captured;
  try {
    await main(argv);
    return { status: Number(process.exitCode ?? 0), ...captured };
  } finally {
    capture = undefined;
    process.exitCode = saved;
  }
}

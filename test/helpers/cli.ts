/**
 * The project's CLIs, two ways. In process (`runMain`): a CLI's `main(argv)` with what it
 * writes captured, which is how tests exercise their behaviour. As a real subprocess
 * (`runCli`, node with the project's preload, as `npm run <cli>` starts it): one or two smoke
 * tests per CLI.
 */
import { AsyncLocalStorage } from "node:async_hooks";
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
 * Output written by a `runMain` call. Only writes made from inside the call (its async
 * context) are captured: the test runner reports through the same streams meanwhile.
 */
const capture = new AsyncLocalStorage<Captured>();
let streamsPatched = false;

function patchStreams(): void {
  if (streamsPatched) return;
  streamsPatched = true;
  for (const name of ["stdout", "stderr"] as const) {
    const stream = process[name];
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = (chunk: unknown, ...rest: unknown[]) => {
      const captured = capture.getStore();
      if (!captured) return write(chunk, ...rest);
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
  patchStreams();
  const saved = process.exitCode;
  process.exitCode = undefined;
  const captured: Captured = { stdout: "", stderr: "" };
  try {
    await capture.run(captured, () => main(argv));
    return { status: Number(process.exitCode ?? 0), ...captured };
  } finally {
    process.exitCode = saved;
  }
}

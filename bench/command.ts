/**
 * How the benchmarks start the project's tools: exactly as the checkout says, so the same
 * bench code measures any revision. A package.json script is run without npm (its command
 * line, with node_modules/.bin on the PATH as npm puts it), the Pulumi program with the
 * `nodeargs` of Pulumi.yaml. Also: child processes timed with GNU time when it is there.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { parse } from "yaml";

export const ROOT = join(__dirname, "..");

/** The environment npm gives a script: node_modules/.bin first on the PATH. */
export function scriptEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const path = [join(ROOT, "node_modules", ".bin"), process.env.PATH ?? ""].join(delimiter);
  return { ...process.env, PATH: path, ...extra };
}

/** Splits a command line on spaces (the scripts this project runs quote nothing). */
function words(line: string): string[] {
  if (/["'\\$&|;<>()`]/.test(line)) throw new Error(`cannot run without a shell: ${line}`);
  return line.split(/\s+/).filter(Boolean);
}

/** The argv of `npm run <script> -- <args>` without npm: `node` is this node. */
export function scriptCommand(script: string, args: readonly string[] = []): string[] {
  const scripts = (
    JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const line = scripts[script];
  if (line === undefined) throw new Error(`package.json has no script ${script}`);
  const argv = [...words(line), ...args];
  if (argv[0] === "node") argv[0] = process.execPath;
  return argv;
}

/** Pulumi.yaml's runtime options the language host reads. */
export function runtimeOptions(): { nodeargs: string[]; main: string; typescript: boolean } {
  const project = parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as {
    main?: string;
    runtime: { options?: { nodeargs?: string; typescript?: boolean } };
  };
  return {
    nodeargs: words(project.runtime.options?.nodeargs ?? ""),
    main: project.main ?? ".",
    typescript: project.runtime.options?.typescript ?? true,
  };
}

export interface Timed {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time, ms. */
  readonly wall: number;
  /** CPU time (user + system) of the process and every child it waited for, ms. */
  readonly cpu?: number;
  /** Peak resident memory of the largest process of the tree, MiB. */
  readonly maxRssMiB?: number;
}

const GNU_TIME = "/usr/bin/time";
const TIME_MARK = "@@bench-time@@";

/** argv under GNU time when `measure` is set and it is installed. */
function timedArgv(argv: readonly string[], measure: boolean | undefined): string[] {
  return measure === true && existsSync(GNU_TIME)
    ? [GNU_TIME, "-f", `${TIME_MARK} %e %U %S %M`, ...argv]
    : [...argv];
}

/** The process's own stderr, and GNU time's figures when it ran under it. */
function timeFigures(stderr: string): { stderr: string; cpu?: number; maxRssMiB?: number } {
  const at = stderr.lastIndexOf(TIME_MARK);
  if (at < 0) return { stderr };
  const fields = stderr
    .slice(at + TIME_MARK.length)
    .trim()
    .split(/\s+/)
    .map(Number);
  return {
    stderr: stderr.slice(0, at),
    cpu: ((fields[1] ?? 0) + (fields[2] ?? 0)) * 1000,
    maxRssMiB: (fields[3] ?? 0) / 1024,
  };
}

/**
 * Runs argv[0] with argv[1..] (found on the PATH of `env`), without a shell. With
 * `measure`, under GNU time (when installed) for CPU time and peak memory.
 */
export function run(
  argv: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; measure?: boolean } = {},
): Timed {
  const command = timedArgv(argv, options.measure);
  const start = process.hrtime.bigint();
  const result: SpawnSyncReturns<string> = spawnSync(command[0]!, command.slice(1), {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? scriptEnv(),
    encoding: "utf8",
    maxBuffer: 1024 * 1024 * 1024,
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, wall, ...timeFigures(result.stderr) };
}

/** Like `run`, asynchronous, for processes the bench talks to while they run. */
export function start(
  argv: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; measure?: boolean },
): { pid: number | undefined; done: Promise<Timed> } {
  const command = timedArgv(argv, options.measure);
  const begin = process.hrtime.bigint();
  const child = spawn(command[0]!, command.slice(1), { cwd: options.cwd, env: options.env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Timed>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => {
      const wall = Number(process.hrtime.bigint() - begin) / 1e6;
      resolve({ status, stdout, wall, ...timeFigures(stderr) });
    });
  });
  return { pid: child.pid, done };
}

/**
 * CPU time (user + system, every thread) a running process has used so far, in ms, read from
 * /proc (Linux); `pid` may be GNU time's, then it is its child's. Undefined elsewhere.
 */
export function cpuSoFar(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    const target = children && existsSync(GNU_TIME) ? Number(children.split(" ")[0]) : pid;
    const stat = readFileSync(`/proc/${target}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

/** Throws with the process's stderr unless it exited 0. */
export function ok(result: Timed, what: string): Timed {
  if (result.status !== 0)
    throw new Error(`${what} failed (exit ${String(result.status)}): ${result.stderr}`);
  return result;
}

/** Runs one of the project's CLIs as a real subprocess (through tsx), as a user would. */
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
    ["--import", "tsx", join(ROOT, "src", "cli", `${script}.ts`), ...args],
    { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

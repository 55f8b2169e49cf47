/** Types of format-check.cjs. */

/**
 * The format check of the project in `cwd` (default: the process's directory), what it says
 * written to `out` (default: stdout, where Prettier's command line then writes too); returns
 * the exit code.
 */
export function formatCheck(options?: {
  readonly cwd?: string;
  readonly out?: Pick<NodeJS.WritableStream, "write">;
}): Promise<number>;

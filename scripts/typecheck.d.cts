/** Types of typecheck.cjs. */
import type { Program } from "typescript";

/**
 * The check of the project in `cwd` (default: the process's directory; skipped when nothing
 * it read has changed), its output written to `out` (default: stdout); returns tsc's exit
 * code. `onProgram` gets the program it checked, when it ran.
 */
export function typecheck(options?: {
  readonly cwd?: string;
  readonly out?: Pick<NodeJS.WritableStream, "write">;
  readonly onProgram?: (program: Program) => void;
}): number;

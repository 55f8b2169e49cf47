/** Types of typecheck.cjs. */
import type { Program } from "typescript";

/**
 * The project's type check (skipped when nothing it read has changed); returns tsc's exit
 * code. `onProgram` gets the program it checked, when it ran.
 */
export function typecheck(onProgram?: (program: Program) => void): number;

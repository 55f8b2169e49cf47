// `npm run check:code`, the step of `npm test` that checks the code: the type check
// (scripts/typecheck.cjs) then the lint (scripts/lint.ts), in one process that makes one
// TypeScript program for both. Run apart, each parses the project's 2,079 files (2.6 s of
// CPU apiece after an edit); here the lint types its files with the program the type check
// made. Each still skips a run when nothing it reads has changed, and says so.
//
//   node --require ./src/boot/register.js scripts/check-code.ts
//
// Output: tsc's, then ESLint's. Exit code: tsc's when it failed, else the lint's.
import type { Program } from "typescript";
import { main } from "./lint";
import { typecheck } from "./typecheck.cjs";

/** Both checks of the project in `cwd`, their reports written to `out`; returns the exit code. */
export async function checkCode(
  cwd = process.cwd(),
  out: Pick<NodeJS.WritableStream, "write"> = process.stdout,
): Promise<number> {
  let program: Program | undefined;
  const typed = typecheck({ cwd, out, onProgram: (checked) => (program = checked) });
  const linted = await main([], cwd, out, { program });
  return typed !== 0 ? typed : linted;
}

if (require.main === module) {
  void checkCode().then((code) => (process.exitCode = code));
}

/**
 * The program as the Pulumi engine runs it (no offline context): the config decrypted, the
 * secret keys marked secret, in the project directory. Configuration problems end it with a
 * RunError, as `pulumi preview` would print them.
 */
import { join } from "node:path";
import { runUnderMocks, type Plan } from "../../src/cli/mock-runtime";
import { PROJECT } from "../../src/cli/offline";
import { evaluateFromRuntime, main } from "../../src/program";

const ROOT = join(__dirname, "..", "..");

export async function runAsEngine(
  stack: string,
  config: Record<string, string>,
  secretKeys: readonly string[],
): Promise<Plan> {
  const previous = process.cwd();
  process.chdir(ROOT); // the engine runs the program in the project directory
  try {
    return await runUnderMocks({
      project: PROJECT,
      stack,
      config,
      secretKeys: [...secretKeys],
      preflight: evaluateFromRuntime,
      program: main,
    });
  } finally {
    process.chdir(previous);
  }
}

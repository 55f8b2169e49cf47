/**
 * Offline evaluation of a stack: validate and model its file (offline-stack.ts), then run
 * the real program under Pulumi's mock runtime with the file's configuration.
 */
import type { LoadedSite } from "../config/load";
import { runUnderMocks, type Plan } from "./mock-runtime";
import { evaluateFromRuntime, main, setOfflineContext } from "../program";
import { PROJECT, loadOffline } from "./offline-stack";

export { PROJECT, loadOffline, offlinePlaceholder, type OfflineStack } from "./offline-stack";

/**
 * Validates and evaluates a stack offline. `program` defaults to the real program; tests pass
 * a wrapper around it to keep what the plan does not show.
 */
export async function planStack(
  root: string,
  stack: string,
  configFile?: string,
  program: () => Record<string, unknown> | Promise<Record<string, unknown>> = main,
): Promise<{ plan: Plan; loaded: LoadedSite }> {
  const offline = loadOffline(root, stack, configFile);
  // The program creates no resource at import time, so importing it before setMocks is safe.
  setOfflineContext({ root, file: offline.loaded.file });
  try {
    const plan = await runUnderMocks({
      project: PROJECT,
      stack,
      config: offline.config,
      secretKeys: offline.secretKeys,
      preflight: evaluateFromRuntime,
      program,
    });
    return { plan, loaded: offline.loaded };
  } finally {
    setOfflineContext(undefined);
  }
}

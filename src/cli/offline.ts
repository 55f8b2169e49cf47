/**
 * Offline evaluation of a stack: validate and model its file (offline-stack.ts), then run
 * the real program under Pulumi's mock runtime with the file's configuration.
 */
import type { LoadedSite } from "../config/load";
import type * as MockRuntime from "./mock-runtime";
import type { Plan } from "./mock-runtime";
import type * as Program from "../program";
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
  program?: () => Record<string, unknown> | Promise<Record<string, unknown>>,
): Promise<{ plan: Plan; loaded: LoadedSite }> {
  const offline = loadOffline(root, stack, configFile);
  // Only a valid stack loads the SDK and the program (validation alone does not need them).
  // The program creates no resource at import time, so importing it before setMocks is safe.
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded here, not at start-up */
  const { runUnderMocks } = require("./mock-runtime") as typeof MockRuntime;
  const { main, setOfflineContext } = require("../program") as typeof Program;
  /* eslint-enable @typescript-eslint/no-require-imports */
  // The program reuses the site validated above instead of validating it again.
  setOfflineContext({
    root,
    file: offline.loaded.file,
    evaluated: { loaded: offline.loaded, model: offline.model },
  });
  try {
    const plan = await runUnderMocks({
      project: PROJECT,
      stack,
      config: offline.config,
      secretKeys: offline.secretKeys,
      program: program ?? main,
    });
    return { plan, loaded: offline.loaded };
  } finally {
    setOfflineContext(undefined);
  }
}

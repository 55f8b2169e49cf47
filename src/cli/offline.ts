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

/** What a plan is made from, besides the project's code: see PlanMemo. */
export interface PlanInputs {
  readonly root: string;
  readonly stack: string;
  /** The stack file as the program names it (relative to root, or absolute). */
  readonly file: string;
  /** The engine config the program gets (full keys, string values) and its secret keys. */
  readonly config: Readonly<Record<string, string>>;
  readonly secretKeys: readonly string[];
  /** The validated site the program models: every file the plan reads, read. */
  readonly loaded: LoadedSite;
}

/**
 * A memo of plans that the test suite installs (test/helpers/plan-memo.ts) so that a stack
 * planned by several test files is evaluated once per run. The program never installs one:
 * without it, and for a plan with its own `program`, planStack always evaluates. A memo gets
 * the plan's inputs and a function that evaluates it, and answers the plan that function
 * answers for those inputs (with what it wrote).
 */
export interface PlanMemo {
  plan(inputs: PlanInputs, evaluate: () => Promise<Plan>): Promise<Plan>;
}
export const PLAN_MEMO = Symbol.for("homelab.planMemo");

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
    const evaluate = () =>
      runUnderMocks({
        project: PROJECT,
        stack,
        config: offline.config,
        secretKeys: offline.secretKeys,
        program: program ?? main,
      });
    const memo = program
      ? undefined
      : ((globalThis as Record<symbol, unknown>)[PLAN_MEMO] as PlanMemo | undefined);
    const plan = memo
      ? await memo.plan(
          {
            root,
            stack,
            file: offline.loaded.file,
            config: offline.config,
            secretKeys: offline.secretKeys,
            loaded: offline.loaded,
          },
          evaluate,
        )
      : await evaluate();
    return { plan, loaded: offline.loaded };
  } finally {
    setOfflineContext(undefined);
  }
}

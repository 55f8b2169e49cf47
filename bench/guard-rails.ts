/**
 * The guard rails offline (src/policies through src/cli/plan-policy.ts): the stack policies
 * over a plan and the change policies over a diff, on the generated plans of the review
 * suite (1,000 and 3,000 resources, a tenth changed, a few added and removed).
 */
import { DEFAULT_GUARDRAILS } from "../src/config/guardrails";
import { diffPlans } from "../src/cli/plan-changes";
import { diffViolations, planViolations } from "../src/cli/plan-policy";
import { generatedPlan } from "./review";
import { measure, type BenchSuite, type Figure } from "./types";

const RUNS = 5;

export const guardRailsSuite: BenchSuite = {
  name: "guard rails (offline)",
  async run(): Promise<Figure[]> {
    const figures: Figure[] = [];
    // One pass first, so the first figure does not include compiling the policies.
    const warm = generatedPlan(100, true);
    diffViolations(diffPlans(generatedPlan(100, false), warm), warm, DEFAULT_GUARDRAILS);
    planViolations(warm);
    for (const count of [1000, 3000]) {
      const base = generatedPlan(count, false);
      const head = generatedPlan(count, true);
      const diff = diffPlans(base, head);
      let violations = 0;
      const stack = await measure(RUNS, () => (violations = planViolations(head).length));
      figures.push({
        name: `stack policies, ${count} resources`,
        value: stack,
        unit: "ms",
        detail: { violations },
      });
      const change = await measure(
        RUNS,
        () => (violations = diffViolations(diff, head, DEFAULT_GUARDRAILS).length),
      );
      figures.push({
        name: `change policies, ${count} resources (${diff.changed.length} changed)`,
        value: change,
        unit: "ms",
        detail: { violations },
      });
    }
    return figures;
  },
};

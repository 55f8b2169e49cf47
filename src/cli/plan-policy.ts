/**
 * The guard rails (src/policies) on offline plans: the stack policies of one plan (`npm run
 * plan`) and the change policies between two (`npm run plan-diff`), with their text and
 * Markdown. The plan document carries the stack's `homelab:guardrails` (`guardrails`), so
 * plan-diff judges a change by the opt-ins of its head.
 */
import { DEFAULT_GUARDRAILS, guardrailsSchema, type GuardrailsConfig } from "../config/guardrails";
import { ConfigError, zodProblems } from "../config/errors";
import {
  changeViolations,
  stackViolations,
  type GuardChangeSet,
  type GuardResource,
  type Violation,
} from "../policies";
import type { Plan, PlannedResource } from "./mock-runtime";
import type { PlanDiff } from "./plan-changes";
import { code, markdownText } from "./plan-markdown";

export function guardResource(r: PlannedResource): GuardResource {
  return {
    type: r.type,
    name: r.name,
    inputs: r.inputs,
    protect: r.options.protect,
    retainOnDelete: r.options.retainOnDelete,
  };
}

/** The resources a plan registers, as the policies see them (components left out). */
export function guardResources(plan: Plan): GuardResource[] {
  return plan.resources.filter((r) => r.custom).map(guardResource);
}

/** The stack policies' violations of one plan. */
export function planViolations(plan: Plan): Violation[] {
  return stackViolations(guardResources(plan), { secretsVisible: true });
}

/**
 * The plan document's `homelab:guardrails` (added by `npm run plan -- --json`); the defaults
 * for a document written before it existed. `label` names the file in a problem.
 */
export function guardrailsOf(plan: Plan, label: string): GuardrailsConfig {
  const value = (plan as Plan & { guardrails?: unknown }).guardrails;
  if (value === undefined) return DEFAULT_GUARDRAILS;
  const result = guardrailsSchema.safeParse(value, { reportInput: true });
  if (!result.success)
    throw new ConfigError(
      zodProblems(result.error, label, ["guardrails"]),
      "Cannot compare the plans",
    );
  return result.data;
}

function changeSetOf(diff: PlanDiff): GuardChangeSet {
  const custom = (r: PlannedResource) => r.custom;
  return {
    added: diff.added
      .map((e) => e.resource)
      .filter(custom)
      .map(guardResource),
    removed: diff.removed
      .map((e) => e.resource)
      .filter(custom)
      .map(guardResource),
    changed: diff.changed
      .filter((c) => c.after.custom)
      .map((c) => ({
        before: guardResource(c.before),
        after: guardResource(c.after),
        moved: c.moved !== undefined,
      })),
  };
}

/**
 * The change policies' violations between two plans (the head's opt-ins). A new stack (an
 * empty base, as plan-report gives a stack the base does not have) has nothing to lose: its
 * first up creates everything, whatever the number of DNS records.
 */
export function diffViolations(
  diff: PlanDiff,
  head: Plan,
  guardrails: GuardrailsConfig,
): Violation[] {
  if (diff.counts.before === 0) return [];
  return changeViolations(changeSetOf(diff), guardResources(head), guardrails);
}

const byLevel = (vs: readonly Violation[]) => [
  ...vs.filter((v) => v.level === "mandatory"),
  ...vs.filter((v) => v.level === "advisory"),
];

/** Violations as lines of text for the terminal (`npm run plan`). */
export function violationsText(violations: readonly Violation[]): string {
  if (violations.length === 0) return "Guard rails: no violation.";
  return [
    `Guard rails: ${violations.length} violation${violations.length === 1 ? "" : "s"} (README, Guard rails)`,
    ...byLevel(violations).map(
      (v) => `  [${v.level}] ${v.policy}${v.resource ? ` ${v.resource}` : ""}: ${v.message}`,
    ),
  ].join("\n");
}

/** Violations as a GitHub alert block (plan-diff's report), or nothing when there are none. */
export function violationsMarkdown(violations: readonly Violation[]): string[] {
  if (violations.length === 0) return [];
  const mandatory = violations.some((v) => v.level === "mandatory");
  return [
    mandatory ? "> [!CAUTION]" : "> [!NOTE]",
    `> **Guard rails: ${violations.length} violation${violations.length === 1 ? "" : "s"}${mandatory ? " (mandatory ones need an opt-in, README: Guard rails)" : ""}.**`,
    ">",
    ...byLevel(violations).map(
      (v) =>
        `> - **${v.level}** ${code(v.policy)}${v.resource ? ` ${code(v.resource)}` : ""}: ${markdownText(v.message)}`,
    ),
    "",
  ];
}

/** plan-diff's Markdown with the guard-rails block after its summary line. */
export function withViolations(markdown: string, violations: readonly Violation[]): string {
  const block = violationsMarkdown(violations);
  if (block.length === 0) return markdown;
  const lines = markdown.split("\n");
  return [...lines.slice(0, 2), ...block, ...lines.slice(2)].join("\n");
}

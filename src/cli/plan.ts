/**
 * `npm run plan -- --stack <name> [--config <file>] [--only <part>] [--json]`
 *
 * Offline plan: validates the stack file and the federation registry, runs the real program
 * under Pulumi's mock runtime (no CLI, no network, no credentials) and prints the resource
 * tree with a count per type and the guard rails' stack violations (src/policies), or one
 * JSON document (see README, "Plan JSON format") that also carries the stack's
 * `homelab:guardrails` for plan-diff.
 */
import { configKey } from "../config/stack";
import { refOf } from "../lib/urn";
import { projectRoot, parseCli, runCli, stackOption, UsageError } from "./common";
import type { Plan, PlannedResource } from "./mock-runtime";
import { planStack } from "./offline";
import { partHeader, partOption, planPart, PARTS } from "./plan-parts";
import type * as PlanPolicy from "./plan-policy";

const USAGE = `usage: npm run plan -- --stack <name> [--config <file>] [--only <part>] [--json]

  --stack <name>    stack to plan (reads Pulumi.<name>.yaml)
  --config <file>   read this stack file instead
  --only <part>     print one part: ${PARTS.join(", ")} (the whole stack is still validated)
  --json            print one JSON document on stdout`;

/** Human-readable tree of the plan, with counts per type. */
export function formatTree(plan: Plan): string {
  const children = new Map<string | null, PlannedResource[]>();
  for (const resource of plan.resources) {
    const list = children.get(resource.parent) ?? [];
    list.push(resource);
    children.set(resource.parent, list);
  }
  const lines: string[] = [];
  const walk = (parent: string | null, indent: string): void => {
    const list = children.get(parent) ?? [];
    list.forEach((resource, i) => {
      const last = i === list.length - 1;
      const flags = [
        resource.options.protect ? "protect" : "",
        resource.options.retainOnDelete ? "retain" : "",
        resource.options.dependsOn.length ? `after ${resource.options.dependsOn.length}` : "",
      ].filter(Boolean);
      lines.push(
        `${indent}${last ? "└─ " : "├─ "}${resource.type}  ${resource.name}${flags.length ? `  [${flags.join(", ")}]` : ""}`,
      );
      walk(refOf(resource), indent + (last ? "   " : "│  "));
    });
  };
  walk(null, "");
  const counts = new Map<string, number>();
  for (const resource of plan.resources)
    counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1);
  const width = Math.max(...[...counts.values()].map((n) => String(n).length));
  const byType = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([type, n]) => `  ${String(n).padStart(width)}  ${type}`);
  return [
    `Plan for stack "${plan.stack}" of project ${plan.project}: ${plan.resources.length} resources`,
    "",
    ...lines,
    "",
    "Resources by type:",
    ...byType,
  ].join("\n");
}

/** The command, given the arguments after its name (sets `process.exitCode`). */
export const main = (argv: string[]): Promise<void> =>
  runCli(USAGE, async () => {
    const values = parseCli(argv, USAGE, {
      stack: { type: "string" },
      config: { type: "string" },
      only: { type: "string" },
      json: { type: "boolean", default: false },
    });
    if (!values.stack) throw new UsageError("--stack is required");
    const root = projectRoot();
    const stack = stackOption(root, values.stack, values.config)!;
    const part = partOption(values.only);
    const { plan: whole, loaded } = await planStack(root, stack, values.config);
    const only = part === undefined ? undefined : planPart(whole, part);
    const plan = only?.plan ?? whole;
    if (values.json) {
      const document = { ...plan, guardrails: loaded.config.guardrails };
      process.stdout.write(JSON.stringify(document, null, 2) + "\n");
      return 0;
    }
    // Guard rails hold for the whole stack, whatever part is shown. Loaded here: --json (CI's
    // plan report, plan-diff's input) carries the guard rails for plan-diff to apply.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on this path only
    const { planViolations, violationsText } = require("./plan-policy") as typeof PlanPolicy;
    process.stdout.write(
      (only ? partHeader(whole, only) + "\n\n" : "") +
        formatTree(plan) +
        "\n\n" +
        violationsText(planViolations(whole)) +
        "\n",
    );
    if (loaded.missingSecrets.length > 0) {
      process.stdout.write(
        `\nOffline: secrets are placeholders. A real run needs ${loaded.missingSecrets.length} secret(s) not set in ${loaded.file}: ` +
          loaded.missingSecrets.map((s) => configKey(s.name)).join(", ") +
          ` (npm run check lists the commands).\n`,
      );
    }
    return 0;
  });

if (require.main === module) void main(process.argv.slice(2));

/**
 * `npm run plan-diff -- <base.json> <head.json> [--limit <n>] [--level <n>] [--expand]`
 *
 * Compares two offline plans (`npm run plan -- --stack <name> --json`) and prints the change
 * as Markdown: summary, warnings about data at risk, resources added, removed and changed
 * (with the changed input fields and options) and stack output changes. No credential, no
 * Pulumi CLI: CI posts it on pull requests (see .github/workflows/ci.yml).
 */
import { readFileSync } from "node:fs";
import { ConfigError, type Problem } from "../config/errors";
import { countOption, fileLabel, parseCliArgs, projectRoot, runCli } from "./common";
import { diffPlans, parsePlanDocument, parsePlanPair } from "./plan-changes";
import { MAX_EXPAND_LINES, renderPlanDiff } from "./plan-markdown";
import { diffViolations, guardrailsOf, withViolations } from "./plan-policy";

const USAGE = `usage: npm run plan-diff -- <base.json> <head.json> [--limit <n>] [--level <n>] [--expand] [--enforce]

Compares two plan documents (npm run plan -- --stack <name> --json) and prints the changes
as Markdown.
  --limit <n>   list at most n resources per section (default 200; 0: all)
  --level <n>   heading level of the summary line (default 3)
  --expand      show each added resource's inputs (as the plan holds them: secrets as
                [secret]) in a collapsed block, at most ${MAX_EXPAND_LINES} lines each
  --enforce     exit 3 when a mandatory guard rail is violated (README, Guard rails)`;

/** The file's text, or the problem reading it. */
function readDocument(path: string, label: string): { text: string } | { problem: Problem } {
  try {
    return { text: readFileSync(path, "utf8") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "file not found"
        : code === "EISDIR"
          ? "is a directory, not a file"
          : (error as Error).message;
    return { problem: { file: label, path: [], message: `cannot read ${label}: ${reason}` } };
  }
}

type Document = { label: string } & ({ text: string } | { problem: Problem });

/** The command, given the arguments after its name (sets `process.exitCode`). */
export const main = (argv: string[]): Promise<void> =>
  runCli(USAGE, () => {
    const { values, positionals } = parseCliArgs(
      argv,
      USAGE,
      {
        limit: { type: "string" },
        level: { type: "string" },
        expand: { type: "boolean" },
        enforce: { type: "boolean" },
      },
      ["<base.json>", "<head.json>"],
    );
    const limit = countOption(values.limit, "--limit", 200, 0);
    const level = countOption(values.level, "--level", 3, 1);
    const root = projectRoot();
    const [base, head] = positionals.map((path) => {
      const label = fileLabel(root, path);
      return { label, ...readDocument(path, label) };
    }) as [Document, Document];
    if ("problem" in base || "problem" in head) {
      // Report the readable file's own problems too, so one run shows everything.
      const problems = [base, head].flatMap((d) =>
        "problem" in d ? [d.problem] : parsePlanDocument(d.text, d.label).problems,
      );
      throw new ConfigError(problems, "Cannot compare the plans");
    }
    const plans = parsePlanPair(base, head);
    const diff = diffPlans(plans.base, plans.head);
    const violations = diffViolations(diff, plans.head, guardrailsOf(plans.head, head.label));
    process.stdout.write(
      withViolations(
        renderPlanDiff(diff, { limit, level, expand: values.expand === true }),
        violations,
      ),
    );
    return values.enforce && violations.some((v) => v.level === "mandatory") ? 3 : 0;
  });

if (require.main === module) void main(process.argv.slice(2));

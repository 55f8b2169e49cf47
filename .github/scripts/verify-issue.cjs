// Verify reporting for drift.yml: classify the nightly `npm run verify -- --json` run, then
// keep exactly one open issue per stack whose live checks fail (label `verify`), updated with
// the failing rows, and close it once every check passes again (the drift issue's handling).
"use strict";

const { syncIssue } = require("./drift-issue.cjs");
const { codeBlock } = require("./markdown.cjs");
const { fit, MAX_BODY } = require("./pr-comment.cjs");

const LABEL = {
  name: "verify",
  color: "b60205",
  description: "A stack's live checks (npm run verify) fail",
};

/**
 * The outcome of verify: clean (exit 0), failed (exit 1 with its JSON document: some checks
 * failed), or an error (anything else: invalid configuration, usage, a crash).
 * @param {number} exitCode
 * @param {string} output  what verify printed on stdout
 * @returns {{ outcome: "clean" | "failed" | "error", rows: { check: string, target: string, status: string, detail: string }[] }}
 */
function classifyVerify(exitCode, output) {
  let doc;
  try {
    doc = JSON.parse(output);
  } catch {
    return { outcome: "error", rows: [] };
  }
  const rows = Array.isArray(doc?.checks) ? doc.checks : [];
  if (exitCode === 0) return { outcome: "clean", rows };
  if (exitCode === 1 && rows.some((r) => r.status === "fail")) return { outcome: "failed", rows };
  return { outcome: "error", rows };
}

/** Title of the verify issue of a stack. */
function verifyIssueTitle(stack) {
  return `Live checks fail on stack ${stack}`;
}

/** The failing rows as a table, in a code block (a detail is device text: never Markdown). */
function failingTable(rows) {
  const failed = rows.filter((r) => r.status === "fail");
  const width = (key) => Math.max(key.length, ...failed.map((r) => String(r[key]).length));
  const [w1, w2] = [width("check"), width("target")];
  const line = (r) => `${String(r.check).padEnd(w1)}  ${String(r.target).padEnd(w2)}  ${r.detail}`;
  return [line({ check: "check", target: "target", detail: "detail" }), ...failed.map(line)].join(
    "\n",
  );
}

/**
 * The issue body: when the checks failed, what to do, and the failing rows.
 * @param {{ stack: string, rows: any[], runUrl: string, date: string }} args
 */
function verifyIssueBody({ stack, rows, runUrl, date }) {
  const failed = rows.filter((r) => r.status === "fail").length;
  const head = [
    `The nightly \`npm run verify -- --stack ${stack}\` found ${failed} failing check${failed === 1 ? "" : "s"} on ${date} ([run](${runUrl})).`,
    "",
    "The configuration may be applied and the homelab still broken: a BGP session down, a tunnel without SAs, a guest stopped, a route answering 502. Each row says what was read and what to look at; run the same command locally to check a fix (README, Verify).",
    "",
    "This issue is updated every night while checks fail, and closed automatically once they all pass.",
    "",
    "<details open><summary>Failing checks</summary>",
    "",
  ].join("\n");
  const room = MAX_BODY - 300 - head.length;
  return `${head}${codeBlock(fit(failingTable(rows), room, "the workflow run's log"))}\n\n</details>\n`;
}

/**
 * Opens, updates or closes the verify issue of `stack`.
 * @param {{ github: any, owner: string, repo: string, stack: string, failed: boolean,
 *   rows: any[], runUrl: string, date?: string }} args
 */
async function syncVerifyIssue({ github, owner, repo, stack, failed, rows, runUrl, date }) {
  return syncIssue({
    github,
    owner,
    repo,
    label: LABEL,
    title: verifyIssueTitle(stack),
    body: failed
      ? verifyIssueBody({
          stack,
          rows,
          runUrl,
          date: date ?? new Date().toISOString().slice(0, 10),
        })
      : undefined,
    resolved: `Every live check of stack ${stack} passes again ([run](${runUrl})). Closing.`,
  });
}

module.exports = { classifyVerify, syncVerifyIssue, verifyIssueTitle, verifyIssueBody, LABEL };

// Drift reporting for drift.yml: classify the nightly `pulumi preview --refresh
// --expect-no-changes` run, then keep exactly one open issue per drifting stack (label
// `drift`), updated with the latest diff, and close it once the stack is clean again.
"use strict";

const { fit, MAX_BODY } = require("./pr-comment.cjs");
const { codeBlock } = require("./markdown.cjs");

const LABEL = "drift";

/** What `--expect-no-changes` prints when the preview proposes changes. */
const NO_CHANGES_EXPECTED =
  /no changes were expected(?: for \S+)? but changes (?:were proposed|occurred)/;

/**
 * The outcome of the preview: clean (exit 0), drift (the expect-no-changes failure), or an
 * error (anything else: unreachable device, bad credentials, invalid configuration).
 * @param {number} exitCode
 * @param {string} output
 * @returns {"clean" | "drift" | "error"}
 */
function classifyPreview(exitCode, output) {
  if (exitCode === 0) return "clean";
  return NO_CHANGES_EXPECTED.test(output) ? "drift" : "error";
}

/** Title of the drift issue of a stack. */
function issueTitle(stack) {
  return `Drift on stack ${stack}`;
}

/** Removes terminal colour codes. */
function plain(text) {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");
}

/**
 * The issue body: when and where the drift was seen, how to resolve it, and the diff.
 * @param {{ stack: string, report: string, runUrl: string, date: string }} args
 */
function issueBody({ stack, report, runUrl, date }) {
  const head = [
    `The nightly \`pulumi preview --refresh --expect-no-changes --diff --stack ${stack}\` found changes on ${date} ([run](${runUrl})).`,
    "",
    "Either someone changed a device by hand, or a merged change was never applied. Then:",
    `- to keep the device as it is, change the stack file so that it describes it, or`,
    `- to restore the declared state, run \`pulumi up --refresh --stack ${stack}\`.`,
    "",
    "This issue is updated every night while the drift lasts, and closed automatically once the preview is clean.",
    "",
    "<details open><summary>Preview</summary>",
    "",
  ].join("\n");
  // Fit the preview first, then fence it with a fence longer than anything inside it.
  const room = MAX_BODY - 300 - head.length;
  const preview = fit(plain(report).trimEnd(), room, "the workflow run's log");
  return `${head}${codeBlock(preview)}\n\n</details>\n`;
}

/**
 * Opens, updates or closes the drift issue of `stack`.
 * @param {{ github: any, owner: string, repo: string, stack: string, drifted: boolean,
 *   report: string, runUrl: string, date?: string }} args
 * @returns {Promise<"opened" | "updated" | "closed" | "none">}
 */
async function syncDriftIssue({ github, owner, repo, stack, drifted, report, runUrl, date }) {
  return syncIssue({
    github,
    owner,
    repo,
    label: {
      name: LABEL,
      color: "d93f0b",
      description: "A stack's devices differ from its configuration",
    },
    title: issueTitle(stack),
    body: drifted
      ? issueBody({ stack, report, runUrl, date: date ?? new Date().toISOString().slice(0, 10) })
      : undefined,
    resolved: `No drift any more: the preview of stack ${stack} is clean ([run](${runUrl})). Closing.`,
  });
}

/**
 * Keeps one open issue titled `title` (label `label.name`): opened or updated with `body`,
 * or, when `body` is undefined (the problem is gone), closed with the comment `resolved`.
 * Shared by the drift and verify issues.
 * @param {{ github: any, owner: string, repo: string, title: string, body?: string,
 *   resolved: string, label: { name: string, color: string, description: string } }} args
 * @returns {Promise<"opened" | "updated" | "closed" | "none">}
 */
async function syncIssue({ github, owner, repo, label, title, body, resolved }) {
  const open = (
    await github.paginate(github.rest.issues.listForRepo, {
      owner,
      repo,
      state: "open",
      labels: label.name,
      per_page: 100,
    })
  ).filter((i) => i.title === title && !i.pull_request);
  const existing = open[0];
  if (body === undefined) {
    if (!existing) return "none";
    await github.rest.issues.createComment({
      owner,
      repo,
      issue_number: existing.number,
      body: resolved,
    });
    await github.rest.issues.update({
      owner,
      repo,
      issue_number: existing.number,
      state: "closed",
      state_reason: "completed",
    });
    return "closed";
  }
  if (existing) {
    await github.rest.issues.update({ owner, repo, issue_number: existing.number, body });
    return "updated";
  }
  await ensureLabel(github, owner, repo, label);
  await github.rest.issues.create({ owner, repo, title, body, labels: [label.name] });
  return "opened";
}

/** Creates `label` when the repository does not have it yet. */
async function ensureLabel(github, owner, repo, label) {
  try {
    await github.rest.issues.getLabel({ owner, repo, name: label.name });
  } catch (error) {
    if (error?.status !== 404) throw error;
    await github.rest.issues.createLabel({ owner, repo, ...label });
  }
}

module.exports = { classifyPreview, syncDriftIssue, syncIssue, issueTitle, issueBody, LABEL };

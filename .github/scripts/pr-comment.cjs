// One pull-request comment per purpose, updated in place on every push: the comment is found
// by a hidden marker on its first line. Used from actions/github-script (ci.yml).
"use strict";

const { openFence } = require("./markdown.cjs");

/** GitHub refuses comment and issue bodies longer than this. */
const MAX_BODY = 65536;

/**
 * Cuts `text` so that it fits in `max` characters, with a note saying where the rest is.
 * @param {string} text
 * @param {number} max
 * @param {string} rest Where the full text can be read ("the job summary", ...).
 */
function fit(text, max, rest) {
  if (text.length <= max) return text;
  const note = `\n\n… cut here: ${text.length - max} more characters in ${rest}.\n`;
  // Do not leave a code fence open: close it with its own fence (in its block quote),
  // keeping room for that closing line.
  for (let reserve = 0; ;) {
    const cut = text.slice(0, Math.max(0, max - note.length - reserve));
    const open = openFence(cut);
    const close = open ? `\n${open.prefix}${open.fence}` : "";
    if (close.length <= reserve) return cut + close + note;
    reserve = close.length;
  }
}

/**
 * Creates the pull request's comment that starts with `marker`, or updates it.
 * @param {{ github: any, owner: string, repo: string, issueNumber: number, marker: string,
 *   body: string, rest?: string }} args
 * @returns {Promise<"created" | "updated" | "unchanged">}
 */
async function upsertComment({ github, owner, repo, issueNumber, marker, body, rest }) {
  const full = fit(`${marker}\n${body}`, MAX_BODY - 100, rest ?? "the workflow run's summary");
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  const mine = comments.find(
    (c) => c.user?.type === "Bot" && typeof c.body === "string" && c.body.startsWith(marker),
  );
  if (!mine) {
    await github.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body: full });
    return "created";
  }
  if (mine.body === full) return "unchanged";
  await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body: full });
  return "updated";
}

module.exports = { upsertComment, fit, MAX_BODY };

// Markdown from text the scripts do not control (tool output, stack names): code that no
// backtick inside can close, and nothing GitHub would render as HTML. Shared by the plan
// report (ci.yml) and the drift issue (drift.yml); src/cli/plan-markdown.ts does the same
// for the plan diff itself.
"use strict";

/** A backtick fence longer than any run of backticks in `text` (at least three). */
function fenceFor(text) {
  const runs = text.match(/`+/g) ?? [];
  return "`".repeat(Math.max(2, ...runs.map((r) => r.length)) + 1);
}

/**
 * A fenced code block holding `text` as it is: a line of backticks, a heading or an <img>
 * inside stays text.
 * @param {string} text
 * @param {string} [info] The info string ("text").
 */
function codeBlock(text, info = "text") {
  const fence = fenceFor(text);
  return `${fence}${info}\n${text}\n${fence}`;
}

/** Inline code that survives backticks and line breaks in `text`. */
function inlineCode(text) {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
  const runs = line.match(/`+/g) ?? [];
  const fence = "`".repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = line.startsWith("`") || line.endsWith("`") ? " " : "";
  return `${fence}${pad}${line}${pad}${fence}`;
}

/**
 * Where a fenced block is still open at the end of `text` (lines in block quotes count):
 * the line prefix (`> ` for a quote) and the fence that closes it, or undefined.
 * @returns {{ prefix: string, fence: string } | undefined}
 */
function openFence(text) {
  let open;
  for (const line of text.split("\n")) {
    const m = /^((?:\s{0,3}>)*\s{0,3})(`{3,}|~{3,})(.*)$/.exec(line);
    if (!m) continue;
    const [, prefix, run, rest] = m;
    if (!open) {
      // An info string of a backtick fence holds no backtick.
      if (run[0] === "`" && rest.includes("`")) continue;
      open = { prefix: prefix.replace(/\s+$/, ""), char: run[0], length: run.length };
    } else if (run[0] === open.char && run.length >= open.length && rest.trim() === "") {
      open = undefined;
    }
  }
  return (
    open && { prefix: open.prefix ? `${open.prefix} ` : "", fence: open.char.repeat(open.length) }
  );
}

module.exports = { codeBlock, fenceFor, inlineCode, openFence };

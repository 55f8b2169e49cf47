/**
 * Markdown reports (issue 14, item 4): every report that becomes Markdown (the plan diff, the
 * CI plan report with a tool's error output, the drift issue, a comment cut to size, the
 * error catalogue) fences code with a fence longer than any backtick run inside and escapes
 * HTML, so a configuration value holding "```\n# heading\n<img src=x>" stays text.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { issueBody } from "../../.github/scripts/drift-issue.cjs";
import { codeBlock, inlineCode, openFence } from "../../.github/scripts/markdown.cjs";
import { report, section } from "../../.github/scripts/plan-report.cjs";
import { fit } from "../../.github/scripts/pr-comment.cjs";
import type { Plan } from "../../src/cli/mock-runtime";
import { catalogueMarkdown } from "../../src/cli/error-catalogue";
import { diffPlans } from "../../src/cli/plan-changes";
import { code, markdownText, renderPlanDiff } from "../../src/cli/plan-markdown";
import { stackFileSource } from "../../src/config/load";
import { ConfigError } from "../../src/config/errors";
import { evaluateSite } from "../../src/evaluate";
import { planned } from "../helpers/planned";

const HOSTILE = "```\n# heading\n<img src=x>";
const ROOT = join(__dirname, "..", "..");

/**
 * The text GitHub would render outside code: fenced blocks (in block quotes and list items
 * too) and code spans removed. Fails when a fence is left open.
 */
function outsideCode(markdown: string): string[] {
  const out: string[] = [];
  let open: { char: string; length: number } | undefined;
  for (const line of markdown.split("\n")) {
    const body = line.replace(/^(\s*>)*\s*/, "");
    const fence = /^(`{3,}|~{3,})(.*)$/.exec(body);
    if (open) {
      if (
        fence &&
        fence[1]![0] === open.char &&
        fence[1]!.length >= open.length &&
        fence[2]!.trim() === ""
      )
        open = undefined;
      continue;
    }
    if (fence && !(fence[1]![0] === "`" && fence[2]!.includes("`"))) {
      open = { char: fence[1]![0]!, length: fence[1]!.length };
      continue;
    }
    // Code spans: a run of n backticks up to the next run of exactly n.
    out.push(line.replace(/(`+)(?:(?!\1)[\s\S])*?\1(?!`)/g, ""));
  }
  assert.equal(open, undefined, "every fence is closed");
  return out;
}

function assertInert(markdown: string, where: string): void {
  for (const line of outsideCode(markdown)) {
    assert.doesNotMatch(line, /<img/i, `${where}: an <img> outside code: ${line}`);
    assert.doesNotMatch(
      line,
      /^\s*(>\s*)*(-\s+)?#+ heading/,
      `${where}: a heading from data: ${line}`,
    );
  }
}

/** A plan with one resource whose inputs hold `value`. */
function plan(value: string, name = "svc"): Plan {
  const resource = planned("docker:index/container:Container", name, null, {
    env: [`NOTE=${value.split("\n")[0] ?? ""}`],
    labels: { note: value },
    name: value,
  });
  return { project: "homelab", stack: "home", resources: [resource], outputs: { note: value } };
}

describe("Markdown reports keep hostile text inert", () => {
  it("the plan diff: a multi-line value is a fenced line diff, a one-line value a code span", () => {
    const diff = renderPlanDiff(diffPlans(plan("before"), plan(`after ${HOSTILE}`)));
    assertInert(diff, "plan diff");
    assert.ok(diff.includes("````diff"), "the fence is longer than the backticks inside");
    assertInert(renderPlanDiff(diffPlans(plan("a"), plan("b", HOSTILE))), "plan diff, new name");
    const expanded = renderPlanDiff(diffPlans(plan("a", "a"), plan(HOSTILE, "b")), {
      expand: true,
    });
    assertInert(expanded, "plan diff --expand");
    assert.ok(expanded.includes("  ````json"), "the inputs' fence outruns the backticks inside");
  });

  it("inline code and text from data", () => {
    assert.equal(code(HOSTILE), "```` ```\\u000a# heading\\u000a<img src=x> ````");
    assert.equal(
      markdownText("removed: `pulumi up` fails <img src=x> [a](b)"),
      "removed: `pulumi up` fails &lt;img src=x&gt; \\[a\\](b)",
    );
    assertInert(`- ${markdownText(HOSTILE)}`, "markdownText");
    assert.equal(inlineCode("a`b\nc"), "``a`b c``");
  });

  it("the CI plan report fences a tool's error output (a stack that does not plan)", () => {
    const source = stackFileSource(
      join(ROOT, "test/fixtures/invalid/unknown-section.yaml"),
      "fixture",
      "Pulumi.fixture.yaml",
    );
    let stderr = "";
    try {
      evaluateSite(source, { root: ROOT, requireSecrets: false });
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      stderr = `${error.message}${HOSTILE}\n`;
    }
    for (const entry of [
      { stack: "home", head: { ok: false, stdout: "", stderr } },
      {
        stack: "home",
        base: { ok: false, stdout: "", stderr },
        head: { ok: true, stdout: "{}", stderr: "" },
        diff: { ok: true, stdout: "### x\n", stderr: "" },
      },
      {
        stack: "home",
        head: { ok: true, stdout: "{}", stderr: "" },
        diff: { ok: false, stdout: "", stderr },
      },
      { stack: "`x` <img src=x>", head: { ok: false, stdout: "", stderr } },
    ]) {
      const markdown = report({ sections: [section(entry)] });
      assertInert(markdown, "plan report");
    }
  });

  it("a comment cut to size closes the fence it cut, with that fence, in its block quote", () => {
    const long = `> ${codeBlock(`${HOSTILE}\n${"x\n".repeat(500)}`)
      .split("\n")
      .join("\n> ")}`;
    const cut = fit(long, 300, "the artifact");
    assert.ok(cut.length <= 300);
    assert.equal(openFence(cut), undefined);
    assertInert(cut, "cut comment");
    assert.match(cut, /\n> ````\n\n… cut here/);
  });

  it("the drift issue fences the preview", () => {
    const body = issueBody({
      stack: "home",
      report: `~ lan update\n${HOSTILE}\n`,
      runUrl: "https://x",
      date: "2026-01-01",
    });
    assertInert(body, "drift issue");
  });

  it("the error catalogue (docs/errors.md) fences messages and escapes rules", () => {
    const markdown = catalogueMarkdown([
      {
        rule: `names <b>bold</b> ${HOSTILE.replaceAll("\n", " ")}`,
        fixture: "test/fixtures/invalid/x.yaml",
        problems: [{ path: "homelab:site.`name`", message: HOSTILE }],
      },
    ]);
    assertInert(markdown, "error catalogue");
    assert.doesNotMatch(markdown, /<b>/);
  });
});

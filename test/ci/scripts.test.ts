/**
 * The workflows' helper scripts (.github/scripts): which stacks a change touches, the one
 * pull-request comment, the one drift issue per stack, and the plan-diff report (run for
 * real on two checkouts).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  affectedStacks,
  isFederationMember,
  listStacks,
} from "../../.github/scripts/affected-stacks.cjs";
import {
  LABEL,
  classifyPreview,
  issueBody,
  syncDriftIssue,
} from "../../.github/scripts/drift-issue.cjs";
import {
  EXPAND_MAX_ADDED,
  MARKER,
  expandArgs,
  federationSection,
  nodeCommand,
  registryOf,
  report,
  section,
} from "../../.github/scripts/plan-report.cjs";
import {
  classifyVerify,
  syncVerifyIssue,
  verifyIssueBody,
  LABEL as VERIFY_LABEL,
} from "../../.github/scripts/verify-issue.cjs";
import {
  MAX_BODY,
  fit,
  upsertComment,
  type Comment,
  type GitHubClient,
  type Issue,
  type Params,
} from "../../.github/scripts/pr-comment.cjs";
import {
  ANNEX,
  HOME,
  REGISTRY,
  ROOT,
  fixtureProject,
  variant,
  type StackFile,
} from "../helpers/sites";

const SCRIPTS = join(ROOT, ".github", "scripts");

/** An in-memory GitHub: comments of one pull request, issues, labels; records every write. */
function fakeGitHub(init: { comments?: Comment[]; issues?: Issue[]; labels?: string[] } = {}) {
  const comments = [...(init.comments ?? [])];
  const issues = [...(init.issues ?? [])];
  const labels = new Set(init.labels ?? []);
  const writes: string[] = [];
  let next = 1000;
  const github: GitHubClient = {
    async paginate<T>(method: (p: Params) => Promise<{ data: T[] }>, params: Params) {
      return (await method(params)).data;
    },
    rest: {
      issues: {
        async listComments() {
          return { data: comments };
        },
        async createComment(p) {
          writes.push(`comment on #${String(p.issue_number)}`);
          comments.push({
            id: next++,
            body: p.body as string,
            user: { login: "github-actions[bot]", type: "Bot" },
          });
          return {};
        },
        async updateComment(p) {
          writes.push(`update comment ${String(p.comment_id)}`);
          const c = comments.find((x) => x.id === p.comment_id)!;
          c.body = p.body as string;
          return {};
        },
        async listForRepo(p) {
          return {
            data: issues.filter(
              (i) =>
                i.state === p.state &&
                i.labels.some((l) => (typeof l === "string" ? l : l.name) === p.labels),
            ),
          };
        },
        async create(p) {
          writes.push(`open "${String(p.title)}"`);
          issues.push({
            number: next++,
            title: p.title as string,
            body: p.body as string,
            state: "open",
            labels: (p.labels as string[]).map((name) => ({ name })),
          });
          return {};
        },
        async update(p) {
          const issue = issues.find((i) => i.number === p.issue_number)!;
          if (p.state) {
            writes.push(`close #${issue.number}`);
            issue.state = p.state as string;
          }
          if (p.body) {
            writes.push(`update #${issue.number}`);
            issue.body = p.body as string;
          }
          return {};
        },
        async getLabel(p) {
          if (!labels.has(p.name as string))
            throw Object.assign(new Error("Not Found"), { status: 404 });
          return {};
        },
        async createLabel(p) {
          writes.push(`label ${String(p.name)}`);
          labels.add(p.name as string);
          return {};
        },
      },
    },
  };
  return { github, comments, issues, writes };
}

describe("affected-stacks", () => {
  const stacks = ["annex", "home", "office"];
  const federationStacks = ["home", "office"];
  const run = (changedFiles: string[]) =>
    affectedStacks({ changedFiles, stacks, federationStacks });

  it("a stack file touches its stack only", () => {
    assert.deepEqual(run(["Pulumi.annex.yaml"]).stacks, ["annex"]);
    assert.equal(
      run(["Pulumi.annex.yaml"]).reasons.annex,
      "its stack file Pulumi.annex.yaml changed",
    );
  });

  it("the registry touches its members' stacks; the program touches every stack", () => {
    assert.deepEqual(run(["stacks/federation.yaml"]).stacks, ["home", "office"]);
    assert.deepEqual(run(["src/lib/net.ts"]).stacks, stacks);
    assert.deepEqual(run(["package-lock.json"]).stacks, stacks);
    assert.equal(run(["Pulumi.yaml"]).reasons.home, "the program changed (Pulumi.yaml)");
  });

  it("docs, tests, tooling, generated schemas and removed stacks touch nothing", () => {
    assert.deepEqual(
      run([
        "README.md",
        "docs/design.md",
        "test/cli/plan.test.ts",
        "bench/plan.ts",
        ".github/workflows/ci.yml",
        "stacks/schema/stack.schema.json",
        "eslint.config.mjs",
        "Pulumi.gone.yaml",
      ]).stacks,
      [],
    );
  });

  it("lists the project's stacks and their federation membership", () => {
    const project = fixtureProject();
    assert.deepEqual(listStacks(project), ["annex", "home"]);
    assert.equal(isFederationMember(project, "home"), true);
    assert.equal(isFederationMember(project, "annex"), false);
  });

  it("--all prints every stack for $GITHUB_OUTPUT; bad arguments exit 2", () => {
    const all = spawnSync(process.execPath, [join(SCRIPTS, "affected-stacks.cjs"), "--all"], {
      cwd: fixtureProject(),
      encoding: "utf8",
    });
    assert.equal(all.status, 0, all.stderr);
    assert.equal(all.stdout, 'stacks=["annex","home"]\n');
    const bad = spawnSync(process.execPath, [join(SCRIPTS, "affected-stacks.cjs")], {
      encoding: "utf8",
    });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^usage: affected-stacks\.cjs/);
  });
});

describe("pr-comment: one comment, updated in place", () => {
  it("creates it, then updates the same comment, and leaves other comments alone", async () => {
    const { github, comments, writes } = fakeGitHub({
      comments: [
        { id: 1, body: `${MARKER}\nquoted by a human`, user: { login: "alexis", type: "User" } },
        {
          id: 2,
          body: "#### :tropical_drink: `preview` on homelab/home",
          user: { login: "github-actions[bot]", type: "Bot" },
        },
      ],
    });
    const args = { github, owner: "o", repo: "r", issueNumber: 7, marker: MARKER };
    assert.equal(await upsertComment({ ...args, body: "first" }), "created");
    assert.equal(await upsertComment({ ...args, body: "second" }), "updated");
    assert.equal(await upsertComment({ ...args, body: "second" }), "unchanged");
    assert.deepEqual(writes, ["comment on #7", "update comment 1000"]);
    assert.equal(comments.length, 3);
    assert.equal(comments[2]!.body, `${MARKER}\nsecond`);
    assert.equal(comments[0]!.body, `${MARKER}\nquoted by a human`);
  });

  it("a body over GitHub's limit is cut with a note and no open code fence", async () => {
    const { github, comments } = fakeGitHub();
    const body = "```diff\n" + "+x\n".repeat(40000) + "```\n";
    await upsertComment({
      github,
      owner: "o",
      repo: "r",
      issueNumber: 1,
      marker: MARKER,
      body,
      rest: "the artifact",
    });
    const posted = comments[0]!.body!;
    assert.ok(posted.length <= MAX_BODY, String(posted.length));
    assert.match(posted, /\n```\n\n… cut here: \d+ more characters in the artifact\.\n$/);
    assert.equal(fit("short", 100, "x"), "short");
  });
});

describe("drift-issue: one issue per stack", () => {
  const runUrl = "https://github.com/o/r/actions/runs/1";
  const drifted =
    "Previewing update (home):\n~ fortios:system/interface:Interface lan update [diff: ~allowaccess]\nerror: no changes were expected but changes were proposed\n";

  it("classifies the preview: clean, drift, or another error", () => {
    assert.equal(classifyPreview(0, "Resources: 40 unchanged"), "clean");
    assert.equal(classifyPreview(255, drifted), "drift");
    assert.equal(
      classifyPreview(255, "error: no changes were expected for preview but changes were proposed"),
      "drift",
    );
    assert.equal(
      classifyPreview(255, "error: failed to connect: dial tcp 172.24.0.1:443: i/o timeout"),
      "error",
    );
  });

  it("opens one issue on drift (creating the label), updates it while drift lasts, closes it when clean", async () => {
    const fake = fakeGitHub();
    const args = {
      github: fake.github,
      owner: "o",
      repo: "r",
      stack: "home",
      runUrl,
      date: "2025-01-02",
    };
    assert.equal(await syncDriftIssue({ ...args, drifted: true, report: drifted }), "opened");
    assert.equal(
      await syncDriftIssue({ ...args, drifted: true, report: drifted + "more\n" }),
      "updated",
    );
    assert.equal(
      await syncDriftIssue({ ...args, stack: "annex", drifted: false, report: "" }),
      "none",
    );
    assert.equal(await syncDriftIssue({ ...args, drifted: false, report: "" }), "closed");
    assert.equal(await syncDriftIssue({ ...args, drifted: false, report: "" }), "none");
    assert.deepEqual(fake.writes, [
      `label ${LABEL}`,
      'open "Drift on stack home"',
      "update #1000",
      "comment on #1000",
      "close #1000",
    ]);
    const issue = fake.issues[0]!;
    assert.equal(issue.state, "closed");
    assert.match(issue.body ?? "", /more\n```/);
    // Drift again later: a new issue (the closed one stays closed).
    assert.equal(await syncDriftIssue({ ...args, drifted: true, report: drifted }), "opened");
    assert.equal(fake.issues.filter((i) => i.state === "open").length, 1);
  });

  it("the body says what to do, strips colours and stays under GitHub's limit", () => {
    const body = issueBody({
      stack: "home",
      report: "\u001b[32m+ added\u001b[0m\n" + "x".repeat(100_000),
      runUrl,
      date: "2025-01-02",
    });
    assert.ok(body.length <= MAX_BODY);
    assert.match(body, /pulumi up --refresh --stack home/);
    assert.match(body, /```text\n\+ added\n/);
    assert.ok(!body.includes("\u001b"), "no escape character left");
    assert.match(body, /… cut here: \d+ more characters in the workflow run's log/);
  });
});

describe("plan-report", () => {
  it("runs a checkout's plain node scripts with node, anything else through npm", () => {
    assert.deepEqual(nodeCommand(ROOT, "plan"), [
      process.execPath,
      "--require",
      "./src/boot/register.js",
      "src/cli/plan.ts",
    ]);
    const dir = mkdtempSync(join(tmpdir(), "node-command-"));
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        scripts: {
          plan: "tsx src/cli/plan.ts",
          piped: "node a.js | tee out",
          quoted: "node -e 'x'",
          env: "node $FILE",
        },
      }),
    );
    for (const script of ["plan", "piped", "quoted", "env", "missing"]) {
      assert.equal(nodeCommand(dir, script), undefined, script);
    }
    assert.equal(nodeCommand(join(dir, "nowhere"), "plan"), undefined);
  });

  const ok = (stdout: string) => ({ ok: true, stdout, stderr: "" });
  it("sections: a stack that does not plan, a removed one, a new one", () => {
    assert.match(
      section({
        stack: "home",
        base: ok("{}"),
        head: { ok: false, stdout: "", stderr: "Invalid configuration: 1 problem\n" },
      }),
      /^### Stack `home`: ❌ does not plan in this pull request\n\n```text\nInvalid configuration: 1 problem\n```$/,
    );
    assert.match(
      section({ stack: "old", base: ok("{}") }),
      /its stack file is removed\. Merging deletes nothing/,
    );
    assert.match(
      section({ stack: "new", head: ok("{}"), diff: ok("### Stack `new`: 3 to add\n") }),
      /^### Stack `new`: 3 to add\n\n> Stack `new` is new in this pull request\.$/,
    );
    assert.match(report({ sections: [] }), /^## Offline plan diff\n/);
  });

  it("the registry a stack file names, in a block or a flow mapping, or the default", () => {
    const stack = (membership: string) =>
      `config:\n  homelab:site:\n    name: x\n${membership}  homelab:proxmox: {}\n`;
    const block =
      "  homelab:federation:\n    member: a\n    # a comment\n    registry: fed/r.yaml\n";
    assert.equal(registryOf(stack(block)), "fed/r.yaml");
    assert.equal(
      registryOf(stack(`  homelab:federation: { member: a, registry: "x.yaml" }\n`)),
      "x.yaml",
    );
    assert.equal(
      registryOf(stack("  homelab:federation:\n    member: a\n")),
      "stacks/federation.yaml",
    );
    // A `registry:` key of the next section is not the membership's.
    assert.equal(
      registryOf(
        "config:\n  homelab:federation:\n    member: a\n  homelab:x:\n    registry: no.yaml\n",
      ),
      "stacks/federation.yaml",
    );
    assert.equal(registryOf(stack("")), undefined, "no member");
  });

  it("plan-diff --expand only for a stack that adds at most EXPAND_MAX_ADDED resources", () => {
    const planOf = (n: number) =>
      JSON.stringify({
        resources: Array.from({ length: n }, (_, i) => ({
          type: "t",
          name: `r${i}`,
          parent: null,
        })),
      });
    assert.deepEqual(expandArgs(planOf(3), planOf(3)), [], "nothing added");
    assert.deepEqual(expandArgs(planOf(3), planOf(3 + EXPAND_MAX_ADDED)), ["--expand"]);
    assert.deepEqual(expandArgs(planOf(3), planOf(4 + EXPAND_MAX_ADDED)), [], "too many");
    assert.deepEqual(expandArgs("", planOf(2)), ["--expand"], "no base plan: all added");
  });

  it("federation sections: a changed, a new, a removed registry, a failed diff", () => {
    const ok = {
      ok: true,
      stdout: "### Federation `FGN` (`stacks/federation.yaml`): x\n",
      stderr: "",
    };
    assert.equal(
      federationSection({ file: "stacks/federation.yaml", base: true, head: true, diff: ok }),
      "### Federation `FGN` (`stacks/federation.yaml`): x",
    );
    assert.match(
      federationSection({ file: "r.yaml", base: false, head: true }),
      /^### Federation registry `r\.yaml`: new in this pull request/,
    );
    assert.match(
      federationSection({ file: "r.yaml", base: true, head: false }),
      /^### Federation registry `r\.yaml`: removed in this pull request/,
    );
    const failed = { ok: false, stdout: "", stderr: "Cannot compare the registries: ```\n" };
    assert.equal(
      federationSection({ file: "r.yaml", base: true, head: true, diff: failed }),
      "### Federation registry `r.yaml`: registry-diff failed\n\n````text\nCannot compare the registries: ```\n````",
    );
    assert.match(
      report({ sections: ["### Stack `home`: no changes"], federation: ["### Federation F"] }),
      /\n\n### Federation F\n\n### Stack `home`: no changes\n$/,
    );
  });

  it("plans both checkouts for real, at the same path, and writes the report", () => {
    // Two checkouts of the project with the fixture sites as its stacks: the head has both;
    // the base has home with another network, and no annex.
    const checkout = (name: string, sites: StackFile[]) => {
      const dir = join(work, name);
      cpSync(fixtureProject(sites), dir, { recursive: true });
      for (const entry of ["src", "package.json", "tsconfig.json"]) {
        cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
      }
      symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
      return dir;
    };
    const work = mkdtempSync(join(tmpdir(), "plan-report-"));
    const base = checkout("base", [
      variant(HOME, (text) => text.replace("192.168.1.0/24", "192.168.2.0/24")),
    ]);
    const head = checkout("head", [HOME, ANNEX]);
    // The head's registry (the one the home stack names) changes a contact: no plan changes,
    // the report's federation section says so.
    const registry = join(head, REGISTRY);
    writeFileSync(
      registry,
      readFileSync(registry, "utf8").replace(
        "contact: alexis@example.net",
        "contact: noc@alexis.example",
      ),
    );
    const out = join(work, "out");
    try {
      const result = spawnSync(
        process.execPath,
        [join(SCRIPTS, "plan-report.cjs"), "--same-path", base, head, out],
        {
          encoding: "utf8",
          env: {
            ...process.env,
            BASE_SHA: "a".repeat(40),
            HEAD_SHA: "b".repeat(40),
            // V8's interpreter only, in the script and the plans and diffs it runs (the one V8
            // option NODE_OPTIONS passes on that makes short processes cheaper, as
            // --no-opt does for the test processes: 1.3 s of CPU less); speed only.
            NODE_OPTIONS: [process.env.NODE_OPTIONS, "--jitless"].filter(Boolean).join(" "),
          },
        },
      );
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, "head-failed=false\n");
      assert.ok(existsSync(base) && existsSync(head) && !existsSync(join(work, ".plan-checkout")));
      const text = readFileSync(join(out, "report.md"), "utf8");
      assert.match(
        text,
        /^## Offline plan diff\n\n.*base \(`aaaaaaa`\) and of this pull request merged into it \(`bbbbbbb`\)/,
      );
      assert.match(
        text,
        /### Stack `annex`: \d+ to add[^(\n]* \(0 → \d+ resources\)\n\n#### Added/,
      );
      assert.match(text, /> Stack `annex` is new in this pull request\./);
      assert.match(
        text,
        /\n### Federation `FGN` \(`test\/fixtures\/sites\/federation\.yaml`\): 1 member changed\n\n#### Members\n\n- changed: `alexis`\n {2}- `contact`: `alexis@example\.net` → `noc@alexis\.example`\n\nNo member's tunnels or BGP sessions change: nobody needs to act\.\n\n### Stack `annex`/,
      );
      // Planned at the same path, the checkouts' directories are no change: only the network,
      // and the FortiGate's in-filter of the peer whose prefix holds it (it denies that LAN).
      assert.match(
        text,
        /### Stack `home`: 1 to change, 1 output change \(\d+ → \d+ resources\)\n\n#### Changed \(1\)\n\n- `[^`]*::home-fortigate-pl-fgn-dorian-in` .*\n {2}- `inputs\.body\.rule\[0\]\.prefix`: `"192\.168\.2\.0 255\.255\.255\.0"` → `"192\.168\.1\.0 255\.255\.255\.0"`\n\n#### Stack outputs \(1\)\n\n- `networks\[1\]\.prefixes`: ~ `"192\.168\.2\.0\/24"` → `"192\.168\.1\.0\/24"`/,
      );
      const emptyBase = JSON.parse(readFileSync(join(out, "annex.base.json"), "utf8")) as {
        resources: unknown[];
      };
      assert.deepEqual(emptyBase.resources, []);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe("verify-issue: one issue per stack whose live checks fail", () => {
  const runUrl = "https://github.com/o/r/actions/runs/2";
  const rows = [
    { check: "bgp-neighbor", target: "bravo 172.31.254.1", status: "ok", detail: "Established" },
    { check: "ipsec-sa", target: "fgn-charlie", status: "fail", detail: "SA down: fgn-charlie" },
  ];
  const document = (checks: typeof rows) => JSON.stringify({ stack: "home", checks });

  it("classifies the run: clean, failed checks, or another error", () => {
    assert.equal(classifyVerify(0, document(rows.slice(0, 1))).outcome, "clean");
    assert.equal(classifyVerify(1, document(rows)).outcome, "failed");
    assert.equal(classifyVerify(1, "").outcome, "error"); // invalid configuration: nothing on stdout
    assert.equal(classifyVerify(2, "").outcome, "error");
    assert.equal(classifyVerify(70, document(rows)).outcome, "error");
  });

  it("opens one issue (creating the label), updates it, closes it when every check passes", async () => {
    const fake = fakeGitHub();
    const args = { github: fake.github, owner: "o", repo: "r", stack: "home", runUrl };
    assert.equal(await syncVerifyIssue({ ...args, failed: true, rows }), "opened");
    assert.equal(await syncVerifyIssue({ ...args, failed: true, rows }), "updated");
    assert.equal(await syncVerifyIssue({ ...args, failed: false, rows: [] }), "closed");
    assert.deepEqual(fake.writes, [
      `label ${VERIFY_LABEL.name}`,
      'open "Live checks fail on stack home"',
      "update #1000",
      "comment on #1000",
      "close #1000",
    ]);
  });

  it("the body lists the failing rows only, as text that cannot become Markdown", () => {
    const body = verifyIssueBody({
      stack: "home",
      rows: [...rows, { check: "guest", target: "vm 1", status: "fail", detail: "```\n# x" }],
      runUrl,
      date: "2025-01-02",
    });
    assert.match(body, /found 2 failing checks on 2025-01-02/);
    assert.match(body, /ipsec-sa +fgn-charlie +SA down: fgn-charlie/);
    assert.ok(!body.includes("bgp-neighbor"));
    assert.match(body, /````/); // a fence longer than the detail's backticks
  });
});

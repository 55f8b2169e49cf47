/**
 * Renames end to end: the plan JSON of a fixture stack (test/fixtures/plan-diff/site.yaml),
 * then of the same stack with a service or its Docker host renamed, with and without
 * renamedFrom, compared by `npm run plan-diff` (in process). Without renamedFrom the report's
 * caution block says what is lost; with it, every renamed resource is the same resource and
 * nothing is flagged.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { main as plan } from "../../src/cli/plan";
import { main as planDiff } from "../../src/cli/plan-diff";
import { ROOT, runMain } from "../helpers/cli";

const SITE = join(ROOT, "test", "fixtures", "plan-diff", "site.yaml");
const dir = mkdtempSync(join(tmpdir(), "plan-diff-renames-"));
let count = 0;

/** The plan JSON of the fixture site with `edits` applied (each must match), as a file. */
async function planOf(edits: readonly [string | RegExp, string][] = []): Promise<string> {
  let text = readFileSync(SITE, "utf8");
  for (const [pattern, replacement] of edits) {
    const next = text.replace(pattern, replacement);
    assert.notEqual(next, text, `the edit ${String(pattern)} changes the site`);
    text = next;
  }
  const stackFile = join(dir, `site-${++count}.yaml`);
  writeFileSync(stackFile, text);
  const result = await runMain(plan, ["--stack", "lab", "--config", stackFile, "--json"]);
  assert.equal(result.status, 0, result.stderr);
  const out = join(dir, `plan-${count}.json`);
  writeFileSync(out, result.stdout);
  return out;
}

async function diff(base: string, head: string): Promise<string> {
  const result = await runMain(planDiff, [base, head, "--limit", "0"]);
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

/** The caution block's lines (the guard-rails block's lines name their level first). */
function caution(report: string): string[] {
  return report
    .split("\n")
    .filter((l) => l.startsWith("> - ") && !/^> - \*\*(mandatory|advisory)\*\*/.test(l));
}

/** The guard-rails block's violations: "<level> <policy> <resource>". */
function violations(report: string): string[] {
  return report
    .split("\n")
    .map((l) => /^> - \*\*(mandatory|advisory)\*\* `([^`]+)` `([^`]+)`/.exec(l))
    .filter((m) => m !== null)
    .map((m) => [m[1], m[2], m[3]].join(" "));
}

const SERVICE = "    - name: paperless\n      app: paperless-ngx";
const HOST = "    - name: servo\n";

describe("plan-diff of renames, end to end", () => {
  let base = "";
  before(async () => {
    base = await planOf();
  });

  it("a service renamed without renamedFrom: new empty volumes and new passwords, flagged", async () => {
    const report = await diff(
      base,
      await planOf([[SERVICE, "    - name: papers\n      app: paperless-ngx"]]),
    );
    const lines = caution(report);
    // Each of its 6 volumes: left in place under the old name, a new empty one under the new.
    for (const volume of ["data", "media", "export", "consume", "cache", "db"]) {
      const [old, now] = [`paperless-volume-${volume}`, `papers-volume-${volume}`];
      assert.ok(
        lines.some((l) =>
          l.startsWith(
            `> - \`docker:index/volume:Volume::lab-services-${now}\` (in \`homelab:docker:Service::lab-services-papers\`): looks like \`docker:index/volume:Volume::lab-services-${old}\` renamed without an alias: this is a new one and starts empty (a Docker volume and its data); the data stays in \`docker:index/volume:Volume::lab-services-${old}\`, which retainOnDelete leaves in place, unused and unmanaged.`,
          ),
        ),
        `${volume}:\n${lines.join("\n")}`,
      );
      assert.ok(
        lines.some((l) =>
          l.startsWith(
            `> - \`docker:index/volume:Volume::lab-services-${old}\` (in \`homelab:docker:Service::lab-services-paperless\`): removed from the stack; retainOnDelete leaves it in place`,
          ),
        ),
      );
    }
    // Its 3 generated secrets: new values, the old ones deleted.
    for (const secret of ["admin-password", "db-password", "secret-key"]) {
      assert.ok(
        lines.some((l) =>
          l.startsWith(
            `> - \`random:index/randomPassword:RandomPassword::lab-services-generated-papers-${secret}\` (in \`homelab:docker:Services::lab-services\`): looks like \`random:index/randomPassword:RandomPassword::lab-services-generated-paperless-${secret}\` renamed without an alias: Pulumi creates this one and deletes`,
          ),
        ),
        secret,
      );
    }
    assert.equal(lines.length, 18, lines.join("\n"));
    assert.match(
      report,
      /^### Stack `lab`: 21 to add, 21 to delete, 1 output change, ⚠️ 18 warnings/,
    );
    // The guard rails refuse the same loss: each old volume and generated secret, by name.
    assert.deepEqual(
      violations(report).sort(),
      [
        ...["admin-password", "db-password", "secret-key"].map(
          (s) => `mandatory no-stateful-loss lab-services-generated-paperless-${s}`,
        ),
        ...["cache", "consume", "data", "db", "export", "media"].map(
          (v) => `mandatory no-stateful-loss lab-services-paperless-volume-${v}`,
        ),
      ].sort(),
    );
  });

  it("the same rename with renamedFrom: the same resources, renamed, nothing flagged", async () => {
    const head = await planOf([
      [SERVICE, "    - name: papers\n      renamedFrom: paperless\n      app: paperless-ngx"],
    ]);
    const report = await diff(base, head);
    assert.deepEqual(caution(report), []);
    assert.deepEqual(violations(report), []);
    assert.doesNotMatch(report, /#### (Added|Removed)/);
    assert.match(
      report,
      /- `docker:index\/volume:Volume::lab-services-papers-volume-data` \(in `homelab:docker:Service::lab-services-papers`\) · retainOnDelete · renamed from `docker:index\/volume:Volume::lab-services-paperless-volume-data` \(an alias: the same resource, nothing re-created\)\n/,
    );
    // The volume keeps its Docker name: nothing about it changes but its resource name.
    assert.doesNotMatch(report, /volume-data`[^\n]*\n {2}- `inputs\.name`/);
  });

  it("a Docker host renamed without renamedFrom: its resources move to another provider, flagged once", async () => {
    const renamed: [string | RegExp, string][] = [[/\bservo\b/g, "proliant"]];
    const report = await diff(base, await planOf(renamed));
    const moves = caution(report).filter((l) => l.includes("move to this provider"));
    assert.equal(moves.length, 1, report);
    assert.match(
      moves[0]!,
      /^> - `pulumi:providers:docker::lab-services-host-proliant-provider`: \d+ resources move to this provider from `pulumi:providers:docker::lab-services-host-servo-provider`: the engine replaces \(deletes and re-creates\) each of them unless .*, losing a Docker volume and its data \(×7\)\./,
    );
    const withAlias = await planOf([
      ...renamed,
      [HOST.replace("servo", "proliant"), "    - name: proliant\n      renamedFrom: servo\n"],
    ]);
    const kept = await diff(base, withAlias);
    assert.deepEqual(caution(kept), [], kept);
    assert.match(
      kept,
      /`pulumi:providers:docker::lab-services-host-proliant-provider` \(in `homelab:docker:Host::lab-services-host-proliant`\) · renamed from `pulumi:providers:docker::lab-services-host-servo-provider`/,
    );
  });
});

/**
 * `npm run plan-diff -- --expand`: each added resource's inputs in a collapsed block inside
 * its list item, as the plan holds them (a secret stays "[secret]"), in a fence that nothing
 * inside can close, cut after MAX_EXPAND_LINES lines. Off by default.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  SECRET,
  UNKNOWN,
  type Json,
  type Plan,
  type PlannedResource,
} from "../../src/cli/mock-runtime";
import { main } from "../../src/cli/plan-diff";
import { diffPlans } from "../../src/cli/plan-changes";
import { MAX_EXPAND_LINES, renderPlanDiff } from "../../src/cli/plan-markdown";
import { runMain } from "../helpers/cli";
import { planned } from "../helpers/planned";

function container(name: string, inputs: { [key: string]: Json }): PlannedResource {
  return planned("docker:index/container:Container", name, null, inputs);
}

function plan(resources: PlannedResource[]): Plan {
  return { stack: "home", project: "homelab", resources, outputs: {} };
}

const TRICKY = container("tricky", {
  name: "tricky",
  labels: { note: "````\n# heading\n<img src=x>", "a-first": "`x`" },
  envs: [`TOKEN=${SECRET}`],
  password: SECRET,
  image: UNKNOWN,
});

describe("plan-diff --expand", () => {
  it("shows an added resource's inputs, sorted, in a <details> block inside its list item", () => {
    const text = renderPlanDiff(diffPlans(plan([]), plan([TRICKY])), { expand: true });
    const item = "- `docker:index/container:Container::tricky`";
    const start = text.indexOf(item);
    assert.ok(start >= 0, text);
    const block = text.slice(start + item.length).split("\n");
    // The block: blank, <details>, blank, a fence longer than the four backticks inside.
    assert.deepEqual(block.slice(0, 5), [
      "",
      "",
      "  <details><summary>inputs</summary>",
      "",
      "  `````json",
    ]);
    const close = block.indexOf("  `````", 5);
    assert.ok(close > 5, "the fence closes at the item's indentation");
    assert.deepEqual(block.slice(close + 1, close + 4), ["", "  </details>", ""]);
    const body = block.slice(5, close).map((l) => l.replace(/^ {2}/, ""));
    assert.ok(
      block.slice(5, close).every((l) => l.startsWith("  ")),
      "every line indented to the list item's text",
    );
    assert.deepEqual(JSON.parse(body.join("\n")), TRICKY.inputs, "the inputs, whole");
    const keys = body.filter((l) => /^ {2}"/.test(l)).map((l) => /"([^"]+)"/.exec(l)?.[1]);
    assert.deepEqual(keys, ["envs", "image", "labels", "name", "password"], "keys sorted");
    assert.ok(body.includes('    "a-first": "`x`",'), "nested keys sorted too");
    assert.ok(body.includes(`  "password": "${SECRET}"`), "a secret stays [secret]");
    assert.ok(body.includes(`    "TOKEN=${SECRET}"`));
    assert.ok(body.includes(`  "image": "${UNKNOWN}",`), "an unknown stays [unknown]");
  });

  it("cuts a long body after MAX_EXPAND_LINES lines and says how many are left out", () => {
    const env = Array.from({ length: 200 }, (_, i) => `VAR_${i}=${i}`);
    const text = renderPlanDiff(diffPlans(plan([]), plan([container("big", { env })])), {
      expand: true,
    });
    const lines = text.split("\n");
    const open = lines.indexOf("  ```json");
    const close = lines.indexOf("  ```", open + 1);
    assert.equal(close - open - 1, MAX_EXPAND_LINES);
    // 200 items, the opening and closing brackets of the object and of the list.
    assert.equal(lines[close + 2], `  … ${204 - MAX_EXPAND_LINES} more lines`);
    assert.ok(!text.includes(`VAR_${MAX_EXPAND_LINES}=`), "nothing past the cut");
  });

  it("a resource without inputs (a component) gets no block; __provider is never shown", () => {
    const component = { ...container("root", {}), type: "homelab:index:Homelab", custom: false };
    const dynamic = container("fw", { path: "system/interface", __provider: "exports.handler" });
    const text = renderPlanDiff(diffPlans(plan([]), plan([component, dynamic])), {
      expand: true,
    });
    assert.equal(text.match(/<details>/g)?.length, 1, text);
    assert.ok(!text.includes("__provider"));
    assert.ok(text.includes('  "path": "system/interface"'));
  });

  it("is off by default, and on with --expand on the command line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-diff-expand-"));
    const base = join(dir, "base.json");
    const head = join(dir, "head.json");
    writeFileSync(base, JSON.stringify(plan([])));
    writeFileSync(head, JSON.stringify(plan([TRICKY])));
    const plain = await runMain(main, [base, head]);
    assert.equal(plain.status, 0, plain.stderr);
    assert.match(plain.stdout, /- `docker:index\/container:Container::tricky`/);
    assert.ok(!plain.stdout.includes("<details>"), "no inputs without --expand");
    const expanded = await runMain(main, [base, head, "--expand"]);
    assert.equal(expanded.status, 0, expanded.stderr);
    assert.ok(expanded.stdout.includes("  <details><summary>inputs</summary>"));
    assert.ok(expanded.stdout.includes(`  "password": "${SECRET}"`));
    const help = await runMain(main, ["--help"]);
    assert.match(help.stdout, /--expand {6}show each added resource's inputs/);
  });
});

/**
 * `npm run plan-diff` end to end: two real offline plans of a changed stack file (in process,
 * as every other case), and once as a subprocess.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { main as plan } from "../../src/cli/plan";
import { main } from "../../src/cli/plan-diff";
import { runCli, runMain } from "../helpers/cli";
import { HOME, pathOf, variant } from "../helpers/sites";

const dir = mkdtempSync(join(tmpdir(), "plan-diff-"));

async function planOf(stackFile: string, out: string): Promise<string> {
  const result = await runMain(plan, ["--stack", "home", "--config", stackFile, "--json"]);
  assert.equal(result.status, 0, result.stderr);
  const path = join(dir, out);
  writeFileSync(path, result.stdout);
  return path;
}

describe("npm run plan-diff", () => {
  it("compares the plans of two versions of a stack file and prints Markdown", async () => {
    const base = await planOf(pathOf(HOME), "base.json");
    const changed = variant(HOME, (text) =>
      text.replace("cidr: 198.51.100.23/32", "cidr: 198.51.100.24/32"),
    );
    const head = await planOf(changed.file, "head.json");
    const result = await runMain(main, [base, head]);
    assert.equal(result.status, 0, result.stderr);
    // The Caddyfile the proxy container receives lists the networks allowed to reach the
    // restricted services: the change shows as a line diff of that file.
    assert.match(
      result.stdout,
      /^### Stack `home`: 1 to change, 1 output change \(\d+ → \d+ resources\)\n\n> \[!CAUTION\]\n(?:>.*\n)+\n#### Changed \(1\)\n\n- `docker:index\/container:Container::home-services-proxy-caddy`/,
    );
    // Docker re-creates a container whose upload changes: the proxy restarts (guard rails).
    assert.match(
      result.stdout,
      /> - \*\*mandatory\*\* `maintenance-only` `home-services-proxy-caddy`: home-services-proxy-caddy restarts or is replaced \(`uploads` change: Docker re-creates the container\)/,
    );
    assert.match(
      result.stdout,
      / {2}- `inputs\.uploads\[0\]\.content`: text changed\n {4}```diff\n {4}@@ \d+ unchanged lines @@\n/,
    );
    assert.match(
      result.stdout,
      /\n {4}-\t+@denied not client_ip [^\n]* 198\.51\.100\.23\/32\n {4}\+\t+@denied not client_ip [^\n]* 198\.51\.100\.24\/32\n/,
    );
    assert.match(
      result.stdout,
      /#### Stack outputs \(1\)\n\n- `networks\[0\]\.prefixes`: ~ `"198\.51\.100\.23\/32"` → `"198\.51\.100\.24\/32"`\n$/,
    );
    const same = await runMain(main, [base, base, "--level", "2"]);
    assert.equal(same.status, 0, same.stderr);
    assert.match(same.stdout, /^## Stack `home`: no changes \(\d+ → \d+ resources\)\n$/);
    const subprocess = runCli("plan-diff", [base, head]);
    assert.equal(subprocess.status, 0, subprocess.stderr);
    assert.equal(subprocess.stdout, result.stdout, "as a subprocess, as npm runs it");
  });

  it("unreadable or invalid documents: every problem on stderr, exit 1, nothing on stdout", async () => {
    const notJson = join(dir, "not.json");
    writeFileSync(notJson, "Plan for stack home\n");
    const result = await runMain(main, [join(dir, "missing.json"), notJson]);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /^Cannot compare the plans: 2 problems\n/);
    assert.match(
      result.stderr,
      /missing\.json {2}\(top level\)\n {4}cannot read .*missing\.json: file not found/,
    );
    assert.match(
      result.stderr,
      /not\.json {2}\(top level\)\n {4}not valid JSON \(.+\): pass the output of npm run plan/,
    );
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
  });

  it("usage errors exit 2 with the usage text", async () => {
    const one = await runMain(main, ["a.json"]);
    assert.equal(one.status, 2);
    assert.match(
      one.stderr,
      /^missing argument: <head\.json>\n\nusage: npm run plan-diff -- <base\.json> <head\.json>/,
    );
    const three = await runMain(main, ["a.json", "b.json", "c.json"]);
    assert.equal(three.status, 2);
    assert.match(three.stderr, /^unexpected argument: c\.json\n/);
    const limit = await runMain(main, ["a.json", "b.json", "--limit", "many"]);
    assert.equal(limit.status, 2);
    assert.match(limit.stderr, /^--limit must be a whole number of at least 0, got "many"\n/);
    const help = await runMain(main, ["--help"]);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^usage: npm run plan-diff/);
  });
});

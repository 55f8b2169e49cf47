/**
 * Test files sharing a process (test/helpers/batch.js, scripts/run-tests.mjs): each file runs
 * in its turn, after the one before it has ended (its top-level code too), with its own copy
 * of the test modules (a helper's module-level hook belongs to the file that loaded it), and a
 * file that fails to load fails alone. Run on files of its own in a temporary directory.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

const ROOT = join(__dirname, "..", "..");

describe("a batch of test files", () => {
  it("runs each file in turn, with its own test modules; a file that fails to load fails alone", () => {
    const dir = mkdtempSync(join(tmpdir(), "batch-"));
    const log = join(dir, "log.txt");
    const append = (text: string) =>
      `require("node:fs").appendFileSync(${JSON.stringify(log)}, ${text} + "\\n");`;
    // A helper with module-level state and a hook it registers when it loads.
    writeFileSync(
      join(dir, "helper.js"),
      [
        'const { after } = require("node:test");',
        "let loads = (globalThis.helperLoads ?? 0) + 1;",
        "globalThis.helperLoads = loads;",
        "const state = { uses: 0 };",
        `after(() => { ${append('"after of load " + loads + ", uses " + state.uses')} });`,
        "module.exports = state;",
      ].join("\n"),
    );
    const file = (name: string) =>
      [
        'const { it } = require("node:test");',
        'const state = require("./helper.js");',
        append(`"load ${name}"`),
        `it("${name}", () => { state.uses++; ${append(`"test ${name}"`)} });`,
      ].join("\n");
    writeFileSync(join(dir, "a.test.js"), file("a"));
    writeFileSync(join(dir, "broken.test.js"), 'throw new Error("cannot load");\n');
    writeFileSync(join(dir, "b.test.js"), file("b"));
    const files = ["a.test.js", "broken.test.js", "b.test.js"].map((f) => join(dir, f));
    writeFileSync(
      join(dir, "entry.test.js"),
      `require(${JSON.stringify(join(ROOT, "test", "helpers", "batch.js"))}).runBatch(${JSON.stringify(files)}, ${JSON.stringify(dir + "/")});\n`,
    );
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const result = spawnSync(process.execPath, ["--test", join(dir, "entry.test.js")], {
      cwd: ROOT,
      encoding: "utf8",
      env,
      timeout: 60_000,
    });
    assert.equal(result.status, 1, "the broken file fails the run");
    assert.match(result.stdout, /# tests 2\n# suites 3\n# pass 2\n/, "a and b pass");
    assert.match(result.stdout, /not ok \d+ - \S*broken\.test\.js[\s\S]*cannot load/);
    assert.deepEqual(readFileSync(log, "utf8").trimEnd().split("\n"), [
      "load a",
      "test a",
      "after of load 1, uses 1",
      "load b",
      "test b",
      "after of load 2, uses 1",
    ]);
  });

  it("the runner puts files in groups, except a file that asks for its own process", () => {
    // A project of three test files, with the runner's preload, batch and reporter modules.
    const dir = mkdtempSync(join(tmpdir(), "batch-runner-"));
    mkdirSync(join(dir, "test", "helpers"), { recursive: true });
    mkdirSync(join(dir, "test", "x"));
    for (const helper of [
      "batch.js",
      "harness-hook.js",
      "failure-summary.mjs",
      "plan-memo.ts",
      "output.ts",
    ]) {
      copyFileSync(join(ROOT, "test", "helpers", helper), join(dir, "test", "helpers", helper));
    }
    symlinkSync(join(ROOT, "src"), join(dir, "src"));
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    const log = join(dir, "pids.txt");
    for (const [name, marker] of [
      ["one", ""],
      ["two", ""],
      ["alone", "// test: own process (it says so)\n"],
    ] as const) {
      writeFileSync(
        join(dir, "test", "x", `${name}.test.ts`),
        `${marker}import { appendFileSync } from "node:fs";\nimport { it } from "node:test";\n` +
          `it("${name}", () => appendFileSync(${JSON.stringify(log)}, "${name} " + process.pid + "\\n"));\n`,
      );
    }
    const pids = (batches: string) => {
      writeFileSync(log, "");
      const env: NodeJS.ProcessEnv = { ...process.env, HOMELAB_TEST_BATCH: batches };
      delete env.NODE_TEST_CONTEXT;
      const run = spawnSync(process.execPath, [join(ROOT, "scripts", "run-tests.mjs")], {
        cwd: dir,
        encoding: "utf8",
        env,
        timeout: 60_000,
      });
      assert.equal(run.status, 0, run.stdout + run.stderr);
      return Object.fromEntries(
        readFileSync(log, "utf8")
          .trimEnd()
          .split("\n")
          .map((line) => line.split(" ")),
      ) as Record<string, string>;
    };
    const grouped = pids("1");
    assert.equal(grouped.one, grouped.two, "one and two share a process");
    assert.notEqual(grouped.alone, grouped.one, "alone has its own");
    const separate = pids("0");
    assert.equal(new Set(Object.values(separate)).size, 3, "HOMELAB_TEST_BATCH=0: one each");
  });
});

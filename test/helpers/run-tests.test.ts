/**
 * The test runner (scripts/run-tests.mjs): a test that never ends fails at the time limit
 * instead of hanging the run. Node 20 applies the limit to each test file's run as a whole
 * too, and that limit strikes first (the file started earlier than its test). And `npm test`
 * (scripts/test.mjs), which runs the four steps at the same time.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, it } from "node:test";

const ROOT = join(__dirname, "..", "..");

describe("npm run test:unit", () => {
  it("runs the test processes with the V8 flags it names to them", (t) => {
    // The runner passes its flags (by default --no-opt --single-threaded) to this process and
    // names them in HOMELAB_TEST_V8_FLAGS, for the CLIs tests start.
    const told = process.env.HOMELAB_TEST_V8_FLAGS;
    if (told === undefined) {
      t.skip("not run by scripts/run-tests.mjs");
      return;
    }
    for (const flag of told.split(/\s+/).filter(Boolean)) {
      assert.ok(process.execArgv.includes(flag), flag);
    }
    if (told === "") {
      assert.deepEqual(
        process.execArgv.filter((a) => a === "--no-opt" || a === "--single-threaded"),
        [],
      );
    }
  });

  it("fails a test file whose test awaits an Output that never resolves", () => {
    // A test file's process is marked as one; the runner it starts must not inherit that.
    const env: NodeJS.ProcessEnv = { ...process.env, TEST_TIMEOUT_MS: "1000" };
    delete env.NODE_TEST_CONTEXT;
    const started = Date.now();
    const result = spawnSync(
      process.execPath,
      [join(ROOT, "scripts", "run-tests.mjs"), "test/helpers/pending-output.fixture.ts"],
      {
        cwd: ROOT,
        encoding: "utf8",
        env,
        timeout: 90_000,
      },
    );
    assert.equal(result.signal, null, "the run hung: the time limit did not end the test");
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /\nnot ok 1 - \S*test\/helpers\/pending-output\.fixture\.ts\n/);
    assert.match(result.stdout, /error: 'test timed out after 1000ms'/);
    assert.match(result.stdout, /# pass 0\n/);
    assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
  });
});

describe("npm run test:unit: the failures again at the end", () => {
  /** Runs the runner on files written to a directory of their own. */
  function run(files: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), "run-tests-"));
    const paths = Object.entries(files).map(([name, text]) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    });
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    delete env.HOMELAB_TEST_BATCH; // files share processes, as by default
    delete env.HOMELAB_TEST_CONCURRENCY; // as many at a time as by default
    const result = spawnSync(process.execPath, [join(ROOT, "scripts", "run-tests.mjs"), ...paths], {
      cwd: ROOT,
      encoding: "utf8",
      env,
      timeout: 60_000,
    });
    // The directory as the summary shows it (relative to the project), as a pattern.
    return { ...result, shown: relative(ROOT, dir).replace(/[.*+?^${}()|[\]\\]/g, "\\$&") };
  }
  const head = 'const { describe, it, before } = require("node:test");\n';

  it("names each failed test by file, suites and test, with its error, after the report", () => {
    const { status, stdout, shown } = run({
      "nested.test.js":
        head +
        'describe("outer", () => { describe("inner", () => {\n' +
        '  it("passes", () => {});\n' +
        '  it("fails", () => { throw new Error("the first line\\nthe second line"); });\n' +
        "}); });\n",
      "hook.test.js":
        head +
        'describe("hooked", () => { before(() => { throw new Error("the hook broke"); });\n' +
        '  it("a", () => {}); it("b", () => {}); });\n',
      "broken.test.js": head + "describe(\n",
    });
    assert.equal(status, 1, stdout);
    const at = stdout.indexOf("# 3 failed (node:test's report above has each in full):");
    assert.ok(at > stdout.indexOf("# duration_ms"), `no summary after the report:\n${stdout}`);
    const summary = stdout.slice(at);
    // Two files or more share a process: each file is a suite named after its path.
    assert.match(
      summary,
      new RegExp(
        `\n✖ ${shown}/nested\\.test\\.js › outer › inner › fails\n    the first line\n    the second line\n`,
      ),
    );
    // A hook's failure is the suite's; its tests, cancelled, are not listed.
    assert.match(
      summary,
      new RegExp(`\n✖ ${shown}/hook\\.test\\.js › hooked\n    the hook broke\n`),
    );
    assert.doesNotMatch(summary, /hooked › [ab]\b/);
    assert.match(
      summary,
      new RegExp(`\n✖ ${shown}/broken\\.test\\.js\n    Unexpected end of input\n`),
    );
    assert.doesNotMatch(summary, /passes|batch-\d/);
  });

  it("a file that fails in its own process: its name and the end of its stderr", () => {
    const { status, stdout, shown } = run({
      "alone.test.js": head + 'process.stderr.write("about to fail\\n"); process.exit(3);\n',
    });
    assert.equal(status, 1, stdout);
    const summary = stdout.slice(stdout.indexOf("# 1 failed"));
    assert.match(summary, new RegExp(`\n✖ ${shown}/alone\\.test\\.js\n`));
    assert.ok(summary.includes("\n  its stderr, last lines:\n    about to fail\n"), summary);
  });

  it("an error no test was running to take: its file and the harness's words", () => {
    const { status, stdout, shown } = run({
      "late.test.js":
        head +
        'it("starts a timer that throws", (t, done) => {\n' +
        '  setTimeout(() => { throw new Error("boom from a timer"); }, 5);\n' +
        "  setTimeout(done, 100);\n" +
        "});\n",
    });
    assert.equal(status, 1, stdout);
    // The file fails too: its process ended with exit code 1.
    const summary = stdout.slice(stdout.indexOf("# 2 failed"));
    assert.match(summary, new RegExp(`\n✖ ${shown}/late\\.test\\.js\n    test failed\n`));
    assert.match(
      summary,
      new RegExp(
        `\n✖ ${shown}/late\\.test\\.js › \\(outside any test\\)\n    Error: .*"Error: boom from a timer" which triggered an uncaughtException event`,
      ),
    );
  });

  it("runs one more test process at a time than the machine has cores", () => {
    // Each file waits until every file has started: they pass only if all run at once. Three
    // is one more than the two cores this project's machines have (more cores run more). The
    // wait is long (30 s, 6 s before): an `npm test` on a busy machine once failed (its output
    // not kept), and three test processes starting beside the whole suite there may well take
    // more than 6 s, the likeliest cause. When quiet they meet in well under a second.
    const wait =
      "// test: own process\n" +
      head +
      'const { readdirSync, writeFileSync } = require("node:fs");\n' +
      'const { join } = require("node:path");\n' +
      'it("meets the others", async () => {\n' +
      "  writeFileSync(join(__dirname, `${process.pid}.started`), '');\n" +
      '  const all = () => readdirSync(__dirname).filter((f) => f.endsWith(".started")).length;\n' +
      "  for (let i = 0; i < 1500 && all() < 3; i++) await new Promise((r) => setTimeout(r, 20));\n" +
      "  if (all() < 3) throw new Error(`only ${all()} of 3 started`);\n" +
      "});\n";
    const { status, stdout } = run({ "a.test.js": wait, "b.test.js": wait, "c.test.js": wait });
    assert.equal(status, 0, stdout);
    assert.match(stdout, /# pass 3\n/);
  });

  it("says nothing more when every test passed", () => {
    const { status, stdout } = run({ "fine.test.js": head + 'it("passes", () => {});\n' });
    assert.equal(status, 0, stdout);
    assert.match(stdout, /# pass 1\n/);
    assert.doesNotMatch(stdout, /failed \(node:test/);
  });
});

describe("npm test", () => {
  it("runs every step, prints each one's output whole, and fails when one fails", () => {
    // A project whose steps are stand-ins: the suite ends its line 200 ms after check:code has
    // exited (it leaves a file as it exits), by when npm test has its output to print.
    const dir = mkdtempSync(join(tmpdir(), "npm-test-"));
    const script = (code: string) => `node -e "${code}"`;
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        scripts: {
          "check:code": script(
            "process.on('exit', () => require('fs').writeFileSync('checked', '')); console.error('lint: 1 problem'); process.exit(1)",
          ),
          "format:check": script("console.log('all formatted')"),
          "test:unit": script(
            "process.stdout.write('ok 1\\nok 2 ...'); const wait = () => require('fs').existsSync('checked') ? setTimeout(() => console.log(' done'), 200) : setTimeout(wait, 10); wait()",
          ),
        },
      }),
    );
    const result = spawnSync(process.execPath, [join(ROOT, "scripts", "test.mjs")], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /\nok 1\nok 2 \.\.\. done\n/, "the suite's line is not cut");
    assert.match(
      result.stdout,
      /\n── npm run check:code: FAILED \(1\), [\d.]+ s\nlint: 1 problem\n/,
    );
    assert.match(result.stdout, /\n── npm run format:check: ok, [\d.]+ s\nall formatted\n/);
    assert.match(
      result.stdout,
      /\nnpm test: check:code FAILED [\d.]+ s, format:check ok [\d.]+ s, test:unit ok [\d.]+ s; [\d.]+ s in all\n$/,
    );
  });

  it("refuses a project that lacks a step's script, before it runs any (exit 2)", () => {
    const dir = mkdtempSync(join(tmpdir(), "npm-test-"));
    const ran = join(dir, "ran");
    const step = `node -e "require('fs').appendFileSync('ran', 'x')"`;
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ scripts: { "check:code": step, "test:unit": step } }),
    );
    try {
      const result = spawnSync(process.execPath, [join(ROOT, "scripts", "test.mjs")], {
        cwd: dir,
        encoding: "utf8",
        timeout: 60_000,
      });
      assert.equal(result.status, 2, result.stdout + result.stderr);
      assert.equal(result.stderr, "npm test: package.json has no script format:check\n");
      assert.ok(!existsSync(ran), "no step ran");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

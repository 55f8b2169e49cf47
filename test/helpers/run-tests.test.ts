/**
 * The test runner (scripts/run-tests.mjs): a test that never ends fails at the time limit
 * instead of hanging the run. Node 20 applies the limit to each test file's run as a whole
 * too, and that limit strikes first (the file started earlier than its test).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";

const ROOT = join(__dirname, "..", "..");

describe("npm run test:unit", () => {
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

/**
 * runMain (test/helpers/cli.ts) captures what a CLI writes while it runs, and leaves alone
 * what Node's own stream code writes meanwhile (node:test's reporter is piped to stdout).
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { runMain } from "./cli";

describe("runMain", () => {
  it("captures the CLI's writes, after an await too, and its exit code", async () => {
    const before = process.exitCode;
    const result = await runMain(
      async (argv) => {
        console.log(`argv ${argv.join(" ")}`);
        process.stderr.write("to stderr\n");
        await new Promise((resolve) => setTimeout(resolve, 5));
        console.error("after a timer");
        process.exitCode = 3;
      },
      ["--a", "b"],
    );
    assert.deepEqual(result, {
      status: 3,
      stdout: "argv --a b\n",
      stderr: "to stderr\nafter a timer\n",
    });
    assert.equal(process.exitCode, before, "the exit code is the CLI's, not the process's");
  });

  it("leaves a piped stream's writes alone (Node's code, as the test reporter's)", async () => {
    let piped = false;
    const result = await runMain(async () => {
      process.stderr.write("the CLI's\n");
      // What the reporter does: a stream piped into the process's stream (the line goes to
      // the real stderr, which this test's runner shows as the file's stderr).
      const source = Readable.from(["a piped line, not the CLI's\n"]);
      source.on("data", () => (piped = true));
      await new Promise((resolve) =>
        source.on("end", resolve).pipe(process.stderr, { end: false }),
      );
    }, []);
    assert.ok(piped, "the piped line was written while the CLI ran");
    assert.equal(result.stderr, "the CLI's\n");
  });

  it("one call at a time", async () => {
    const before = process.exitCode;
    let release = () => {};
    const first = runMain(async () => {
      process.exitCode = 2;
      await new Promise<void>((resolve) => (release = resolve));
    }, []);
    await assert.rejects(
      runMain(async () => {}, []),
      /runMain: one call at a time \(another has not ended\)/,
    );
    assert.equal(process.exitCode, 2, "the refused call leaves the running one's exit code");
    release();
    assert.equal((await first).status, 2);
    assert.equal(process.exitCode, before);
  });
});

/**
 * A node:test reporter that prints, after the run, one block per failed test: where it is
 * (file › suite › test) and its error's first lines. scripts/run-tests.mjs adds it after the
 * TAP report, whose failures are somewhere in thousands of lines: a log cut to its end (a CI
 * page, a terminal's scrollback) still says what failed. Nothing when every test passed.
 *
 * Only the tests that failed themselves are listed, not the suites that failed because a test
 * in them did. A file that failed outside its tests (it did not load, its process died) is
 * listed with the last lines it wrote to stderr; an error outside any test, with the
 * harness's words.
 */
import { basename, relative } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Files that run others (scripts/run-tests.mjs's batch entries, test/helpers/batch.js, which
 * node:test names for a suite that failed while loading): their suites name the files.
 */
const BATCH_ENTRY = /^batch-\d+-of-\d+\.test\.js$/;
const BATCH_RUNNER = fileURLToPath(new URL("./batch.js", import.meta.url));
const runsOthers = (file) => file === BATCH_RUNNER || BATCH_ENTRY.test(basename(file ?? ""));
/**
 * The harness's report of an error no test was running to take (an uncaught exception or an
 * unhandled rejection after a test ended, or from code no test is mapped to: see
 * test/helpers/harness-hook.js): the run fails with no failed test.
 */
const OUTSIDE_TESTS = /^Error: .* triggered an? (uncaughtException|unhandledRejection) event/s;
const MAX_ERROR_LINES = 12;
const MAX_STDERR_LINES = 15;

const where = (file) => relative(process.cwd(), file);

function firstLines(text, count) {
  const lines = String(text).trimEnd().split("\n");
  return lines.length <= count
    ? lines
    : [...lines.slice(0, count), `… ${lines.length - count} more lines`];
}

function describeError(error) {
  if (!error) return ["(no error given)"];
  if (typeof error === "string") return firstLines(error, MAX_ERROR_LINES);
  // A failure in a test's code or in a hook comes wrapped: the cause is what was thrown.
  const thrown = error.cause ?? error;
  const text = typeof thrown === "object" && "message" in thrown ? thrown.message : thrown;
  return firstLines(text, MAX_ERROR_LINES);
}

export default async function* failureSummary(source) {
  /**
   * Failures waiting for their parent, by nesting level. node:test reports a test after the
   * tests in it, and a top-level test (a file's, or a batch's suite for a file) with all of
   * its own before the next one, whatever ran in parallel.
   */
  const levels = [];
  /** Per file: the end of what it wrote to stderr. */
  const stderr = new Map();
  const failures = [];
  /** The file of the last test reported. */
  let lastFile;

  for await (const { type, data } of source) {
    if (type === "test:stderr") {
      const tail = [...(stderr.get(data.file) ?? []), ...String(data.message).split("\n")];
      stderr.set(data.file, tail.slice(-MAX_STDERR_LINES * 2));
      continue;
    }
    if (type === "test:diagnostic" && OUTSIDE_TESTS.test(data.message)) {
      // Reported among its file's events (node:test keeps a file's together), without a file.
      const file = data.file ?? lastFile;
      failures.push({ file, path: ["(outside any test)"], error: data.message, outside: true });
      continue;
    }
    if (type !== "test:pass" && type !== "test:fail") continue;
    lastFile = data.file ?? lastFile;
    let children = levels[data.nesting + 1] ?? [];
    levels[data.nesting + 1] = [];
    const error = data.details?.error;
    // A suite fails when a test in it does ("subtestsFailed"): its tests say why. A suite
    // that failed itself (a hook) cancels its tests: it says why, they do not.
    const own = type === "test:fail" && error?.failureType !== "subtestsFailed";
    if (own) children = children.filter((c) => c.error?.failureType !== "cancelledByParent");
    for (const child of children) child.path.unshift(data.name);
    const here = (levels[data.nesting] ??= []);
    here.push(...children);
    if (own) here.push({ path: [data.name], error });
    if (data.nesting === 0) {
      for (const failure of here.splice(0)) failures.push({ ...failure, file: data.file });
    }
  }
  if (failures.length === 0) return;

  const lines = ["", `# ${failures.length} failed (node:test's report above has each in full):`];
  for (const failure of failures) {
    // A file that failed as a whole is reported under its path; a batch's suites are named
    // after their files; other tests are named here after the file they are in.
    const whole = failure.path.length === 1 && failure.path[0] === failure.file;
    const path = whole
      ? [where(failure.file)]
      : !failure.file || (runsOthers(failure.file) && !failure.outside)
        ? failure.path
        : [where(failure.file), ...failure.path];
    lines.push("", `✖ ${path.join(" › ")}`);
    for (const line of describeError(failure.error)) lines.push(`    ${line}`);
    if (whole && stderr.has(failure.file)) {
      lines.push("  its stderr, last lines:");
      const tail = stderr
        .get(failure.file)
        .filter((l) => l.trim() !== "")
        .slice(-MAX_STDERR_LINES);
      for (const line of tail) lines.push(`    ${line}`);
    }
  }
  yield `${lines.join("\n")}\n`;
}

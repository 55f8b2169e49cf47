/**
 * Negative fixtures: every file in test/fixtures/invalid is a stack file that breaks one
 * rule. Its header says which, and lists the exact problems (path :: message) the loader
 * must report, no more and no fewer:
 *
 *   # rule: <the rule>
 *   # options: require-secrets            (optional: load as a real run would)
 *   # problem-file: <path>                (optional: problems belong to this file)
 *   # expect: <key path> :: <message>     (one per problem; "\n" for a line break)
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError, formatPath } from "../../src/config/errors";
import { loadSite, stackFileSource } from "../../src/config/load";

const ROOT = join(__dirname, "..", "..");
const DIR = join(ROOT, "test", "fixtures", "invalid");

interface Fixture {
  file: string;
  label: string;
  rule: string;
  requireSecrets: boolean;
  problemFile: string;
  expected: { path: string; message: string }[];
}

function readFixture(file: string): Fixture {
  const label = `test/fixtures/invalid/${file}`;
  const header = readFileSync(join(DIR, file), "utf8")
    .split("\n")
    .filter((line) => line.startsWith("# "))
    .map((line) => line.slice(2));
  const value = (key: string) =>
    header.filter((l) => l.startsWith(`${key}: `)).map((l) => l.slice(key.length + 2));
  const expected = value("expect").map((line) => {
    const at = line.indexOf(" :: ");
    assert.ok(at > 0, `${file}: expect line needs "path :: message"`);
    return { path: line.slice(0, at), message: line.slice(at + 4).replaceAll("\\n", "\n") };
  });
  return {
    file,
    label,
    rule: value("rule")[0] ?? "",
    requireSecrets: value("options").includes("require-secrets"),
    problemFile: value("problem-file")[0] ?? label,
    expected,
  };
}

const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map(readFixture);

describe("negative fixtures", () => {
  it("there is at least one fixture per site rule (25+), each with a rule and expectations", () => {
    assert.ok(fixtures.length >= 25, `only ${fixtures.length} fixtures`);
    for (const f of fixtures) {
      assert.ok(f.rule.length > 0, `${f.file} has no "# rule:" line`);
      assert.ok(f.expected.length > 0, `${f.file} has no "# expect:" line`);
    }
  });

  for (const fixture of fixtures) {
    it(`${fixture.file}: ${fixture.rule}`, () => {
      const source = stackFileSource(join(DIR, fixture.file), "fixture", fixture.label);
      let error: unknown;
      try {
        loadSite(source, { root: ROOT, requireSecrets: fixture.requireSecrets });
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof ConfigError, `${fixture.file} loaded without error`);
      const actual = error.problems.map((p) => ({ path: formatPath(p.path), message: p.message }));
      assert.deepEqual(
        actual.sort((a, b) => a.path.localeCompare(b.path)),
        [...fixture.expected].sort((a, b) => a.path.localeCompare(b.path)),
      );
      const registryProblem = fixture.problemFile !== fixture.label;
      for (const problem of error.problems) {
        const expectedFile =
          registryProblem || !problem.file.startsWith("test/fixtures/invalid")
            ? problem.file
            : fixture.label;
        assert.equal(problem.file, expectedFile);
      }
      // The report never contains a stack trace.
      assert.doesNotMatch(error.message, /\n\s+at /);
    });
  }
});

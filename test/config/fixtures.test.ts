/**
 * Negative fixtures: every file in test/fixtures/invalid is a stack file that breaks one
 * rule. Its header says which, and lists the exact problems (path :: message) the
 * evaluation (load, validate and model, as `npm run check` and the program do it) must
 * report, no more and no fewer:
 *
 *   # rule: <the rule>
 *   # options: require-secrets            (optional: load as a real run would)
 *   # problem-file: <path>                (optional: problems belong to this file)
 *   # expect: <key path> :: <message>     (one per problem; "\n" for a line break)
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError } from "../../src/config/errors";
import { stackFileSource } from "../../src/config/load";
import { evaluateSite } from "../../src/evaluate";
import { assertProblems, readFixtureHeader, type FixtureHeader } from "../helpers/fixtures";

const ROOT = join(__dirname, "..", "..");
const DIR = join(ROOT, "test", "fixtures", "invalid");

interface Fixture extends FixtureHeader {
  file: string;
  label: string;
  requireSecrets: boolean;
}

function readFixture(file: string): Fixture {
  const header = readFixtureHeader(join(DIR, file));
  return {
    ...header,
    file,
    label: `test/fixtures/invalid/${file}`,
    requireSecrets: header.options.includes("require-secrets"),
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
        evaluateSite(source, { root: ROOT, requireSecrets: fixture.requireSecrets });
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof ConfigError, `${fixture.file} loaded without error`);
      assertProblems(error.problems, fixture);
      // Problems belong to the fixture itself, or to the file its header names.
      for (const problem of error.problems) {
        assert.equal(problem.file, fixture.problemFile ?? fixture.label);
      }
      // The report never contains a stack trace.
      assert.doesNotMatch(error.message, /\n\s+at /);
    });
  }
});

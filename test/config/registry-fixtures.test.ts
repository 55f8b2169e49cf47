/**
 * Registry fixtures: every file in test/fixtures/registry with a `# rule:` header is a
 * registry that breaks one rule and lists the exact problems (path :: message) it must
 * produce, in the header format of test/fixtures/invalid (see test/helpers/fixtures.ts).
 * Files without a header are valid registries other tests use, and must stay valid.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { formatReport } from "../../src/config/errors";
import { parseRegistry } from "../../src/config/registry";
import { readYaml, withPositions } from "../../src/config/yaml";
import { assertProblems, readFixtureHeader } from "../helpers/fixtures";
import { REGISTRY, ROOT } from "../helpers/sites";

const DIR = join(ROOT, "test", "fixtures", "registry");

const files = readdirSync(DIR)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((file) => ({
    file,
    label: `test/fixtures/registry/${file}`,
    header: readFixtureHeader(join(DIR, file)),
  }));
const negative = files.filter((f) => f.header.rule !== "");
const valid = files.filter((f) => f.header.rule === "");

describe("registry fixtures", () => {
  it("there are at least 12 negative registry fixtures, each with expectations", () => {
    assert.ok(negative.length >= 12, `only ${negative.length} negative fixtures`);
    for (const f of negative) assert.ok(f.header.expected.length > 0, `${f.file}: no "# expect:"`);
  });

  for (const { file, label, header } of negative) {
    it(`${file}: ${header.rule}`, () => {
      const yaml = readYaml(join(DIR, file), label);
      assert.deepEqual(yaml.problems, [], `${file} is not even valid YAML`);
      const { problems } = parseRegistry(yaml.value, label);
      assertProblems(problems, header);
      // Each problem names the registry file and, once positioned, its line.
      for (const problem of withPositions(problems, yaml)) {
        assert.equal(problem.file, label);
        assert.ok(problem.line !== undefined && problem.line > 0, `${file}: no line`);
      }
      assert.doesNotMatch(formatReport(problems), /\n\s+at /);
    });
  }

  for (const { file, label } of valid) {
    it(`${file} is a valid registry`, () => {
      const yaml = readYaml(join(DIR, file), label);
      const result = parseRegistry(yaml.value, label);
      assert.deepEqual(result.problems, []);
      assert.ok(result.registry);
    });
  }

  it("the fixture sites' registry is valid", () => {
    const yaml = readYaml(join(ROOT, REGISTRY), REGISTRY);
    assert.deepEqual(parseRegistry(yaml.value, REGISTRY).problems, []);
  });
});

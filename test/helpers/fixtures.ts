/**
 * Headers of negative fixtures (stack files in test/fixtures/invalid, registries in
 * test/fixtures/registry): which rule a file breaks and the exact problems it must produce.
 *
 *   # rule: <the rule>
 *   # options: <option>                   (optional, repeatable)
 *   # problem-file: <path>                (optional: problems belong to this file)
 *   # expect: <key path> :: <message>     (one per problem; "\n" for a line break)
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { formatPath, type Problem } from "../../src/config/errors";

export interface FixtureHeader {
  readonly rule: string;
  readonly options: string[];
  readonly problemFile?: string;
  readonly expected: { path: string; message: string }[];
}

export function readFixtureHeader(path: string): FixtureHeader {
  const header = readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("# "))
    .map((line) => line.slice(2));
  const value = (key: string) =>
    header.filter((l) => l.startsWith(`${key}: `)).map((l) => l.slice(key.length + 2));
  const expected = value("expect").map((line) => {
    const at = line.indexOf(" :: ");
    assert.ok(at > 0, `${path}: expect line needs "path :: message"`);
    return { path: line.slice(0, at), message: line.slice(at + 4).replaceAll("\\n", "\n") };
  });
  return {
    rule: value("rule")[0] ?? "",
    options: value("options"),
    problemFile: value("problem-file")[0],
    expected,
  };
}

/** Asserts the problems are exactly the expected ones (in any order). */
export function assertProblems(problems: readonly Problem[], header: FixtureHeader): void {
  const actual = problems.map((p) => ({ path: formatPath(p.path), message: p.message }));
  assert.deepEqual(
    actual.sort((a, b) => a.path.localeCompare(b.path) || a.message.localeCompare(b.message)),
    [...header.expected].sort(
      (a, b) => a.path.localeCompare(b.path) || a.message.localeCompare(b.message),
    ),
  );
}

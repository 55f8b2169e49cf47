/**
 * Reading YAML (src/config/yaml.ts): hostile or broken input is a problem with file, line,
 * column and key, never an exception, a stack trace or an excerpt of the file. The rule
 * messages themselves are negative fixtures (test/fixtures/invalid/yaml-*); this checks
 * positions and the cases that only a generated input shows.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { formatPath, formatReport, type Problem } from "../../src/config/errors";
import { stackFileSource } from "../../src/config/load";
import { MAX_YAML_BYTES, parseYaml, readYaml } from "../../src/config/yaml";

const ROOT = join(__dirname, "..", "..");
const FIXTURES = join(ROOT, "test", "fixtures", "invalid");
const dir = mkdtempSync(join(tmpdir(), "homelab-yaml-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** `file:line:col  path` of each problem of a stack fixture, as the report prints it. */
function located(fixture: string): string[] {
  const source = stackFileSource(join(FIXTURES, fixture), "fixture", fixture);
  return source.problems.map((p) => `${p.line ?? "?"}:${p.column ?? "?"}  ${formatPath(p.path)}`);
}

describe("YAML syntax problems", () => {
  it("name the line, the column and the key of every syntax error", () => {
    assert.deepEqual(located("yaml-syntax-error.yaml"), ["4:17  homelab:site.name"]);
    assert.deepEqual(located("yaml-duplicate-key.yaml"), [
      "11:9  homelab:proxmox.nodes[0].address",
    ]);
    assert.deepEqual(located("yaml-tab-indent.yaml"), ["5:1  homelab:site"]);
    assert.deepEqual(located("yaml-alias-bomb.yaml"), ["6:18  (top level)"]);
    assert.deepEqual(located("yaml-too-deep.yaml"), ["5:85  (top level)"]);
  });

  it("never quote the line: it may hold a secret", () => {
    const text = 'config:\n  homelab:fortigateApiToken: "Zq3xW9vB7nK2mP4tR8sY1uC6\n';
    const { problems } = parseYaml(text, "Pulumi.x.yaml");
    assert.equal(problems.length, 1);
    assert.doesNotMatch(formatReport(problems), /Zq3x/);
    assert.equal(problems[0]?.line, 3);
  });

  it("a duplicate key names the key and the line it was first set", () => {
    const { problems } = parseYaml("a: 1\nb:\n  c: 2\n  c: 3\n", "f.yaml");
    assert.deepEqual(
      problems.map((p: Problem) => [formatPath(p.path), p.line, p.message]),
      [
        [
          "b.c",
          4,
          "duplicate key: c is already set at line 3 in the same mapping; keep one of the two (YAML keys are unique)",
        ],
      ],
    );
  });
});

describe("the same text parsed again", () => {
  it("reuses the document: a value of its own, the same positions, its own label", () => {
    const text = "site:\n  name: lab\n  nodes:\n    - address: 192.0.2.1\n";
    const first = parseYaml(text, "a.yaml");
    const again = parseYaml(text, "b.yaml");
    assert.equal(again.doc, first.doc, "parsed once");
    assert.notEqual(again.value, first.value);
    (first.value as { site: { name: string } }).site.name = "changed by a caller";
    assert.deepEqual(parseYaml(text, "a.yaml").value, {
      site: { name: "lab", nodes: [{ address: "192.0.2.1" }] },
    });
    assert.deepEqual(again.locate(["site", "nodes", 0, "address"]), { line: 4, column: 16 });
    assert.equal(again.file, "b.yaml");
    assert.deepEqual(again.problems, []);
  });

  it("a text with a problem is parsed every time, its problems named after each label", () => {
    const text = "a: 1\na: 2\n";
    const first = parseYaml(text, "a.yaml");
    const again = parseYaml(text, "b.yaml");
    assert.notEqual(again.doc, first.doc);
    assert.deepEqual(
      [first, again].map((y) => y.problems.map((p) => [p.file, p.line])),
      [[["a.yaml", 2]], [["b.yaml", 2]]],
    );
    const bomb =
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n';
    for (const file of ["a.yaml", "b.yaml"]) {
      assert.match(parseYaml(bomb, file).problems[0]?.message ?? "", /^too many aliases/);
    }
  });
});

describe("hostile YAML", () => {
  it("bounded alias expansion: an alias bomb is one problem, quickly", () => {
    const started = Date.now();
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      levels.push(`${next}: &${next} [${Array(10).fill(`*${prev}`).join(", ")}]`);
    }
    const { problems, value } = parseYaml(levels.join("\n"), "bomb.yaml");
    assert.equal(value, undefined);
    assert.match(problems[0]?.message ?? "", /^too many aliases/);
    assert.ok(Date.now() - started < 5000, "it is refused before expanding");
  });

  it("the tools end on it like on any problem: exit 1, no stack trace, never exit 70", () => {
    for (const fixture of [
      "yaml-alias-bomb.yaml",
      "yaml-too-deep.yaml",
      "yaml-duplicate-key.yaml",
    ]) {
      const result = spawnSync(
        process.execPath,
        [
          "--require",
          join(ROOT, "src", "boot", "register.js"),
          "src/cli/plan.ts",
          "--stack",
          "x",
          "--config",
          `test/fixtures/invalid/${fixture}`,
        ],
        { cwd: ROOT, encoding: "utf8" },
      );
      assert.equal(result.status, 1, `${fixture}: ${result.stderr.slice(0, 300)}`);
      assert.match(
        result.stderr,
        /^Invalid configuration: 1 problem\n\ntest\/fixtures\/invalid\/yaml-[a-z-]+\.yaml:\d+:\d+ /,
      );
      assert.doesNotMatch(result.stderr, /internal error|\n\s+at /);
    }
  });

  it("deep nesting is refused before parsing, again and again (no stack overflow)", () => {
    const deep = `a: ${"[".repeat(200_000)}${"]".repeat(200_000)}\n`;
    const path = join(dir, "deep.yaml");
    writeFileSync(path, deep);
    // Node 20's parser state broke after a stack overflow: read it twice in a fresh process.
    const script = `const { readYaml } = require(${JSON.stringify(join(ROOT, "src/config/yaml.ts"))});
for (let i = 0; i < 2; i++) process.stdout.write(readYaml(${JSON.stringify(path)}, "deep.yaml").problems[0].message + "\\n");`;
    const result = spawnSync(
      process.execPath,
      ["--require", join(ROOT, "src", "boot", "register.js"), "-e", script],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    assert.equal(result.status, 0, result.stderr.slice(0, 500));
    assert.equal(
      result.stdout,
      "lists and mappings are nested more than 64 levels deep here: no configuration nests that deep; is this the right file?\n".repeat(
        2,
      ),
    );
    const indented = Array.from({ length: 300 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n");
    assert.match(parseYaml(indented, "i.yaml").problems[0]?.message ?? "", /indented more than/);
  });

  it("a huge, binary or non-file path is one problem, without reading it whole", () => {
    const huge = join(dir, "huge.yaml");
    writeFileSync(huge, `a: ${"x".repeat(MAX_YAML_BYTES)}\n`);
    assert.deepEqual(
      readYaml(huge, "huge.yaml").problems.map((p) => p.message),
      ["cannot read huge.yaml: it is 1.0 MiB, more than the 1.0 MiB it may be"],
    );
    const binary = join(dir, "binary.yaml");
    writeFileSync(binary, Buffer.from("a: \u0000\u0001"));
    assert.deepEqual(
      readYaml(binary, "binary.yaml").problems.map((p) => p.message),
      ["cannot read binary.yaml: it is not a text file (it holds binary data)"],
    );
    assert.deepEqual(
      readYaml(dir, "dir").problems.map((p) => p.message),
      ["cannot read dir: it is a directory, not a file"],
    );
    assert.deepEqual(
      readYaml("/dev/zero", "zero").problems.map((p) => p.message),
      ["cannot read zero: it is not a regular file (a device, socket or pipe)"],
    );
  });
});

/**
 * `npm run check:code` (scripts/check-code.ts): the type check (scripts/typecheck.cjs), then
 * the lint (scripts/lint.ts) with the program the type check made. The type check runs tsc
 * through TypeScript's own incremental compilation with a host that parses JSDoc whole, so it
 * must print and exit exactly as `tsc -p .` does, and its program must be the one
 * typescript-eslint would make. The tests run on a project of a few files in a temporary
 * directory.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { lintProject } from "../helpers/lint-fixture";

const ROOT = join(__dirname, "..", "..");
const REGISTER = join(ROOT, "src", "boot", "register.js");

/** A floating promise (a lint error) in b.ts; a.ts's JSDoc tags f as deprecated. */
const A = "/** @deprecated use g */\nexport declare function f(): Promise<void>;\n";
const B = 'import { f } from "./a";\n\nexport function g(): void {\n  f();\n}\n';
const TYPE_ERROR = 'export const n: number = "one";\n';

let dir: string;
before(() => {
  dir = lintProject("check-code", ["node_modules/"], {
    incremental: true,
    tsBuildInfoFile: "node_modules/.cache/tsc/tsbuildinfo",
  });
  const files: Record<string, string> = {
    "a.ts": A,
    "b.ts": B,
    "c.ts": TYPE_ERROR,
  };
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** `node <args>` in the fixture project, without colours. */
function node(args: string[]) {
  const { FORCE_COLOR: _, ...env } = process.env;
  const result = spawnSync(process.execPath, args, {
    cwd: dir,
    encoding: "utf8",
    env: { ...env, NO_COLOR: "1" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run check:code", () => {
  it("type-checks as `tsc -p .` does: its output, its exit code", () => {
    // Each without build info (tsc exits 2 when it writes one, 1 when it is up to date).
    const buildInfo = join(dir, "node_modules", ".cache");
    rmSync(buildInfo, { recursive: true, force: true });
    const tsc = node([join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "."]);
    assert.match(tsc.stdout, /c\.ts\(1,14\): error TS2322/);
    assert.equal(tsc.status, 2);
    rmSync(buildInfo, { recursive: true, force: true });
    assert.deepEqual(node([join(ROOT, "scripts", "typecheck.cjs")]), tsc);
  });

  it("hands the lint the program it checked, every file's JSDoc parsed", () => {
    const probe = node([
      "-e",
      `const ts = require(${JSON.stringify(join(ROOT, "node_modules", "typescript"))});
      require(${JSON.stringify(join(ROOT, "scripts", "typecheck.cjs"))}).typecheck((program) => {
        const a = program.getSourceFile(${JSON.stringify(join(dir, "a.ts"))});
        console.log(JSON.stringify({
          roots: program.getRootFileNames().map((f) => f.slice(f.lastIndexOf("/") + 1)).sort(),
          tags: ts.getJSDocTags(a.statements[0]).map((t) => t.tagName.text),
        }));
      });`,
    ]);
    // The type error is reported first; then the program.
    const last = probe.stdout.trim().split("\n").at(-1)!;
    assert.deepEqual(JSON.parse(last), { roots: ["a.ts", "b.ts", "c.ts"], tags: ["deprecated"] });
  });

  it("reports both checks; fails with tsc's exit code, then with the lint's, then passes", () => {
    const run = () => node(["--require", REGISTER, join(ROOT, "scripts", "check-code.ts")]);
    // Without build info tsc exits 2 (it writes one), where the lint would exit 1.
    rmSync(join(dir, "node_modules", ".cache"), { recursive: true, force: true });
    const both = run();
    assert.equal(both.status, 2, both.stdout + both.stderr);
    assert.match(both.stdout, /c\.ts\(1,14\): error TS2322[^]*b\.ts\n\s+4:3\s+error\s+Promises/);

    writeFileSync(join(dir, "c.ts"), "export const n: number = 1;\n");
    const lint = run();
    assert.equal(lint.status, 1, lint.stdout + lint.stderr);
    assert.doesNotMatch(lint.stdout, /error TS/);
    assert.match(lint.stdout, /b\.ts\n\s+4:3\s+error\s+Promises must be awaited/);

    writeFileSync(join(dir, "b.ts"), B.replace("  f();", "  void f();"));
    const passed = run();
    assert.deepEqual(passed, { status: 0, stdout: "", stderr: "" });
    const again = run();
    assert.equal(again.status, 0);
    assert.match(again.stdout, /^typecheck: nothing it reads has changed since it passed/m);
    assert.match(again.stdout, /^lint: nothing it reads has changed since it passed$/m);
  });
});

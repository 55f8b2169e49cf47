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
import { basename, join } from "node:path";
import { after, before, describe, it } from "node:test";
import ts, { type Program } from "typescript";
import { checkCode } from "../../scripts/check-code";
import { typecheck } from "../../scripts/typecheck.cjs";
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

/** What `fn` writes to the `out` it is given, and what it returns. */
async function writes(
  fn: (out: { write: (text: string) => boolean }) => number | Promise<number>,
): Promise<{ status: number; stdout: string }> {
  let stdout = "";
  const status = await fn({ write: (text) => ((stdout += text), true) });
  return { status, stdout };
}

const buildInfo = () => join(dir, "node_modules", ".cache", "tsc");

describe("npm run check:code", () => {
  it("type-checks as `tsc -p .` does: its output, its exit code", async () => {
    // Each without build info (tsc exits 2 when it writes one, 1 when it is up to date).
    rmSync(buildInfo(), { recursive: true, force: true });
    const tsc = node([join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "."]);
    assert.match(tsc.stdout, /c\.ts\(1,14\): error TS2322/);
    assert.deepEqual([tsc.status, tsc.stderr], [2, ""]);
    rmSync(buildInfo(), { recursive: true, force: true });
    const ours = await writes((out) => typecheck({ cwd: dir, out }));
    assert.deepEqual(ours, { status: tsc.status, stdout: tsc.stdout });
  });

  it("hands the lint the program it checked, every file's JSDoc parsed", async () => {
    let program: Program | undefined;
    await writes((out) => typecheck({ cwd: dir, out, onProgram: (p) => (program = p) }));
    assert.ok(program, "the check ran and gave its program");
    const a = program.getSourceFile(join(dir, "a.ts"))!;
    assert.deepEqual(
      program.getRootFileNames().map((f) => basename(f)),
      ["a.ts", "b.ts", "c.ts"],
    );
    assert.deepEqual(
      ts.getJSDocTags(a.statements[0]!).map((t) => t.tagName.text),
      ["deprecated"],
    );
  });

  it("reports both checks; fails with tsc's exit code, then with the lint's, then passes", async () => {
    const run = () => writes((out) => checkCode(dir, out));
    // Without build info tsc exits 2 (it writes one), where the lint would exit 1.
    rmSync(buildInfo(), { recursive: true, force: true });
    const both = await run();
    assert.equal(both.status, 2, both.stdout);
    assert.match(both.stdout, /c\.ts\(1,14\): error TS2322[^]*b\.ts\n\s+4:3\s+error\s+Promises/);

    writeFileSync(join(dir, "c.ts"), "export const n: number = 1;\n");
    const lint = await run();
    assert.equal(lint.status, 1, lint.stdout);
    assert.doesNotMatch(lint.stdout, /error TS/);
    assert.match(lint.stdout, /b\.ts\n\s+4:3\s+error\s+Promises must be awaited/);

    writeFileSync(join(dir, "b.ts"), B.replace("  f();", "  void f();"));
    assert.deepEqual(await run(), { status: 0, stdout: "" });
    // As npm runs it: a process of its own, which finds nothing changed.
    const again = node(["--require", REGISTER, join(ROOT, "scripts", "check-code.ts")]);
    assert.equal(again.status, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /^typecheck: nothing it reads has changed since it passed/m);
    assert.match(again.stdout, /^lint: nothing it reads has changed since it passed$/m);
  });
});

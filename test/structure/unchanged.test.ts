/**
 * The record of a check that passed (scripts/unchanged.cjs), by which `npm run lint` skips a
 * run whose inputs are exactly those of the last pass: any change to a file, a new or a removed
 * file, the installed packages or the tool's settings is another fingerprint. `npm run
 * format:check` (format-check.cjs, on a project of a few files here) checks only the files
 * that changed since it passed, while Prettier's options are the same.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { formatCheck } from "../../scripts/format-check.cjs";
import { fingerprint, passedWith, record, treeFiles } from "../../scripts/unchanged.cjs";

const ROOT = join(__dirname, "..", "..");
const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A temporary project with `files` (relative path → text). */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "unchanged-"));
  dirs.push(dir);
  for (const [file, text] of Object.entries(files)) put(dir, file, text);
  return dir;
}

function put(dir: string, file: string, text: string): void {
  mkdirSync(join(dir, file, ".."), { recursive: true });
  writeFileSync(join(dir, file), text);
}

describe("a check's fingerprint", () => {
  it("lists the tree's files, sorted, without node_modules and .git", () => {
    const dir = project({
      "b.ts": "",
      "src/a.ts": "",
      "src/deep/c.json": "",
      "README.md": "",
      "node_modules/pkg/index.js": "",
      ".git/HEAD": "",
      ".github/x.cjs": "",
    });
    assert.deepEqual(treeFiles(dir), [
      ".github/x.cjs",
      "README.md",
      "b.ts",
      "src/a.ts",
      "src/deep/c.json",
    ]);
    assert.deepEqual(
      treeFiles(dir, (name) => name.endsWith(".ts")),
      ["b.ts", "src/a.ts"],
    );
  });

  it("changes with a file's text, a new file, the installed packages and the settings", () => {
    const dir = project({ "a.ts": "export const a = 1;\n" });
    const print = () => fingerprint(dir, treeFiles(dir), { tool: "t" });
    const first = print();
    assert.equal(print(), first, "the same inputs, the same fingerprint");
    put(dir, "a.ts", "export const a = 2;\n");
    const edited = print();
    assert.notEqual(edited, first);
    put(dir, "a.ts", "export const a = 1;\n");
    assert.equal(print(), first, "its text again, its fingerprint again");
    put(dir, "b.ts", "");
    assert.notEqual(print(), first, "an empty new file");
    rmSync(join(dir, "b.ts"));
    put(dir, "node_modules/.package-lock.json", "{}");
    const installed = print();
    assert.notEqual(installed, first);
    put(dir, "node_modules/.package-lock.json", '{"packages":{}}');
    assert.notEqual(print(), installed, "another install");
    assert.notEqual(fingerprint(dir, treeFiles(dir), { tool: "u" }), print());
  });

  it("is recorded for a pass, forgotten for a failure; a damaged record is no pass", () => {
    const dir = project({});
    const state = join(dir, "node_modules", ".cache", "x", "passed.json");
    assert.equal(passedWith(state, "f1"), false);
    record(state, "f1");
    assert.equal(passedWith(state, "f1"), true);
    assert.equal(passedWith(state, "f2"), false);
    record(state, undefined);
    assert.equal(passedWith(state, "f1"), false);
    put(dir, "node_modules/.cache/x/passed.json", '{"fingerprint":');
    assert.equal(passedWith(state, "f1"), false);
  });
});

describe("npm run format:check", () => {
  it("runs Prettier until a check passes, then checks only the files that change, and all of them when its options may have", async () => {
    const dir = project({
      "a.ts": "export const a = 1;\n",
      "b.ts": "export const b = 1;\n",
      ".prettierignore": "ignored.ts\n",
    });
    /** `npm run format:check`: the script in a process of its own. */
    const checkProcess = () => {
      // Without colours, which Prettier uses where CI is set.
      const { FORCE_COLOR: _, ...env } = process.env;
      const result = spawnSync(process.execPath, [join(ROOT, "scripts", "format-check.cjs")], {
        cwd: dir,
        encoding: "utf8",
        env: { ...env, NO_COLOR: "1" },
      });
      return { status: result.status, out: result.stdout + result.stderr };
    };
    /** The check in this process, its output gathered. */
    const check = async () => {
      let out = "";
      const status = await formatCheck({
        cwd: dir,
        out: { write: (text: string) => ((out += text), true) },
      });
      return { status, out };
    };
    put(dir, "a.ts", "export const  a=1\n");
    for (const run of [checkProcess, check]) {
      const failed = await run();
      assert.equal(failed.status, 1, failed.out);
      assert.match(failed.out, /\[warn\] a\.ts\n/);
    }
    put(dir, "a.ts", "export const a = 1;\n");
    const passed = await check();
    assert.equal(passed.status, 0, passed.out);
    assert.match(passed.out, /All matched files use Prettier code style!/);
    assert.deepEqual(await check(), {
      status: 0,
      out: "format:check: no file has changed since it passed\n",
    });

    // Changed files only, in this process: a file Prettier ignores or does not know is left out.
    put(dir, "a.ts", "export const a = 2;\n");
    put(dir, "ignored.ts", "export const  i=1\n");
    put(dir, "LICENSE", "MIT\n");
    assert.deepEqual(await check(), {
      status: 0,
      out: "format:check: 3 changed since it passed; the 1 Prettier formats use its code style\n",
    });
    // A changed file that fails: Prettier's own report, every time until it is fixed.
    put(dir, "a.ts", "export const  a=3\n");
    for (let attempt = 0; attempt < 2; attempt++) {
      const failed = await check();
      assert.equal(failed.status, 1, failed.out);
      assert.match(failed.out, /Checking formatting\.\.\.\n\[warn\] a\.ts\n/);
    }
    put(dir, "a.ts", "export const a = 3;\n");
    assert.equal((await check()).status, 0);
    // New options: every file is checked again (b.ts has not changed, and fails now).
    put(dir, ".prettierrc.json", '{ "semi": false }\n');
    const options = await check();
    assert.equal(options.status, 1, options.out);
    assert.match(options.out, /\[warn\] a\.ts\n\[warn\] b\.ts\n/);
  });
});

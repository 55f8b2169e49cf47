/**
 * `npm run typecheck` (scripts/typecheck.cjs) skips the check while nothing it read has
 * changed since it passed. tsc's own build mode (`tsc -b`) would pass the two changes these
 * tests make unchecked, as it dates only the files of tsconfig.json's `include`: a package's
 * declarations changed by npm (which gives every file the same date of 1985), and a new file
 * older than the last check (moved in). The tests run the check (in this process, as
 * check:code does, and the script as npm does) on a project of a few files and a package in a
 * temporary directory (no default library: each check takes a fraction of a second).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { typecheck as check } from "../../scripts/typecheck.cjs";

const ROOT = join(__dirname, "..", "..");
const SCRIPT = join(ROOT, "scripts", "typecheck.cjs");
const BUILD_INFO = "node_modules/.cache/tsc/tsbuildinfo";

/** The global types the compiler needs, instead of the default library. */
const GLOBALS = `interface Array<T> { length: number; [n: number]: T }
interface Boolean {}
interface CallableFunction {}
interface Function {}
interface IArguments {}
interface NewableFunction {}
interface Number {}
interface Object {}
interface RegExp {}
interface String {}
`;
/** The package's declarations as npm writes them: a date from 1985, whatever their content. */
const NPM_DATE = new Date("1985-10-26T08:15:00Z");

/** Writes a file dated a minute ago: older than the last check. */
function write(path: string, text: string): void {
  writeFileSync(path, text);
  const past = new Date(Date.now() - 60_000);
  utimesSync(path, past, past);
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "typecheck-"));
  write(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        noLib: true,
        types: [],
        module: "nodenext",
        incremental: true,
        tsBuildInfoFile: BUILD_INFO,
      },
      include: ["src/**/*.ts"],
    }),
  );
  mkdirSync(join(dir, "src"));
  write(join(dir, "src", "globals.d.ts"), GLOBALS);
  // Written just now: the first check reads it for the first time, as a file it has not seen.
  writeFileSync(
    join(dir, "src", "a.ts"),
    'import { size } from "pkg";\nexport const n: number = size;\n',
  );
  package_("number");
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The package "pkg", declaring `size` of `type`. */
function package_(type: string): void {
  const pkg = join(dir, "node_modules", "pkg");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, "package.json"), '{ "name": "pkg", "types": "index.d.ts" }\n');
  writeFileSync(join(pkg, "index.d.ts"), `export declare const size: ${type};\n`);
  for (const file of ["package.json", "index.d.ts"])
    utimesSync(join(pkg, file), NPM_DATE, NPM_DATE);
}

/** The check, in this process (as check:code runs it). */
function typecheck(): { status: number | null; out: string } {
  let out = "";
  const status = check({ cwd: dir, out: { write: (text: string) => ((out += text), true) } });
  return { status, out };
}

/** `npm run typecheck`: the script in a process of its own. */
function typecheckProcess(): { status: number | null; out: string } {
  const result = spawnSync(process.execPath, [SCRIPT], { cwd: dir, encoding: "utf8" });
  return { status: result.status, out: result.stdout + result.stderr };
}

describe("npm run typecheck: skipped only when nothing it read has changed", () => {
  it("the project's check is incremental, its build info under node_modules (npm ci starts afresh)", () => {
    const config = JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8")) as {
      compilerOptions: { incremental?: boolean; tsBuildInfoFile?: string };
    };
    assert.equal(config.compilerOptions.incremental, true);
    assert.equal(config.compilerOptions.tsBuildInfoFile, BUILD_INFO);
  });

  it("a package's declarations changed with their old date are checked again", () => {
    // A file the first check had not seen before it ran, changed less than a second before:
    // tsc may have read another text than the one here now, so nothing is recorded.
    const INPUTS = join(dir, "node_modules/.cache/tsc/inputs.json");
    const first = typecheck();
    assert.equal(first.status, 0, first.out);
    assert.ok(!existsSync(INPUTS), "a file changed as the check ran: nothing recorded");
    const second = typecheck();
    assert.equal(second.status, 0, second.out);
    assert.doesNotMatch(second.out, /nothing it reads has changed/);
    assert.ok(existsSync(INPUTS), "read before the check, recorded as it was then");
    package_("string");
    const changed = typecheck();
    assert.notEqual(changed.status, 0, changed.out);
    assert.match(
      changed.out,
      /src\/a\.ts\(2,14\): error TS2322: Type 'string' is not assignable to type 'number'/,
    );
    package_("number");
    const restored = typecheck();
    assert.equal(restored.status, 0, restored.out);
    assert.doesNotMatch(restored.out, /nothing it reads has changed/);
    const inputs = readFileSync(INPUTS, "utf8");
    assert.match(inputs, /"\.\.\/\.\.\/pkg\/index\.d\.ts":"[0-9a-f]{64}"/);
    const again = typecheckProcess();
    assert.equal(again.status, 0, again.out);
    assert.match(again.out, /^typecheck: nothing it reads has changed since it passed/);
    assert.equal(readFileSync(INPUTS, "utf8"), inputs);
  });

  it("a new file older than the last check is checked, and its error reported again by the next run", () => {
    write(join(dir, "src", "b.ts"), 'import { n } from "./a";\nexport const s: string = n;\n');
    for (const run of [typecheck, typecheckProcess]) {
      const failed = run();
      assert.notEqual(failed.status, 0, failed.out);
      assert.match(failed.out, /src\/b\.ts\(2,14\): error TS2322/);
    }
  });
});

/**
 * `npm run lint` (scripts/lint.ts) keeps each file's ESLint result and reuses it while the
 * file's typed inputs are the same (scripts/lint-inputs.ts); ESLint's own cache keys a result
 * on the file's text and config only, and typed rules read other files too. These tests run
 * on a project of a few files in a temporary directory: a change to what a file that b.ts
 * imports declares must relint b.ts (ESLint's cache alone keeps its stale error), a change
 * inside its body or to an unrelated file must not, and a file that declares globals changes
 * every file's inputs.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ESLint } from "eslint";
import {
  declarationHash,
  projectProgram,
  typeInputHashes,
  type Declared,
} from "../../scripts/lint-inputs";
import { CACHE_LOCATION, lint, lintableFiles, main, PASSED } from "../../scripts/lint";
import { lintProject } from "../helpers/lint-fixture";

const ROOT = join(__dirname, "..", "..");

const ASYNC_A = "export declare function f(): Promise<void>;\n";
const SYNC_A = "export function f(): void {}\n";
/** SYNC_A with another body: the same declarations. */
const SYNC_A_BODY = "export function f(): void {\n  void 0;\n}\n";
/** A floating promise while a.ts's f returns one. */
const B = 'import { f } from "./a";\n\nexport function g(): void {\n  f();\n}\n';
const C = "export const c = 1;\n";

let dir: string;
let writes = 0;
/**
 * Writes a file with a modification time of its own: TypeScript, which the lint in this
 * process keeps loaded, tells a changed file by its time in milliseconds, and two writes can
 * fall in the same one (a user's next `npm run lint` is a new process).
 */
const write = (file: string, text: string) => {
  writeFileSync(join(dir, file), text);
  const time = new Date(Date.UTC(2026, 0, 1) + ++writes * 2000);
  utimesSync(join(dir, file), time, time);
};

before(() => {
  dir = lintProject("lint-cache", ["node_modules/", "generated/"]);
  write("a.ts", ASYNC_A);
  write("b.ts", B);
  write("c.ts", C);
  // Files ESLint lints without types, and one it ignores.
  write("tool.mjs", "export const tool = 1;\n");
  mkdirSync(join(dir, "generated"));
  write("generated/out.js", "var unused\n");
});
after(() => rmSync(dir, { recursive: true, force: true }));

const hashOf = (file: string) => typeInputHashes(dir).hashes.get(join(dir, file));
const rulesIn = (results: ESLint.LintResult[], file: string) =>
  results.find((r) => r.filePath === join(dir, file))!.messages.map((m) => m.ruleId);

describe("a file's typed-lint inputs", () => {
  it("change with the files it imports, not with the others", () => {
    const [a, b, c] = ["a.ts", "b.ts", "c.ts"].map(hashOf);
    assert.ok(a && b && c);
    assert.equal(new Set([a, b, c]).size, 3);
    write("a.ts", `${ASYNC_A}// edited\n`);
    try {
      assert.notEqual(hashOf("a.ts"), a);
      assert.notEqual(hashOf("b.ts"), b, "b.ts imports a.ts");
      assert.equal(hashOf("c.ts"), c, "c.ts imports nothing");
    } finally {
      write("a.ts", ASYNC_A);
    }
    assert.equal(hashOf("b.ts"), b, "the same text gives the same hash");
  });

  it("change everywhere with a file that declares globals, not with a module's comment", () => {
    const c = hashOf("c.ts");
    write("d.ts", "// declare global { }\nexport const d = 1;\n");
    try {
      // A new file changes the project's file list: every hash changes once.
      const withD = hashOf("c.ts");
      assert.notEqual(withD, c);
      write("d.ts", "// declare global { }\nexport const d = 2;\n");
      assert.equal(hashOf("c.ts"), withD, "d.ts is a module that c.ts does not import");
      write("d.ts", "export {};\ndeclare global {\n  var d: number;\n}\n");
      const global = hashOf("c.ts");
      write("d.ts", "export {};\ndeclare global {\n  var d: string;\n}\n");
      assert.notEqual(hashOf("c.ts"), global, "d.ts declares a global");
      write("d.ts", "const d = 1;\n");
      const script = hashOf("c.ts");
      write("d.ts", "const d = 2;\n");
      assert.notEqual(hashOf("c.ts"), script, "a script's declarations are global");
    } finally {
      unlinkSync(join(dir, "d.ts"));
    }
  });
});

describe("what an imported file gives the files that import it (with its declarations)", () => {
  /** Hashes as lint.ts makes them: declarations kept from one call to the next. */
  const kept = new Map<string, Declared>();
  const hashes = () => {
    let program: ReturnType<typeof projectProgram> | undefined;
    const inputs = typeInputHashes(dir, {
      kept: (path) => kept.get(path),
      make: (file) => declarationHash((program ??= projectProgram(dir)), file),
    });
    for (const [path, declared] of inputs.declared) kept.set(path, declared);
    return inputs.hashes;
  };
  const files = ["x.ts", "y.ts", "z.ts", "w.ts"];
  after(() => files.forEach((f) => rmSync(join(dir, f), { force: true })));

  it("is its declarations: its body does not count, its exported and inferred types do", () => {
    // y.ts and x.ts import each other (a cycle); w.ts imports x.ts; z.ts is what y.ts infers from.
    write("z.ts", "export const make = () => ({ n: 1 });\n");
    write("y.ts", 'import { make } from "./z";\nimport "./x";\n\nexport const v = make();\n');
    write("x.ts", 'import { v } from "./y";\n\nexport const x = v;\n');
    write("w.ts", 'import { x } from "./x";\n\nexport const w = x;\n');
    const w0 = hashes().get(join(dir, "w.ts"));
    write("z.ts", "export const make = () => {\n  void 0;\n  return { n: 1 };\n};\n");
    assert.equal(hashes().get(join(dir, "w.ts")), w0, "a body edit in z.ts");
    // What y.ts declares changes with z.ts, though y.ts's text does not.
    write("z.ts", 'export const make = () => ({ n: "one" });\n');
    const w1 = hashes().get(join(dir, "w.ts"));
    assert.notEqual(w1, w0, "z.ts's inferred type changed");
    // y.ts now declares what it declared at first, with z.ts as it is: w.ts was last linted
    // with the { n: string } of the step before, so its inputs differ again (declarations kept
    // for y.ts's text alone would say { n: number } twice, and reuse a stale result).
    write(
      "y.ts",
      'import { make } from "./z";\nimport "./x";\n\nexport const v: { n: number } = { n: 1 };\nvoid make;\n',
    );
    const w2 = hashes().get(join(dir, "w.ts"));
    assert.notEqual(w2, w1, "y.ts's declarations changed back");
    assert.notEqual(w2, w0, "z.ts still declares a string");
  });

  it("is its text without them, and when TypeScript emits no declarations for it", () => {
    const plain = typeInputHashes(dir);
    assert.equal(plain.declared.size, 0);
    const text = typeInputHashes(dir, { kept: () => undefined, make: () => undefined });
    for (const record of text.declared.values()) assert.match(record.declarations, /^text /);
    assert.ok(text.declared.size > 0);
    assert.equal(declarationHash(projectProgram(dir), join(dir, "missing.ts")), undefined);
  });
});

/** `npm run lint` in the fixture project: a process of its own, as each of a user's runs. */
const lintProcess = () =>
  spawnSync(
    process.execPath,
    ["--require", join(ROOT, "src", "boot", "register.js"), join(ROOT, "scripts", "lint.ts")],
    { cwd: dir, encoding: "utf8" },
  );

describe("npm run lint's cache", () => {
  it("reports a typed error, exit code 1, and relints a file when a file it imports changes", async () => {
    // The lints in this test share its process, as an editor's do. Where CI=true (as in CI),
    // typescript-eslint infers a single run and types every file from one Program made at the
    // first lint, so a later lint here would see the a.ts of the first
    // (@typescript-eslint/typescript-estree, parseSettings/inferSingleRun.js and
    // useSingleRunProgramForProjectService in parser.js). Each of a user's runs is a process of
    // its own; the run in a process of its own, below, keeps CI's inference.
    const singleRun = process.env.TSESTREE_SINGLE_RUN;
    process.env.TSESTREE_SINGLE_RUN = "false";
    try {
      const first = await lint({ cwd: dir });
      assert.deepEqual(rulesIn(first.results, "b.ts"), ["@typescript-eslint/no-floating-promises"]);
      assert.match(
        first.report,
        /b\.ts\n\s+4:3\s+error\s+Promises must be awaited.*no-floating-promises/,
      );
      assert.ok(
        existsSync(join(dir, CACHE_LOCATION)),
        "the results are kept in the project's cache",
      );

      // ESLint's cache alone: b.ts did not change, so its stale error is reused.
      const plain = new ESLint({
        cwd: dir,
        cache: true,
        cacheLocation: join(dir, "plain-cache"),
        cacheStrategy: "content",
      });
      write("a.ts", ASYNC_A);
      await plain.lintFiles(["."]);
      write("a.ts", SYNC_A);
      const stale = await plain.lintFiles(["."]);
      assert.deepEqual(rulesIn(stale, "b.ts"), ["@typescript-eslint/no-floating-promises"]);

      const { results, report } = await lint({ cwd: dir });
      assert.deepEqual(rulesIn(results, "b.ts"), [], report);
    } finally {
      write("a.ts", ASYNC_A);
      if (singleRun === undefined) delete process.env.TSESTREE_SINGLE_RUN;
      else process.env.TSESTREE_SINGLE_RUN = singleRun;
    }
    // A user's next run, in a process of its own: the error is back with the async a.ts.
    const again = lintProcess();
    assert.equal(again.status, 1, again.stdout + again.stderr);
    assert.match(again.stdout, /b\.ts\n\s+4:3\s+error\s+Promises must be awaited/);
  });
});

/**
 * Runs `fn` with typescript-eslint's single-run inference off: lints that share a process
 * (see the test above).
 */
async function manyLints<T>(fn: () => Promise<T>): Promise<T> {
  const singleRun = process.env.TSESTREE_SINGLE_RUN;
  process.env.TSESTREE_SINGLE_RUN = "false";
  try {
    return await fn();
  } finally {
    if (singleRun === undefined) delete process.env.TSESTREE_SINGLE_RUN;
    else process.env.TSESTREE_SINGLE_RUN = singleRun;
  }
}

describe("npm run lint's own results", () => {
  const names = (files: readonly string[]) => files.map((f) => f.slice(dir.length + 1)).sort();

  it("lints what changed and what reads it; reports kept results again without linting", () =>
    manyLints(async () => {
      write("a.ts", SYNC_A);
      await lint({ cwd: dir });
      const same = await lint({ cwd: dir });
      assert.deepEqual(same.linted, []);
      assert.deepEqual(names(same.results.map((r) => r.filePath)), [
        "a.ts",
        "b.ts",
        "c.ts",
        "eslint.config.mjs",
        "tool.mjs",
      ]);

      write("a.ts", SYNC_A_BODY);
      assert.deepEqual(names((await lint({ cwd: dir })).linted), ["a.ts"], "a body edit");

      write("a.ts", ASYNC_A);
      const changed = await lint({ cwd: dir });
      assert.deepEqual(names(changed.linted), ["a.ts", "b.ts"], "f returns a promise now");
      assert.deepEqual(rulesIn(changed.results, "b.ts"), [
        "@typescript-eslint/no-floating-promises",
      ]);

      const again = await lint({ cwd: dir });
      assert.deepEqual(again.linted, []);
      assert.deepEqual(rulesIn(again.results, "b.ts"), ["@typescript-eslint/no-floating-promises"]);
      assert.equal(again.report, changed.report, "the same report from the kept results");

      write("tool.mjs", "export const tool = 2;\n");
      assert.deepEqual(names((await lint({ cwd: dir })).linted), ["tool.mjs"], "an untyped file");
    }));

  it("types the files it lints with a program it is given (check:code's)", () =>
    manyLints(async () => {
      const program = projectProgram(dir);
      const asked = new Set<string>();
      const given = new Proxy(program, {
        get: (target, key, receiver) =>
          key === "getSourceFile"
            ? (file: string) => (asked.add(file), target.getSourceFile(file))
            : (Reflect.get(target, key, receiver) as unknown),
      });
      write("b.ts", `${B}// edited\n`);
      try {
        const { linted, results } = await lint({ cwd: dir, program: given });
        assert.deepEqual(names(linted), ["b.ts"]);
        assert.ok(asked.has(join(dir, "b.ts")), "b.ts's tree and types come from that program");
        assert.deepEqual(rulesIn(results, "b.ts"), ["@typescript-eslint/no-floating-promises"]);
      } finally {
        write("b.ts", B);
      }
    }));

  it("lints the files ESLint's own lint of the project finds", () =>
    manyLints(async () => {
      // ESLint's lint untyped: which files it lints does not depend on the rules, and a project
      // service made here would keep the texts it read for later lints in this process.
      const untyped = new ESLint({
        cwd: dir,
        overrideConfig: [
          {
            files: ["**/*.ts"],
            languageOptions: { parserOptions: { projectService: false } },
            rules: { "@typescript-eslint/no-floating-promises": "off" },
          },
        ],
      });
      const own = await untyped.lintFiles(["."]);
      const expected = names(own.map((r) => r.filePath));
      assert.ok(expected.includes("tool.mjs") && !expected.includes("generated/out.js"));
      assert.deepEqual(names(await lintableFiles(new ESLint({ cwd: dir }), dir)), expected);
      assert.deepEqual(names((await lint({ cwd: dir })).results.map((r) => r.filePath)), expected);
    }));

  it("refuses a project with another tsconfig.json, saying what to do", async () => {
    mkdirSync(join(dir, "sub"));
    write("sub/tsconfig.json", "{}");
    try {
      await assert.rejects(
        lint({ cwd: dir }),
        /has 2: sub\/tsconfig\.json, tsconfig\.json\. Lint with --no-cache/,
      );
      const said: string[] = [];
      const error = console.error;
      console.error = (text: string) => said.push(text);
      try {
        assert.equal(await main([], dir, { write: () => true }), 2);
      } finally {
        console.error = error;
      }
      assert.match(
        said.join(""),
        /^lint: scripts\/lint\.ts types every file with \.\/tsconfig\.json/,
      );
    } finally {
      rmSync(join(dir, "sub"), { recursive: true, force: true });
    }
  });
});

describe("npm run lint of a project where nothing changed", () => {
  it("stops without linting after a run that passed with nothing to report; a failed run is not recorded", async () => {
    const singleRun = process.env.TSESTREE_SINGLE_RUN;
    process.env.TSESTREE_SINGLE_RUN = "false"; // as above: lints in one process
    const said: string[] = [];
    const out = { write: (text: string) => said.push(text) > 0 };
    const run = async (args: string[] = []) => {
      said.length = 0;
      return { status: await main(args, dir, out), said: said.join("") };
    };
    try {
      write("a.ts", SYNC_A);
      assert.deepEqual(await run(), { status: 0, said: "" });
      assert.ok(existsSync(join(dir, PASSED)));
      assert.deepEqual(await run(), {
        status: 0,
        said: "lint: nothing it reads has changed since it passed\n",
      });
      // Named files, or no cache: always a lint.
      for (const args of [["--no-cache"], ["b.ts"]]) {
        assert.deepEqual(await run(args), { status: 0, said: "" }, args.join(" "));
      }

      // b.ts did not change, a.ts it imports did: b.ts fails again.
      write("a.ts", ASYNC_A);
      for (let attempt = 0; attempt < 2; attempt++) {
        const failed = await run();
        assert.equal(failed.status, 1);
        assert.match(failed.said, /b\.ts\n\s+4:3\s+error\s+Promises must be awaited/);
        assert.ok(!existsSync(join(dir, PASSED)), "a failed lint is not recorded");
      }
    } finally {
      write("a.ts", ASYNC_A);
      if (singleRun === undefined) delete process.env.TSESTREE_SINGLE_RUN;
      else process.env.TSESTREE_SINGLE_RUN = singleRun;
    }
  });
});

/**
 * The suite belongs to the code, not to the example stacks: a test reads its own fixtures
 * (test/fixtures/sites and the others); only the generic tests of test/examples/ read the
 * project's `Pulumi.*.yaml` and `stacks/federation.yaml` (whatever they hold). This looks,
 * in every other test file, for the ways a test reads them: a path to them from the project
 * root, the helpers that read a stack without a file, and the CLIs run on the project's
 * stacks (`--stack` without `--config`, `check` without `--stack`, `peering-sheet` without
 * `--registry`, `docs`). test/examples/clone.test.ts runs the generic tests on a copy of
 * the project with another site and registry member, and with the examples removed.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";

const ROOT = join(__dirname, "..", "..");
const TEST = join(ROOT, "test");

/** Test files allowed to read the project's stacks: the generic tests, and this file. */
const GENERIC = ["test/examples/", "test/structure/generic-only.test.ts"];

/** The ways a test file can read the project's stacks or registry, each with why. */
const READS: readonly { readonly pattern: RegExp; readonly why: string }[] = [
  {
    pattern: /join\(\s*ROOT\s*,[^)]*(Pulumi\.(?!yaml")|`Pulumi|"stacks"|stacks\/federation)/,
    why: "a path from the project root to a stack file or the registry",
  },
  {
    pattern:
      /\b(checkProject|stackNames|generatedFiles|stackDocs|listStacks|isFederationMember)\(\s*ROOT\b/,
    why: "a function that reads every stack of the project",
  },
  {
    pattern: /\b(planStack|loadOffline)\(\s*ROOT\s*,\s*[^,()]+(\)|,\s*undefined\b)/,
    why: "a stack of the project read without a file (give the fixture's path)",
  },
  {
    // A name that cannot be a stack ("no/such") reads nothing.
    pattern: /"--stack",\s*"[a-z][a-z0-9-]*"\s*\]/,
    why: "a CLI run on a stack of the project (--stack without --config)",
  },
  {
    pattern: /\b(runMain\(\s*check|runCli\(\s*"check")\s*,\s*\[\s*(\]|"--quiet")/,
    why: "npm run check on the project's stacks (give --stack and --config)",
  },
  {
    pattern: /runMain\(\s*docs\b|runCli\(\s*"docs"/,
    why: "npm run docs, which reads the project's stacks",
  },
];

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === "fixtures" ? [] : testFiles(path);
    return entry.endsWith(".ts") ? [path] : [];
  });
}

/** Every read of the project's stacks in a file's text: "line: why". */
function readsOfProjectStacks(text: string): string[] {
  const found: string[] = [];
  text.split("\n").forEach((line, i) => {
    for (const read of READS) if (read.pattern.test(line)) found.push(`${i + 1}: ${read.why}`);
  });
  // peering-sheet's main reads the project's registry unless --registry names another.
  for (const call of text.matchAll(/run(Main|Cli)\(\s*(peeringSheet|"peering-sheet")[^;]*;/g)) {
    if (!call[0].includes("--registry") && !call[0].includes("REGISTRY")) {
      const line = text.slice(0, call.index).split("\n").length;
      found.push(`${line}: peering-sheet on the project's registry (give --registry)`);
    }
  }
  return found;
}

describe("tests read their own fixtures, not the project's stacks", () => {
  it("no test file outside test/examples reads Pulumi.*.yaml or stacks/federation.yaml", () => {
    const offenders = testFiles(TEST)
      .map((path) => relative(ROOT, path))
      .filter((file) => !GENERIC.some((g) => file.startsWith(g)))
      .flatMap((file) =>
        readsOfProjectStacks(readFileSync(join(ROOT, file), "utf8")).map((r) => `${file}:${r}`),
      );
    assert.deepEqual(offenders, [], "read test/fixtures/sites instead (test/helpers/sites.ts)");
  });

  it("recognises each way of reading them", () => {
    const reads = [
      'readFileSync(join(ROOT, "Pulumi.home.yaml"), "utf8")',
      "join(ROOT, `Pulumi.${stack}.yaml`)",
      'readYaml(join(ROOT, "stacks", "federation.yaml"), "x")',
      "const { problems } = checkProject(ROOT);",
      'assert.deepEqual(listStacks(ROOT), ["annex", "home"]);',
      'const { plan } = await planStack(ROOT, "home");',
      "await planStack(ROOT, stack, undefined, async () => {",
      'loadOffline(ROOT, "annex")',
      'await runMain(main, ["--stack", "home"]);',
      'runCli("plan", ["--json", "--stack", "home"])',
      "await runMain(check, []);",
      'runCli("check", ["--quiet"])',
      'await runMain(docs, ["--check"]);',
      'await runMain(peeringSheet, ["--member", "alexis", "--peer", "camille"]);',
    ];
    for (const read of reads) assert.equal(readsOfProjectStacks(read).length, 1, read);
    const fine = [
      "readFileSync(pathOf(HOME))",
      'cpSync(join(ROOT, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));',
      'await runMain(main, ["--stack", "no/such"]);',
      'await runMain(main, ["--stack", "home", "--config", pathOf(HOME)]);',
      "await planStack(ROOT, site.stack, pathOf(site));",
      "loadOffline(dir, 'home')",
      "const { problems } = checkProject(dir);",
      'runMain(peeringSheet, ["--member", "a", "--peer", "b", "--registry", REGISTRY]);',
      'assert.deepEqual(run(["Pulumi.annex.yaml"]).stacks, ["annex"]);',
    ];
    for (const text of fine) assert.deepEqual(readsOfProjectStacks(text), [], text);
  });
});

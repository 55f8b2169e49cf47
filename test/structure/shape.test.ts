/**
 * The shape issue 15 set for src/ (docs/design.md, "Layout"): the data flows one way
 * (config → model → components; devices below both model and providers), no file over 600
 * lines and no function over 200, so that every part stays readable as a table of contents
 * of named steps.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";

const ROOT = join(__dirname, "..", "..");
const SRC = join(ROOT, "src");
const MAX_FILE_LINES = 600;
const MAX_FUNCTION_LINES = 200;

function sources(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return sources(path);
      return entry.endsWith(".ts") ? [path] : [];
    });
}

const files = sources(SRC).map((path) => ({
  path,
  name: relative(ROOT, path),
  text: readFileSync(path, "utf8"),
}));

const parsed = new Map<string, ts.SourceFile>();
/** A file's syntax tree, with parent links, made once for every test that reads it. */
function sourceOf(file: { path: string; text: string }): ts.SourceFile {
  let source = parsed.get(file.path);
  if (!source) {
    source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true);
    parsed.set(file.path, source);
  }
  return source;
}

/** The folder under src/ a relative import of `file` lands in ("model", "config", …). */
function importedFolders(file: { path: string; text: string }): string[] {
  const source = sourceOf(file);
  const folders: string[] = [];
  for (const statement of source.statements) {
    const specifier =
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier)
        ? statement.moduleSpecifier.text
        : undefined;
    if (!specifier?.startsWith(".")) continue;
    const target = relative(SRC, resolve(dirname(file.path), specifier));
    folders.push(target.split(/[\\/]/)[0]!);
  }
  return folders;
}

/** Every function-like node of a file with its length in lines. */
function functionLengths(file: { path: string; text: string }): { name: string; lines: number }[] {
  const source = sourceOf(file);
  const out: { name: string; lines: number }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const named = node as ts.Node & { name?: ts.Node };
      const name = named.name ? named.name.getText(source) : "(anonymous)";
      out.push({ name: `${name} (line ${start + 1})`, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

describe("the shape of src/", () => {
  it("finds the sources (a sanity check on the walk itself)", () => {
    assert.ok(files.length > 100, `only ${files.length} files under src/`);
    assert.ok(files.some((f) => f.name === join("src", "config", "load.ts")));
  });

  it("config/ imports nothing from model/, components/ or providers/", () => {
    const wrong = files
      .filter((f) => f.name.startsWith(join("src", "config") + "/"))
      .flatMap((f) =>
        importedFolders(f)
          .filter((folder) => ["model", "components", "providers", "cli"].includes(folder))
          .map((folder) => `${f.name} → src/${folder}`),
      );
    assert.deepEqual(wrong, []);
  });

  it("model/ is pure: it imports neither components/, providers/ nor cli/", () => {
    const wrong = files
      .filter((f) => f.name.startsWith(join("src", "model") + "/"))
      .flatMap((f) =>
        importedFolders(f)
          .filter((folder) => ["components", "providers", "cli"].includes(folder))
          .map((folder) => `${f.name} → src/${folder}`),
      );
    assert.deepEqual(wrong, []);
  });

  it("devices/ and lib/ import only each other (model → devices ← providers)", () => {
    const wrong = files
      .filter((f) => /^src\/(devices|lib)\//.test(f.name))
      .flatMap((f) =>
        importedFolders(f)
          .filter((folder) => !["devices", "lib"].includes(folder))
          .map((folder) => `${f.name} → src/${folder}`),
      );
    assert.deepEqual(wrong, []);
  });

  it("policies/ is pure, shared by the policy pack and the CLIs: it imports only config/ and lib/", () => {
    const wrong = files
      .filter((f) => f.name.startsWith(join("src", "policies") + "/"))
      .flatMap((f) =>
        importedFolders(f)
          .filter((folder) => !["policies", "config", "lib"].includes(folder))
          .map((folder) => `${f.name} → src/${folder}`),
      );
    assert.deepEqual(wrong, []);
    const sdk = files.filter(
      (f) => f.name.startsWith(join("src", "policies") + "/") && /from "@pulumi\//.test(f.text),
    );
    assert.deepEqual(
      sdk.map((f) => f.name),
      [],
      "no Pulumi SDK in the pure policies",
    );
  });

  it(`no file is over ${MAX_FILE_LINES} lines`, () => {
    const long = files
      .map((f) => ({ name: f.name, lines: f.text.split("\n").length - 1 }))
      .filter((f) => f.lines > MAX_FILE_LINES)
      .map((f) => `${f.name}: ${f.lines} lines`);
    assert.deepEqual(long, []);
  });

  it(`no function is over ${MAX_FUNCTION_LINES} lines`, () => {
    const long = files.flatMap((f) =>
      functionLengths(f)
        .filter((fn) => fn.lines > MAX_FUNCTION_LINES)
        .map((fn) => `${f.name}: ${fn.name}, ${fn.lines} lines`),
    );
    assert.deepEqual(long, []);
  });

  it("the function measure sees a long function (so the rule above can fail)", () => {
    const body = Array.from({ length: 250 }, (_, i) => `  const x${i} = ${i};`).join("\n");
    const lengths = functionLengths({ path: "probe.ts", text: `function probe() {\n${body}\n}\n` });
    assert.deepEqual(lengths, [{ name: "probe (line 1)", lines: 252 }]);
  });
});

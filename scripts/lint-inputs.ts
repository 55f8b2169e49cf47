// What each TypeScript file's typed lint result depends on, as one hash per file: the text of
// the file and of every project file it reaches through its imports (`import`, `import type`,
// `export … from`, `require()`, `import()`, `/// <reference path>`), of every file that
// declares globals or augments a module (a script without import or export, a `.d.ts`,
// `declare global`, `declare module`), the list of the project's files, tsconfig.json,
// eslint.config.mjs and the installed packages (node_modules/.package-lock.json).
//
// ESLint's own cache (`--cache`) keys a file's result on its text and its config only. That
// is wrong for typed rules: `no-floating-promises` in a.ts changes when b.ts, which a.ts
// imports, starts returning a promise. scripts/lint.ts puts this hash into each file's
// config (a setting), so ESLint's cache entry of a file is reused only while none of those
// inputs changed. Anything not resolved to a project file (a package) is covered by the
// installed packages' lock.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

const sha = (text: string | Buffer): string => createHash("sha256").update(text).digest("hex");

/**
 * What TypeScript's scanner sees in `text` (comments and string literals skipped, template
 * literals followed): `declare global`, and whether the file is a module (an `import` that is
 * neither `import(…)` nor `import.meta`, or an `export`).
 */
function tokens(text: string): { declaresGlobal: boolean; isModule: boolean } {
  const { SyntaxKind: K } = ts;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  const templates: boolean[] = []; // per open brace: whether it is a template's `${`
  let declaresGlobal = false;
  let isModule = false;
  let previous: ts.SyntaxKind = K.Unknown;
  for (let token = scanner.scan(); token !== K.EndOfFileToken; token = scanner.scan()) {
    if (token === K.TemplateHead) templates.push(true);
    else if (token === K.OpenBraceToken) templates.push(false);
    else if (token === K.CloseBraceToken && templates.pop() === true) {
      if (scanner.reScanTemplateToken(false) === K.TemplateMiddle) templates.push(true);
    }
    if (previous === K.DeclareKeyword && token === K.GlobalKeyword) declaresGlobal = true;
    if (token === K.ExportKeyword) isModule = true;
    if (previous === K.ImportKeyword && token !== K.OpenParenToken && token !== K.DotToken) {
      isModule = true;
    }
    previous = token;
  }
  return { declaresGlobal, isModule };
}

/** Files that put names in the global scope or augment another module's types. */
function isGlobal(file: string, text: string, info: ts.PreProcessedFileInfo): boolean {
  if (/\.d\.[cm]?ts$/.test(file)) return true;
  if ((info.ambientExternalModules ?? []).length > 0) return true;
  const { declaresGlobal, isModule } = tokens(text);
  // A file with neither import nor export is a script: its declarations are global.
  return declaresGlobal || !isModule;
}

export interface TypeInputs {
  /** The project directory, its real path. */
  readonly root: string;
  /** Per TypeScript file (absolute real path): the hash of what its typed lint reads. */
  readonly hashes: ReadonlyMap<string, string>;
  /** A hash of every input, for a file this does not know. */
  readonly all: string;
}

/** The hashes of the project in `directory` (which holds tsconfig.json). */
export function typeInputHashes(directory: string): TypeInputs {
  const root = realpathSync(directory);
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, host);
  if (!parsed) throw new Error(`${join(root, "tsconfig.json")} cannot be read`);
  const options = parsed.options;
  const resolution = ts.createModuleResolutionCache(root, (x) => x, options);
  const inProject = (file: string) =>
    file.startsWith(root + sep) && !file.slice(root.length).includes(`${sep}node_modules${sep}`);

  const texts = new Map<string, string>();
  const text = (file: string): string => {
    let value = texts.get(file);
    if (value === undefined) texts.set(file, (value = readFileSync(file, "utf8")));
    return value;
  };
  /** file → the project files it names directly. */
  const edges = new Map<string, Set<string>>();
  const globals = new Set<string>();
  const pending = parsed.fileNames.map((f) => realpathSync(resolve(root, f)));
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (edges.has(file)) continue;
    const out = new Set<string>();
    edges.set(file, out);
    if (!/\.[cm]?tsx?$/.test(file)) continue; // JSON and the like: their text only
    const source = text(file);
    const info = ts.preProcessFile(source, true, true);
    if (isGlobal(file, source, info)) globals.add(file);
    const named: string[] = [];
    for (const ref of info.referencedFiles) named.push(resolve(dirname(file), ref.fileName));
    for (const imported of info.importedFiles) {
      // Resolved as tsc does for a CommonJS file (package.json "type"; no .mts here).
      const found = ts.resolveModuleName(imported.fileName, file, options, host, resolution)
        .resolvedModule?.resolvedFileName;
      if (found) named.push(found);
      else if (imported.fileName.startsWith(".")) {
        // Unresolved: the type check fails on it. A file created later changes the list of
        // the project's files, which is part of every hash.
        named.push(resolve(dirname(file), imported.fileName));
      }
    }
    for (const target of named) {
      let real: string;
      try {
        real = realpathSync(target);
      } catch {
        continue; // not there (yet)
      }
      if (!inProject(real) || real === file) continue;
      out.add(real);
      pending.push(real);
    }
  }

  const lock = ["node_modules/.package-lock.json", "package-lock.json"]
    .map((p) => join(root, p))
    .find((p) => existsSync(p));
  const environment = sha(
    [
      `node ${process.version} typescript ${ts.version}`,
      ...["tsconfig.json", "eslint.config.mjs"].map((p) =>
        existsSync(join(root, p)) ? `${p} ${sha(readFileSync(join(root, p)))}` : `${p} -`,
      ),
      `lock ${lock ? sha(readFileSync(lock)) : "-"}`,
      `files ${[...edges.keys()]
        .map((f) => relative(root, f))
        .sort()
        .join("\n")}`,
      ...[...globals].sort().map((f) => `global ${relative(root, f)} ${sha(text(f))}`),
    ].join("\n"),
  );

  /** Every project file reachable from `file`, itself included. */
  const closure = (file: string): Set<string> => {
    const seen = new Set([file]);
    const stack = [file];
    while (stack.length > 0) {
      for (const next of edges.get(stack.pop()!) ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    return seen;
  };
  const own = new Map([...edges.keys()].map((f) => [f, sha(text(f))]));
  const hashes = new Map<string, string>();
  for (const file of edges.keys()) {
    if (!/\.[cm]?ts$/.test(file) || /\.d\.[cm]?ts$/.test(file)) continue;
    const parts = [...closure(file)].map((f) => `${relative(root, f)} ${own.get(f) ?? "-"}`).sort();
    hashes.set(file, sha(`${environment}\n${parts.join("\n")}`));
  }
  const everything = [...own].map(([f, h]) => `${relative(root, f)} ${h}`).sort();
  const all = sha(`${environment}\n${everything.join("\n")}`);
  return { root, hashes, all };
}

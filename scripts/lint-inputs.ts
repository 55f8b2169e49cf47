// What each TypeScript file's typed lint result depends on, as one hash per file: the text of
// the file, what every project file it reaches through its imports (`import`, `import type`,
// `export … from`, `require()`, `import()`, `/// <reference path>`) declares, the text of
// every file that declares globals or augments a module (a script without import or export,
// a `.d.ts`, `declare global`, `declare module`), the list of the project's files,
// tsconfig.json, eslint.config.mjs and the installed packages (node_modules/.package-lock.json).
//
// ESLint's own cache (`--cache`) keys a file's result on its text and its config only. That
// is wrong for typed rules: `no-floating-promises` in a.ts changes when b.ts, which a.ts
// imports, starts returning a promise. scripts/lint.ts reuses a file's result only while this
// hash is the same. Anything not resolved to a project file (a package) is covered by the
// installed packages' lock.
//
// What an imported file declares is, given `Declarations` (scripts/lint.ts), a hash of its
// declaration file (the .d.ts tsc would emit: its exported names and their types, inferred
// ones included), as tsc's own incremental build decides which files to check again: an edit
// inside a function's body relints that file only, not the 280 that reach src/lib/net.ts.
// Without them, it is the imported file's text.
//
// A file's declarations are kept with the key they were made for: the environment, the text
// of the file (and of the files in an import cycle with it, whose declarations depend on each
// other) and the declarations of every file it reaches outside that cycle. The same key gives
// the same declarations (tsc's premise: a file's types depend on what its imports declare, not
// on their bodies), so a kept one is reused only for the same key, and made again otherwise.
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
  /**
   * A hash of what every file's lint reads besides the project's own files: the packages,
   * the configs, the list of files, the files that declare globals.
   */
  readonly environment: string;
  /** Given `Declarations`: per file (relative, `/`-separated), its declarations for this run. */
  readonly declared: ReadonlyMap<string, Declared>;
}

/** A file's declarations (a hash), and the key of what they were made from. */
export interface Declared {
  readonly key: string;
  readonly declarations: string;
}

/** The declarations of the project's TypeScript files: those kept, and how to make one. */
export interface Declarations {
  /** Those kept for `path` (relative to the project, `/`-separated), if any. */
  kept(path: string): Declared | undefined;
  /** The hash of what `file` (absolute real path) declares now; undefined: use its text. */
  make(file: string): string | undefined;
}

/** The parsed tsconfig.json of the project in `root`. */
function parseConfig(root: string): ts.ParsedCommandLine {
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, host);
  if (!parsed) throw new Error(`${join(root, "tsconfig.json")} cannot be read`);
  return parsed;
}

/**
 * The program of the project in `directory`, as typescript-eslint's project service makes it
 * for a file of tsconfig.json: its files, its options.
 */
export function projectProgram(directory: string): ts.Program {
  const parsed = parseConfig(realpathSync(directory));
  return ts.createProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    projectReferences: parsed.projectReferences,
  });
}

/** A program's `emit` with the argument tsc's builder passes to emit declarations under noEmit. */
type ForcedEmit = (
  file: ts.SourceFile,
  write: ts.WriteFileCallback,
  cancellation: undefined,
  declarationsOnly: true,
  transformers: undefined,
  forceDeclarations: true,
) => ts.EmitResult;

/**
 * The hash of the declaration file tsc would emit for `file` (absolute), as tsc's builder
 * computes a file's signature (typescript/src/compiler/builderState.ts, computeDtsSignature:
 * `program.emit(file, write, cancellation, EmitOnly.BuilderSignature, undefined,
 * forceDtsEmit = true)`, which emits declarations even under `noEmit`; the language
 * service's public `getEmitOutput(file, true, true)` does the same). Undefined when it emits
 * none (a file outside the program, or a TypeScript whose `emit` no longer takes that
 * argument): the caller then uses the file's text.
 */
export function declarationHash(program: ts.Program, file: string): string | undefined {
  const source = program.getSourceFile(file);
  if (!source || source.isDeclarationFile) return undefined;
  let text: string | undefined;
  (program.emit as unknown as ForcedEmit)(
    source,
    (name, data) => {
      if (/\.d\.[cm]?ts$/.test(name)) text = (text ?? "") + data;
    },
    undefined,
    true,
    undefined,
    true,
  );
  return text === undefined ? undefined : sha(text);
}

/**
 * The hashes of the project in `directory` (which holds tsconfig.json); with `declarations`,
 * what an imported TypeScript file gives the files that import it is what it declares (else
 * its text).
 */
export function typeInputHashes(directory: string, declarations?: Declarations): TypeInputs {
  const root = realpathSync(directory);
  const host = ts.sys;
  const parsed = parseConfig(root);
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
  const linted = (file: string) => /\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file);
  const pathOf = (file: string) => relative(root, file).split(sep).join("/");

  /** The import cycles (strongly connected components, Tarjan's): file → its cycle. */
  const cycleOf = new Map<string, string[]>();
  {
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const visit = (file: string) => {
      index.set(file, index.size);
      low.set(file, index.get(file)!);
      stack.push(file);
      onStack.add(file);
      for (const next of edges.get(file) ?? []) {
        if (!index.has(next)) {
          visit(next);
          low.set(file, Math.min(low.get(file)!, low.get(next)!));
        } else if (onStack.has(next)) {
          low.set(file, Math.min(low.get(file)!, index.get(next)!));
        }
      }
      if (low.get(file) === index.get(file)) {
        const cycle: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          cycle.push(member);
        } while (member !== file);
        for (const m of cycle) cycleOf.set(m, cycle);
      }
    };
    for (const file of edges.keys()) if (!index.has(file)) visit(file);
  }

  /** Per file: what it gives the files that import it (its declarations, or its text). */
  const given = new Map<string, string>();
  const declared = new Map<string, Declared>();
  const gives = (file: string): string => {
    if (!declarations || !linted(file) || globals.has(file)) return own.get(file) ?? "-";
    const known = given.get(file);
    if (known !== undefined) return known;
    const cycle = cycleOf.get(file)!;
    const members = new Set(cycle);
    const outside = [...closure(file)].filter((f) => !members.has(f));
    const key = sha(
      [
        environment,
        ...cycle.map((f) => `${pathOf(f)} ${own.get(f) ?? "-"}`).sort(),
        ...outside.map((f) => `${pathOf(f)} ${gives(f)}`).sort(),
      ].join("\n"),
    );
    for (const member of cycle) {
      let value = own.get(member) ?? "-";
      if (linted(member) && !globals.has(member)) {
        const kept = declarations.kept(pathOf(member));
        const record: Declared =
          kept?.key === key
            ? kept
            : { key, declarations: declarations.make(member) ?? `text ${value}` };
        declared.set(pathOf(member), record);
        value = record.declarations;
      }
      given.set(member, value);
    }
    return given.get(file)!;
  };
  const hashes = new Map<string, string>();
  for (const file of edges.keys()) {
    if (!linted(file)) continue;
    const parts = [...closure(file)]
      .map((f) => `${relative(root, f)} ${f === file ? own.get(f)! : gives(f)}`)
      .sort();
    hashes.set(file, sha(`${environment}\n${parts.join("\n")}`));
  }
  const everything = [...own].map(([f, h]) => `${relative(root, f)} ${h}`).sort();
  const all = sha(`${environment}\n${everything.join("\n")}`);
  return { root, hashes, all, environment, declared };
}

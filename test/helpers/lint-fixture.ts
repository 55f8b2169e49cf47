/**
 * The small projects the lint tests make (test/structure/lint-cache and check-code): a
 * temporary directory with a package.json, a tsconfig.json for `*.ts`, and an ESLint config
 * of typescript-eslint's parser with its project service and one typed rule,
 * no-floating-promises; node_modules/typescript-eslint links to this project's.
 */
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

/** Makes the project (its real path): `ignores` for ESLint, `options` added to tsc's. */
export function lintProject(
  name: string,
  ignores: readonly string[],
  options: Record<string, unknown> = {},
): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `${name}-`)));
  // Its own node_modules (the caches go there), with the one package its config imports.
  mkdirSync(join(dir, "node_modules"));
  const linked = join("node_modules", "typescript-eslint");
  symlinkSync(join(ROOT, linked), join(dir, linked), "dir");
  // ES5's library: the smallest with the Promise type (no-floating-promises knows it by its
  // library file), half the time of ES2022's to parse and bind in every program made here.
  const compilerOptions = {
    target: "ES2022",
    lib: ["ES5"],
    module: "nodenext",
    strict: true,
    noEmit: true,
    types: [],
    ...options,
  };
  const files = {
    "package.json": JSON.stringify({ name: `${name}-fixture`, type: "commonjs" }),
    "tsconfig.json": JSON.stringify({ compilerOptions, include: ["*.ts"] }),
    "eslint.config.mjs": [
      'import tseslint from "typescript-eslint";',
      "export default [",
      `  { ignores: ${JSON.stringify(ignores).replace(/,/g, ", ")} },`,
      "  {",
      '    files: ["**/*.ts"],',
      "    languageOptions: {",
      "      parser: tseslint.parser,",
      "      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },",
      "    },",
      '    plugins: { "@typescript-eslint": tseslint.plugin },',
      '    rules: { "@typescript-eslint/no-floating-promises": "error" },',
      "  },",
      "];",
      "",
    ].join("\n"),
  };
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

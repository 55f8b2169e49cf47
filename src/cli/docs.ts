/**
 * `npm run docs [-- --check]`: regenerates the generated parts of the documentation, or
 * checks that they are up to date. Two kinds:
 *
 * - from the project's stacks (whatever `Pulumi.*.yaml` there are: the user's own once the
 *   examples are gone): the diagrams embedded in README.md, between
 *   `<!-- diagram: <stack> <view> -->` and `<!-- /diagram -->` markers (Mermaid, which GitHub
 *   renders), and docs/diagrams/<stack>-<view>.svg for every stack (and the federation view
 *   of members; an SVG of a stack that is gone is removed). CI checks them (ci.yml); the test
 *   suite does not, so that adding a site or a registry member never turns `npm test` red;
 * - from the code: docs/errors.md, the catalogue of validation rules from the negative
 *   fixtures. The test suite checks these.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { catalogReference } from "./catalog-doc";
import { ConfigError, type Problem } from "../config/errors";
import type { SiteModel } from "../model";
import { parseCli, projectRoot, runCli, stackNames, syncGeneratedFiles } from "./common";
import { diagramOf, render, VIEWS, type View } from "./diagram";
import { catalogueEntries, catalogueMarkdown } from "./error-catalogue";
import { loadOffline } from "./offline";
import { fenceFor } from "./plan-markdown";

const USAGE = `usage: npm run docs [-- --check]

Regenerates the diagrams in README.md and docs/diagrams/, and docs/errors.md.
  --check   exit 1 if any of them is stale`;

/** `<!-- diagram: home site -->` ... `<!-- /diagram -->` */
const MARKER = /(<!-- diagram: ([^ ]+) ([^ ]+) -->\n)[\s\S]*?(<!-- \/diagram -->)/g;

/**
 * README text with every diagram marker's content regenerated. `diagram(stack, view)` gives
 * the Mermaid text; problems (unknown stack or view) are collected.
 */
export function refreshReadme(
  text: string,
  diagram: (stack: string, view: View) => string | undefined,
  problems: Problem[],
): string {
  return text.replace(MARKER, (whole, open: string, stack: string, view: string, close: string) => {
    if (!(VIEWS as readonly string[]).includes(view)) {
      problems.push({
        file: "README.md",
        path: [],
        message: `diagram marker "${open.trim()}" names view "${view}": use one of ${VIEWS.join(", ")}`,
      });
      return whole;
    }
    const mermaid = diagram(stack, view as View);
    if (mermaid === undefined) {
      problems.push({
        file: "README.md",
        path: [],
        message: `diagram marker "${open.trim()}" names stack "${stack}", which has no Pulumi.${stack}.yaml: name one of the project's stacks in it, or delete the marker and its diagram`,
      });
      return whole;
    }
    const fence = fenceFor(mermaid.split("\n"));
    return `${open}\n${fence}mermaid\n${mermaid}${fence}\n\n${close}`;
  });
}

/** Where the SVG diagrams of the stacks go. */
export const DIAGRAMS_DIR = "docs/diagrams";

/** The files generated from the code (path relative to root → expected content). */
export function codeDocs(root: string): Record<string, string> {
  return {
    "docs/errors.md": catalogueMarkdown(catalogueEntries(root)),
    "docs/catalog.md": catalogReference(),
  };
}

/**
 * The files generated from the project's stacks (path relative to root → expected
 * content), and the SVGs of docs/diagrams that no stack generates any more.
 */
export function stackDocs(root: string): { files: Record<string, string>; orphans: string[] } {
  const models = new Map<string, { model: SiteModel; file: string }>();
  for (const stack of stackNames(root)) {
    const { loaded, model } = loadOffline(root, stack);
    models.set(stack, { model, file: loaded.file });
  }
  const files: Record<string, string> = {};
  for (const [stack, { model, file }] of models) {
    for (const view of VIEWS) {
      if (view === "federation" && !model.config.federation) continue;
      files[`${DIAGRAMS_DIR}/${stack}-${view}.svg`] = render(diagramOf(model, file, view), "svg");
    }
  }
  const problems: Problem[] = [];
  const readme = readFileSync(join(root, "README.md"), "utf8");
  files["README.md"] = refreshReadme(
    readme,
    (stack, view) => {
      const entry = models.get(stack);
      return entry ? render(diagramOf(entry.model, entry.file, view), "mermaid") : undefined;
    },
    problems,
  );
  if (problems.length > 0) throw new ConfigError(problems, "Cannot generate the documentation");
  const dir = join(root, DIAGRAMS_DIR);
  const orphans = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".svg"))
        .map((f) => `${DIAGRAMS_DIR}/${f}`)
        .filter((f) => !(f in files))
        .sort()
    : [];
  return { files, orphans };
}

/** Every generated file: path (relative to root) → expected content. */
export function generatedFiles(root: string): Record<string, string> {
  return { ...stackDocs(root).files, ...codeDocs(root) };
}

/** The command, given the arguments after its name (sets `process.exitCode`). */
export const main = (argv: string[]): Promise<void> =>
  runCli(USAGE, () => {
    const values = parseCli(argv, USAGE, {
      check: { type: "boolean", default: false },
    });
    const root = projectRoot();
    const { files, orphans } = stackDocs(root);
    const stale = syncGeneratedFiles(
      root,
      { ...files, ...codeDocs(root) },
      values.check,
      "npm run docs",
      orphans,
    );
    return values.check && stale > 0 ? 1 : 0;
  });

if (require.main === module) void main(process.argv.slice(2));

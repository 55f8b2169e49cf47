/** Reading YAML files with positions, so problems can name the line. */
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument, type Document } from "yaml";
import type { PathSegment, Problem } from "./errors";

export interface YamlFile {
  /** Label used in messages (path relative to the project). */
  readonly file: string;
  readonly doc: Document;
  readonly value: unknown;
  /** Syntax problems (the value is unusable when there are any). */
  readonly problems: Problem[];
  /** 1-based line and column of the value at `path`, or of its closest existing parent. */
  locate(path: readonly PathSegment[]): { line: number; column: number } | undefined;
}

export function parseYaml(text: string, file: string): YamlFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: Problem[] = doc.errors.map((error) => {
    const pos = error.linePos?.[0];
    return {
      file,
      path: [],
      message: `YAML syntax error: ${error.message.split("\n")[0] ?? error.message}`,
      ...(pos ? { line: pos.line, column: pos.col } : {}),
    };
  });
  const locate = (path: readonly PathSegment[]) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as
        { range?: [number, number, number] } | undefined;
      if (node && typeof node === "object" && node.range) {
        const pos = lineCounter.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
      // Keys: a missing key's parent pair is the best anchor; keep walking up.
    }
    return undefined;
  };
  return { file, doc, value: problems.length ? undefined : doc.toJS(), problems, locate };
}

export function readYaml(path: string, file: string): YamlFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
    return {
      file,
      doc: parseDocument(""),
      value: undefined,
      problems: [{ file, path: [], message: `cannot read ${file}: ${reason}` }],
      locate: () => undefined,
    };
  }
  return parseYaml(text, file);
}

/** Adds line/column to problems of `yaml.file` whose path starts at `prefix` in the document. */
export function withPositions(
  problems: readonly Problem[],
  yaml: YamlFile | undefined,
  prefix: readonly PathSegment[] = [],
): Problem[] {
  if (!yaml) return [...problems];
  return problems.map((problem) => {
    if (problem.file !== yaml.file || problem.line !== undefined) return problem;
    const pos = yaml.locate([...prefix, ...problem.path]);
    return pos ? { ...problem, line: pos.line, column: pos.column } : problem;
  });
}

/**
 * A line diff for multi-line values (a rendered configuration file, a cloud-init document)
 * in plan diffs: jsdiff's shortest edit script (Myers' algorithm, `diffArrays`), then hunks
 * with a little context. Pure.
 */
import { diffArrays } from "diff";
import { plural } from "../lib/text";

export interface DiffLine {
  /** " " unchanged, "-" only before, "+" only after. */
  readonly op: " " | "-" | "+";
  readonly text: string;
}

/**
 * The work Myers' search may do, in numbers of its (edits + 1) × (2 × lines + 2) trace;
 * beyond that the changed middle is shown as removed then added, which is still correct.
 */
export const MAX_TRACE = 8_000_000;

/** The shortest edit script between two line lists, or undefined when it costs too much. */
function shortest(a: string[], b: string[]): DiffLine[] | undefined {
  const maxEditLength = Math.floor(MAX_TRACE / (2 * (a.length + b.length) + 2)) - 1;
  const changes = diffArrays(a, b, { maxEditLength });
  if (!changes) return undefined;
  return changes.flatMap((change) => {
    const op = change.added ? "+" : change.removed ? "-" : " ";
    return change.value.map((text) => ({ op, text }));
  });
}

/** How many leading and trailing items two lists share (not overlapping). */
export function commonEnds(
  before: readonly string[],
  after: readonly string[],
): { head: number; tail: number } {
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (
    tail < before.length - head &&
    tail < after.length - head &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  )
    tail++;
  return { head, tail };
}

/** Every line of `before` and `after`, marked kept, removed or added (a shortest edit script). */
export function diffLines(before: readonly string[], after: readonly string[]): DiffLine[] {
  // Common head and tail first: most edits touch a few lines of a long text.
  const { head, tail } = commonEnds(before, after);
  const a = before.slice(head, before.length - tail);
  const b = after.slice(head, after.length - tail);
  const middle = shortest(a, b) ?? [
    ...a.map((text) => ({ op: "-" as const, text })),
    ...b.map((text) => ({ op: "+" as const, text })),
  ];
  return [
    ...before.slice(0, head).map((text) => ({ op: " " as const, text })),
    ...middle,
    ...before.slice(before.length - tail).map((text) => ({ op: " " as const, text })),
  ];
}

/**
 * Unified-diff style text: changed lines with `context` unchanged lines around them; longer
 * unchanged runs are folded into one "@@ n unchanged lines @@" marker.
 */
export function formatHunks(lines: readonly DiffLine[], context = 2): string[] {
  const out: string[] = [];
  const changed = lines.map((l) => l.op !== " ");
  const near = (k: number) => {
    for (let d = -context; d <= context; d++) if (changed[k + d]) return true;
    return false;
  };
  let folded = 0;
  lines.forEach((line, k) => {
    if (near(k)) {
      if (folded > 0) out.push(`@@ ${plural(folded, "unchanged line")} @@`);
      folded = 0;
      out.push(`${line.op}${line.text}`);
    } else folded++;
  });
  if (folded > 0) out.push(`@@ ${plural(folded, "unchanged line")} @@`);
  return out;
}

/**
 * A line diff for multi-line values (a rendered configuration file, a cloud-init document)
 * in plan diffs: longest common subsequence, then hunks with a little context. Pure.
 */

export interface DiffLine {
  /** " " unchanged, "-" only before, "+" only after. */
  readonly op: " " | "-" | "+";
  readonly text: string;
}

/** Above this many cells the LCS table is not built: the diff is "all removed, all added". */
export const MAX_LCS_CELLS = 4_000_000;

/** Every line of `before` and `after`, marked kept, removed or added (minimal edit script). */
export function diffLines(before: readonly string[], after: readonly string[]): DiffLine[] {
  // Common head and tail first: most edits touch a few lines of a long text.
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (
    tail < before.length - head &&
    tail < after.length - head &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  )
    tail++;
  const a = before.slice(head, before.length - tail);
  const b = after.slice(head, after.length - tail);
  const middle: DiffLine[] = [];
  if ((a.length + 1) * (b.length + 1) > MAX_LCS_CELLS) {
    for (const text of a) middle.push({ op: "-", text });
    for (const text of b) middle.push({ op: "+", text });
  } else {
    // lcs[i][j]: length of the LCS of a[i..] and b[j..].
    const width = b.length + 1;
    const lcs = new Uint32Array((a.length + 1) * width);
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) {
        lcs[i * width + j] =
          a[i] === b[j]
            ? lcs[(i + 1) * width + j + 1]! + 1
            : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) {
        middle.push({ op: " ", text: a[i]! });
        i++;
        j++;
      } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) {
        middle.push({ op: "-", text: a[i]! });
        i++;
      } else {
        middle.push({ op: "+", text: b[j]! });
        j++;
      }
    }
    for (; i < a.length; i++) middle.push({ op: "-", text: a[i]! });
    for (; j < b.length; j++) middle.push({ op: "+", text: b[j]! });
  }
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
      if (folded > 0) out.push(`@@ ${folded} unchanged line${folded === 1 ? "" : "s"} @@`);
      folded = 0;
      out.push(`${line.op}${line.text}`);
    } else folded++;
  });
  if (folded > 0) out.push(`@@ ${folded} unchanged line${folded === 1 ? "" : "s"} @@`);
  return out;
}

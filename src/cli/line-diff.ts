/**
 * A line diff for multi-line values (a rendered configuration file, a cloud-init document)
 * in plan diffs: Myers' shortest edit script, then hunks with a little context. Pure.
 */

export interface DiffLine {
  /** " " unchanged, "-" only before, "+" only after. */
  readonly op: " " | "-" | "+";
  readonly text: string;
}

/**
 * Most numbers Myers' search may keep (its trace grows with edits times length); beyond that
 * the changed middle is shown as removed then added, which is still correct.
 */
export const MAX_TRACE = 8_000_000;

/**
 * Myers' O((N+M)D) shortest edit script between two line lists, or undefined when it would
 * need more than MAX_TRACE numbers of trace.
 */
function myers(a: readonly string[], b: readonly string[]): DiffLine[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const width = 2 * max + 2;
  const offset = max + 1;
  let v = new Int32Array(width);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    if ((d + 1) * width > MAX_TRACE) return undefined;
    trace.push(v);
    v = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)
          ? v[offset + k + 1]!
          : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace);
    }
  }
  return undefined;
}

/** The edit script from Myers' trace (trace[d]: the furthest points before step d). */
function backtrack(a: readonly string[], b: readonly string[], trace: Int32Array[]): DiffLine[] {
  const out: DiffLine[] = [];
  const offset = (trace[0]!.length - 2) / 2 + 1;
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = v[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      out.push({ op: " ", text: a[x - 1]! });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) out.push({ op: "+", text: b[y - 1]! });
      else out.push({ op: "-", text: a[x - 1]! });
    }
    x = prevX;
    y = prevY;
  }
  return out.reverse();
}

/** Every line of `before` and `after`, marked kept, removed or added (a shortest edit script). */
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
  const middle = myers(a, b) ?? [
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
      if (folded > 0) out.push(`@@ ${folded} unchanged line${folded === 1 ? "" : "s"} @@`);
      folded = 0;
      out.push(`${line.op}${line.text}`);
    } else folded++;
  });
  if (folded > 0) out.push(`@@ ${folded} unchanged line${folded === 1 ? "" : "s"} @@`);
  return out;
}

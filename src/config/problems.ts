/**
 * Shared machinery of the configuration rules: a problem collector, the "unknown reference"
 * message with its suggestion, and the uniqueness check, both as a collector rule
 * (`checkUnique`) and as a zod refinement (`uniqueBy`) that gives the same message.
 */
import type { z } from "zod";
import type { PathSegment, Problem } from "./errors";
import { closest } from "./primitives";

/** Collects problems for one file. */
export class Problems {
  readonly list: Problem[] = [];
  constructor(readonly file: string) {}
  add(path: readonly PathSegment[], message: string): void {
    this.list.push({ file: this.file, path, message });
  }
}

/** "unknown node "pve3": did you mean "pve2"?" (or the list, or "none is declared"). */
export function unknownReference(
  what: string,
  value: string,
  candidates: readonly string[],
  where?: string,
): string {
  const unknown = `unknown ${what} "${value}"${where ? ` in ${where}` : ""}`;
  if (candidates.length === 0) return `${unknown}: no ${what} is declared`;
  const near = closest(value, candidates);
  if (near !== undefined) return `${unknown}: did you mean "${near}"?`;
  return `${unknown}: declared ${what}s are ${candidates.map((c) => `"${c}"`).join(", ")}`;
}

/** Reports every name used twice in `items` (at the second and later uses). */
export function checkUnique<T>(
  out: Problems,
  items: readonly T[],
  key: (item: T) => string | number | undefined,
  path: (index: number) => PathSegment[],
  what: string,
): void {
  const first = new Map<string | number, number>();
  items.forEach((item, i) => {
    const value = key(item);
    if (value === undefined) return;
    const earlier = first.get(value);
    if (earlier === undefined) first.set(value, i);
    else out.add(path(i), duplicateMessage(what, value, earlier));
  });
}

/** The message `checkUnique` and `uniqueBy` give for a repeated value. */
export function duplicateMessage(what: string, value: string | number, earlier: number): string {
  return `${what} ${JSON.stringify(value)} is already used at index ${earlier}: ${what}s must be unique`;
}

/**
 * A zod refinement for a list: every value of `key` is used once. Reports the second and
 * later uses at `[index, ...at]` with the same message as `checkUnique`.
 *
 * @example z.array(node).superRefine(uniqueBy((n) => n.name, "node name", ["name"]))
 */
export function uniqueBy<T>(
  key: (item: T) => string | number | undefined,
  what: string,
  at: readonly PathSegment[] = [],
): (items: readonly T[], ctx: z.RefinementCtx) => void {
  return (items, ctx) => {
    const first = new Map<string | number, number>();
    items.forEach((item, i) => {
      const value = key(item);
      if (value === undefined) return;
      const earlier = first.get(value);
      if (earlier === undefined) first.set(value, i);
      else
        ctx.addIssue({
          code: "custom",
          path: [i, ...at],
          message: duplicateMessage(what, value, earlier),
        });
    });
  };
}

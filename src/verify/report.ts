/**
 * What `npm run verify` reports: one row per check (check, target, status, detail), as a
 * table for people or as JSON. A row never holds a secret: details describe what was read
 * (states, prefixes, names), never a credential, and a failed request's message has its
 * credentials redacted by the transport (src/providers/http.ts) before it gets here.
 */
import { printable } from "../lib/display";

export type Status = "ok" | "fail" | "skip";

export interface Row {
  /** What is checked ("bgp-neighbor", "ipsec-sa", …). */
  readonly check: string;
  /** What it is checked on ("bravo 172.31.254.1", "vm 101 on pve1", …). */
  readonly target: string;
  readonly status: Status;
  /** What was found, and for a failure what to look at. */
  readonly detail: string;
}

export const ok = (check: string, target: string, detail: string): Row => ({
  check,
  target,
  status: "ok",
  detail,
});
export const fail = (check: string, target: string, detail: string): Row => ({
  check,
  target,
  status: "fail",
  detail,
});
export const skip = (check: string, target: string, detail: string): Row => ({
  check,
  target,
  status: "skip",
  detail,
});

/** A row per check that could not run because its source could not be read. */
export function unreadable(check: string, target: string, error: unknown): Row {
  return fail(
    check,
    target,
    `cannot read: ${error instanceof Error ? error.message : String(error)}`,
  );
}

export interface Summary {
  readonly ok: number;
  readonly fail: number;
  readonly skip: number;
}

export function summarize(rows: readonly Row[]): Summary {
  const count = (status: Status) => rows.filter((r) => r.status === status).length;
  return { ok: count("ok"), fail: count("fail"), skip: count("skip") };
}

/** The table: one line per row, columns padded, control characters escaped. */
export function formatTable(stack: string, rows: readonly Row[]): string {
  const header = { check: "CHECK", target: "TARGET", status: "STATUS", detail: "DETAIL" };
  const cells = [header, ...rows].map((r) => ({
    check: printable(r.check),
    target: printable(r.target),
    status: r.status,
    detail: printable(r.detail),
  }));
  const width = (key: "check" | "target" | "status") =>
    Math.max(...cells.map((c) => c[key].length));
  const [w1, w2, w3] = [width("check"), width("target"), width("status")];
  const lines = cells.map((c) =>
    `${c.check.padEnd(w1)}  ${c.target.padEnd(w2)}  ${c.status.padEnd(w3)}  ${c.detail}`.trimEnd(),
  );
  const s = summarize(rows);
  lines.push("", `verify ${stack}: ${s.ok} ok, ${s.fail} failed, ${s.skip} skipped`);
  return lines.join("\n") + "\n";
}

/** The JSON document of `--json`. */
export function formatJson(stack: string, rows: readonly Row[]): string {
  return JSON.stringify({ stack, summary: summarize(rows), checks: rows }, null, 2) + "\n";
}

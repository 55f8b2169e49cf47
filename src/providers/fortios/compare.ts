/**
 * Comparing what we sent with what a FortiGate reads back: only the attributes we manage are
 * compared, and each comparison tolerates the device's normal re-spellings:
 *
 * - `q_origin_key` on objects and member elements is ignored;
 * - numbers and numeric strings are equal when their values are (`"65001"` = `65001`);
 * - addresses with masks are equal in any spelling (`10.0.0.0/24` = `10.0.0.0 255.255.255.0`);
 * - multi-value options are word sets: the device re-orders them into its schema order.
 *   Which attributes are multi-value options is Fortinet's schema (MULTI_VALUE, generated
 *   from it), per table and attribute path (`ip` is one in `client-options`, not at the top);
 * - tables (arrays of objects) are matched element by element in any order, each element
 *   compared on the attributes we gave it (the device fills in the others); a table holds
 *   exactly our elements, except a fixed table (router/bgp `redistribute`: the device keeps
 *   its entries whatever is sent), which only has to hold ours.
 *
 * Runs inside the serialized provider: plain data only at module level.
 */
import { isPlainObject } from "../kit/values";
import { MULTI_VALUE } from "./multi-value";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Tables whose entries the device fixes (readonly in its schema: entries can be neither
 * added nor removed; the 7.0.1 schema of a 60F marks router/bgp `redistribute` so).
 */
export const FIXED_TABLES: readonly string[] = ["redistribute", "redistribute6"];

/** The multi-value attribute paths of `table`; of every table the project writes if unknown. */
function multiValues(table: string | undefined): readonly string[] {
  if (table !== undefined) return MULTI_VALUE[table] ?? [];
  return Object.values(MULTI_VALUE).flat();
}

// Self-contained on purpose: importing src/lib/net.ts would make the serialized provider
// carry that whole module (the serializer captures every export of an imported module).

/** 32-bit value of a dotted quad, or undefined. */
function dottedQuad(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    return undefined;
  }
  return parts.reduce((value, p) => value * 256 + Number(p), 0);
}

/** Prefix length of a contiguous dotted netmask, or undefined. */
function maskLength(mask: string): number | undefined {
  const value = dottedQuad(mask);
  if (value === undefined) return undefined;
  for (let length = 0; length <= 32; length++) {
    if ((length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0) === value) return length;
  }
  return undefined;
}

/** "A.B.C.D/len", "A.B.C.D/M.M.M.M" or "A.B.C.D M.M.M.M" → "A.B.C.D/len"; else undefined. */
export function canonicalIpMask(text: string): string | undefined {
  const match =
    /^\s*(\d{1,3}(?:\.\d{1,3}){3})\s*(?:\/|\s)\s*(\d{1,2}|\d{1,3}(?:\.\d{1,3}){3})\s*$/.exec(text);
  if (!match) return undefined;
  const address = match[1] ?? "";
  const mask = match[2] ?? "";
  if (dottedQuad(address) === undefined) return undefined;
  const length = mask.includes(".") ? maskLength(mask) : Number(mask);
  if (length === undefined || length > 32) return undefined;
  return `${address}/${length}`;
}

function numeric(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

/** The distinct words of a multi-value option, sorted. */
function words(text: string): string[] {
  return [...new Set(text.split(/\s+/).filter(Boolean))].sort();
}

/**
 * Whether the device's `actual` value means what we sent as `desired` for `attribute` (a
 * dotted path in `table`, the CMDB path). Only the attributes present in `desired` objects
 * count.
 */
export function equivalent(
  desired: unknown,
  actual: unknown,
  attribute = "",
  table?: string,
): boolean {
  return same(desired, actual, attribute, multiValues(table));
}

function same(desired: unknown, actual: unknown, at: string, multi: readonly string[]): boolean {
  if (desired === actual) return true;
  if (desired === undefined) return true;
  if (Array.isArray(desired)) {
    if (!Array.isArray(actual)) return false;
    const fixed = FIXED_TABLES.includes(at.slice(at.lastIndexOf(".") + 1));
    if (fixed ? actual.length < desired.length : actual.length !== desired.length) return false;
    if (!desired.every(isPlainObject)) {
      return desired.every((d, i) => same(d, actual[i], at, multi));
    }
    // A table: match each desired element with a distinct actual element, in any order.
    const used: boolean[] = actual.map(() => false);
    return desired.every((d) => {
      const index = actual.findIndex((a, i) => !used[i] && same(d, a, at, multi));
      if (index < 0) return false;
      used[index] = true;
      return true;
    });
  }
  if (isPlainObject(desired)) {
    if (!isPlainObject(actual)) return false;
    return Object.entries(desired).every(
      ([key, value]) =>
        key === "q_origin_key" || same(value, actual[key], at === "" ? key : `${at}.${key}`, multi),
    );
  }
  const dn = numeric(desired);
  const an = numeric(actual);
  if (dn !== undefined && an !== undefined) return dn === an;
  if (typeof desired === "string" && typeof actual === "string") {
    if (multi.includes(at)) {
      return words(desired).join(" ") === words(actual).join(" ");
    }
    const dm = canonicalIpMask(desired);
    if (dm !== undefined) return dm === canonicalIpMask(actual);
    return desired.trim() === actual.trim();
  }
  return false;
}

/**
 * The device's value reduced to the shape of what we manage: objects keep only the
 * attributes `shape` has (no `q_origin_key`), tables project each element onto the union of
 * the attributes our elements have.
 */
export function project(shape: unknown, actual: unknown): Json {
  if (Array.isArray(shape) && Array.isArray(actual)) {
    const keys = [...new Set(shape.filter(isPlainObject).flatMap((e) => Object.keys(e)))];
    if (keys.length === 0) return actual as Json;
    const template = Object.fromEntries(keys.map((k) => [k, null]));
    return actual.map((element) => project(template, element));
  }
  if (isPlainObject(shape) && isPlainObject(actual)) {
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(shape)) {
      if (key === "q_origin_key") continue;
      if (key in actual) out[key] = project(shape[key], actual[key]);
    }
    return out;
  }
  return (actual ?? null) as Json;
}

/**
 * The managed attributes as the device has them: for each attribute of `applied`, our own
 * spelling when the device's value is equivalent (so no spurious change), else the device's
 * value projected to our shape. `secret` attributes keep our hash unless the device reports
 * them unset (a masked secret cannot be compared).
 */
export function observed(
  applied: Record<string, unknown>,
  device: Record<string, unknown>,
  secretFields: readonly string[],
  table?: string,
): { view: Record<string, Json>; drifted: string[] } {
  const view: Record<string, Json> = {};
  const drifted: string[] = [];
  for (const [key, value] of Object.entries(applied)) {
    const actual = device[key];
    if (secretFields.includes(key)) {
      if (actual === "" || actual === null || actual === undefined) {
        view[key] = "";
        if (value !== "") drifted.push(key);
      } else view[key] = value as Json;
      continue;
    }
    if (equivalent(value, actual, key, table)) view[key] = value as Json;
    else {
      view[key] = actual === undefined ? null : project(value, actual);
      drifted.push(key);
    }
  }
  return { view, drifted };
}

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, as `Array.prototype.sort`) at
 * every level and undefined properties left out, so equal values always give equal text.
 * Used for fingerprints (the Proxmox SDN apply), map keys of JSON values (plan diffs) and
 * the dynamic providers' comparisons.
 *
 * Runs inside the serialized dynamic providers: this module holds only this function (the
 * closure serializer carries every export of a module a provider imports).
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

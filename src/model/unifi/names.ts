/**
 * Names of the UniFi objects: slugs for roles, readable group names within the controller's
 * 64 characters (legacy rule indexes: indexes.ts).
 */
import { createHash } from "node:crypto";

/** "Users to DNS" → "users-to-dns". */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "x"
  );
}

/** A firewall group name from a set of names (at most 64 characters). */
export function groupName(kind: string, names: readonly string[]): string {
  const full = `homelab ${kind}${names.length > 0 ? ` ${names.join("+")}` : ""}`;
  if (full.length <= 64) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  return `${full.slice(0, 64 - 9)}~${hash}`;
}

export function portsText(ports: readonly (number | string)[]): string {
  return ports.map(String).join(",");
}

/**
 * Names and numbers of the UniFi objects: slugs for roles, readable group names within the
 * controller's 64 characters, the rule names of allows, and stable legacy rule indexes.
 */
import { createHash } from "node:crypto";
import { MAX_LEGACY_ALLOWS } from "../../config/unifi";
import { fnv1a } from "../address-plan";

/** First index of the explicit legacy allows; established/related sits just before. */
export const LEGACY_FIRST_INDEX = 2000;
/** Index of the final inter-VLAN drop: the allows (as many as the config accepts) fit before. */
export const LEGACY_DENY_INDEX = LEGACY_FIRST_INDEX + MAX_LEGACY_ALLOWS + 1;
const ALLOW_SLOTS = MAX_LEGACY_ALLOWS;

/** "Users to DNS" → "users-to-dns". */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "x"
  );
}

/**
 * Stable rule indexes for names: each name hashes to a slot in 2001-2998; a slot already
 * taken by an earlier name moves on to the next free one. Names must be unique.
 */
export function legacyAllowIndexes(names: readonly string[]): number[] {
  if (names.length > ALLOW_SLOTS) {
    throw new Error(`at most ${ALLOW_SLOTS} allow rules fit between the legacy rule indexes`);
  }
  const used = new Set<number>();
  return names.map((name) => {
    let slot = fnv1a(name) % ALLOW_SLOTS;
    while (used.has(slot)) slot = (slot + 1) % ALLOW_SLOTS;
    used.add(slot);
    return LEGACY_FIRST_INDEX + 1 + slot;
  });
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

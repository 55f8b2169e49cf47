/**
 * Federation derivations (pure). Both members of a peering derive it from the same registry.
 */
import type { Registry } from "../config/federation";

/**
 * Ids of the members `memberId` peers with, sorted: every other member in a full mesh,
 * or the partners named in explicit pairs.
 */
export function peersOf(registry: Registry, memberId: string): string[] {
  const ids = registry.members.map((m) => m.id);
  if (registry.topology === "full-mesh") return ids.filter((id) => id !== memberId).sort();
  const peers = new Set<string>();
  for (const [a, b] of registry.topology.pairs) {
    if (a === memberId && b !== memberId) peers.add(b);
    if (b === memberId && a !== memberId) peers.add(a);
  }
  return [...peers].sort();
}

/**
 * Rule indexes of the legacy firewall (LAN_IN/WAN_IN rules), taken from the indexes the
 * console leaves free.
 *
 * What the controller does: `rule_index` is unique per ruleset, a used one is refused with
 * `api.err.FirewallRuleIndexExisted` (the conflicting index comes back in `meta.rule_index`:
 * paultyng/terraform-provider-unifi#361), and its field definition allows
 * `2[0-9]{3,4}|4[0-9]{3,4}` (Network 9.5.21 `FirewallRule.json`): 2000-2999 and 20000-29999
 * run before the predefined rules. Some consoles keep their rules in the five-digit block and
 * refuse four-digit indexes (ubiquiti-community/terraform-provider-unifi#129): when the
 * console's own rules of a ruleset use 20000-29999, ours go there too. (Reports that WAN rules
 * need a 3000 block, terraform-provider-unifi#142, contradict the 9.5.21 field definition,
 * where 3000 does not match: not followed.)
 *
 * Our rules of a ruleset: an optional first one (allow established/related), the allows, an
 * optional last one (the inter-VLAN drop). The first takes the lowest free index of the block,
 * the last the highest, and each allow a stable slot derived from its name (probing upward to
 * the next free one): adding or removing an allow, or a console rule appearing, moves only the
 * rules whose slot it takes. Console rules that carry one of our names in the ruleset are
 * ours (created by an earlier run, or taken over with `adopt`), so their indexes are not in
 * the way. When no free index is left, the problem names the console rules in the way.
 */
import { MAX_LEGACY_ALLOWS } from "../../config/unifi";
import { fnv1a } from "../address-plan";

/** A legacy rule on the console, as read before any write. */
export interface ConsoleRule {
  readonly ruleset: string;
  readonly index: number;
  readonly name: string;
}

/** Our rules of one ruleset, by name. */
export interface RulesetNames {
  readonly ruleset: string;
  /** Before every other rule of ours (allow established/related). */
  readonly first?: string;
  /** Between first and last, in any order (they all accept). */
  readonly allows: readonly string[];
  /** After every other rule of ours (the drop). */
  readonly last?: string;
}

export interface RulesetIndexes {
  readonly first?: number;
  readonly allows: readonly number[];
  readonly last?: number;
}

/** The index block of a ruleset: 2000-2999, or 20000-29999 when the console uses it. */
function block(taken: readonly ConsoleRule[]): { lo: number; hi: number } {
  return taken.some((r) => r.index >= 20000 && r.index <= 29999)
    ? { lo: 20000, hi: 29999 }
    : { lo: 2000, hi: 2999 };
}

function inTheWay(ruleset: string, taken: readonly ConsoleRule[], lo: number, hi: number): string {
  const rules = taken
    .filter((r) => r.index >= lo && r.index <= hi)
    .sort((a, b) => a.index - b.index)
    .map((r) => `"${r.name}" (${r.index})`);
  const shown = rules.slice(0, 5).join(", ");
  const more = rules.length > 5 ? ` and ${rules.length - 5} more` : "";
  return `the console's ${ruleset} rules ${shown}${more} take them: move or delete some in the UniFi UI (Settings > Security > Traffic & Firewall Rules)`;
}

/**
 * The indexes of our rules of a ruleset, around the console's rules (`consoleRules`: every
 * legacy rule on the console; undefined when the console was not read: the whole block is
 * assumed free). Returns a problem instead when they do not fit.
 */
export function legacyRuleIndexes(
  names: RulesetNames,
  consoleRules: readonly ConsoleRule[] | undefined,
): { indexes: RulesetIndexes } | { problem: string } {
  const ours = new Set([names.first, names.last, ...names.allows].filter((n) => n !== undefined));
  const taken = (consoleRules ?? []).filter(
    (r) => r.ruleset === names.ruleset && !ours.has(r.name),
  );
  const { lo, hi } = block(taken);
  const used = new Set(taken.map((r) => r.index));
  let first: number | undefined;
  let last: number | undefined;
  if (names.first !== undefined) {
    for (let i = lo; i <= hi && first === undefined; i++) if (!used.has(i)) first = i;
    if (first === undefined) {
      return {
        problem: `no free ${names.ruleset} rule_index for "${names.first}" between ${lo} and ${hi}: ${inTheWay(names.ruleset, taken, lo, hi)}`,
      };
    }
    used.add(first);
  }
  if (names.last !== undefined) {
    for (let i = hi; i >= lo && last === undefined; i--) if (!used.has(i)) last = i;
    if (last === undefined || (first !== undefined && last < first)) {
      return {
        problem: `no free ${names.ruleset} rule_index for "${names.last}" between ${lo} and ${hi}: ${inTheWay(names.ruleset, taken, lo, hi)}`,
      };
    }
    used.add(last);
  }
  const above = first ?? lo - 1;
  const below = last ?? hi + 1;
  const allows: number[] = [];
  for (const name of names.allows) {
    const start = fnv1a(name) % MAX_LEGACY_ALLOWS;
    let index: number | undefined;
    for (let step = 0; step < MAX_LEGACY_ALLOWS && index === undefined; step++) {
      const candidate = lo + 1 + ((start + step) % MAX_LEGACY_ALLOWS);
      if (candidate > above && candidate < below && !used.has(candidate)) index = candidate;
    }
    if (index === undefined) {
      return {
        problem: `no free ${names.ruleset} rule_index for "${name}" between ${above + 1} and ${below - 1}: ${inTheWay(names.ruleset, taken, lo, hi)}`,
      };
    }
    used.add(index);
    allows.push(index);
  }
  return { indexes: { first, allows, last } };
}

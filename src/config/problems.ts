/**
 * Shared machinery of the configuration rules: a problem collector, the "unknown reference"
 * message with its suggestion, and the uniqueness check, both as a collector rule
 * (`checkUnique`) and as a zod refinement (`uniqueBy`) that gives the same message; and the
 * address rules several sections share (gateways, ranges, network references).
 */
import type { z } from "zod";
import type { PathSegment, Problem } from "./errors";
import { closest } from "./primitives";
import type { SiteConfig } from "./stack";
import {
  containsAddress,
  formatIPv4,
  formatPrefix,
  hostRange,
  isHostOf,
  parseIPv4,
  parsePrefix,
  parseRange,
  rangeInsideHosts,
  type Prefix,
} from "../lib/net";

/**
 * Where a rule reports a problem: a `Problems` collector (paths from the file's root), or a
 * zod refinement through `issuesOf` (paths relative to the refined value).
 */
export interface ProblemSink {
  add(path: readonly PathSegment[], message: string): void;
}

/** Collects problems for one file. */
export class Problems implements ProblemSink {
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

/** Marks the issues the rules add, so that a rule can tell them from the schema's. */
const RULE_ISSUE = "homelabRule";

/** A sink that adds each problem as an issue of a zod refinement, at a path relative to it. */
export function issuesOf(ctx: z.RefinementCtx): ProblemSink {
  return {
    add: (path, message) =>
      ctx.addIssue({ code: "custom", path: [...path], message, params: { [RULE_ISSUE]: true } }),
  };
}

/**
 * Whether the value being refined passed its schema: it has no issue yet but those of other
 * rules. Zod runs a refinement past some schema issues (unknown keys, a malformed address);
 * a rule waits for a well-formed value instead, as a rule across sections waits for the
 * sections it reads to parse, so a broken value never causes misleading reports. Rules do not wait for
 * each other: all of a section's rule problems come out together.
 */
export function wellFormed(ctx: z.RefinementCtx): boolean {
  return ctx.issues.every(
    (issue) =>
      issue.code === "custom" &&
      (issue as { params?: Record<string, unknown> }).params?.[RULE_ISSUE] === true,
  );
}

/** Reports every name used twice in `items` (at the second and later uses). */
export function checkUnique<T>(
  out: ProblemSink,
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
 * later uses at `[index, ...at]` with the same message as `checkUnique`, once the list is
 * well-formed (`wellFormed`).
 *
 * @example z.array(node).superRefine(uniqueBy((n) => n.name, "node name", ["name"]))
 */
export function uniqueBy<T>(
  key: (item: T) => string | number | undefined,
  what: string,
  at: readonly PathSegment[] = [],
): (items: readonly T[], ctx: z.RefinementCtx) => void {
  return (items, ctx) => {
    if (wellFormed(ctx)) checkUnique(issuesOf(ctx), items, key, (i) => [i, ...at], what);
  };
}

// ----- rules several sections share ------------------------------------------------------

/** The prefix of a CIDR without host bits (undefined otherwise: the schema reports it). */
export function subnetOf(text: string): Prefix | undefined {
  const parsed = parsePrefix(text);
  return parsed && !parsed.hostBits ? parsed.prefix : undefined;
}

/** Gateway must be a host address of the subnet. */
export function checkGateway(
  out: ProblemSink,
  path: PathSegment[],
  gateway: string,
  subnet: Prefix,
): void {
  const address = parseIPv4(gateway);
  if (address === undefined) return;
  if (!containsAddress(subnet, address)) {
    out.add(
      path,
      `${gateway} is outside subnet ${formatPrefix(subnet)}: use an address inside it, e.g. ${formatIPv4(hostRange(subnet).first)}`,
    );
  } else if (!isHostOf(subnet, address)) {
    out.add(
      path,
      `${gateway} is the network or broadcast address of ${formatPrefix(subnet)}: use a host address, e.g. ${formatIPv4(hostRange(subnet).first)}`,
    );
  }
}

/** DHCP/reserved range must lie inside the subnet's host addresses, and avoid the gateway. */
export function checkRange(
  out: ProblemSink,
  path: PathSegment[],
  text: string,
  subnet: Prefix,
  gateway: number | undefined,
): void {
  const range = parseRange(text);
  if (!range) return;
  if (!rangeInsideHosts(subnet, range)) {
    const hosts = hostRange(subnet);
    out.add(
      path,
      `range ${text} is not inside the usable addresses of ${formatPrefix(subnet)} (${formatIPv4(hosts.first)}-${formatIPv4(hosts.last)})`,
    );
  } else if (gateway !== undefined && gateway >= range.first && gateway <= range.last) {
    out.add(
      path,
      `range ${text} contains the gateway ${formatIPv4(gateway)}: start or end it elsewhere`,
    );
  }
}

/** Every name of `refs` is a network of `names`. */
export function checkNetworkRefs(
  out: ProblemSink,
  names: readonly string[],
  refs: string | readonly string[],
  path: PathSegment[],
): void {
  const list = typeof refs === "string" ? [refs] : refs;
  list.forEach((ref, i) => {
    if (!names.includes(ref)) {
      out.add(
        typeof refs === "string" ? path : [...path, i],
        unknownReference("network", ref, names),
      );
    }
  });
}

/** Docker host names: `homelab:hosts` with docker, and Proxmox guests with docker. */
export function dockerHostNames(config: SiteConfig): string[] {
  return [
    ...config.hosts.filter((h) => h.docker).map((h) => h.name),
    ...(config.proxmox?.guests.filter((g) => g.docker).map((g) => g.name) ?? []),
  ];
}

/**
 * A zod refinement from a rule written for a `Problems` collector: what the rule adds
 * becomes an issue at the same path, relative to the refined value.
 *
 * @example fortigateSchema.superRefine(refineWith(fortigateRules))
 */
export function refineWith<T>(
  rule: (value: T, out: Problems) => void,
): (value: T, ctx: z.RefinementCtx) => void {
  return (value, ctx) => {
    const out = new Problems("");
    rule(value, out);
    for (const problem of out.list)
      ctx.addIssue({ code: "custom", path: [...problem.path], message: problem.message });
  };
}

/**
 * The guard rails over one change (the `change` policies of catalog.ts): what two plans of a
 * stack say the change deletes, replaces and restarts, against the stack's opt-ins
 * (`homelab:guardrails` of the head). Pure; `npm run plan-diff` shows the result.
 */
import type { GuardrailsConfig } from "../config/guardrails";
import { optInHint, POLICIES } from "./catalog";
import { criticalServices, edgeRole, guardedKind, isDnsRecord } from "./kinds";
import { replaceReasons, restartReasons } from "./replace";
import type { GuardChangeSet, GuardResource, Violation } from "./types";

interface Replaced {
  readonly resource: GuardResource;
  readonly reasons: string[];
}

/**
 * The resources a change replaces, in the head's order: changed ones whose provider replaces
 * them, and any resource, changed or not, that names (FortiOS `referents`) one replaced
 * before it: the engine replaces those too (calculateDependentReplacements).
 */
export function replacedResources(
  change: GuardChangeSet,
  head: readonly GuardResource[],
): Replaced[] {
  const changed = new Map(change.changed.map((c) => [c.after.name, c]));
  const names = new Set<string>();
  const out: Replaced[] = [];
  for (const resource of head) {
    const c = changed.get(resource.name) ?? { before: resource, after: resource, moved: false };
    const reasons = replaceReasons(c, names);
    if (reasons.length === 0) continue;
    names.add(resource.name);
    out.push({ resource, reasons });
  }
  return out;
}

function why(reasons: readonly string[]): string {
  return reasons.join("; ");
}

/**
 * Every change policy's violations. `head` is the stack after the change, in registration
 * order (it names the critical services and what names a replaced object); `guardrails` is
 * the head's `homelab:guardrails`.
 */
export function changeViolations(
  change: GuardChangeSet,
  head: readonly GuardResource[],
  guardrails: GuardrailsConfig,
): Violation[] {
  const allow = guardrails.allow;
  const out: Violation[] = [];
  const used = { replace: new Set<string>(), delete: new Set<string>() };
  const replaced = replacedResources(change, head);

  const stateful = POLICIES.noStatefulLoss;
  for (const r of change.removed) {
    const kind = guardedKind(r);
    if (!kind && !r.protect) continue;
    if (allow.delete.includes(r.name)) {
      used.delete.add(r.name);
      continue;
    }
    const what = kind ? kind.what : "a protected resource";
    out.push({
      policy: stateful.name,
      level: stateful.level,
      resource: r.name,
      message: `${r.name} is deleted: it is ${what}${r.retainOnDelete ? " (retainOnDelete leaves it in place, unmanaged)" : ""}; ${optInHint("delete", r.name)}`,
    });
  }

  const edge = POLICIES.noEdgeReplace;
  for (const { resource: r, reasons } of replaced) {
    const kind = guardedKind(r);
    const role = edgeRole(r);
    if (!kind && !role && !r.protect) continue;
    if (allow.replace.includes(r.name)) {
      used.replace.add(r.name);
      continue;
    }
    const policy = role ? edge : stateful;
    const what = role ?? kind?.what ?? "a protected resource";
    out.push({
      policy: policy.name,
      level: policy.level,
      resource: r.name,
      message: `${r.name} is replaced (${why(reasons)}): it is ${what}; ${optInHint("replace", r.name)}`,
    });
  }

  const maintenance = POLICIES.maintenanceOnly;
  const critical = criticalServices(head);
  for (const c of change.changed) {
    const role = critical.get(c.after.name);
    if (!role) continue;
    const reasons = restartReasons(c);
    if (reasons.length === 0 && !c.moved) continue;
    if (allow.maintenance) continue;
    out.push({
      policy: maintenance.name,
      level: maintenance.level,
      resource: c.after.name,
      message: `${c.after.name} restarts or is replaced (${why(reasons.length ? reasons : ["its URN changes"])}): it is ${role}; declare the maintenance with homelab:guardrails.allow.maintenance: true for this change`,
    });
  }

  const dns = POLICIES.dnsChangeLimit;
  const records = [
    ...change.added.filter(isDnsRecord),
    ...change.removed.filter(isDnsRecord),
    ...change.changed.map((c) => c.after).filter(isDnsRecord),
  ];
  if (records.length > guardrails.maxDnsChanges && !allow.dnsChanges) {
    out.push({
      policy: dns.name,
      level: dns.level,
      message: `${records.length} DNS records change (at most ${guardrails.maxDnsChanges} per change): ${records
        .slice(0, 10)
        .map((r) => r.name)
        .join(
          ", ",
        )}${records.length > 10 ? ", …" : ""}; split the change, or set homelab:guardrails.allow.dnsChanges: true for this one (maxDnsChanges sets the limit)`,
    });
  }

  const unused = POLICIES.unusedOptIn;
  for (const list of ["replace", "delete"] as const) {
    for (const name of allow[list]) {
      if (!used[list].has(name)) {
        out.push({
          policy: unused.name,
          level: unused.level,
          resource: name,
          message: `homelab:guardrails.allow.${list} names ${name}, which this change does not ${list === "replace" ? "replace" : "delete"} (as far as a plan can tell): remove it`,
        });
      }
    }
  }
  return out;
}

/**
 * What a change of the federation registry does (pure): members added and removed, each
 * remaining member's changed fields, the registry's own settings, the peerings (pairs) that
 * appear or disappear, and who must act. A member must act when its side of a peering
 * changes, which is decided by deriving every member's peerings from both registries
 * (`derivePeerings`, exactly as its stack does) and comparing them: a managed member runs
 * its own `pulumi up`, an unmanaged one reconfigures from its peering sheets.
 *
 * Both registries must be valid (`readRegistry`): the derivations throw otherwise.
 */
import type { Member, Registry } from "../config/federation";
import { pskSecretName } from "../config/secrets";
import { canonicalJson } from "../lib/canonical-json";
import { derivePeerings, peeringPairs, type Peering } from "./federation";

/** One changed field: a value (absent when unset) or the items a list gained and lost. */
export type FieldChange =
  | { readonly field: string; readonly before?: string; readonly after?: string }
  | { readonly field: string; readonly added: string[]; readonly removed: string[] };

export interface MemberChange {
  readonly id: string;
  readonly changes: FieldChange[];
}

/** One member's side of one peering, as it changes. */
export interface PeeringChange {
  readonly peer: string;
  readonly kind: "added" | "removed" | "changed";
  /** What changes on this member's side (labels of `PEERING_LABELS`), for "changed". */
  readonly what: string[];
}

/** A member with something to do once the change is merged. */
export interface MemberAction {
  readonly id: string;
  readonly edge: Member["edge"];
  /** Joins (added) or leaves (removed) the federation; undefined for a staying member. */
  readonly membership?: "joins" | "leaves";
  /** Its peerings that change, by peer id. */
  readonly peerings: PeeringChange[];
  /** Stack secrets it must set (`psk-<peer>`, one per new peering). */
  readonly newSecrets: string[];
}

export interface FederationDiff {
  readonly before: Registry;
  readonly after: Registry;
  /** The registry's own fields (name, transfer pool, topology kind, lifetimes, BGP). */
  readonly settings: FieldChange[];
  readonly added: Member[];
  readonly removed: Member[];
  readonly changed: MemberChange[];
  readonly pairsAdded: [string, string][];
  readonly pairsRemoved: [string, string][];
  /** Members that must act, sorted by id. */
  readonly actions: MemberAction[];
}

/** A member's fields in the order a review reads them (the id is its identity). */
export const MEMBER_FIELDS = [
  "number",
  "name",
  "asn",
  "routerId",
  "endpoint",
  "prefixes",
  "edge",
  "ike.proposals",
  "ike.dhGroups",
  "ipsec.proposals",
  "contact",
] as const;

/** The registry's own fields. */
export const SETTINGS_FIELDS = [
  "name",
  "description",
  "transferPool",
  "topology",
  "lifetimes.ike",
  "lifetimes.ipsec",
  "bgp.keepalive",
  "bgp.holdtime",
  "bgp.maxPrefix",
] as const;

/** What a member's router holds of a peering, in words (fields of `Peering`). */
export const PEERING_LABELS: Readonly<Record<keyof Peering, string>> = {
  local: "member id",
  peer: "peer id",
  peerName: "peer's name (descriptions)",
  peerEdge: "peer's edge kind",
  interfaceName: "tunnel interface name",
  localAddress: "tunnel addresses",
  remoteAddress: "tunnel addresses",
  prefixLength: "tunnel prefix length",
  localEndpoint: "own endpoint, its IKE identity",
  remoteGateway: "remote gateway",
  ike: "IKE proposals, DH groups or lifetime",
  ipsec: "ESP proposals, PFS or lifetime",
  localAsn: "own ASN",
  remoteAsn: "peer's ASN",
  localRouterId: "router id",
  acceptPrefixes: "prefixes accepted",
  announcePrefixes: "prefixes announced",
  bgp: "BGP timers or max-prefix",
  pskSecret: "PSK secret name",
};

function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    current =
      current !== null && typeof current === "object"
        ? (current as Record<string, unknown>)[key]
        : undefined;
  }
  return current;
}

function text(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return canonicalJson(value);
}

/** The fields of `fields` that differ between `before` and `after`. */
export function fieldChanges(
  before: unknown,
  after: unknown,
  fields: readonly string[],
): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of fields) {
    const a = at(before, field);
    const b = at(after, field);
    if (canonicalJson(a) === canonicalJson(b)) continue;
    if (Array.isArray(a) && Array.isArray(b)) {
      const left = a.map((v) => text(v) ?? "");
      const right = b.map((v) => text(v) ?? "");
      const added = right.filter((v) => !left.includes(v));
      const removed = left.filter((v) => !right.includes(v));
      // Only the order changed: shown as the whole lists.
      if (added.length === 0 && removed.length === 0) {
        out.push({ field, before: left.join(", "), after: right.join(", ") });
      } else out.push({ field, added, removed });
      continue;
    }
    // A topology is "full-mesh" or its pairs (listed as peerings).
    const show = (v: unknown) => (field === "topology" && typeof v === "object" ? "pairs" : v);
    const changed = { field, before: text(show(a)), after: text(show(b)) };
    if (changed.before !== changed.after) out.push(changed);
  }
  return out;
}

function pairKeys(registry: Registry): Map<string, [string, string]> {
  return new Map(
    peeringPairs(registry).map(([a, b]) => [`${a.id} ${b.id}`, [a.id, b.id] as [string, string]]),
  );
}

/** How `id`'s side of its peerings changes from `before` to `after` (either may be absent). */
function peeringChanges(before: Peering[], after: Peering[]): PeeringChange[] {
  const old = new Map(before.map((p) => [p.peer, p]));
  const now = new Map(after.map((p) => [p.peer, p]));
  const peers = [...new Set([...old.keys(), ...now.keys()])].sort();
  const out: PeeringChange[] = [];
  for (const peer of peers) {
    const a = old.get(peer);
    const b = now.get(peer);
    if (!a) out.push({ peer, kind: "added", what: [] });
    else if (!b) out.push({ peer, kind: "removed", what: [] });
    else {
      const keys = Object.keys(PEERING_LABELS) as (keyof Peering)[];
      const what = [
        ...new Set(
          keys
            .filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k]))
            .map((k) => PEERING_LABELS[k]),
        ),
      ];
      if (what.length > 0) out.push({ peer, kind: "changed", what });
    }
  }
  return out;
}

/** Compares two valid registries. */
export function diffFederation(before: Registry, after: Registry): FederationDiff {
  const oldById = new Map(before.members.map((m) => [m.id, m]));
  const newById = new Map(after.members.map((m) => [m.id, m]));
  const byId = (a: Member, b: Member) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const added = after.members.filter((m) => !oldById.has(m.id)).sort(byId);
  const removed = before.members.filter((m) => !newById.has(m.id)).sort(byId);
  const changed: MemberChange[] = [];
  for (const member of [...after.members].sort(byId)) {
    const old = oldById.get(member.id);
    if (!old) continue;
    const changes = fieldChanges(old, member, MEMBER_FIELDS);
    if (changes.length > 0) changed.push({ id: member.id, changes });
  }
  const oldPairs = pairKeys(before);
  const newPairs = pairKeys(after);
  const pairsAdded = [...newPairs].filter(([k]) => !oldPairs.has(k)).map(([, p]) => p);
  const pairsRemoved = [...oldPairs].filter(([k]) => !newPairs.has(k)).map(([, p]) => p);
  const actions: MemberAction[] = [];
  const ids = [...new Set([...oldById.keys(), ...newById.keys()])].sort();
  for (const id of ids) {
    const old = oldById.get(id);
    const now = newById.get(id);
    const member = now ?? old;
    if (!member) continue;
    const peerings = peeringChanges(
      old ? derivePeerings(before, id) : [],
      now ? derivePeerings(after, id) : [],
    );
    const membership = !old ? "joins" : !now ? "leaves" : undefined;
    if (peerings.length === 0 && !membership) continue;
    actions.push({
      id,
      edge: member.edge,
      ...(membership ? { membership } : {}),
      peerings,
      newSecrets: now
        ? peerings.filter((p) => p.kind === "added").map((p) => pskSecretName(p.peer))
        : [],
    });
  }
  return {
    before,
    after,
    settings: fieldChanges(before, after, SETTINGS_FIELDS),
    added,
    removed,
    changed,
    pairsAdded,
    pairsRemoved,
    actions,
  };
}

/** Whether the two registries differ in anything this diff reports. */
export function isEmptyDiff(diff: FederationDiff): boolean {
  return (
    diff.settings.length === 0 &&
    diff.added.length === 0 &&
    diff.removed.length === 0 &&
    diff.changed.length === 0 &&
    diff.pairsAdded.length === 0 &&
    diff.pairsRemoved.length === 0 &&
    diff.actions.length === 0
  );
}

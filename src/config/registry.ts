/**
 * Loading and validating the federation registry (`stacks/federation.yaml`), and the
 * cross-check between a site and its registry entry. Every rule reports the exact key path,
 * what is wrong and how to fix it.
 */
import { resolve } from "node:path";
import type { PathSegment, Problem } from "./errors";
import { registrySchema, type Member, type Registry } from "./federation";
import { readTextFile } from "./files";
import { redactProblems, sensitiveStrings } from "./sensitive";
import { MAX_YAML_BYTES, parseYaml, withPositions, type YamlFile } from "./yaml";
import { Problems, checkUnique, unknownReference } from "./problems";
import { zodProblems } from "./errors";
import {
  containsPrefix,
  formatPrefix,
  overlaps,
  prefix as parseValidPrefix,
  type Prefix,
} from "../lib/net";
import {
  TUNNEL_PREFIX_LENGTH,
  pairIndex,
  peeringPairs,
  poolLengthFor,
  tunnelCapacity,
  tunnelInterfaceName,
} from "./peerings";
import { INTERNAL_KINDS, type SiteNetwork } from "./networks";

/** A member prefix with where it is declared. */
interface OwnedPrefix {
  readonly prefix: Prefix;
  readonly member: number;
  readonly index: number;
}

function describeOwned(registry: Registry, owned: OwnedPrefix): string {
  const member = registry.members[owned.member] as Member;
  return `${formatPrefix(owned.prefix)} of member "${member.id}" (members[${owned.member}].prefixes[${owned.index}])`;
}

/**
 * Member prefixes never overlap, more-specifics included in either direction. Prefixes nest
 * or are disjoint, so one sweep in address order with a stack of the enclosing prefixes
 * finds every overlapping pair in O(n log n + overlaps).
 */
function checkPrefixes(registry: Registry, out: Problems): OwnedPrefix[] {
  const owned: OwnedPrefix[] = registry.members.flatMap((member, m) =>
    member.prefixes.map((text, index) => ({ prefix: parseValidPrefix(text), member: m, index })),
  );
  const sorted = [...owned].sort(
    (a, b) =>
      a.prefix.network - b.prefix.network ||
      a.prefix.length - b.prefix.length ||
      a.member - b.member ||
      a.index - b.index,
  );
  const enclosing: OwnedPrefix[] = [];
  for (const current of sorted) {
    while (enclosing.length > 0) {
      const top = enclosing[enclosing.length - 1] as OwnedPrefix;
      if (containsPrefix(top.prefix, current.prefix)) break;
      enclosing.pop();
    }
    for (const outer of enclosing) {
      // Report at the later declaration, naming the earlier one.
      const [earlier, later] =
        outer.member < current.member ||
        (outer.member === current.member && outer.index < current.index)
          ? [outer, current]
          : [current, outer];
      out.add(
        ["members", later.member, "prefixes", later.index],
        overlapMessage(registry, earlier, later),
      );
    }
    enclosing.push(current);
  }
  return owned;
}

function overlapMessage(registry: Registry, earlier: OwnedPrefix, later: OwnedPrefix): string {
  const a = formatPrefix(later.prefix);
  const relation =
    later.prefix.length === earlier.prefix.length
      ? "is the same prefix as"
      : later.prefix.length > earlier.prefix.length
        ? "lies inside"
        : "contains";
  if (earlier.member === later.member) {
    return `${a} ${relation} ${formatPrefix(earlier.prefix)} (prefixes[${earlier.index}]) of the same member: list each owned block once, without its more-specifics`;
  }
  return `${a} ${relation} ${describeOwned(registry, earlier)}: member prefixes must not overlap, more-specifics included, or one member could hijack the other's routes`;
}

/** The transfer pool lies outside every member prefix and holds every peering's /31. */
function checkTransferPool(registry: Registry, owned: readonly OwnedPrefix[], out: Problems): void {
  const pool = parseValidPrefix(registry.transferPool);
  for (const item of owned) {
    if (overlaps(pool, item.prefix)) {
      // Reported at the member's prefix: a clash usually comes with a member joining.
      const member = registry.members[item.member] as Member;
      out.add(
        ["members", item.member, "prefixes", item.index],
        `${formatPrefix(item.prefix)} of member "${member.id}" overlaps the transfer pool ${registry.transferPool} (transferPool), which holds the tunnels' /${TUNNEL_PREFIX_LENGTH}s: a member prefix must lie outside it`,
      );
    }
  }
  let highest: { index: number; a: Member; b: Member } | undefined;
  for (const [a, b] of peeringPairs(registry)) {
    if (a.number === b.number) continue; // reported as a duplicate number
    const index = pairIndex(a.number, b.number);
    if (!highest || index > highest.index) highest = { index, a, b };
  }
  if (!highest) return;
  const capacity = tunnelCapacity(pool);
  if (highest.index < capacity) return;
  const [low, high] =
    highest.a.number < highest.b.number ? [highest.a, highest.b] : [highest.b, highest.a];
  const needed = highest.index + 1;
  const length = poolLengthFor(needed);
  // Reported at the number that needs the room: usually the member joining.
  out.add(
    ["members", registry.members.indexOf(high), "number"],
    `number ${high.number} makes the peering of "${low.id}" (number ${low.number}) and "${high.id}" take /${TUNNEL_PREFIX_LENGTH} number ${highest.index} (members i < j take (j-1)(j-2)/2 + (i-1)), beyond the ${capacity} the transfer pool ${registry.transferPool} holds: grow transferPool to a /${length} or larger (${2 ** (TUNNEL_PREFIX_LENGTH - length)} /${TUNNEL_PREFIX_LENGTH}s)`,
  );
}

/** Explicit pairs name known members, two different ones, once. */
function checkPairs(registry: Registry, out: Problems): void {
  if (registry.topology === "full-mesh") return;
  const ids = registry.members.map((m) => m.id);
  const seen = new Map<string, number>();
  registry.topology.pairs.forEach((pair, i) => {
    pair.forEach((id, k) => {
      if (!ids.includes(id))
        out.add(["topology", "pairs", i, k], unknownReference("member", id, ids));
    });
    if (pair[0] === pair[1]) {
      out.add(["topology", "pairs", i], `a member cannot peer with itself ("${pair[0]}")`);
      return;
    }
    const key = [...pair].sort().join(" ");
    const earlier = seen.get(key);
    if (earlier === undefined) seen.set(key, i);
    else
      out.add(
        ["topology", "pairs", i],
        `the pair ${pair[0]}-${pair[1]} is already listed at index ${earlier}: list each pair once`,
      );
  });
}

/** Tunnel interface names (`fgn-<id>`, shortened past 15 characters) never collide. */
function checkInterfaceNames(registry: Registry, out: Problems): void {
  const first = new Map<string, number>();
  registry.members.forEach((member, i) => {
    const name = tunnelInterfaceName(member.id);
    const earlier = first.get(name);
    if (earlier === undefined) first.set(name, i);
    else if ((registry.members[earlier] as Member).id !== member.id)
      out.add(
        ["members", i, "id"],
        `member id "${member.id}" gives the tunnel interface name "${name}", the same as member "${(registry.members[earlier] as Member).id}" (members[${earlier}]) does: rename one of the two (an id of at most 11 characters is used whole, fgn-<id>)`,
      );
  });
}

/** "DH group 20" or "DH groups 14, 31". */
function list(what: string, items: readonly unknown[]): string {
  return `${what}${items.length === 1 ? "" : "s"} ${items.join(", ")}`;
}

/** What both lists hold (whether two routers can agree on anything; the model orders it). */
function shared<T>(a: readonly T[], b: readonly T[]): T[] {
  return a.filter((item) => b.includes(item));
}

/** Each peering's members share an IKE proposal, a DH group and an ESP proposal. */
function checkNegotiation(registry: Registry, out: Problems): void {
  const position = new Map(registry.members.map((m, i) => [m, i]));
  for (const [x, y] of peeringPairs(registry)) {
    const [a, b] = (position.get(x) ?? 0) < (position.get(y) ?? 0) ? [x, y] : [y, x];
    const at = position.get(b) ?? 0;
    const report = (
      path: PathSegment[],
      what: string,
      left: readonly unknown[],
      right: readonly unknown[],
    ) => {
      if (shared(left, right).length > 0) return;
      out.add(
        ["members", at, ...path],
        `members "${a.id}" and "${b.id}" peer but share no ${what}: ${a.id} supports ${list(what, left)}; ${b.id} supports ${list(what, right)}. Add one that both routers support to either member`,
      );
    };
    report(["ike", "proposals"], "IKE proposal", a.ike.proposals, b.ike.proposals);
    report(["ike", "dhGroups"], "DH group", a.ike.dhGroups, b.ike.dhGroups);
    report(["ipsec", "proposals"], "ESP proposal", a.ipsec.proposals, b.ipsec.proposals);
  }
}

/** Cross-field rules of the registry. */
export function validateRegistry(registry: Registry, file: string): Problem[] {
  const out = new Problems(file);
  const members = registry.members;
  const unique = (key: (m: Member) => string | number, field: string, what: string) =>
    checkUnique(out, members, key, (i) => ["members", i, field], what);
  unique((m) => m.id, "id", "member id");
  unique((m) => m.number, "number", "registry number");
  unique((m) => m.asn, "asn", "ASN");
  unique((m) => m.routerId, "routerId", "router id");
  unique((m) => m.endpoint, "endpoint", "endpoint");
  checkInterfaceNames(registry, out);
  checkPairs(registry, out);
  const owned = checkPrefixes(registry, out);
  checkTransferPool(registry, owned, out);
  checkNegotiation(registry, out);
  if (registry.bgp.keepalive * 3 > registry.bgp.holdtime) {
    out.add(
      ["bgp", "keepalive"],
      `keepalive ${registry.bgp.keepalive} s is more than a third of holdtime ${registry.bgp.holdtime} s: a session would drop after fewer than three lost keepalives (RFC 4271 recommends a third); use at most ${Math.floor(registry.bgp.holdtime / 3)}`,
    );
  }
  return out.list;
}

/** The registry's top-level keys: the only keys a problem about a registry file names. */
export const REGISTRY_KEYS: readonly string[] = Object.keys(registrySchema.shape);

/** What a value that is not a registry holds, without quoting any of it. */
function describeContent(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (typeof value === "string") return `a text of ${[...value].length} characters`;
  if (Array.isArray(value)) return `a list of ${value.length} items`;
  if (typeof value === "object") return "a mapping without the keys version and members";
  return `a single ${typeof value}`;
}

/**
 * Why a parsed YAML value is not a federation registry at all (undefined when it has a
 * registry's shape: a mapping with `version` and `members`). Such a file may be anything
 * (a stack file, a secrets file, /etc/passwd): nothing of it is quoted.
 */
export function notARegistry(value: unknown, file: string): string | undefined {
  if (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    "version" in value &&
    "members" in value
  ) {
    return undefined;
  }
  return `${file} is not a federation registry: a registry is a YAML mapping with version: 1, name, transferPool and members (as stacks/federation.yaml), and this file holds ${describeContent(value)}`;
}

/** A registry file read and validated, or why it could not be read. */
export type RegistryRead =
  | {
      /** Why not, a phrase to follow the file's name ("does not exist"). */
      readonly unreadable: string;
      readonly missing?: boolean;
    }
  | {
      readonly yaml: YamlFile;
      readonly registry?: Registry;
      /** Problems of the registry file, positioned. */
      readonly problems: Problem[];
    };

/**
 * Reads and validates the registry `file` (relative to `root`). With `insideProject`, the
 * file must be inside the project (no `..`, no absolute path or symbolic link out of it), as
 * a stack file's `homelab:federation.registry` must be. A file that is not a registry is one
 * problem that quotes nothing of it; syntax problems name registry keys only.
 */
export function readRegistry(
  root: string,
  file: string,
  options: { readonly insideProject: boolean },
): RegistryRead {
  const read = options.insideProject
    ? readTextFile(file, { root, maxBytes: MAX_YAML_BYTES })
    : readTextFile(resolve(root, file), { maxBytes: MAX_YAML_BYTES });
  if ("reason" in read) {
    return { unreadable: read.reason, ...(read.missing ? { missing: true } : {}) };
  }
  const yaml = parseYaml(read.text, file, {
    showPath: (path) => path.length === 0 || REGISTRY_KEYS.includes(String(path[0])),
  });
  if (yaml.problems.length > 0) return { yaml, problems: yaml.problems };
  const not = notARegistry(yaml.value, file);
  if (not) return { yaml, problems: [{ file, path: [], message: not }] };
  const result = parseRegistry(yaml.value, file);
  // A credential pasted into the registry is described, never quoted (it is shared).
  const problems = redactProblems(
    withPositions(result.problems, yaml),
    sensitiveStrings(yaml.value),
  );
  return { yaml, registry: result.registry, problems };
}

/** Parses and validates a registry value (already read from YAML). */
export function parseRegistry(
  value: unknown,
  file: string,
): { registry?: Registry; problems: Problem[] } {
  // jitless: see parseSections (src/config/stack.ts).
  const result = registrySchema.safeParse(value, { reportInput: true, jitless: true });
  if (!result.success) return { problems: zodProblems(result.error, file, [], registrySchema) };
  return { registry: result.data, problems: validateRegistry(result.data, file) };
}

/** The first prefix another member registered that overlaps `p`, with its member. */
function peerOverlapping(
  p: Prefix,
  member: Member,
  members: readonly Member[],
): { peer: Member; prefix: string } | undefined {
  for (const peer of members) {
    if (peer.id === member.id) continue;
    const prefix = peer.prefixes.find((q) => overlaps(parseValidPrefix(q), p));
    if (prefix) return { peer, prefix };
  }
  return undefined;
}

/**
 * Every network the site itself routes (LANs, VLANs, SDN subnets, VPN pools, named
 * networks of kind lan/vpn/other) lies inside a prefix its member owns in the registry; one
 * that overlaps another member's prefixes says whose. A tunnel's remote subnets overlap no
 * other member's prefixes: the static route into the tunnel would take those addresses from
 * the peering. Problems belong to the stack file `file`, at the network's declaration.
 */
export function checkSiteInsideMember(
  networks: readonly SiteNetwork[],
  member: Member,
  registry: { readonly file: string; readonly members: readonly Member[] },
  file: string,
): Problem[] {
  const out = new Problems(file);
  const owned = member.prefixes.map(parseValidPrefix);
  const mine = `the prefixes member "${member.id}" owns in ${registry.file} (${member.prefixes.join(", ")})`;
  for (const network of networks) {
    const remote = network.kind === "remote";
    if (!remote && !INTERNAL_KINDS.has(network.kind)) continue;
    for (const p of network.prefixes) {
      if (!remote && owned.some((o) => containsPrefix(o, p))) continue;
      const other = peerOverlapping(p, member, registry.members);
      const what = `${formatPrefix(p)} (network "${network.name}"${remote ? ", a remote subnet of the tunnel" : ""})`;
      if (other) {
        const theirs = `${other.prefix}, which federation member "${other.peer.id}" registered in ${registry.file}`;
        out.add(
          network.source,
          remote
            ? `${what} overlaps ${theirs}: the static route into the tunnel would take those addresses from the peering with "${other.peer.id}". Correct remoteSubnets (or the registry)`
            : `${what} overlaps ${theirs}: both sites would route those addresses. Renumber it inside ${mine}`,
        );
      } else if (!remote) {
        out.add(
          network.source,
          `${what} is outside ${mine}: renumber it inside them, or register a prefix that covers it`,
        );
      }
    }
  }
  return out.list;
}

/**
 * Random federation registries for property tests. A member's addresses follow from its
 * registry number n (prefixes 10.n.0.0/16 and maybe 100.64.n.0/24, ASN, router id, endpoint)
 * and every member shares one IKE proposal, DH group and ESP proposal with the others, so any
 * subset of a "universe" of members is a valid registry: what the stability properties need
 * (members added, removed, reordered).
 */
import fc from "fast-check";
import { phase1Proposals, phase2Proposals, dhGroups } from "../../src/config/ike";
import type { Registry } from "../../src/config/federation";
import { parseRegistry } from "../../src/config/registry";

export interface RawMember {
  id: string;
  number: number;
  name: string;
  asn: number;
  routerId: string;
  endpoint: string;
  prefixes: string[];
  edge: "fortigate" | "unifi" | "unmanaged";
  ike: { proposals: string[]; dhGroups: number[] };
  ipsec: { proposals: string[] };
}

export type RawTopology = "full-mesh" | { pairs: [string, string][] };

/** The pool every generated registry uses: room for registry numbers up to 256. */
export const POOL = "172.16.0.0/16";

/** A non-empty random subset of `all` in random order, always containing `common`. */
function supported<T>(all: readonly T[], common: T): fc.Arbitrary<T[]> {
  return fc
    .shuffledSubarray([...all], { minLength: 0 })
    .map((list) => (list.includes(common) ? list : [...list, common]))
    .chain((list) => fc.shuffledSubarray(list, { minLength: list.length }));
}

/**
 * Ids: short ones are used whole in tunnel names; long ones (past 11 characters) are
 * shortened, so they are kept unique in their first 6 characters (validation rejects
 * registries whose tunnel names collide, and these must all be valid).
 */
const idArb = fc.stringMatching(/^[a-z][a-z0-9]{0,15}$/);
const idKey = (id: string) => (id.length > 11 ? id.slice(0, 6) : id);

/** Members with distinct ids and numbers (1-200) that share a proposal, group and ESP. */
export function universeArb(min: number, max: number): fc.Arbitrary<RawMember[]> {
  return fc
    .record({
      ids: fc.uniqueArray(idArb, { minLength: max, maxLength: max, selector: idKey }),
      numbers: fc.uniqueArray(fc.integer({ min: 1, max: 200 }), {
        minLength: max,
        maxLength: max,
      }),
      count: fc.integer({ min, max }),
      commonIke: fc.constantFrom(...phase1Proposals),
      commonDh: fc.constantFrom(...dhGroups),
      commonEsp: fc.constantFrom(...phase2Proposals),
    })
    .chain(({ ids, numbers, count, commonIke, commonDh, commonEsp }) =>
      fc.tuple(
        ...ids.slice(0, count).map((id, k) => {
          const n = numbers[k] as number;
          return fc
            .record({
              edge: fc.constantFrom<RawMember["edge"]>("fortigate", "unifi", "unmanaged"),
              ike: supported(phase1Proposals, commonIke),
              dh: supported(dhGroups, commonDh),
              esp: supported(phase2Proposals, commonEsp),
              second: fc.boolean(),
              dns: fc.boolean(),
            })
            .map(({ edge, ike, dh, esp, second, dns }): RawMember => ({
              id,
              number: n,
              name: `Member ${id}`,
              asn: 4_200_000_000 + n,
              routerId: `10.${n}.0.1`,
              endpoint: dns ? `${id}.example.net` : `198.18.${n}.1`,
              prefixes: second ? [`10.${n}.0.0/16`, `100.64.${n}.0/24`] : [`10.${n}.0.0/16`],
              edge,
              ike: { proposals: ike, dhGroups: dh },
              ipsec: { proposals: esp },
            }));
        }),
      ),
    );
}

/** Full mesh, or a random set of pairs among `members` (random orientation and order). */
export function topologyArb(members: readonly RawMember[]): fc.Arbitrary<RawTopology> {
  const pairs: [string, string][] = [];
  for (let i = 0; i < members.length; i++)
    for (let j = i + 1; j < members.length; j++)
      pairs.push([(members[i] as RawMember).id, (members[j] as RawMember).id]);
  if (pairs.length === 0) return fc.constant("full-mesh");
  return fc.oneof(
    fc.constant("full-mesh" as const),
    fc.shuffledSubarray(pairs, { minLength: 1 }).chain((chosen) =>
      fc
        .array(fc.boolean(), { minLength: chosen.length, maxLength: chosen.length })
        .map((flip) => ({
          pairs: chosen.map(([a, b], k): [string, string] => (flip[k] ? [b, a] : [a, b])),
        })),
    ),
  );
}

export function rawRegistry(members: readonly RawMember[], topology: RawTopology): unknown {
  return { version: 1, name: "PROP", transferPool: POOL, topology, members };
}

/** Parses a generated registry; generated registries are valid by construction. */
export function registryOf(members: readonly RawMember[], topology: RawTopology): Registry {
  const { registry, problems } = parseRegistry(rawRegistry(members, topology), "generated");
  if (!registry || problems.length > 0)
    throw new Error(`generated registry is invalid: ${JSON.stringify(problems)}`);
  return registry;
}

/** A random valid registry of `min`-`max` members. */
export function registryArb(min: number, max: number): fc.Arbitrary<Registry> {
  return universeArb(min, max).chain((members) =>
    fc
      .shuffledSubarray(members, { minLength: members.length })
      .chain((ordered) => topologyArb(ordered).map((t) => registryOf(ordered, t))),
  );
}

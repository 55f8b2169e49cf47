/**
 * Federation at scale: schema + cross-field validation of generated full-mesh registries
 * of 5, 50 and 200 members, and the derivation of every peering from both ends (what all
 * the members' stacks compute together) and from one member (what one stack computes).
 */
import { phase1Proposals, phase2Proposals } from "../src/config/ike";
import type { Registry } from "../src/config/federation";
import { parseRegistry } from "../src/config/registry";
import { derivePeerings, poolLengthFor } from "../src/model/federation";
import { measure, type BenchSuite, type Figure } from "./types";

/** A valid full-mesh registry of `n` members (n <= 255), members in a shuffled order. */
export function generatedRegistry(n: number): unknown {
  const members = Array.from({ length: n }, (_, k) => {
    const number = k + 1;
    return {
      id: `member-${number}`,
      number,
      name: `Member ${number}`,
      asn: 4_200_000_000 + number,
      routerId: `10.${number}.0.1`,
      endpoint: number % 2 ? `198.18.${number}.1` : `fgn.member-${number}.example.net`,
      prefixes: [`10.${number}.0.0/16`, `100.64.${number}.0/24`],
      edge: (["fortigate", "unifi", "unmanaged"] as const)[number % 3],
      // Each member supports a different slice of the proposals, all sharing the first.
      ike: {
        proposals: [phase1Proposals[7], ...phase1Proposals.slice(number % 7, (number % 7) + 2)],
        dhGroups: number % 2 ? [20, 14] : [19, 20, 21],
      },
      ipsec: { proposals: [phase2Proposals[7], phase2Proposals[number % 7]] },
    };
  });
  // A deterministic shuffle: registries are not sorted by number in real life.
  members.sort((a, b) => ((a.number * 7919) % 251) - ((b.number * 7919) % 251));
  const pairs = (n * (n - 1)) / 2;
  return {
    version: 1,
    name: "BENCH",
    transferPool: `172.16.0.0/${poolLengthFor(pairs)}`,
    topology: "full-mesh",
    members,
  };
}

function validated(raw: unknown): Registry {
  const { registry, problems } = parseRegistry(raw, "generated");
  if (!registry || problems.length > 0)
    throw new Error(`generated registry is invalid: ${JSON.stringify(problems.slice(0, 3))}`);
  return registry;
}

export const federationSuite: BenchSuite = {
  name: "federation registry: validation and derivation (full mesh)",
  async run(): Promise<Figure[]> {
    const figures: Figure[] = [];
    for (const [n, runs] of [
      [5, 50],
      [50, 15],
      [200, 5],
    ] as const) {
      const raw = generatedRegistry(n);
      const registry = validated(raw);
      const peerings = (n * (n - 1)) / 2;
      let views = 0;
      const deriveAll = () => {
        views = 0;
        for (const member of registry.members) views += derivePeerings(registry, member.id).length;
      };
      deriveAll(); // warm-up (JIT), and a check that every member derives
      validated(raw);
      if (views !== 2 * peerings) throw new Error(`expected ${2 * peerings} views, got ${views}`);
      const validate = await measure(runs, () => validated(raw));
      const all = await measure(runs, deriveAll);
      const one = await measure(runs, () => derivePeerings(registry, "member-1"));
      const both = await measure(runs, () => {
        const fresh = validated(raw);
        for (const member of fresh.members) derivePeerings(fresh, member.id);
      });
      const detail = { members: n, peerings };
      figures.push(
        { name: `${n} members: validate (schema + rules)`, value: validate, unit: "ms", detail },
        {
          name: `${n} members: derive every peering from both ends`,
          value: all,
          unit: "ms",
          detail: { ...detail, views },
        },
        { name: `${n} members: derive one member's peerings`, value: one, unit: "ms", detail },
        { name: `${n} members: validate + derive all`, value: both, unit: "ms", detail },
      );
    }
    return figures;
  },
};

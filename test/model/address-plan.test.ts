/**
 * The address plan: properties (fast-check) and the collision/exhaustion reports.
 *
 * - deterministic: the same config always gives the same plan;
 * - declaration order does not matter: reordering guests changes no address and no report;
 * - stable: adding or removing other guests never renumbers a guest (at worst a collision is
 *   reported, and nobody moves);
 * - never the gateway, a reserved address or the DHCP range; always a host of the subnet.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { formatPath } from "../../src/config/errors";
import { proxmoxBaseSchema, type ProxmoxConfig } from "../../src/config/proxmox";
import {
  allocatablePool,
  autoAddress,
  excludedRanges,
  guestAddress,
  planAddresses,
  poolSize,
  type AddressPlan,
} from "../../src/model/address-plan";
import { formatIPv4, hostRange, parseIPv4, parseRange, prefix } from "../../src/lib/net";

interface SubnetSpec {
  length: number;
  gateway: boolean;
  reserved?: [number, number];
  dhcp?: [number, number];
}

interface GuestSpec {
  name: string;
  /** Per NIC: "auto" or an offset into the subnet's host range for a static address. */
  nics: ("auto" | number)[];
}

const NETWORK = "10.128.0.0";

/** A range [a, b] of host offsets of a /length subnet (offsets from the first host). */
function offsets(length: number) {
  const hosts = 2 ** (32 - length) - 2;
  return fc
    .tuple(fc.nat({ max: hosts - 1 }), fc.nat({ max: hosts - 1 }))
    .map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));
}

const subnetArb: fc.Arbitrary<SubnetSpec> = fc.integer({ min: 24, max: 28 }).chain((length) =>
  fc.record({
    length: fc.constant(length),
    gateway: fc.boolean(),
    reserved: fc.option(offsets(length), { nil: undefined }),
    dhcp: fc.option(offsets(length), { nil: undefined }),
  }),
);

const nameArb = fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/);

function guestsArb(length: number): fc.Arbitrary<GuestSpec[]> {
  const hosts = 2 ** (32 - length) - 2;
  const nic = fc.oneof(
    { weight: 4, arbitrary: fc.constant<"auto">("auto") },
    { weight: 1, arbitrary: fc.nat({ max: hosts - 1 }) },
  );
  return fc.uniqueArray(
    fc.record({ name: nameArb, nics: fc.array(nic, { minLength: 1, maxLength: 2 }) }),
    { selector: (g) => g.name, minLength: 1, maxLength: 12 },
  );
}

const siteArb = subnetArb.chain((subnet) =>
  fc.record({ subnet: fc.constant(subnet), guests: guestsArb(subnet.length) }),
);

function host(length: number, offset: number): string {
  return formatIPv4(hostRange(prefix(`${NETWORK}/${length}`)).first + offset);
}

function config(subnet: SubnetSpec, guests: readonly GuestSpec[]): ProxmoxConfig {
  const range = (r: [number, number]) =>
    `${host(subnet.length, r[0])}-${host(subnet.length, r[1])}`;
  return proxmoxBaseSchema.parse({
    endpoint: "https://10.0.0.11:8006/",
    apiTokenId: "pulumi@pve!t",
    nodes: [{ name: "pve1", address: "10.0.0.11" }],
    sdn: {
      zones: [
        {
          name: "z",
          type: "simple",
          vnets: [
            {
              name: "v",
              subnets: [
                {
                  cidr: `${NETWORK}/${subnet.length}`,
                  gateway: subnet.gateway ? host(subnet.length, 0) : undefined,
                  reserved: subnet.reserved ? [range(subnet.reserved)] : [],
                  dhcp: subnet.dhcp ? { range: range(subnet.dhcp) } : undefined,
                },
              ],
            },
          ],
        },
      ],
    },
    guests: guests.map((g) => ({
      name: g.name,
      type: "vm",
      node: "pve1",
      image: "img",
      disk: { storage: "s", sizeGiB: 8 },
      nics: g.nics.map((nic) => ({
        vnet: "v",
        ip: nic === "auto" ? "auto" : host(subnet.length, nic),
      })),
    })),
  });
}

/** "guest/nic" → address, for NICs the plan gives an address. */
function addresses(plan: AddressPlan): Map<string, string> {
  return new Map(
    plan.nics.filter((n) => n.address).map((n) => [`${n.guest}/${n.nic}`, n.address!]),
  );
}

/** Problems keyed by guest name instead of declaration index. */
function problemsByName(plan: AddressPlan, cfg: ProxmoxConfig): string[] {
  return plan.problems
    .map((p) => {
      const g = p.path[2] as number;
      const rest = formatPath(p.path.slice(3));
      return `${cfg.guests[g]!.name}${rest} :: ${p.message}`;
    })
    .sort();
}

/** Keys of NICs with a problem reported at them. */
function reported(plan: AddressPlan, cfg: ProxmoxConfig): Set<string> {
  return new Set(
    plan.problems.map((p) => `${cfg.guests[p.path[2] as number]!.name}/${p.path[4] as number}`),
  );
}

describe("address plan properties", () => {
  it("is deterministic", () => {
    fc.assert(
      fc.property(siteArb, ({ subnet, guests }) => {
        const cfg = config(subnet, guests);
        assert.deepEqual(planAddresses(cfg), planAddresses(structuredClone(cfg)));
      }),
      { numRuns: 150 },
    );
  });

  it("does not depend on declaration order: same addresses, same report", () => {
    fc.assert(
      fc.property(
        siteArb.chain((site) =>
          fc.record({
            site: fc.constant(site),
            order: fc.shuffledSubarray(site.guests, {
              minLength: site.guests.length,
              maxLength: site.guests.length,
            }),
          }),
        ),
        ({ site, order }) => {
          const a = config(site.subnet, site.guests);
          const b = config(site.subnet, order);
          const pa = planAddresses(a);
          const pb = planAddresses(b);
          assert.deepEqual(addresses(pb), addresses(pa));
          assert.deepEqual(problemsByName(pb, b), problemsByName(pa, a));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("adding or removing other guests never renumbers a guest", () => {
    fc.assert(
      fc.property(
        siteArb.chain((site) =>
          fc.record({
            site: fc.constant(site),
            keep: fc.array(fc.boolean(), {
              minLength: site.guests.length,
              maxLength: site.guests.length,
            }),
          }),
        ),
        ({ site, keep }) => {
          const fewer = site.guests.filter((_, i) => keep[i]);
          const small = config(site.subnet, fewer);
          const large = config(site.subnet, site.guests);
          const before = addresses(planAddresses(small));
          const largePlan = planAddresses(large);
          const after = addresses(largePlan);
          const flagged = reported(largePlan, large);
          for (const [nic, address] of before) {
            // Either the same address, or (when an added guest wants it too) a reported
            // collision: never a silent move.
            if (after.has(nic)) assert.equal(after.get(nic), address, nic);
            else assert.ok(flagged.has(nic), `${nic} lost ${address} without a report`);
          }
          // Removing guests: everyone left keeps the address they had with the others.
          for (const [nic, address] of after) {
            if (before.has(nic)) assert.equal(before.get(nic), address, nic);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("never allocates the gateway, a reserved address or the DHCP range; always a host of the subnet", () => {
    fc.assert(
      fc.property(siteArb, ({ subnet, guests }) => {
        const cfg = config(subnet, guests);
        const sub = cfg.sdn.zones[0]!.vnets[0]!.subnets[0]!;
        const hosts = hostRange(prefix(sub.cidr));
        const excluded = excludedRanges(sub);
        const plan = planAddresses(cfg);
        for (const nic of plan.nics.filter((n) => n.source === "auto")) {
          const address = parseIPv4(nic.address!)!;
          assert.ok(address >= hosts.first && address <= hosts.last, nic.address);
          for (const range of excluded) {
            assert.ok(address < range.first || address > range.last, `${nic.address!} excluded`);
          }
          assert.equal(nic.prefixLength, subnet.length);
        }
        // No two NICs share an address in a plan.
        const all = plan.nics.filter((n) => n.address).map((n) => n.address);
        assert.equal(new Set(all).size, all.length);
      }),
      { numRuns: 200 },
    );
  });

  it("an auto address depends on the guest name, NIC index and subnet only", () => {
    fc.assert(
      fc.property(subnetArb, nameArb, fc.nat({ max: 3 }), (subnet, name, nic) => {
        const sub = config(subnet, []).sdn.zones[0]!.vnets[0]!.subnets[0]!;
        const pool = allocatablePool(prefix(sub.cidr), excludedRanges(sub));
        const a = autoAddress(pool, name, nic);
        assert.equal(autoAddress(pool, name, nic), a);
        if (poolSize(pool) === 0) assert.equal(a, undefined);
      }),
    );
  });
});

describe("address plan reports", () => {
  const two = (names: [string, string], length = 29) =>
    config({ length, gateway: true }, [
      { name: names[0], nics: ["auto"] },
      { name: names[1], nics: ["auto"] },
    ]);

  /** Two names whose auto addresses collide in 10.128.0.0/29 (pool .2-.6). */
  function collidingPair(): [string, string] {
    const sub = two(["a", "b"]).sdn.zones[0]!.vnets[0]!.subnets[0]!;
    const pool = allocatablePool(prefix(sub.cidr), excludedRanges(sub));
    const seen = new Map<number, string>();
    for (let i = 0; ; i++) {
      const name = `g${i}`;
      const address = autoAddress(pool, name, 0)!;
      const other = seen.get(address);
      if (other) return [other, name];
      seen.set(address, name);
    }
  }

  it("a collision is reported at the later name, whatever the order, with a free address", () => {
    const [first, second] = collidingPair();
    for (const order of [
      [first, second],
      [second, first],
    ] as [string, string][]) {
      const cfg = two(order);
      const plan = planAddresses(cfg);
      assert.equal(plan.problems.length, 1);
      const problem = plan.problems[0]!;
      assert.equal(cfg.guests[problem.path[2] as number]!.name, second);
      const winner = guestAddress(plan, first)!.address!;
      assert.match(
        problem.message,
        new RegExp(
          `^ip: auto gives ${winner.replaceAll(".", "\\.")}, which guest "${first}" also has \\(ip: auto\\): every guest needs its own address\\. Pin one of the two to a free address, e\\.g\\. ip: (\\S+) \\(pin the guest you are adding, so the other keeps its address\\)$`,
        ),
      );
      const suggested = /e\.g\. ip: (\S+) /.exec(problem.message)![1]!;
      assert.notEqual(suggested, winner);
      assert.equal(guestAddress(plan, second), undefined, "the loser gets no address");
    }
  });

  it("a static address wins over an auto one that lands on it", () => {
    const probe = two(["web", "x"]);
    const auto = guestAddress(planAddresses(probe), "web")!.address!;
    const offset = parseIPv4(auto)! - parseIPv4("10.128.0.1")!;
    const cfg = config({ length: 29, gateway: true }, [
      { name: "web", nics: ["auto"] },
      { name: "zzz", nics: [offset] },
    ]);
    const plan = planAddresses(cfg);
    assert.equal(guestAddress(plan, "zzz")!.address, auto);
    assert.equal(plan.problems.length, 1);
    assert.match(plan.problems[0]!.message, /which guest "zzz" also has \(static\)/);
  });

  it("a full subnet says so instead of suggesting an address", () => {
    // /29 with the gateway: 5 allocatable addresses, all taken by statics.
    const cfg = config({ length: 29, gateway: true }, [
      { name: "a", nics: [1] },
      { name: "b", nics: [2] },
      { name: "c", nics: [3] },
      { name: "d", nics: [4] },
      { name: "e", nics: [5] },
      { name: "f", nics: ["auto"] },
    ]);
    const plan = planAddresses(cfg);
    assert.equal(plan.problems.length, 1);
    assert.match(
      plan.problems[0]!.message,
      /and subnet 10\.128\.0\.0\/29 has no free address left: use a larger subnet or shrink its reserved and DHCP ranges$/,
    );
  });

  it("an exhausted pool is reported, not overflowed", () => {
    const cfg = config({ length: 30, gateway: true, reserved: [1, 1] }, [
      { name: "a", nics: ["auto"] },
    ]);
    const plan = planAddresses(cfg);
    assert.deepEqual(plan.nics, []);
    assert.deepEqual(
      plan.problems.map((p) => [formatPath(p.path), p.message]),
      [
        [
          "homelab:proxmox.guests[0].nics[0].ip",
          'subnet 10.128.0.0/30 of vnet "v" has no address left to allocate (gateway, reserved and DHCP ranges take it all): shrink them or use a larger subnet',
        ],
      ],
    );
  });

  it("the excluded ranges are the gateway, the reserved ranges and the DHCP range", () => {
    const cfg = config({ length: 24, gateway: true, reserved: [1, 8], dhcp: [199, 249] }, []);
    const sub = cfg.sdn.zones[0]!.vnets[0]!.subnets[0]!;
    assert.deepEqual(excludedRanges(sub), [
      parseRange("10.128.0.1")!,
      parseRange("10.128.0.2-10.128.0.9")!,
      parseRange("10.128.0.200-10.128.0.250")!,
    ]);
    const pool = allocatablePool(prefix(sub.cidr), excludedRanges(sub));
    assert.equal(poolSize(pool), 254 - 1 - 8 - 51);
  });
});

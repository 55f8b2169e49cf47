import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  containsAddress,
  containsPrefix,
  dottedMask,
  formatIPv4,
  formatPrefix,
  hostRange,
  lengthOfMask,
  overlaps,
  parseAddressWithPrefix,
  parseIPv4,
  parsePrefix,
  parseRange,
  rangeInsideHosts,
  subnet,
  isIPv6Prefix,
} from "../../src/lib/net";

const address = fc.integer({ min: 0, max: 0xffffffff });
const length = fc.integer({ min: 0, max: 32 });
const prefixArb = fc
  .tuple(address, length)
  .map(([a, l]) => parsePrefix(`${formatIPv4(a)}/${l}`)!.prefix);

describe("IPv4 parsing", () => {
  it("round-trips every address", () => {
    fc.assert(
      fc.property(address, (a) => parseIPv4(formatIPv4(a)) === a),
      { numRuns: 500 },
    );
  });

  it("rejects malformed addresses, including ambiguous leading zeros", () => {
    for (const bad of ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "a.b.c.d", "1.2.3.-4"]) {
      assert.equal(parseIPv4(bad), undefined, bad);
    }
  });

  it("reports host bits and the corrected prefix", () => {
    assert.deepEqual(parsePrefix("10.128.0.5/24"), {
      prefix: { network: parseIPv4("10.128.0.0"), length: 24 },
      hostBits: true,
    });
    assert.equal(parsePrefix("10.128.0.0/33"), undefined);
    assert.equal(parsePrefix("10.128.0.0"), undefined);
  });

  it("keeps host bits of interface addresses", () => {
    assert.deepEqual(parseAddressWithPrefix("172.24.0.1/24"), {
      address: parseIPv4("172.24.0.1"),
      length: 24,
    });
  });

  it("converts masks both ways", () => {
    fc.assert(fc.property(length, (l) => lengthOfMask(dottedMask(l)) === l));
    assert.equal(dottedMask(24), "255.255.255.0");
    assert.equal(lengthOfMask("255.0.255.0"), undefined);
  });

  it("recognises IPv6 prefixes", () => {
    assert.equal(isIPv6Prefix("2400:cb00::/32"), true);
    assert.equal(isIPv6Prefix("2400:cb00::/129"), false);
    assert.equal(isIPv6Prefix("10.0.0.0/8"), false);
  });
});

describe("prefix relations", () => {
  it("a prefix contains its own network and last address, and nothing outside", () => {
    fc.assert(
      fc.property(prefixArb, address, (p, a) => {
        const inside = a >= p.network && a <= p.network + 2 ** (32 - p.length) - 1;
        return containsAddress(p, a) === inside;
      }),
      { numRuns: 500 },
    );
  });

  it("overlap is symmetric and equals containment either way", () => {
    fc.assert(
      fc.property(prefixArb, prefixArb, (a, b) => {
        assert.equal(overlaps(a, b), overlaps(b, a));
        assert.equal(overlaps(a, b), containsPrefix(a, b) || containsPrefix(b, a));
      }),
      { numRuns: 500 },
    );
  });

  it("more-specifics overlap in both directions", () => {
    const wide = parsePrefix("10.128.0.0/10")!.prefix;
    const narrow = parsePrefix("10.128.7.0/24")!.prefix;
    assert.equal(overlaps(wide, narrow), true);
    assert.equal(overlaps(narrow, wide), true);
    assert.equal(overlaps(wide, parsePrefix("10.192.0.0/10")!.prefix), false);
  });

  it("subnets partition their parent", () => {
    const parent = parsePrefix("172.31.254.0/24")!.prefix;
    const all = Array.from({ length: 128 }, (_, n) => subnet(parent, 31, n)!);
    assert.equal(formatPrefix(all[0]!), "172.31.254.0/31");
    assert.equal(formatPrefix(all[127]!), "172.31.254.254/31");
    assert.equal(subnet(parent, 31, 128), undefined);
    for (let i = 1; i < all.length; i++) assert.equal(overlaps(all[i - 1]!, all[i]!), false);
  });
});

describe("host ranges", () => {
  it("excludes network and broadcast except for /31 and /32", () => {
    const p24 = parsePrefix("10.0.10.0/24")!.prefix;
    assert.deepEqual(hostRange(p24), {
      first: parseIPv4("10.0.10.1"),
      last: parseIPv4("10.0.10.254"),
    });
    const p31 = parsePrefix("172.31.254.0/31")!.prefix;
    assert.deepEqual(hostRange(p31), { first: p31.network, last: p31.network + 1 });
  });

  it("parses ranges and rejects reversed ones", () => {
    assert.deepEqual(parseRange("10.0.10.100-10.0.10.199"), {
      first: parseIPv4("10.0.10.100"),
      last: parseIPv4("10.0.10.199"),
    });
    assert.equal(parseRange("10.0.10.199-10.0.10.100"), undefined);
    const p = parsePrefix("10.0.10.0/24")!.prefix;
    assert.equal(rangeInsideHosts(p, parseRange("10.0.10.100-10.0.10.199")!), true);
    assert.equal(rangeInsideHosts(p, parseRange("10.0.10.100-10.0.11.5")!), false);
    assert.equal(rangeInsideHosts(p, parseRange("10.0.10.0-10.0.10.5")!), false);
  });
});

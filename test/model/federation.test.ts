/** The federation derivation: allocator, names, negotiation, and the committed registry. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { fortiName } from "../../src/config/fortigate";
import type { Registry } from "../../src/config/federation";
import { stackFileSource } from "../../src/config/load";
import { parseRegistry } from "../../src/config/registry";
import { readYaml } from "../../src/config/yaml";
import { evaluateSite } from "../../src/evaluate";
import {
  DH_GROUP_ORDER,
  ESP_PROPOSAL_ORDER,
  IKE_PROPOSAL_ORDER,
  InvalidRegistryError,
  derivePeering,
  derivePeerings,
  negotiate,
  pairIndex,
  poolLengthFor,
  transferNetwork,
  tunnelCapacity,
  tunnelInterfaceName,
} from "../../src/model/federation";
import { dhGroups, phase1Proposals, phase2Proposals } from "../../src/config/ike";
import { formatPrefix, prefix } from "../../src/lib/net";

import { HOME, REGISTRY, ROOT, pathOf } from "../helpers/sites";

function registry(file: string): Registry {
  const yaml = readYaml(join(ROOT, file), file);
  const { registry, problems } = parseRegistry(yaml.value, file);
  assert.deepEqual(problems, []);
  return registry!;
}

describe("transfer network allocator", () => {
  it("pairIndex is a bijection from the pairs of 1..N onto 0..N(N-1)/2-1, symmetric", () => {
    const N = 60;
    const seen = new Set<number>();
    for (let j = 2; j <= N; j++) {
      for (let i = 1; i < j; i++) {
        const index = pairIndex(i, j);
        assert.equal(pairIndex(j, i), index);
        assert.ok(!seen.has(index), `(${i}, ${j}) reuses ${index}`);
        seen.add(index);
      }
      // Adding member j uses exactly the next j-1 indexes: nobody else's moves.
      assert.equal(seen.size, (j * (j - 1)) / 2);
      assert.equal(Math.max(...seen), seen.size - 1);
    }
  });

  it("numbers the first pairs (1,2) (1,3) (2,3) (1,4) ... 0, 1, 2, 3 ...", () => {
    assert.deepEqual(
      [pairIndex(1, 2), pairIndex(1, 3), pairIndex(2, 3), pairIndex(1, 4), pairIndex(3, 4)],
      [0, 1, 2, 3, 5],
    );
  });

  it("places /31 number k at pool + 2k and refuses one past the pool", () => {
    const pool = prefix("172.31.254.0/24");
    assert.equal(tunnelCapacity(pool), 128);
    assert.equal(formatPrefix(transferNetwork(pool, 2, 1)!), "172.31.254.0/31");
    assert.equal(formatPrefix(transferNetwork(pool, 5, 1)!), "172.31.254.12/31");
    assert.equal(formatPrefix(transferNetwork(pool, 16, 15)!), "172.31.254.238/31");
    // Member 17 takes /31s 120-135: the first 8 fit in 128, the rest do not.
    assert.equal(formatPrefix(transferNetwork(pool, 17, 1)!), "172.31.254.240/31");
    assert.equal(formatPrefix(transferNetwork(pool, 17, 8)!), "172.31.254.254/31");
    assert.equal(transferNetwork(pool, 17, 9), undefined);
    assert.equal(transferNetwork(pool, 17, 16), undefined);
    assert.equal(tunnelCapacity(prefix("10.0.0.1/32")), 0);
  });

  it("poolLengthFor gives the longest pool that holds the /31s asked for", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (count) => {
        const length = poolLengthFor(count);
        assert.ok(tunnelCapacity({ network: 0, length }) >= count);
        if (length < 31) assert.ok(tunnelCapacity({ network: 0, length: length + 1 }) < count);
      }),
      { numRuns: 300 },
    );
    assert.equal(poolLengthFor(1225), 20); // 50 members in full mesh
  });
});

describe("tunnel interface names", () => {
  it("use the whole id when fgn-<id> fits in 15 characters", () => {
    assert.equal(tunnelInterfaceName("baptiste"), "fgn-baptiste");
    assert.equal(tunnelInterfaceName("abcdefghijk"), "fgn-abcdefghijk");
  });

  it("shorten longer ids to 6 characters and a stable hash", () => {
    const name = tunnelInterfaceName("abcdefghijkl");
    assert.match(name, /^fgn-abcdef-[0-9a-f]{4}$/);
    assert.equal(tunnelInterfaceName("abcdefghijkl"), name);
    assert.notEqual(tunnelInterfaceName("abcdefghijkm"), name);
  });

  it("are always valid FortiOS interface names (at most 15 characters)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9-]{0,61}[a-z0-9]$/), (id) => {
        const name = tunnelInterfaceName(id);
        assert.ok(fortiName.safeParse(name).success, name);
        assert.ok(name.length <= 15);
      }),
      { numRuns: 300 },
    );
  });
});

describe("negotiation", () => {
  it("the strength orders list every proposal and group FortiOS accepts, once", () => {
    assert.deepEqual([...IKE_PROPOSAL_ORDER].sort(), [...phase1Proposals].sort());
    assert.deepEqual([...ESP_PROPOSAL_ORDER].sort(), [...phase2Proposals].sort());
    assert.deepEqual(
      [...DH_GROUP_ORDER].sort((a, b) => a - b),
      [...dhGroups].sort((a, b) => a - b),
    );
  });

  it("keeps exactly the common items, strongest first, whatever the members' order", () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray([...IKE_PROPOSAL_ORDER]),
        fc.shuffledSubarray([...IKE_PROPOSAL_ORDER]),
        (a, b) => {
          const both = negotiate(a, b, IKE_PROPOSAL_ORDER);
          assert.deepEqual(negotiate(b, a, IKE_PROPOSAL_ORDER), both);
          assert.deepEqual([...both].sort(), a.filter((p) => b.includes(p)).sort());
          const ranks = both.map((p) => IKE_PROPOSAL_ORDER.indexOf(p));
          assert.deepEqual(
            ranks,
            [...ranks].sort((x, y) => x - y),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("the fixture registry (a copy of the seed's)", () => {
  const fgn = registry(REGISTRY);

  it("the home stack's model has one peering per other member, sorted by peer", () => {
    const { loaded, model } = evaluateSite(stackFileSource(pathOf(HOME), HOME.stack, HOME.file), {
      root: ROOT,
      requireSecrets: false,
    });
    const federation = model.federation!;
    assert.equal(federation.member.id, "alexis");
    const others = fgn.members.map((m) => m.id).filter((id) => id !== "alexis");
    assert.deepEqual(
      federation.peerings.map((p) => p.peer),
      [...others].sort(),
    );
    assert.deepEqual(model.peers, [...others].sort());
    // requiredSecrets asks for exactly the PSK secret each peering names.
    assert.deepEqual(
      loaded.secrets.map((s) => s.name).filter((n) => n.startsWith("psk-")),
      federation.peerings.map((p) => p.pskSecret),
    );
    assert.deepEqual(
      federation.peerings.map((p) => [p.interfaceName, p.localAddress, p.remoteAddress]),
      [
        ["fgn-baptiste", "172.31.254.0", "172.31.254.1"], // numbers 1, 2: /31 number 0
        ["fgn-camille", "172.31.254.2", "172.31.254.3"], // 1, 3: 1
        ["fgn-dorian", "172.31.254.6", "172.31.254.7"], // 1, 4: 3
        ["fgn-estelle", "172.31.254.12", "172.31.254.13"], // 1, 5: 6
      ],
    );
  });

  it("derives alexis's side of the peering with camille field by field", () => {
    assert.deepEqual(derivePeering(fgn, "alexis", "camille"), {
      local: "alexis",
      peer: "camille",
      peerName: "Camille",
      peerEdge: "unmanaged",
      interfaceName: "fgn-camille",
      localAddress: "172.31.254.2",
      remoteAddress: "172.31.254.3",
      prefixLength: 31,
      localEndpoint: "203.0.113.10",
      remoteGateway: "fgn.camille.example.com",
      // alexis: aes256gcm-prfsha384, aes256-sha256; camille lists them the other way round.
      ike: {
        version: 2,
        proposals: ["aes256gcm-prfsha384", "aes256-sha256"],
        dhGroups: [20, 14],
        lifetime: 86400,
      },
      ipsec: { proposals: ["aes256gcm", "aes256-sha256"], pfsGroups: [20, 14], lifetime: 43200 },
      localAsn: 4200000001,
      remoteAsn: 4200000003,
      localRouterId: "172.24.0.1",
      acceptPrefixes: ["172.20.0.0/14", "10.64.0.0/10"],
      announcePrefixes: ["172.24.0.0/14", "10.128.0.0/10"],
      bgp: { keepalive: 30, holdtime: 90, maxPrefix: 100 },
      pskSecret: "psk-camille",
    });
  });

  it("negotiates with dorian's ChaCha-first router on what both support", () => {
    const view = derivePeering(fgn, "alexis", "dorian")!;
    assert.deepEqual(view.ike.proposals, ["aes256gcm-prfsha384"]);
    assert.deepEqual(view.ike.dhGroups, [20]);
    assert.deepEqual(view.ipsec.proposals, ["aes256gcm"]);
  });
});

describe("explicit pairs and invalid input", () => {
  const pairs = registry("test/fixtures/registry/pairs.yaml");

  it("derives only the declared pairs", () => {
    assert.deepEqual(
      derivePeerings(pairs, "bravo").map((p) => p.peer),
      ["alpha", "charlie"],
    );
    assert.deepEqual(
      derivePeerings(pairs, "alpha").map((p) => p.peer),
      ["bravo"],
    );
    assert.equal(derivePeering(pairs, "alpha", "charlie"), undefined);
    assert.equal(derivePeering(pairs, "alpha", "alpha"), undefined);
  });

  it("refuses an unknown member, and a registry whose rules are broken", () => {
    assert.throws(() => derivePeerings(pairs, "delta"), InvalidRegistryError);
    const noCommon: Registry = { ...pairs, topology: "full-mesh" }; // alpha/charlie share nothing
    assert.throws(
      () => derivePeerings(noCommon, "alpha"),
      (e: unknown) => e instanceof InvalidRegistryError && /share no IKE proposal/.test(e.message),
    );
    const tiny: Registry = { ...pairs, transferPool: "172.31.254.0/31" };
    assert.throws(
      () => derivePeerings(tiny, "charlie"),
      (e: unknown) => e instanceof InvalidRegistryError && /no \/31/.test(e.message),
    );
  });
});

/** The peering sheet model (the CLI is tested as a subprocess in test/cli). */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseRegistry } from "../../src/config/registry";
import { readYaml } from "../../src/config/yaml";
import { InvalidRegistryError } from "../../src/model/federation";
import { peeringSheet } from "../../src/model/peering-sheet";
import { REGISTRY, ROOT } from "../helpers/sites";

const load = (file: string) =>
  parseRegistry(readYaml(join(ROOT, file), file).value, file).registry!;
const fgn = load(REGISTRY);
const options = { registryFile: REGISTRY, memberStacks: [] };

describe("peering sheet", () => {
  it("is the peer's side: camille configuring its peering with alexis", () => {
    const sheet = peeringSheet(fgn, "alexis", "camille", options);
    assert.equal(sheet.local.id, "camille");
    assert.equal(sheet.remote.id, "alexis");
    assert.equal(sheet.remote.contact, "alexis@example.net");
    assert.deepEqual(sheet.tunnel, {
      mode: "route-based",
      network: "172.31.254.2/31",
      interfaceName: "fgn-alexis",
      localAddress: "172.31.254.3",
      remoteAddress: "172.31.254.2",
      prefixLength: 31,
      localEndpoint: "fgn.camille.example.com",
      remoteGateway: "203.0.113.10",
      trafficSelectors: { local: "0.0.0.0/0", remote: "0.0.0.0/0" },
    });
    assert.deepEqual(
      [sheet.ike.localId, sheet.ike.remoteId],
      [
        { type: "fqdn", value: "fgn.camille.example.com" },
        { type: "address", value: "203.0.113.10" },
      ],
      "both IKE identities: alexis's FortiGate sends its endpoint, behind NAT too",
    );
    assert.equal(sheet.bgp.neighbor, "172.31.254.2");
    assert.deepEqual(sheet.psk, {
      memberSecret: "homelab:psk-camille",
      memberStacks: [],
      peerSecret: "homelab:psk-alexis",
      exchange:
        "out of band, never through this sheet or the registry: in person, or a one-time share from a password manager",
    });
  });

  it("translates the proposals to strongSwan, each with every DH group", () => {
    assert.deepEqual(peeringSheet(fgn, "alexis", "camille", options).strongswan, {
      ikeProposals: "aes256gcm16-prfsha384-ecp384-modp2048,aes256-sha256-ecp384-modp2048",
      espProposals: "aes256gcm16-ecp384-modp2048,aes256-sha256-ecp384-modp2048",
    });
    // dorian's router (ChaCha20 first) meets baptiste's on AES-GCM and ecp384 only.
    assert.deepEqual(peeringSheet(fgn, "baptiste", "dorian", options).strongswan, {
      ikeProposals: "aes256gcm16-prfsha384-ecp384",
      espProposals: "aes256gcm16-ecp384",
    });
  });

  it("refuses members that do not peer", () => {
    const pairs = load("test/fixtures/registry/pairs.yaml");
    assert.throws(
      () => peeringSheet(pairs, "alpha", "charlie", options),
      (e: unknown) => e instanceof InvalidRegistryError && /do not peer/.test(e.message),
    );
    assert.throws(() => peeringSheet(pairs, "alpha", "alpha", options), /same member twice/);
  });
});

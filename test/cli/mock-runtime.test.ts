/** The mock runtime reads the engine's wire format with the SDK's own constants. */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { SECRET, UNKNOWN, WIRE, unwire } from "../../src/cli/mock-runtime";

before(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: {} }),
      call: () => ({}),
    },
    "homelab",
    "test",
    true,
  );
});

describe("mock runtime: wire format", () => {
  it("the SDK still exports every wire constant the mock runtime reads", () => {
    const exported = pulumi.runtime as unknown as Record<string, unknown>;
    for (const name of [
      "specialSigKey",
      "specialSecretSig",
      "specialResourceSig",
      "specialAssetSig",
      "specialArchiveSig",
      "specialOutputValueSig",
      "unknownValue",
    ]) {
      assert.equal(typeof exported[name], "string", `runtime.${name} is gone from the SDK`);
    }
    assert.deepEqual(
      Object.values(WIRE).sort(),
      [
        pulumi.runtime.specialArchiveSig,
        pulumi.runtime.specialAssetSig,
        pulumi.runtime.specialOutputValueSig,
        pulumi.runtime.specialResourceSig,
        pulumi.runtime.specialSecretSig,
        pulumi.runtime.specialSigKey,
        pulumi.runtime.unknownValue,
      ].sort(),
    );
  });

  it("reads what the SDK itself serializes: secrets, unknowns, assets, archives", async () => {
    const wire = await pulumi.runtime.serializeProperties("test", {
      plain: { b: 1, a: ["x"] },
      secret: pulumi.secret("hunter2"),
      nested: { psk: pulumi.secret("hunter3") },
      asset: new pulumi.asset.FileAsset("certs/ca.pem"),
      archive: new pulumi.asset.FileArchive("site"),
      text: new pulumi.asset.StringAsset("inline"),
    });
    const plan = unwire({ ...wire, unknown: pulumi.runtime.unknownValue });
    assert.deepEqual(plan, {
      archive: "[archive site]",
      asset: "[asset certs/ca.pem]",
      nested: { psk: SECRET },
      plain: { a: ["x"], b: 1 },
      secret: SECRET,
      text: "[asset <text>]",
      unknown: UNKNOWN,
    });
    assert.ok(!JSON.stringify(plan).includes("hunter"));
  });
});

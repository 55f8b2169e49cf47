/** The mock runtime reads the engine's wire format with the SDK's own constants. */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { SECRET, UNKNOWN, WIRE, runUnderMocks, unwire } from "../../src/cli/mock-runtime";

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

describe("mock runtime: what a plan does not compute", () => {
  /** Runs a one-resource program under mocks; returns what the program saw of stacks. */
  async function observe() {
    const seen = { limit: -1, frames: -1, resources: 0 };
    const plan = await runUnderMocks({
      project: "homelab",
      stack: "test",
      config: {},
      secretKeys: [],
      program: () => {
        seen.limit = Error.stackTraceLimit;
        seen.frames = (pulumi.Resource as unknown as { callsites(): unknown[] }).callsites().length;
        new pulumi.ComponentResource("test:index:Thing", "thing");
        return {};
      },
    });
    seen.resources = plan.resources.length;
    return seen;
  }

  it("no stack is captured while the program runs, and everything is put back after", async () => {
    const callsites = (pulumi.Resource as unknown as { callsites: unknown }).callsites;
    const limit = Error.stackTraceLimit;
    assert.ok(limit > 0);
    assert.deepEqual(await observe(), { limit: 0, frames: 0, resources: 2 });
    assert.equal((pulumi.Resource as unknown as { callsites: unknown }).callsites, callsites);
    assert.equal(Error.stackTraceLimit, limit);
    assert.ok((pulumi.Resource as unknown as { callsites(): unknown[] }).callsites().length > 0);
  });

  it("HOMELAB_DEBUG_STACKS=1 keeps them", async () => {
    process.env.HOMELAB_DEBUG_STACKS = "1";
    try {
      const seen = await observe();
      assert.equal(seen.limit, Error.stackTraceLimit);
      assert.ok(seen.frames > 0);
    } finally {
      delete process.env.HOMELAB_DEBUG_STACKS;
    }
  });
});

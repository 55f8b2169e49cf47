/** The mock runtime reads the engine's wire format with the SDK's own constants. */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
  SECRET,
  UNKNOWN,
  UNSERIALIZED_PROVIDER,
  WIRE,
  runUnderMocks,
  unwire,
} from "../../src/cli/mock-runtime";

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

/** Runs `program` under mocks as the stack "test" of "homelab", without config. */
const planOf = (program: () => Record<string, unknown>) =>
  runUnderMocks({ project: "homelab", stack: "test", config: {}, secretKeys: [], program });

describe("mock runtime: what a plan does not compute", () => {
  /** Runs a one-resource program under mocks; returns what the program saw of stacks. */
  async function observe() {
    const seen = { limit: -1, frames: -1, resources: 0 };
    const plan = await planOf(() => {
      seen.limit = Error.stackTraceLimit;
      seen.frames = (pulumi.Resource as unknown as { callsites(): unknown[] }).callsites().length;
      new pulumi.ComponentResource("test:index:Thing", "thing");
      return {};
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

describe("mock runtime: dynamic providers", () => {
  /** A dynamic provider, one object for the whole process as ours are (module constants). */
  const provider: pulumi.dynamic.ResourceProvider = {
    create: async () => ({ id: "x", outs: {} }),
  };
  class Thing extends pulumi.dynamic.Resource {
    constructor(name: string) {
      super(provider, name, {}, {});
    }
  }
  /** The SDK's options (runtime/state.js getStore: internal, not in its types). */
  function state(): { cacheDynamicProviders?: boolean } {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's internal store
    const sdkState = require("@pulumi/pulumi/runtime/state") as {
      getStore(): { settings: { options: { cacheDynamicProviders?: boolean } } };
    };
    return sdkState.getStore().settings.options;
  }

  it("a plan leaves no placeholder in the SDK's provider cache: a real run serializes the code", async () => {
    const cached = state().cacheDynamicProviders;
    assert.equal(cached, true, "the SDK caches dynamic providers by default");
    let during: unknown;
    const plan = await planOf(() => {
      during = state().cacheDynamicProviders;
      new Thing("planned");
      return {};
    });
    assert.equal(during, false, "off while the program runs under mocks");
    assert.equal(state().cacheDynamicProviders, cached, "and put back");
    assert.equal(plan.resources.filter((r) => r.name === "planned").length, 1);

    // The same provider object outside a plan: the SDK serializes its code for real.
    const providerText = new Promise<unknown>((resolve) => {
      void pulumi.runtime.setMocks(
        {
          newResource: (args) => {
            resolve((args.inputs as Record<string, unknown>).__provider);
            return { id: "id", state: {} };
          },
          call: () => ({}),
        },
        "homelab",
        "test",
        false,
      );
    });
    new Thing("real");
    const text = await providerText;
    assert.equal(typeof text, "string");
    assert.notEqual(text, UNSERIALIZED_PROVIDER);
    assert.match(text as string, /create/);
  });
});

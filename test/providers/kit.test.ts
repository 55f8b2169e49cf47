import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { canonicalJson } from "../../src/lib/canonical-json";
import { postOnce, readResult } from "../../src/providers/kit/crud";
import { DeviceError } from "../../src/providers/kit/errors";
import { newSalt, sealSecret } from "../../src/providers/kit/secrets";
import {
  configureSession,
  credentialOf,
  deviceOf,
  forgetDevices,
} from "../../src/providers/kit/session";
import { UNKNOWN, containsUnknown, isUnknown } from "../../src/providers/kit/values";
import { sourceVersion } from "../../src/providers/kit/version";

describe("dynamic provider kit", () => {
  it("the unknown sentinel is the SDK's (kept as a literal: see kit/values.ts)", () => {
    assert.equal(UNKNOWN, pulumi.runtime.unknownValue);
  });

  it("finds preview-unknown values at any depth, whatever the field type", () => {
    assert.equal(containsUnknown({ a: [1, { b: UNKNOWN }] }), true);
    assert.equal(containsUnknown({ a: [1, { b: "x" }] }), false);
    assert.equal(containsUnknown(UNKNOWN), true);
  });

  it("tells a value unknown as a whole from one holding unknowns", () => {
    assert.equal(isUnknown(UNKNOWN), true);
    assert.equal(isUnknown({ a: UNKNOWN }), false);
    assert.equal(isUnknown("x"), false);
  });

  it("stable JSON ignores key order and undefined", () => {
    assert.equal(
      canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] }),
      canonicalJson({ a: [{ d: 2 }], b: 1 }),
    );
    assert.notEqual(canonicalJson({ a: [1, 2] }), canonicalJson({ a: [2, 1] }));
  });

  it("hashes secrets with a salt: same input same hash, no trace of the value", () => {
    const salt = newSalt();
    assert.match(salt, /^[0-9a-f]{32}$/);
    const hash = sealSecret("hunter2-psk", salt);
    assert.equal(hash, sealSecret("hunter2-psk", salt));
    assert.notEqual(hash, sealSecret("hunter2-psk", newSalt()));
    assert.notEqual(hash, sealSecret("hunter3-psk", salt));
    assert.match(hash, /^sha256:[0-9a-f]{64}$/);
    assert.ok(!hash.includes("hunter2"));
  });

  it("the provider version changes with its source and only then", () => {
    const dir = mkdtempSync(join(tmpdir(), "kit-"));
    const a = join(dir, "a.ts");
    const b = join(dir, "b.ts");
    writeFileSync(a, "export const a = 1;");
    writeFileSync(b, "export const b = 2;");
    const v1 = sourceVersion([a, b]);
    assert.equal(v1, sourceVersion([b, a]), "order of files does not matter");
    writeFileSync(b, "export const b = 3;");
    assert.notEqual(sourceVersion([a, b]), v1);
  });

  it("credentials come from the stack config first, then the environment", () => {
    const config = {
      get: (k: string) => (k === "homelab:fortigateApiToken" ? "from-config" : undefined),
    };
    const provider = {};
    process.env.TEST_TOKEN_ENV = "from-env";
    configureSession(provider, config);
    assert.equal(credentialOf(provider, "fortigateApiToken", "TEST_TOKEN_ENV"), "from-config");
    configureSession(provider, { get: () => undefined });
    assert.equal(credentialOf(provider, "fortigateApiToken", "TEST_TOKEN_ENV"), "from-env");
    delete process.env.TEST_TOKEN_ENV;
    configureSession(provider, undefined);
    assert.equal(credentialOf(provider, "fortigateApiToken", "TEST_TOKEN_ENV"), undefined);
  });

  it("seals secrets for state: a salted hash, an empty secret stays empty", () => {
    const salt = newSalt();
    assert.equal(sealSecret("", salt), "");
    assert.equal(sealSecret(51820, salt), sealSecret("51820", salt), "non-text as its JSON");
    assert.ok(!sealSecret("hunter2-psk", salt).includes("hunter2"));
  });
});

describe("dynamic provider kit: sessions and listings", () => {
  it("keeps state per provider object, off the object", () => {
    const a = {};
    const b = {};
    configureSession(a, { get: () => "x" });
    assert.equal(credentialOf(a, "k", "NO_SUCH_ENV"), "x");
    assert.equal(credentialOf(b, "k", "NO_SUCH_ENV"), undefined);
    assert.deepEqual(Object.keys(a), [], "nothing is stored on the provider");
  });

  it("one client per connection, whatever the key order; forget closes them", () => {
    const provider = {};
    let made = 0;
    let closed = 0;
    const create = () => {
      made++;
      return { close: () => void closed++ };
    };
    const one = deviceOf(provider, { host: "h", port: 1 }, create, 1000);
    assert.equal(deviceOf(provider, { port: 1, host: "h" }, create, 1000), one);
    deviceOf(provider, { host: "other" }, create, 1000);
    assert.equal(made, 2);
    forgetDevices(provider);
    assert.equal(closed, 2);
    assert.notEqual(deviceOf(provider, { host: "h", port: 1 }, create, 1000), one);
  });

  it("a listing serves reads within its time, is dropped on clear and when it fails", async () => {
    const listings = (ttlMs: number) =>
      deviceOf<{ close(): void }, number>({}, {}, () => ({ close: () => {} }), ttlMs).lists;
    const cache = listings(60_000);
    let fetched = 0;
    const fetch = () => Promise.resolve([++fetched]);
    assert.deepEqual(await cache.get("t", fetch), [1]);
    assert.deepEqual(await cache.get("t", fetch), [1], "shared");
    assert.deepEqual(await cache.get("u", fetch), [2], "per table");
    cache.clear();
    assert.deepEqual(await cache.get("t", fetch), [3], "a write forgets listings");
    const failing = listings(60_000);
    await assert.rejects(
      failing.get("t", () => Promise.reject(new Error("down"))),
      /down/,
    );
    assert.deepEqual(await failing.get("t", fetch), [4], "a failure is not kept");
    const uncached = listings(0);
    await uncached.get("t", fetch);
    assert.deepEqual(await uncached.get("t", fetch), [6], "0 ms: every read asks");
  });
});

describe("dynamic provider kit: CRUD steps", () => {
  it("read returns inputs only on drift; an empty id for what is gone", () => {
    let built = 0;
    const inputs = () => ({ n: ++built });
    assert.deepEqual(readResult("id", { a: 1 }, false, inputs), { id: "id", props: { a: 1 } });
    assert.equal(built, 0, "inputs are not rebuilt without drift");
    assert.deepEqual(readResult("id", { a: 2 }, true, inputs), {
      id: "id",
      props: { a: 2 },
      inputs: { n: 1 },
    });
    assert.deepEqual(readResult("id", undefined), { id: "" });
  });

  const lost = new Error("the answer was lost");
  const refused = new Error("refused");

  it("a lost POST that was applied is found, not sent again", async () => {
    let posts = 0;
    const result = await postOnce({
      post: () => (++posts, Promise.reject(lost)),
      uncertain: (e) => e === lost,
      lookUp: () => Promise.resolve("found"),
    });
    assert.equal(result, "found");
    assert.equal(posts, 1);
  });

  it("a lost POST that was not applied is sent again, at most `attempts` times", async () => {
    let posts = 0;
    const post = () => (++posts < 3 ? Promise.reject(lost) : Promise.resolve("created"));
    const options = {
      uncertain: (e: unknown) => e === lost,
      lookUp: () => Promise.resolve(undefined),
    };
    assert.equal(await postOnce({ ...options, post }), "created");
    assert.equal(posts, 3);
    posts = 0;
    await assert.rejects(
      postOnce({ ...options, post: () => (++posts, Promise.reject(lost)), attempts: 2 }),
      lost,
    );
    assert.equal(posts, 2);
  });

  it("a refusal is not retried and nothing is looked up", async () => {
    let lookUps = 0;
    await assert.rejects(
      postOnce({
        post: () => Promise.reject(refused),
        uncertain: (e) => e === lost,
        lookUp: () => (++lookUps, Promise.resolve("x")),
      }),
      refused,
    );
    assert.equal(lookUps, 0);
  });

  it("device errors carry their options, their message and their name", () => {
    const error = new DeviceError("TestError", "it failed", {
      kind: "auth",
      method: "GET",
      path: "/x",
      status: 401,
    });
    assert.ok(error instanceof Error);
    assert.equal(error.message, "it failed");
    assert.equal(String(error), "TestError: it failed");
    assert.equal(error.stack, "TestError: it failed", "an explained error shows no frames");
    assert.deepEqual(
      [error.kind, error.method, error.path, error.status],
      ["auth", "GET", "/x", 401],
    );
  });
});

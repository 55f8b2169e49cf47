import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  UNKNOWN,
  containsUnknown,
  credential,
  hashSecret,
  newSalt,
  sourceVersion,
} from "../../src/providers/kit";
import { canonicalJson } from "../../src/lib/canonical-json";

describe("dynamic provider kit", () => {
  it("finds preview-unknown values at any depth, whatever the field type", () => {
    assert.equal(containsUnknown({ a: [1, { b: UNKNOWN }] }), true);
    assert.equal(containsUnknown({ a: [1, { b: "x" }] }), false);
    assert.equal(containsUnknown(UNKNOWN), true);
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
    const hash = hashSecret("hunter2-psk", salt);
    assert.equal(hash, hashSecret("hunter2-psk", salt));
    assert.notEqual(hash, hashSecret("hunter2-psk", newSalt()));
    assert.notEqual(hash, hashSecret("hunter3-psk", salt));
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
    process.env.TEST_TOKEN_ENV = "from-env";
    assert.equal(credential(config, "fortigateApiToken", "TEST_TOKEN_ENV"), "from-config");
    assert.equal(
      credential({ get: () => undefined }, "fortigateApiToken", "TEST_TOKEN_ENV"),
      "from-env",
    );
    delete process.env.TEST_TOKEN_ENV;
    assert.equal(credential(undefined, "fortigateApiToken", "TEST_TOKEN_ENV"), undefined);
  });
});

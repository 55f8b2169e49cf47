import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { canonicalJson } from "../../src/lib/canonical-json";

/** The same value with its object keys in reverse order, at every level. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reversedKeys(v)]),
    );
  }
  return value;
}

describe("canonical JSON", () => {
  it("sorts keys at every level and leaves undefined properties out", () => {
    assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] }), '{"a":[{"d":2}],"b":1}');
    assert.equal(
      canonicalJson({ b: [1, { d: 2, c: 3 }], a: null }),
      '{"a":null,"b":[1,{"c":3,"d":2}]}',
    );
    assert.equal(canonicalJson(undefined), "null");
    assert.equal(canonicalJson([undefined]), "[null]", "as JSON.stringify in arrays");
  });

  it("keeps list order: lists are sequences", () => {
    assert.notEqual(canonicalJson({ a: [1, 2] }), canonicalJson({ a: [2, 1] }));
  });

  it("property: valid JSON of the same value, whatever the key order", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)));
        assert.equal(canonicalJson(reversedKeys(value)), text);
      }),
      { numRuns: 300 },
    );
  });

  it("property: keys in code-unit order (what Array.prototype.sort gives), even integer-like ones", () => {
    assert.equal(canonicalJson({ 10: 1, 9: 2, b: 3, B: 4 }), '{"10":1,"9":2,"B":4,"b":3}');
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer()), (record) => {
        const order = [...canonicalJson(record).matchAll(/"((?:[^"\\]|\\.)*)":/g)].map(
          (m) => JSON.parse(`"${m[1] ?? ""}"`) as string,
        );
        assert.deepEqual(order, Object.keys(record).sort());
      }),
    );
  });
});

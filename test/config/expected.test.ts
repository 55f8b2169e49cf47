/**
 * "required key is missing" says what the key holds (src/config/expected.ts): the keys of a
 * mapping, the items of a list, the forms of a union, read from the schema at the key's path.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { zodProblems } from "../../src/config/errors";
import { describeExpected, schemaAt } from "../../src/config/expected";
import { sectionSchemas } from "../../src/config/stack";

describe("what a missing key holds", () => {
  const schema = z.object({
    users: z.array(z.object({ name: z.string(), password: z.string().optional() })),
    origin: z.union([z.object({ ipv4: z.string() }), z.object({ cname: z.string() })]),
    tags: z.record(z.string(), z.string()).default({}),
    count: z.number().optional(),
  });

  it("follows the path through lists, defaults and optionals", () => {
    assert.equal(describeExpected(schemaAt(schema, ["users", 0])!), "{ name }");
    assert.equal(describeExpected(schemaAt(schema, ["count"])!), "a number");
    assert.equal(schemaAt(schema, ["nope"]), undefined);
    assert.equal(schemaAt(schema, ["count", "deeper"]), undefined);
  });

  it("names a mapping's required keys, a list's items and a union's forms", () => {
    const result = schema.safeParse({}, { reportInput: true });
    assert.ok(!result.success);
    assert.deepEqual(
      zodProblems(result.error, "f.yaml", ["root"], schema).map((p) => [
        p.path.join("."),
        p.message,
      ]),
      [
        ["root.users", "required key is missing: expected a list of { name }"],
        ["root.origin", "required key is missing: expected { ipv4 } or { cname }"],
      ],
    );
    // Without the schema, the message stays generic.
    assert.equal(zodProblems(result.error, "f.yaml", [])[0]!.message, "required key is missing");
  });

  it("names the value a fixed key must have", () => {
    const result = z
      .object({ provider: z.literal("authelia") })
      .safeParse({}, { reportInput: true });
    assert.ok(!result.success);
    assert.equal(
      zodProblems(result.error, "f.yaml", [], z.object({ provider: z.literal("authelia") }))[0]!
        .message,
      'required key is missing: expected "authelia"',
    );
  });

  it("on a real section: a FortiGate interface's required keys", () => {
    const at = schemaAt(sectionSchemas.fortigate, ["interfaces", 0]);
    assert.match(describeExpected(at!)!, /^\{ name(, [a-z]+)* \}$/);
  });
});

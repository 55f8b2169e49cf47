/**
 * The shared rule machinery: `uniqueBy` (a zod refinement) reports exactly what the
 * collector rule `checkUnique` reports, at the same paths.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { zodProblems } from "../../src/config/errors";
import { Problems, checkUnique, uniqueBy, unknownReference } from "../../src/config/problems";

const items = [{ name: "a" }, { name: "b" }, { name: "a" }, { name: "a" }, {}];

describe("uniqueBy", () => {
  it("reports the second and later uses with checkUnique's message and path", () => {
    const schema = z
      .array(z.object({ name: z.string().optional() }))
      .superRefine(uniqueBy((n) => n.name, "node name", ["name"]));
    const result = schema.safeParse(items);
    assert.equal(result.success, false);
    const fromZod = zodProblems(result.error, "f.yaml", ["homelab:proxmox", "nodes"]);

    const out = new Problems("f.yaml");
    checkUnique(
      out,
      items,
      (n) => n.name,
      (i) => ["homelab:proxmox", "nodes", i, "name"],
      "node name",
    );
    assert.deepEqual(fromZod, out.list);
    assert.deepEqual(
      fromZod.map((p) => p.path),
      [
        ["homelab:proxmox", "nodes", 2, "name"],
        ["homelab:proxmox", "nodes", 3, "name"],
      ],
    );
    assert.equal(
      fromZod[0]!.message,
      'node name "a" is already used at index 0: node names must be unique',
    );
  });

  it("waits for a well-formed list: zod would refine past an unknown key, the rule does not", () => {
    const schema = z
      .array(z.strictObject({ name: z.string() }))
      .superRefine(uniqueBy((n) => n.name, "node name", ["name"]));
    const broken = schema.safeParse([{ name: "a" }, { name: "a", nmae: "b" }]);
    assert.deepEqual(
      zodProblems(broken.error!, "f.yaml", []).map((p) => p.message),
      ['Unrecognized key: "nmae"'],
    );
    // Rules do not wait for each other: both lists' repeats are reported.
    const twice = z
      .array(z.string())
      .superRefine(uniqueBy((n) => n, "name"))
      .superRefine(uniqueBy((n) => n.length, "length"));
    assert.deepEqual(
      twice.safeParse(["a", "a"]).error?.issues.map((i) => i.message),
      [
        'name "a" is already used at index 0: names must be unique',
        "length 1 is already used at index 0: lengths must be unique",
      ],
    );
  });

  it("accepts a list without repeats", () => {
    const schema = z.array(z.number()).superRefine(uniqueBy((n) => n, "VLAN id"));
    assert.equal(schema.safeParse([1, 2, 3]).success, true);
  });
});

describe("unknownReference", () => {
  it("suggests the closest name, lists the names, or says none is declared", () => {
    assert.equal(
      unknownReference("node", "pve3", ["pve1", "pve2"]),
      'unknown node "pve3": did you mean "pve1"?',
    );
    assert.equal(
      unknownReference("node", "zzzzzz", ["pve1", "pve2"]),
      'unknown node "zzzzzz": declared nodes are "pve1", "pve2"',
    );
    assert.equal(unknownReference("node", "x", []), 'unknown node "x": no node is declared');
  });
});

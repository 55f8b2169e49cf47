/**
 * Every pattern rule says what shape it wants, with an example (issue 14, item 7): no
 * "is not a valid regex". The test walks every schema of the stack file and the registry,
 * finds each string with a pattern, feeds it a value the pattern refuses and reads the
 * message the loader prints.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type z } from "zod";
import { zodProblems } from "../../src/config/errors";
import { registrySchema } from "../../src/config/federation";
import { sectionSchemas } from "../../src/config/stack";

interface Def {
  type: string;
  checks?: { _zod: { def: { format?: string; pattern?: RegExp } } }[];
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  items?: z.ZodType[];
  rest?: z.ZodType | null;
  in?: z.ZodType;
  out?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
}

/** Every string schema with a pattern under `schema`, with where it is. */
function patterned(schema: z.ZodType, where: string, seen = new Set<z.ZodType>()) {
  const out: { where: string; schema: z.ZodType; pattern: RegExp }[] = [];
  if (seen.has(schema)) return out;
  seen.add(schema);
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  for (const check of def.checks ?? []) {
    const { format, pattern } = check._zod.def;
    if (format === "regex" && pattern) out.push({ where, schema, pattern });
  }
  const children: [string, z.ZodType | null | undefined][] = [
    ...Object.entries(def.shape ?? {}).map(([k, v]): [string, z.ZodType] => [`${where}.${k}`, v]),
    [`${where}[]`, def.element],
    [where, def.innerType],
    ...(def.options ?? []).map((o, i): [string, z.ZodType] => [`${where}|${i}`, o]),
    [`${where}{key}`, def.keyType],
    [`${where}{}`, def.valueType],
    ...(def.items ?? []).map((o, i): [string, z.ZodType] => [`${where}[${i}]`, o]),
    [`${where}[...]`, def.rest],
    [where, def.in],
    [where, def.out],
    [where, def.left],
    [where, def.right],
  ];
  for (const [at, child] of children) if (child) out.push(...patterned(child, at, seen));
  return out;
}

/** A text the pattern refuses. */
function refused(pattern: RegExp): string {
  const candidates = ["!", "", " ", "Not Valid!", "x", "/x", "0", "a b", "ZZ"];
  const value = candidates.find((c) => !pattern.test(c));
  assert.ok(value !== undefined, `no refused value for ${String(pattern)}`);
  return value;
}

describe("pattern rules", () => {
  const roots: [string, z.ZodType][] = [
    ...Object.entries(sectionSchemas).map(([k, v]): [string, z.ZodType] => [`homelab:${k}`, v]),
    ["registry", registrySchema],
  ];
  const rules = roots.flatMap(([where, schema]) => patterned(schema, where));

  it("are found in every section and the registry", () => {
    assert.ok(rules.length >= 30, `only ${rules.length} pattern rules found`);
  });

  it("each says what shape it wants, with an example", () => {
    const bad: string[] = [];
    for (const { where, schema, pattern } of rules) {
      const result = schema.safeParse(refused(pattern), { reportInput: true });
      assert.equal(result.success, false, where);
      const messages = zodProblems(result.error, "f", [])
        .map((p) => p.message)
        .filter((m) => !/^must be at (least|most)/.test(m));
      for (const message of messages) {
        if (!/^must be .*, e\.g\. \S/.test(message) || /valid regex/.test(message))
          bad.push(`${where} ${String(pattern)}: ${message}`);
      }
    }
    assert.deepEqual(bad, []);
  });
});

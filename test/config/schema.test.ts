import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { declarableApps } from "../../src/catalog";
import { schemaFiles } from "../../src/config/json-schema";
import { validator } from "../helpers/schema";
import { ANNEX, HOME, REGISTRY, ROOT, pathOf } from "../helpers/sites";

/**
 * Every property of every object in a JSON Schema, wherever it sits (nested objects, list
 * items, union branches, patterns), as "path" → its schema.
 */
function properties(node: unknown, path = ""): [string, Record<string, unknown>][] {
  if (Array.isArray(node)) return node.flatMap((item, i) => properties(item, `${path}[${i}]`));
  if (node === null || typeof node !== "object") return [];
  const out: [string, Record<string, unknown>][] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "properties" && value !== null && typeof value === "object") {
      for (const [name, schema] of Object.entries(value as Record<string, unknown>))
        out.push([`${path}.${name}`, schema as Record<string, unknown>]);
    }
    out.push(...properties(value, key === "properties" ? path : `${path}/${key}`));
  }
  return out;
}

describe("JSON Schema for editors", () => {
  it("the committed schemas are up to date (run npm run schema)", () => {
    for (const [file, content] of Object.entries(schemaFiles())) {
      assert.equal(
        readFileSync(join(ROOT, file), "utf8"),
        content,
        `${file} is stale: run npm run schema`,
      );
    }
  });

  it("a service's app is one of the catalog's (editors complete it)", () => {
    const stack = JSON.parse(schemaFiles()["stacks/schema/stack.schema.json"]!) as {
      properties: {
        config: {
          properties: Record<string, { items: { properties: { app: { enum: string[] } } } }>;
        };
      };
    };
    const app = stack.properties.config.properties["homelab:services"]!.items.properties.app;
    assert.deepEqual(app.enum, declarableApps());
    assert.ok(app.enum.includes("immich") && app.enum.includes("custom"));
    assert.ok(!app.enum.includes("traefik"), "the proxy's apps are set up by homelab:proxy");
  });

  it("every field has a description (editors show it on hover)", () => {
    for (const [file, content] of Object.entries(schemaFiles())) {
      const fields = properties(JSON.parse(content));
      // The walk reaches every section (the registry is small).
      const least = file.includes("federation") ? 20 : 300;
      assert.ok(fields.length >= least, `${file}: only ${fields.length} fields found`);
      const bare = fields
        .filter(([, schema]) => typeof schema.description !== "string" || !schema.description)
        .map(([path]) => path);
      assert.deepEqual(bare, [], `${file}: fields without a description`);
    }
  });

  it("the fixture sites reference the schema and validate against it", () => {
    const validate = validator("stacks/schema/stack.schema.json");
    for (const site of [HOME, ANNEX]) {
      const text = readFileSync(pathOf(site), "utf8");
      assert.match(
        text,
        /^# yaml-language-server: \$schema=\.\.\/\.\.\/\.\.\/stacks\/schema\/stack\.schema\.json\n/,
      );
      assert.equal(validate(parse(text)), true, JSON.stringify(validate.errors, null, 2));
    }
  });

  it("the fixture registry validates against its schema", () => {
    const validate = validator("stacks/schema/federation.schema.json");
    const text = readFileSync(join(ROOT, REGISTRY), "utf8");
    assert.match(
      text,
      /^# yaml-language-server: \$schema=\.\.\/\.\.\/\.\.\/stacks\/schema\/federation\.schema\.json\n/,
    );
    assert.equal(validate(parse(text)), true, JSON.stringify(validate.errors, null, 2));
  });

  it("flags typos and plain-text secrets, accepts encrypted secrets and other namespaces", () => {
    const validate = validator("stacks/schema/stack.schema.json");
    const base = { "homelab:site": { name: "t" } };
    assert.equal(validate({ config: { ...base, "homelab:proxmx": {} } }), false);
    assert.equal(
      validate({ config: { ...base, "homelab:site": { name: "t", nmae: "x" } } }),
      false,
    );
    assert.equal(validate({ config: { ...base, "homelab:proxmoxApiToken": "plain" } }), false);
    assert.equal(
      validate({
        config: {
          ...base,
          "homelab:proxmoxApiToken": { secure: "v1:abc" },
          "homelab:psk-bravo": { secure: "v1:def" },
          "homelab:pbsPassword": { secure: "v1:ghi" },
          "pulumi:tags": { owner: "me" },
        },
        encryptionsalt: "v1:xyz",
      }),
      true,
      JSON.stringify(validate.errors),
    );
  });
});

/** The services schemas: `expose` in its normal form. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { serviceSchema } from "../../src/config/services";

const base = { name: "gitea", app: "gitea", host: "servo" };

describe("expose is normalised by the schema", () => {
  it("absent: an empty list", () => {
    assert.deepEqual(serviceSchema.parse(base).expose, []);
  });

  it("one mapping: a list of one, at expose", () => {
    const parsed = serviceSchema.parse({ ...base, expose: { hostname: "git" } });
    assert.deepEqual(parsed.expose, [
      { hostname: "git", public: false, access: "open", at: ["expose"] },
    ]);
  });

  it("a list: each entry at its index", () => {
    const parsed = serviceSchema.parse({
      ...base,
      expose: [
        { hostname: "git", public: true },
        { hostname: "git-lan", access: ["lan"] },
      ],
    });
    assert.deepEqual(
      parsed.expose.map((e) => [e.hostname, e.public, e.access, e.at]),
      [
        ["git", true, "open", ["expose", 0]],
        ["git-lan", false, ["lan"], ["expose", 1]],
      ],
    );
  });

  it("problems inside an exposure keep the path of the form the user wrote", () => {
    const one = serviceSchema.safeParse({ ...base, expose: { hostname: "Git" } });
    assert.deepEqual(
      one.error?.issues.map((i) => i.path),
      [["expose", "hostname"]],
    );
    const list = serviceSchema.safeParse({
      ...base,
      expose: [{ hostname: "git" }, { hostname: "Bad" }],
    });
    assert.deepEqual(
      list.error?.issues.map((i) => i.path),
      [["expose", 1, "hostname"]],
    );
  });
});

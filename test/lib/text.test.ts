import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { plural } from "../../src/lib/text";

describe("text", () => {
  it("counts with the right plural", () => {
    assert.equal(plural(0, "warning"), "0 warnings");
    assert.equal(plural(1, "warning"), "1 warning");
    assert.equal(plural(2, "unchanged line"), "2 unchanged lines");
    assert.equal(plural(3, "entry", "entries"), "3 entries");
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
  formatUrn,
  ownType,
  parseUrn,
  refOf,
  refType,
  STACK_TYPE,
  urnToRef,
} from "../../src/lib/urn";

const URN = "urn:pulumi:home::homelab::homelab:index:Homelab$homelab:services:Service::immich";

describe("URNs", () => {
  it("parses and formats a URN", () => {
    const parts = parseUrn(URN);
    assert.deepEqual(parts, {
      stack: "home",
      project: "homelab",
      qualifiedType: "homelab:index:Homelab$homelab:services:Service",
      name: "immich",
    });
    assert.ok(parts);
    assert.equal(formatUrn(parts), URN);
  });

  it("keeps a name that contains ::", () => {
    const urn = "urn:pulumi:home::homelab::docker:index/volume:Volume::a::b";
    assert.equal(parseUrn(urn)?.name, "a::b");
    assert.equal(urnToRef(urn), "docker:index/volume:Volume::a::b");
  });

  it("refuses what is not a URN", () => {
    assert.equal(parseUrn("homelab:index:Homelab::home"), undefined);
    assert.equal(parseUrn("urn:pulumi:home::homelab::T"), undefined);
    assert.equal(urnToRef("not a urn"), "");
  });

  it("references: own type and name", () => {
    assert.equal(urnToRef(URN), "homelab:services:Service::immich");
    assert.equal(ownType("a$b$c"), "c");
    assert.equal(refOf({ type: "t:m:T", name: "n" }), "t:m:T::n");
    assert.equal(refType("t:m:T::n"), "t:m:T");
  });

  it("agrees with the SDK's own URN construction", async () => {
    const urn = pulumi.createUrn(
      "immich",
      "homelab:services:Service",
      undefined,
      "homelab",
      "home",
    );
    const text = await new Promise<string>((resolve) => urn.apply(resolve));
    assert.equal(
      text,
      formatUrn({
        stack: "home",
        project: "homelab",
        qualifiedType: "homelab:services:Service",
        name: "immich",
      }),
    );
    assert.equal(STACK_TYPE, pulumi.runtime.rootPulumiStackTypeName);
  });
});

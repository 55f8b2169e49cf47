/** The engine's alias semantics, as src/lib/aliases.ts reproduces them for offline plans. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  childUrn,
  identityOf,
  inheritedChildAlias,
  type AliasSpec,
  type Identity,
} from "../../src/lib/aliases";

const STACK = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev";
const at = { project: "proj", stack: "dev" };

function register(
  type: string,
  name: string,
  parent: Identity | undefined,
  aliases: AliasSpec[] = [],
  known: Record<string, Identity> = {},
): Identity {
  return identityOf({ type, name, ...at, parent, aliases, identityOf: (urn) => known[urn] });
}

describe("aliases: the engine's rules", () => {
  it("URNs: the stack's children are qualified by their own type, others by their ancestors'", () => {
    assert.equal(childUrn("", "pulumi:pulumi:Stack", "proj-dev", "proj", "dev"), STACK);
    assert.equal(childUrn(STACK, "a:b:C", "x", "proj", "dev"), "urn:pulumi:dev::proj::a:b:C::x");
    assert.equal(
      childUrn("urn:pulumi:dev::proj::a:b:C::x", "d:e:F", "y", "proj", "dev"),
      "urn:pulumi:dev::proj::a:b:C$d:e:F::y",
    );
  });

  it("the engine's own example: a child named after its renamed parent", () => {
    // step_generator.go inheritedChildAlias: name "newapp-function", parent "newapp",
    // parent alias ".../awsx:ec2:Vpc::app" → ".../awsx:ec2:Vpc$aws:s3/bucket:Bucket::app-function"
    const alias = inheritedChildAlias(
      { type: "aws:s3/bucket:Bucket", name: "newapp-function" },
      "newapp",
      "urn:pulumi:dev::proj::awsx:ec2:Vpc::app",
      at,
    );
    assert.equal(alias, "urn:pulumi:dev::proj::awsx:ec2:Vpc$aws:s3/bucket:Bucket::app-function");
    // A child not named after its parent keeps its name under the parent's old URN.
    assert.equal(
      inheritedChildAlias(
        { type: "t:m:R", name: "other" },
        "newapp",
        "urn:pulumi:dev::proj::awsx:ec2:Vpc::app",
        at,
      ),
      "urn:pulumi:dev::proj::awsx:ec2:Vpc$t:m:R::other",
    );
  });

  it("a renamed component's grandchildren follow, through every level", () => {
    const stack = register("pulumi:pulumi:Stack", "proj-dev", undefined);
    const root = register("x:index:Root", "home", stack);
    const svc = register("x:svc:Service", "home-photos", root, [
      { name: "home-immich", parentUrn: root.urn },
    ]);
    assert.deepEqual(svc.aliases, [
      "urn:pulumi:dev::proj::x:index:Root$x:svc:Service::home-immich",
    ]);
    const volume = register("d:v:Volume", "home-photos-data", svc);
    assert.deepEqual(volume.aliases, [
      "urn:pulumi:dev::proj::x:index:Root$x:svc:Service$d:v:Volume::home-immich-data",
    ]);
    const deeper = register("d:v:Mount", "home-photos-data-m", volume);
    assert.deepEqual(deeper.aliases, [
      "urn:pulumi:dev::proj::x:index:Root$x:svc:Service$d:v:Volume$d:v:Mount::home-immich-data-m",
    ]);
  });

  it("an alias of a child under a renamed parent: under the parent now and as it was", () => {
    const root = register("x:index:Root", "home", undefined);
    const svc = register("x:svc:Service", "s-new", root, [{ name: "s-old", parentUrn: root.urn }]);
    const net = register("d:n:Network", "s-new-net-b", svc, [
      { name: "s-new-net-a", parentUrn: svc.urn },
    ]);
    assert.deepEqual(
      new Set(net.aliases),
      new Set([
        // its own alias, under the parent as it is, and under the parent's old URN
        "urn:pulumi:dev::proj::x:index:Root$x:svc:Service$d:n:Network::s-new-net-a",
        // inherited: its name and its alias's, under the parent's old URN, prefix rewritten
        "urn:pulumi:dev::proj::x:index:Root$x:svc:Service$d:n:Network::s-old-net-b",
        "urn:pulumi:dev::proj::x:index:Root$x:svc:Service$d:n:Network::s-old-net-a",
      ]),
    );
  });

  it("specs: type and parent changes, no parent, a plain URN; never the resource's own URN", () => {
    const stack = register("pulumi:pulumi:Stack", "proj-dev", undefined);
    const root = register("x:index:Root", "home", stack);
    const known = { [root.urn]: root };
    const moved = register(
      "t:m:R",
      "r",
      root,
      [
        { type: "t:m:Old", parentUrn: root.urn },
        { noParent: true },
        { parentUrn: STACK },
        { urn: "urn:pulumi:dev::proj::t:m:R::legacy" },
        { name: "r", parentUrn: root.urn },
      ],
      known,
    );
    assert.deepEqual([...moved.aliases].sort(), [
      "urn:pulumi:dev::proj::t:m:R::legacy",
      "urn:pulumi:dev::proj::t:m:R::r",
      "urn:pulumi:dev::proj::x:index:Root$t:m:Old::r",
    ]);
    assert.ok(!moved.aliases.includes(moved.urn));
  });
});

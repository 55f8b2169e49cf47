/**
 * `npm run plan -- --only <part>` in process: one part's subtree (every descendant of the
 * part's component, nothing else), its URN as the engine forms it and a glob `pulumi preview
 * --target` takes; `edge` is whichever router the site has; an unknown part gets "did you
 * mean" before anything is planned, a part the stack lacks lists the ones it has; and an
 * invalid stack is refused exactly as without `--only`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import type { Plan, PlannedResource } from "../../src/cli/mock-runtime";
import { main } from "../../src/cli/plan";
import { PARTS, planParts, plannedUrn } from "../../src/cli/plan-parts";
import { refOf } from "../../src/lib/urn";
import { runMain } from "../helpers/cli";
import { plan } from "../helpers/plan";
import { ANNEX, HOME, ROOT, pathOf } from "../helpers/sites";

const args = (site: typeof HOME) => ["--stack", site.stack, "--config", pathOf(site)];

/**
 * Every descendant of `root` (and itself), walked independently of the code under test, as
 * "type::name" (how a plan names parents: two resources may share one under different
 * parents, as the engine's URNs tell apart).
 */
function subtree(whole: Plan, root: PlannedResource): Set<string> {
  const out = new Set([refOf(root)]);
  const walk = (ref: string): void => {
    for (const r of whole.resources.filter((x) => x.parent === ref)) {
      out.add(refOf(r));
      walk(refOf(r));
    }
  };
  walk(refOf(root));
  return out;
}

/** The resources a tree printed by plan lists ("<type>  <name>" after the tree's drawing). */
function treeRefs(stdout: string): string[] {
  return [...stdout.matchAll(/^[│ ]*[├└]─ (\S+) {2}(\S+)/gm)].map((m) => `${m[1]!}::${m[2]!}`);
}

let home: Plan;
before(async () => {
  home = await plan(HOME);
});

describe("npm run plan -- --only", () => {
  it("the parts cover the whole program: each Homelab child is a known part", async () => {
    for (const whole of [home, await plan(ANNEX)]) {
      const parts = planParts(whole);
      assert.ok(parts.size >= 3, `${whole.stack}: ${[...parts.keys()].join(", ")}`);
      for (const part of parts.keys()) assert.ok((PARTS as readonly string[]).includes(part));
      // Besides the stack and the Homelab component, every resource is in exactly one part.
      const roots = [...new Set(parts.values())];
      const inside = roots.map((r) => subtree(whole, r));
      const covered = whole.resources.filter((r) => inside.some((s) => s.has(refOf(r))));
      assert.equal(covered.length, whole.resources.length - 2, whole.stack);
    }
  });

  it("prints the proxmox subtree only, with its URN and a --target glob", async () => {
    const result = await runMain(main, [...args(HOME), "--only", "proxmox"]);
    assert.equal(result.status, 0, result.stderr);
    const root = home.resources.find((r) => r.name === "home-proxmox")!;
    const expected = subtree(home, root);
    const listed = treeRefs(result.stdout);
    assert.deepEqual(new Set(listed), expected);
    assert.equal(listed.length, home.resources.filter((r) => expected.has(refOf(r))).length);
    assert.ok(listed.every((r) => !r.startsWith("homelab:fortigate:")));
    assert.match(
      result.stdout,
      new RegExp(`Only proxmox: homelab:proxmox:Cluster {2}home-proxmox, ${listed.length} of`),
    );
    assert.ok(
      result.stdout.includes(
        "URN: urn:pulumi:home::homelab::homelab:index:Homelab$homelab:proxmox:Cluster::home-proxmox",
      ),
    );
    assert.ok(
      result.stdout.includes(
        "pulumi preview --stack home --target 'urn:pulumi:home::homelab::homelab:index:Homelab$homelab:proxmox:Cluster**'",
      ),
    );
  });

  it("a URN carries every ancestor's type but the stack's, as the engine forms it", () => {
    const byRef = new Map(home.resources.map((r) => [refOf(r), r]));
    const depth = (r: PlannedResource): number =>
      r.parent === null ? 0 : 1 + depth(byRef.get(r.parent)!);
    const deep = home.resources.find((r) => depth(r) >= 4)!;
    const types: string[] = [];
    for (let r: PlannedResource | undefined = deep; r?.parent; r = byRef.get(r.parent))
      types.unshift(r.type);
    assert.ok(types.length >= 4);
    assert.equal(
      plannedUrn(home, deep),
      `urn:pulumi:home::homelab::${types.join("$")}::${deep.name}`,
    );
    assert.ok(types[0] === "homelab:index:Homelab");
  });

  it("edge is the site's router: the FortiGate at home, the UniFi gateway at annex", async () => {
    const fortigate = await runMain(main, [...args(HOME), "--only", "edge"]);
    assert.equal(fortigate.status, 0, fortigate.stderr);
    assert.match(fortigate.stdout, /^Only edge: homelab:fortigate:Edge {2}home-fortigate,/);
    const unifi = await runMain(main, [...args(ANNEX), "--only", "edge", "--json"]);
    assert.equal(unifi.status, 0, unifi.stderr);
    const document = JSON.parse(unifi.stdout) as Plan;
    const roots = document.resources.filter(
      (r) => !document.resources.some((p) => refOf(p) === r.parent),
    );
    assert.deepEqual(
      roots.map((r) => refOf(r)),
      ["homelab:unifi:Gateway::annex-unifi"],
    );
    assert.ok(document.resources.length > 1);
  });

  it("an unknown part gets 'did you mean', before anything is planned", async () => {
    const result = await runMain(main, [...args(HOME), "--only", "proxmx"]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--only: unknown part "proxmx": did you mean "proxmox"\?/);
    assert.equal(result.stdout, "");
    const far = await runMain(main, [...args(HOME), "--only", "zzzzzzzz"]);
    assert.match(far.stderr, /the parts are proxmox, services, dns, fortigate, unifi, edge/);
  });

  it("a part the stack does not have lists the ones it has", async () => {
    const result = await runMain(main, [...args(HOME), "--only", "unifi"]);
    assert.equal(result.status, 2);
    assert.match(
      result.stderr,
      /--only: stack "home" has no unifi part: its parts are proxmox, services, dns, fortigate, edge/,
    );
  });

  it("an invalid stack is refused as without --only (the whole stack is validated)", async () => {
    const file = join(ROOT, "test", "fixtures", "invalid", "unknown-app.yaml");
    const plain = await runMain(main, ["--stack", "t", "--config", file]);
    const only = await runMain(main, ["--stack", "t", "--config", file, "--only", "services"]);
    assert.equal(plain.status, 1);
    assert.equal(only.status, 1);
    assert.equal(only.stderr, plain.stderr);
    assert.match(only.stderr, /homelab:services/);
  });
});

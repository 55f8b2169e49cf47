/**
 * `npm run registry-diff`: what a registry pull request changes in the federation, on the
 * fixture registries (test/fixtures/registry/small.yaml and small-changed.yaml: delta joins,
 * charlie leaves, bravo gets a new endpoint and a second prefix, alpha a contact).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadRegistry } from "../../src/cli/peering-sheet";
import { main, renderFederationDiff } from "../../src/cli/registry-diff";
import type { Registry } from "../../src/config/federation";
import { parseRegistry } from "../../src/config/registry";
import { diffFederation } from "../../src/model/federation-diff";
import { ROOT, runCli, runMain } from "../helpers/cli";

const BASE = "test/fixtures/registry/small.yaml";
const HEAD = "test/fixtures/registry/small-changed.yaml";
const base = loadRegistry(ROOT, BASE);
const head = loadRegistry(ROOT, HEAD);

/** `registry` with changes, validated again (a diff assumes valid registries). */
function variant(registry: Registry, change: (r: Registry) => Registry): Registry {
  const { registry: out, problems } = parseRegistry(change(structuredClone(registry)), "x");
  assert.deepEqual(problems, []);
  return out as Registry;
}

describe("registry diff: the model", () => {
  it("members added, removed and changed field by field; peerings; who must act", () => {
    const diff = diffFederation(base, head);
    assert.deepEqual(
      diff.added.map((m) => m.id),
      ["delta"],
    );
    assert.deepEqual(
      diff.removed.map((m) => m.id),
      ["charlie"],
    );
    assert.deepEqual(diff.changed, [
      {
        id: "alpha",
        changes: [
          {
            field: "contact",
            before: undefined,
            after: "alpha <noc@alpha.example> `ops` [chat](https://x.example)",
          },
        ],
      },
      {
        id: "bravo",
        changes: [
          { field: "endpoint", before: "192.0.2.2", after: "198.51.100.2" },
          { field: "prefixes", added: ["10.20.0.0/16"], removed: [] },
        ],
      },
    ]);
    assert.deepEqual(diff.settings, []);
    assert.deepEqual(diff.pairsAdded, [
      ["alpha", "delta"],
      ["bravo", "delta"],
    ]);
    assert.deepEqual(diff.pairsRemoved, [
      ["alpha", "charlie"],
      ["bravo", "charlie"],
    ]);
    const actions = Object.fromEntries(diff.actions.map((a) => [a.id, a]));
    assert.deepEqual(Object.keys(actions), ["alpha", "bravo", "charlie", "delta"]);
    // alpha sees bravo's new endpoint (remote gateway) and prefix (accepted): its tunnel and
    // BGP filter change; bravo's own side changes its identity and announcements.
    assert.deepEqual(actions.alpha?.peerings, [
      { peer: "bravo", kind: "changed", what: ["remote gateway", "prefixes accepted"] },
      { peer: "charlie", kind: "removed", what: [] },
      { peer: "delta", kind: "added", what: [] },
    ]);
    assert.deepEqual(actions.alpha?.newSecrets, ["psk-delta"]);
    assert.deepEqual(actions.bravo?.peerings.find((p) => p.peer === "alpha")?.what, [
      "own endpoint, its IKE identity",
      "prefixes announced",
    ]);
    assert.equal(actions.charlie?.membership, "leaves");
    assert.deepEqual(actions.charlie?.newSecrets, []);
    assert.equal(actions.delta?.membership, "joins");
    assert.deepEqual(actions.delta?.newSecrets, ["psk-alpha", "psk-bravo"]);
  });

  it("a contact change alone asks nobody to act; a renumbered member moves its tunnels", () => {
    const contact = variant(base, (r) => {
      r.members[0]!.contact = "new@alpha.example";
      return r;
    });
    const quiet = diffFederation(base, contact);
    assert.equal(quiet.changed.length, 1);
    assert.deepEqual(quiet.actions, []);
    assert.match(renderFederationDiff(quiet, "f.yaml"), /nobody needs to act/);
    const renumbered = variant(base, (r) => {
      r.members[2]!.number = 9;
      return r;
    });
    const diff = diffFederation(base, renumbered);
    assert.deepEqual(diff.changed, [
      { id: "charlie", changes: [{ field: "number", before: "3", after: "9" }] },
    ]);
    // charlie's /31s with alpha and bravo move: all three act, alpha's bravo tunnel stays.
    assert.deepEqual(
      diff.actions.map((a) => [a.id, a.peerings.map((p) => `${p.peer}: ${p.what.join(", ")}`)]),
      [
        ["alpha", ["charlie: tunnel addresses"]],
        ["bravo", ["charlie: tunnel addresses"]],
        ["charlie", ["alpha: tunnel addresses", "bravo: tunnel addresses"]],
      ],
    );
  });

  it("registry settings and topology: lifetimes, full mesh to pairs", () => {
    const changed = variant(base, (r) => ({
      ...r,
      lifetimes: { ...r.lifetimes, ike: 28800 },
      topology: { pairs: [["alpha", "bravo"]] },
    }));
    const diff = diffFederation(base, changed);
    assert.deepEqual(diff.settings, [
      { field: "topology", before: "full-mesh", after: "pairs" },
      { field: "lifetimes.ike", before: "86400", after: "28800" },
    ]);
    assert.deepEqual(diff.pairsRemoved, [
      ["alpha", "charlie"],
      ["bravo", "charlie"],
    ]);
    assert.deepEqual(
      diff.actions.find((a) => a.id === "alpha")?.peerings.map((p) => [p.peer, p.kind, p.what]),
      [
        ["bravo", "changed", ["IKE proposals, DH groups or lifetime"]],
        ["charlie", "removed", []],
      ],
    );
  });
});

describe("npm run registry-diff", () => {
  it("prints the change as Markdown, every member-given text escaped", async () => {
    const result = await runMain(main, [BASE, HEAD]);
    assert.equal(result.status, 0, result.stderr);
    const out = result.stdout;
    assert.match(
      out,
      /^### Federation `TEST` \(`test\/fixtures\/registry\/small-changed\.yaml`\): 1 member added, 1 member removed, 2 members changed, 2 peerings added, 2 peerings removed, 4 members must act\n\n#### Members\n\n/,
    );
    assert.ok(
      out.includes(
        "- added: `delta` (Delta &lt;img src=x&gt;): number 4 · AS 4200000004 · endpoint `delta.example.net` · prefixes `10.4.0.0/16` · UniFi\n",
      ),
      out,
    );
    assert.ok(out.includes("- removed: `charlie` (Charlie)\n"));
    assert.ok(
      out.includes(
        "- changed: `bravo`\n  - `endpoint`: `192.0.2.2` → `198.51.100.2`\n  - `prefixes`: + `10.20.0.0/16`\n",
      ),
    );
    // The contact holds backticks, brackets and an angle bracket: a longer code span.
    assert.ok(
      out.includes(
        "  - `contact`: (unset) → ``alpha <noc@alpha.example> `ops` [chat](https://x.example)``\n",
      ),
    );
    assert.ok(out.includes("#### Peerings\n\n- added: `alpha` ↔ `delta`\n"));
    assert.ok(out.includes("- removed: `bravo` ↔ `charlie`\n"));
    assert.match(
      out,
      /\n- `alpha` \(FortiGate\) runs `pulumi up` on its stack: peering with `bravo` changes \(remote gateway, prefixes accepted\); peering with `charlie` removed; new peering with `delta`\. First agree a pre-shared key with `delta` out of band and set it: `pulumi config set --secret homelab:psk-delta`\.\n/,
    );
    assert.match(out, /\n- `charlie` \(unmanaged router\) leaves: remove its side of the tunnels/);
    assert.match(
      out,
      /\n- `delta` \(UniFi\) joins and configures its router from its peering sheets \(`npm run peering-sheet -- --member <peer> --peer delta`\): new peering with `alpha`; new peering with `bravo`\. Agree a pre-shared key with `alpha`, `bravo` out of band\.\n$/,
    );
    const outside = out.replace(/(`+)(?:(?!\1)[\s\S])*?\1(?!`)/g, "");
    assert.doesNotMatch(outside, /<img|\]\(/, "no HTML or link outside code");
    const subprocess = runCli("registry-diff", [BASE, HEAD, "--level", "2"]);
    assert.equal(subprocess.status, 0, subprocess.stderr);
    assert.equal(subprocess.stdout, out.replace(/^#(#+) /gm, "$1 "), "one level up");
  });

  it("the same registry twice: no change", async () => {
    const result = await runMain(main, [BASE, BASE]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(
      result.stdout,
      "### Federation `TEST` (`test/fixtures/registry/small.yaml`): no change to the federation\n",
    );
  });

  it("invalid or unreadable registries: every problem of both with file and line, exit 1", async () => {
    const result = await runMain(main, [
      "test/fixtures/registry/bad-prefix.yaml",
      "test/fixtures/registry/missing.yaml",
    ]);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /^Cannot compare the registries: 3 problems\n/);
    assert.match(
      result.stderr,
      /test\/fixtures\/registry\/bad-prefix\.yaml:\d+:\d+ {2}members\[0\]\.prefixes\[0\]\n {4}10\.1\.0\.5\/16 has host bits set/,
    );
    assert.match(
      result.stderr,
      /cannot read test\/fixtures\/registry\/missing\.yaml: file not found/,
    );
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    const notRegistry = await runMain(main, [BASE, "package.json"]);
    assert.equal(notRegistry.status, 1);
    assert.match(notRegistry.stderr, /package\.json is not a federation registry/);
  });

  it("usage errors exit 2 with the usage text", async () => {
    const one = await runMain(main, [BASE]);
    assert.equal(one.status, 2);
    assert.match(one.stderr, /^missing argument: <head\.yaml>\n\nusage: npm run registry-diff/);
    const level = await runMain(main, [BASE, HEAD, "--level", "0"]);
    assert.equal(level.status, 2);
    assert.match(level.stderr, /^--level must be a whole number of at least 1, got "0"\n/);
  });
});

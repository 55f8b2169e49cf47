/** The offline plan diff's logic: identity, value diffs, warnings, Markdown. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ConfigError } from "../../src/config/errors";
import { diffLines, formatHunks } from "../../src/cli/line-diff";
import { canonicalJson } from "../../src/lib/canonical-json";
import {
  SECRET,
  UNKNOWN,
  type Json,
  type Plan,
  type PlannedResource,
} from "../../src/cli/mock-runtime";
import {
  SECRET_MARK,
  UNKNOWN_MARK,
  diffPlans,
  diffValues,
  jsonEqual,
  parsePlanDocument,
  parsePlanPair,
  type WarningKind,
} from "../../src/cli/plan-changes";
import { code, elide, renderPlanDiff, renderValue, summaryLine } from "../../src/cli/plan-markdown";
import { planned } from "../helpers/planned";

const res = planned;
type Options = PlannedResource["options"];

const STACK = res("pulumi:pulumi:Stack", "homelab-home", null);
const ROOT = res("homelab:index:Homelab", "home", "pulumi:pulumi:Stack::homelab-home");
const SVC = res("homelab:services:Service", "immich", "homelab:index:Homelab::home");
const VOLUME = "docker:index/volume:Volume";
const DNS = "cloudflare:index/dnsRecord:DnsRecord";

function plan(resources: PlannedResource[], outputs: { [key: string]: Json } = {}): Plan {
  return { stack: "home", project: "homelab", resources: [STACK, ROOT, ...resources], outputs };
}

function kinds(base: Plan, head: Plan): WarningKind[] {
  return diffPlans(base, head).warnings.map((w) => w.kind);
}

describe("plan diff: values", () => {
  it("the marker strings are the plan's own", () => {
    assert.equal(SECRET_MARK, SECRET);
    assert.equal(UNKNOWN_MARK, UNKNOWN);
  });

  it("reports leaf paths: nested keys, list items of objects, plain lists as one value", () => {
    const before: Json = {
      memory: { dedicated: 2048 },
      ports: [80, 443],
      nics: [{ bridge: "vmbr0", ip: "10.0.0.2" }],
      gone: true,
      "odd key": 1,
    };
    const after: Json = {
      memory: { dedicated: 4096 },
      ports: [80, 443, 8443],
      nics: [
        { bridge: "vmbr0", ip: "10.0.0.3" },
        { bridge: "vmbr1", ip: "dhcp" },
      ],
      added: "x",
      "odd key": 1,
    };
    assert.deepEqual(diffValues(before, after, ["inputs"]), [
      { path: "inputs.added", after: "x" },
      { path: "inputs.gone", before: true },
      { path: "inputs.memory.dedicated", before: 2048, after: 4096 },
      { path: "inputs.nics[0].ip", before: "10.0.0.2", after: "10.0.0.3" },
      { path: "inputs.nics[1]", after: { bridge: "vmbr1", ip: "dhcp" } },
      { path: "inputs.ports", before: [80, 443], after: [80, 443, 8443] },
    ]);
  });

  it("two secrets compare equal: the plan cannot tell whether a secret changed", () => {
    assert.deepEqual(diffValues({ psk: SECRET }, { psk: SECRET }), []);
    assert.deepEqual(diffValues({ psk: SECRET }, { psk: { nested: SECRET } }), [
      { path: "psk", before: SECRET, after: { nested: SECRET } },
    ]);
  });

  it("jsonEqual ignores key order but not list order", () => {
    assert.equal(jsonEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }), true);
    assert.equal(jsonEqual([1, 2], [2, 1]), false);
    assert.equal(jsonEqual({ a: null }, {}), false);
  });

  const json = fc.jsonValue() as fc.Arbitrary<Json>;
  it("property: no change exactly when the values are equal", () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        assert.deepEqual(diffValues(a, a), []);
        assert.equal(diffValues(a, b).length === 0, jsonEqual(a, b));
      }),
      { numRuns: 300 },
    );
  });

  it("values render compactly; long ones are shortened with their length", () => {
    assert.equal(renderValue({ a: [1, "x"] }), '{"a":[1,"x"]}');
    assert.equal(renderValue(SECRET), "[secret]");
    assert.equal(renderValue(undefined), "(absent)");
    const long = renderValue("y".repeat(500));
    assert.ok(long.length < 100, long);
    assert.match(long, /^"y+… \(502 chars\)$/);
  });

  it("two long strings are cut down to where they differ", () => {
    const head = "x".repeat(100);
    const tail = "y".repeat(100);
    assert.deepEqual(elide(`${head}OLD${tail}`, `${head}NEW${tail}`), [
      '"…xxxxxxxxxxxxxxxxOLDyyyyyyyyyyyyyyyy…"',
      '"…xxxxxxxxxxxxxxxxNEWyyyyyyyyyyyyyyyy…"',
    ]);
    assert.deepEqual(elide("short", "other"), ['"short"', '"other"']);
    const [a, b] = elide("z".repeat(300), "w".repeat(300));
    assert.ok(a.length <= 80 && b.length <= 80);
    // In a diff: a changed string, and a list item replaced by another.
    const text = renderPlanDiff(
      diffPlans(
        plan([], { s: `${head}OLD${tail}`, env: ["A=1", `X=${head}OLD`] }),
        plan([], { s: `${head}NEW${tail}`, env: ["A=1", `X=${head}NEW`] }),
      ),
    );
    assert.match(text, /- `s`: `"…x{16}OLDy{16}…"` → `"…x{16}NEWy{16}…"`\n/);
    assert.match(text, /- `env`: ~ `"…x{16}OLD"` → `"…x{16}NEW"`\n/);
  });

  it("inline code survives backticks", () => {
    assert.equal(code("a"), "`a`");
    assert.equal(code("a`b"), "``a`b``");
    assert.equal(code("`x`"), "`` `x` ``");
  });
});

describe("plan diff: line diff of multi-line values", () => {
  const lines = fc.array(fc.constantFrom("a", "b", "c", "d", ""), { maxLength: 30 });
  it("property: the script rebuilds both sides", () => {
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const script = diffLines(a, b);
        assert.deepEqual(
          script.filter((l) => l.op !== "+").map((l) => l.text),
          a,
        );
        assert.deepEqual(
          script.filter((l) => l.op !== "-").map((l) => l.text),
          b,
        );
      }),
      { numRuns: 300 },
    );
  });

  it("property: the script is a shortest one (as many kept lines as the longest common subsequence)", () => {
    const lcs = (a: string[], b: string[]) => {
      const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
      for (let i = a.length - 1; i >= 0; i--)
        for (let j = b.length - 1; j >= 0; j--)
          t[i]![j] = a[i] === b[j] ? t[i + 1]![j + 1]! + 1 : Math.max(t[i + 1]![j]!, t[i]![j + 1]!);
      return t[0]![0]!;
    };
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const kept = diffLines(a, b).filter((l) => l.op === " ").length;
        assert.equal(kept, lcs(a, b));
      }),
      { numRuns: 300 },
    );
  });

  it("two long, entirely different texts: removed then added, without the search blowing up", () => {
    const a = Array.from({ length: 3000 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 3000 }, (_, i) => `b${i}`);
    const script = diffLines(a, b);
    assert.equal(script.length, 6000);
    assert.ok(script.slice(0, 3000).every((l) => l.op === "-"));
    assert.ok(script.slice(3000).every((l) => l.op === "+"));
  });

  it("is minimal on a one-line edit and folds distant unchanged lines", () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`);
    const after = before.map((l, i) => (i === 10 ? "line ten" : l));
    const script = diffLines(before, after);
    assert.equal(script.filter((l) => l.op !== " ").length, 2);
    assert.deepEqual(formatHunks(script), [
      "@@ 8 unchanged lines @@",
      " line 8",
      " line 9",
      "-line 10",
      "+line ten",
      " line 11",
      " line 12",
      "@@ 7 unchanged lines @@",
    ]);
  });
});

describe("plan diff: resources", () => {
  it("the same plan has no changes", () => {
    const p = plan([SVC, res(VOLUME, "data", "homelab:services:Service::immich")]);
    const diff = diffPlans(p, p);
    assert.deepEqual(
      [diff.added.length, diff.removed.length, diff.changed.length, diff.outputs.length],
      [0, 0, 0, 0],
    );
    assert.equal(diff.counts.unchanged, 4);
    assert.equal(summaryLine(diff), "Stack `home`: no changes (4 → 4 resources)");
  });

  it("adds, removes and changes by type and name, with changed inputs and options", () => {
    const base = plan([
      SVC,
      res("docker:index/container:Container", "immich-server", "homelab:services:Service::immich", {
        image: "immich:v1",
      }),
      res("docker:index/network:Network", "old", "homelab:index:Homelab::home"),
    ]);
    const head = plan([
      SVC,
      res(
        "docker:index/container:Container",
        "immich-server",
        "homelab:services:Service::immich",
        { image: "immich:v2" },
        { dependsOn: ["docker:index/network:Network::new"], ignoreChanges: ["labels"] },
      ),
      res("docker:index/network:Network", "new", "homelab:index:Homelab::home", { driver: "x" }),
    ]);
    const diff = diffPlans(base, head);
    assert.deepEqual(
      diff.added.map((e) => e.ref),
      ["docker:index/network:Network::new"],
    );
    assert.deepEqual(
      diff.removed.map((e) => e.ref),
      ["docker:index/network:Network::old"],
    );
    assert.equal(diff.changed.length, 1);
    const change = diff.changed[0]!;
    assert.deepEqual(change.inputs, [
      { path: "inputs.image", before: "immich:v1", after: "immich:v2" },
    ]);
    assert.deepEqual(
      change.options.map((o) => o.path),
      ["ignoreChanges", "dependsOn"],
    );
    const text = renderPlanDiff(diff);
    assert.match(
      text,
      /^### Stack `home`: 1 to add, 1 to change, 1 to delete \(5 → 5 resources\)\n/,
    );
    assert.match(
      text,
      /#### Added \(1\)\n\n- `docker:index\/network:Network::new` \(in `homelab:index:Homelab::home`\)\n/,
    );
    assert.match(text, /#### Removed \(1\)\n\n- `docker:index\/network:Network::old`/);
    assert.match(text, / {2}- `inputs.image`: `"immich:v1"` → `"immich:v2"`/);
    assert.match(text, / {2}- option `dependsOn`: \+ `docker:index\/network:Network::new`/);
    assert.match(text, / {2}- option `ignoreChanges`: \+ `labels`/);
    assert.doesNotMatch(text, /CAUTION/, "nothing at risk here");
  });

  it("a resource whose ancestor types change is moved (a new URN), not added and removed", () => {
    const base = plan([
      SVC,
      res(VOLUME, "data", "homelab:services:Service::immich", {}, { protect: true }),
    ]);
    const app = res("homelab:services:App", "immich", "homelab:index:Homelab::home");
    const head = plan([
      app,
      res(VOLUME, "data", "homelab:services:App::immich", {}, { protect: true }),
    ]);
    const diff = diffPlans(base, head);
    const moved = diff.changed.find((c) => c.ref === `${VOLUME}::data`);
    assert.deepEqual(moved?.moved, {
      from: `homelab:index:Homelab$homelab:services:Service$${VOLUME}`,
      to: `homelab:index:Homelab$homelab:services:App$${VOLUME}`,
    });
    assert.deepEqual(
      diff.warnings.map((w) => [w.kind, w.ref]),
      [["replace-moved", `${VOLUME}::data`]],
    );
    assert.match(
      diff.warnings[0]!.message,
      /without an alias Pulumi deletes and recreates it, losing a Docker volume/,
    );
    // Moving between two parents of the same type keeps the URN: only the parent changes.
    const sibling = res("homelab:services:Service", "photos", "homelab:index:Homelab::home");
    const same = diffPlans(
      plan([SVC, sibling, res(VOLUME, "data", "homelab:services:Service::immich")]),
      plan([SVC, sibling, res(VOLUME, "data", "homelab:services:Service::photos")]),
    );
    assert.equal(same.changed[0]?.moved, undefined);
    assert.deepEqual(same.changed[0]?.options, [
      {
        path: "parent",
        before: "homelab:services:Service::immich",
        after: "homelab:services:Service::photos",
      },
    ]);
  });

  it("an added twin of a removed resource is flagged as a likely rename", () => {
    const record = (name: string) =>
      res(
        DNS,
        name,
        "homelab:index:Homelab::home",
        { name: "photos", type: "A" },
        { protect: true },
      );
    const diff = diffPlans(plan([record("photos")]), plan([record("pics")]));
    assert.equal(diff.added[0]?.renamedFrom, `${DNS}::photos`);
    assert.match(
      renderPlanDiff(diff),
      /looks like a rename of `cloudflare:index\/dnsRecord:DnsRecord::photos`/,
    );
  });

  it("no rename hint when the match is not one to one", () => {
    const record = (name: string) => res(DNS, name, null, { type: "A" });
    const diff = diffPlans(plan([record("a")]), plan([record("b"), record("c")]));
    assert.deepEqual(
      diff.added.map((e) => e.renamedFrom),
      [undefined, undefined],
    );
    assert.equal(
      canonicalJson({ b: [1, { d: 2, c: 3 }], a: null }),
      '{"a":null,"b":[1,{"c":3,"d":2}]}',
    );
  });

  it("lists are capped by --limit with a count of the rest", () => {
    const many = Array.from({ length: 7 }, (_, i) =>
      res("docker:index/network:Network", `n${i}`, null),
    );
    const text = renderPlanDiff(diffPlans(plan([]), plan(many)), { limit: 3 });
    assert.equal((text.match(/^- `docker:index\/network:Network::n\d`/gm) ?? []).length, 3);
    assert.match(text, /- … and 4 more\n/);
    const all = renderPlanDiff(diffPlans(plan([]), plan(many)), { limit: 0 });
    assert.equal((all.match(/^- `docker:index\/network:Network::n\d`/gm) ?? []).length, 7);
  });

  it("stack outputs are compared too; the heading level is configurable", () => {
    const diff = diffPlans(plan([], { peers: ["a", "b"] }), plan([], { peers: ["a", "c"] }));
    const text = renderPlanDiff(diff, { level: 2 });
    assert.match(text, /^## Stack `home`: 1 output change \(2 → 2 resources\)/);
    assert.match(text, /### Stack outputs \(1\)\n\n- `peers`: ~ `"b"` → `"c"`\n/);
    // A list of plain values: what was added and removed, repeats counted; or reordered.
    const list = (before: Json, after: Json) =>
      renderPlanDiff(diffPlans(plan([], { l: before }), plan([], { l: after })));
    assert.match(list([80, 443, 443], [443, 8443]), /- `l`: \+ `8443`, − `80`, − `443`\n/);
    assert.match(list(["a", "b"], ["b", "a"]), /- `l`: reordered: `\["a","b"\]` → `\["b","a"\]`\n/);
    const many = Array.from({ length: 25 }, (_, i) => `v${i}`);
    assert.match(list([], many), /- `l`: \+ `"v0"`, .*\+ `"v19"`, \+ … 5 more\n/);
  });

  it("a multi-line value change is a fenced line diff", () => {
    const file = (text: string) =>
      res("docker:index/container:Container", "caddy", null, { uploads: [{ content: text }] });
    const text = renderPlanDiff(diffPlans(plan([file("a\nb\nc\n")]), plan([file("a\nB\nc\n")])));
    assert.match(
      text,
      /- `inputs.uploads\[0\].content`: text changed\n {4}```diff\n {4} a\n {4}-b\n {4}\+B\n {4} c\n/,
    );
  });
});

describe("plan diff: warnings", () => {
  const P = "homelab:services:Service::immich";
  it("deleting something protected, retained or stateful", () => {
    assert.deepEqual(kinds(plan([SVC, res(VOLUME, "v", P, {}, { protect: true })]), plan([SVC])), [
      "delete-protected",
    ]);
    assert.deepEqual(
      kinds(
        plan([SVC, res("docker:index/network:Network", "n", P, {}, { retainOnDelete: true })]),
        plan([SVC]),
      ),
      ["delete-retained"],
    );
    assert.deepEqual(kinds(plan([SVC, res(DNS, "photos", P)]), plan([SVC])), ["delete-stateful"]);
    assert.deepEqual(kinds(plan([SVC, res("proxmoxve:index/vm:Vm", "immich", P)]), plan([SVC])), [
      "delete-stateful",
    ]);
    assert.deepEqual(
      kinds(plan([SVC, res("docker:index/network:Network", "n", P)]), plan([SVC])),
      [],
    );
    const password = res("random:index/randomPassword:RandomPassword", "db", P);
    const removed = diffPlans(plan([SVC, password]), plan([SVC])).warnings;
    assert.deepEqual(
      removed.map((w) => w.kind),
      ["delete-stateful"],
    );
    assert.match(removed[0]!.message, /a generated secret \(a new one would differ/);
    assert.deepEqual(kinds(plan([SVC]), plan([SVC, password])), [], "a new password is no risk");
  });

  it("turning protect or retainOnDelete off, deleteBeforeReplace on", () => {
    const vol = (o: Partial<Options>) => plan([SVC, res(VOLUME, "v", P, {}, o)]);
    assert.deepEqual(kinds(vol({ protect: true }), vol({ protect: false, retainOnDelete: true })), [
      "protect-off",
    ]);
    assert.deepEqual(kinds(vol({ retainOnDelete: true, protect: true }), vol({ protect: true })), [
      "retain-off",
    ]);
    const dns = (o: Partial<Options>) => plan([SVC, res(DNS, "r", P, {}, { protect: true, ...o })]);
    const w = diffPlans(dns({}), dns({ deleteBeforeReplace: true })).warnings;
    assert.deepEqual(
      w.map((x) => x.kind),
      ["delete-before-replace"],
    );
    assert.match(w[0]!.message, /the name stops resolving meanwhile/);
    // Turning protect on is no risk.
    assert.deepEqual(
      kinds(vol({ retainOnDelete: true }), vol({ retainOnDelete: true, protect: true })),
      [],
    );
  });

  it("a secret that becomes plain text is flagged and its new value never printed", () => {
    const c = (v: Json) =>
      plan([res("docker:index/container:Container", "c", null, { env: { KEY: v } })]);
    const diff = diffPlans(c(SECRET), c("hunter2-plain"));
    assert.deepEqual(
      diff.warnings.map((w) => w.kind),
      ["secret-now-plain"],
    );
    const text = renderPlanDiff(diff);
    assert.match(text, /`inputs.env.KEY`: \[secret\] → \(plain text, not shown\)/);
    assert.doesNotMatch(text, /hunter2/);
    // Plain to secret is fine and shows the old plain value only.
    assert.deepEqual(diffPlans(c("old"), c(SECRET)).warnings, []);
    assert.match(renderPlanDiff(diffPlans(c("old"), c(SECRET))), /`"old"` → `\[secret\]`/);
  });

  it("a new stateful resource without protect or retainOnDelete", () => {
    assert.deepEqual(kinds(plan([SVC]), plan([SVC, res(VOLUME, "v", P)])), [
      "stateful-unprotected",
    ]);
    assert.deepEqual(
      kinds(plan([SVC]), plan([SVC, res(VOLUME, "v", P, {}, { retainOnDelete: true })])),
      [],
    );
  });

  it("warnings come first, in a caution block", () => {
    const text = renderPlanDiff(
      diffPlans(plan([SVC, res(VOLUME, "v", P, {}, { protect: true })]), plan([SVC])),
    );
    assert.match(
      text,
      /^### Stack `home`: 1 to delete, ⚠️ 1 warning \(4 → 3 resources\)\n\n> \[!CAUTION\]\n> \*\*Data or safety at risk: check these before merging\.\*\*\n>\n> - `docker:index\/volume:Volume::v` \(in `homelab:services:Service::immich`\): removed while protected/,
    );
  });
});

describe("plan diff: reading documents", () => {
  const good = JSON.stringify(plan([SVC]));

  it("accepts a plan, and fields a later version adds", () => {
    const extended = JSON.parse(good) as { [key: string]: unknown };
    extended.generatedBy = "homelab 2.0";
    (extended.resources as { [key: string]: unknown }[])[0]!.urn = "urn:pulumi:home::homelab::x::y";
    const parsed = parsePlanDocument(JSON.stringify(extended), "head.json");
    assert.deepEqual(parsed.problems, []);
    assert.equal(parsed.plan?.resources.length, 3);
  });

  it("not JSON: the file, the line and column, and what to pass instead", () => {
    const { problems } = parsePlanDocument('{\n  "stack": "home",\n  oops\n}', "base.json");
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.file, "base.json");
    assert.equal(problems[0]!.line, 3);
    assert.match(
      problems[0]!.message,
      /^not valid JSON \(.+\): pass the output of npm run plan -- --stack <name> --json$/,
    );
  });

  it("not a plan: each wrong field with its path", () => {
    assert.match(parsePlanDocument("[1]", "a.json").problems[0]!.message, /^not a plan document/);
    const broken = JSON.parse(good) as { resources: { options: { protect: unknown } }[] };
    broken.resources[1]!.options.protect = "yes";
    delete (broken as { outputs?: unknown }).outputs;
    const { problems } = parsePlanDocument(JSON.stringify(broken), "b.json");
    assert.deepEqual(
      problems.map((p) => [p.file, p.path.join("."), p.message]),
      [
        ["b.json", "resources.1.options.protect", 'expected true or false, got the text "yes"'],
        ["b.json", "outputs", "required key is missing"],
      ],
    );
  });

  it("both files' problems together; plans of different stacks are refused", () => {
    assert.throws(
      () => parsePlanPair({ text: "{", label: "base.json" }, { text: "[]", label: "head.json" }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.problems.map((p) => p.file).join() === "base.json,head.json" &&
        /^Cannot compare the plans: 2 problems/.test(e.message),
    );
    const other = JSON.stringify({ ...plan([]), stack: "annex" });
    assert.throws(
      () => parsePlanPair({ text: good, label: "base.json" }, { text: other, label: "head.json" }),
      /head\.json {2}stack\n {4}is "annex" but base\.json has "home": compare two plans of the same stack/,
    );
  });
});

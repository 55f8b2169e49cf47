/**
 * The test runner's plan memo (test/helpers/plan-memo.ts): a plan of the same inputs is
 * evaluated once and copied after, with what it wrote written again; any input that differs
 * (the site, the config, an environment variable that reaches the program) is another plan;
 * what JSON cannot carry is never kept; the verify mode catches a key that misses an input.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, describe, it } from "node:test";
import type { Plan } from "../../src/cli/mock-runtime";
import { PLAN_MEMO as OFFLINE_PLAN_MEMO, planStack, type PlanInputs } from "../../src/cli/offline";
import { listen } from "./output";
import { PLAN_MEMO, canonicalJson, createPlanMemo, memoKey } from "./plan-memo";
import { ROOT } from "./sites";

const SITE = join(ROOT, "test", "fixtures", "sites", "custom-devices.yaml");

const inputs = (over: Partial<PlanInputs> = {}): PlanInputs =>
  ({
    root: "/project",
    stack: "hw",
    file: "Pulumi.hw.yaml",
    config: { "homelab:site": '{"name":"hw"}' },
    secretKeys: [],
    loaded: { stack: "hw", peers: [] },
    ...over,
  }) as unknown as PlanInputs;

const planOf = (name: string): Plan => ({
  stack: "hw",
  project: "homelab",
  resources: [],
  outputs: { name },
});

/** An evaluation that counts its calls and writes a warning, as the SDK's log does. */
function counted(plan: () => Plan) {
  const calls = { count: 0 };
  const evaluate = () => {
    calls.count++;
    process.stderr.write(`warning: [runtime] evaluated ${calls.count}\n`);
    return Promise.resolve(plan());
  };
  return { calls, evaluate };
}

/** What code writes while `run` runs (not written). */
async function written(run: () => Promise<unknown>): Promise<string> {
  let text = "";
  const stop = listen((_, chunk) => {
    text += chunk;
    return true;
  });
  try {
    await run();
  } finally {
    stop();
  }
  return text;
}

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe("the plan memo's key", () => {
  it("is canonical: key order does not matter, what JSON would confuse does", () => {
    assert.equal(canonicalJson({ b: 1, a: [2, "x"] }), canonicalJson({ a: [2, "x"], b: 1 }));
    const distinct = [
      {},
      { a: undefined },
      { a: null },
      { a: 0 },
      { a: -0 },
      { a: Number.NaN },
      { a: "NaN" },
      { a: new Map([["k", 1]]) },
      { a: { k: 1 } },
      { a: new Set([1]) },
      { a: [1] },
    ].map(canonicalJson);
    assert.equal(new Set(distinct).size, distinct.length, distinct.join("\n"));
  });

  it("is none for inputs that are not plain data, and differs with every input", () => {
    assert.equal(memoKey(inputs({ loaded: { when: new Date(0) } as never })), undefined);
    assert.equal(memoKey(inputs({ loaded: { f: () => 1 } as never })), undefined);
    const base = memoKey(inputs());
    assert.match(base ?? "", /^[0-9a-f]{64}$/);
    assert.equal(memoKey(inputs()), base, "the same inputs, the same key");
    for (const changed of [
      inputs({ root: "/other" }),
      inputs({ stack: "hw2" }),
      inputs({ file: "other.yaml" }),
      inputs({ config: { "homelab:site": '{"name":"hx"}' } }),
      inputs({ secretKeys: ["homelab:token"] }),
      inputs({ loaded: { stack: "hw", peers: ["alexis"] } as never }),
    ]) {
      assert.notEqual(memoKey(changed), base, JSON.stringify(changed));
    }
  });

  it("differs with the environment a plan reads, not with the runner's own", () => {
    const base = memoKey(inputs());
    const withEnv = (name: string, value: string) => {
      const saved = process.env[name];
      process.env[name] = value;
      try {
        return memoKey(inputs());
      } finally {
        if (saved === undefined) delete process.env[name];
        else process.env[name] = saved;
      }
    };
    assert.notEqual(withEnv("HOMELAB_DEBUG_STACKS", "1"), base);
    assert.notEqual(withEnv("PULUMI_CONFIG_PASSPHRASE", "x"), base);
    assert.notEqual(withEnv("TZ", "Pacific/Chatham"), base);
    assert.equal(withEnv("HOMELAB_TEST_CPU_LOG", "/tmp/x"), base);
    assert.equal(memoKey(inputs()), base);
  });
});

describe("the plan memo", () => {
  it("evaluates a plan once; later ones are copies, with its output written again", async () => {
    const memo = createPlanMemo();
    const { calls, evaluate } = counted(() => planOf("first"));
    let first: Plan | undefined;
    const firstOutput = await written(async () => (first = await memo.plan(inputs(), evaluate)));
    let second: Plan | undefined;
    const secondOutput = await written(async () => (second = await memo.plan(inputs(), evaluate)));
    assert.equal(calls.count, 1);
    assert.equal(firstOutput, "warning: [runtime] evaluated 1\n");
    assert.equal(secondOutput, firstOutput, "the memo writes what the evaluation wrote");
    assert.deepEqual(second, first);
    assert.notEqual(second, first, "a copy of its own");
    (second!.outputs as Record<string, string>).name = "changed by a test";
    assert.deepEqual((await memo.plan(inputs(), evaluate)).outputs, { name: "first" });
    await memo.plan(inputs({ stack: "other" }), evaluate);
    assert.equal(calls.count, 2, "other inputs, another evaluation");
    assert.deepEqual(memo.stats, { hits: 2, misses: 2, unkept: 0 });
  });

  it("shares its plans with another process through its directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-memo-"));
    dirs.push(dir);
    const one = counted(() => planOf("shared"));
    await createPlanMemo({ dir }).plan(inputs(), one.evaluate);
    assert.equal(readdirSync(dir).filter((f) => f.endsWith(".json")).length, 1);
    const two = counted(() => planOf("another"));
    const other = createPlanMemo({ dir });
    const output = await written(async () => {
      assert.deepEqual((await other.plan(inputs(), two.evaluate)).outputs, { name: "shared" });
    });
    assert.equal(two.calls.count, 0);
    assert.equal(output, "warning: [runtime] evaluated 1\n");
  });

  it("keeps no plan that JSON would change, and none of inputs that are not plain data", async () => {
    const memo = createPlanMemo();
    const lossy = counted(() => ({ ...planOf("x"), outputs: { gone: undefined as never } }));
    await memo.plan(inputs(), lossy.evaluate);
    await memo.plan(inputs(), lossy.evaluate);
    assert.equal(lossy.calls.count, 2);
    const odd = counted(() => planOf("y"));
    const notPlain = inputs({ loaded: { at: new Date(0) } as never });
    await memo.plan(notPlain, odd.evaluate);
    await memo.plan(notPlain, odd.evaluate);
    assert.equal(odd.calls.count, 2);
    assert.deepEqual(memo.stats, { hits: 0, misses: 2, unkept: 4 });
  });

  it("keeps neither of two plans that run at once (their output cannot be told apart)", async () => {
    const memo = createPlanMemo();
    const one = counted(() => planOf("one"));
    const two = counted(() => planOf("two"));
    const slow = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return one.evaluate();
    };
    await written(() =>
      Promise.all([memo.plan(inputs(), slow), memo.plan(inputs({ stack: "two" }), two.evaluate)]),
    );
    assert.deepEqual(memo.stats, { hits: 0, misses: 1, unkept: 2 });
    // Each alone: evaluated again, then kept.
    for (let round = 0; round < 2; round++) {
      await written(() => memo.plan(inputs(), one.evaluate));
      await written(() => memo.plan(inputs({ stack: "two" }), two.evaluate));
    }
    assert.deepEqual([one.calls.count, two.calls.count], [2, 2]);
    assert.deepEqual(memo.stats, { hits: 2, misses: 3, unkept: 2 });
  });

  it("verify: evaluates every plan and fails when the memo holds another for the key", async () => {
    const memo = createPlanMemo({ verify: true });
    let name = "before";
    let warning = "warning: [runtime] the same\n";
    let calls = 0;
    const evaluate = () => {
      calls++;
      process.stderr.write(warning);
      return Promise.resolve(planOf(name));
    };
    await written(() => memo.plan(inputs(), evaluate));
    const output = await written(async () => {
      assert.deepEqual((await memo.plan(inputs(), evaluate)).outputs, { name: "before" });
    });
    assert.equal(calls, 2);
    assert.equal(output, warning, "written by the evaluation, once");
    warning = "warning: [runtime] another\n";
    await assert.rejects(
      written(() => memo.plan(inputs(), evaluate)),
      /differs from its memo/,
    );
    warning = "warning: [runtime] the same\n";
    name = "after";
    await assert.rejects(memo.plan(inputs(), evaluate), {
      message:
        "plan memo: hw (Pulumi.hw.yaml) planned again differs from its memo for the same key; " +
        "the key (test/helpers/plan-memo.ts) misses an input",
    });
  });
});

describe("planStack and the memo", () => {
  const global = globalThis as Record<symbol, unknown>;
  const installed = global[PLAN_MEMO];
  afterEach(() => {
    if (installed === undefined) delete global[PLAN_MEMO];
    else global[PLAN_MEMO] = installed;
  });

  it("asks the memo with the stack's inputs, and not for a plan with its own program", async () => {
    assert.equal(PLAN_MEMO, OFFLINE_PLAN_MEMO);
    const asked: PlanInputs[] = [];
    const memo = createPlanMemo();
    global[PLAN_MEMO] = {
      plan: (given: PlanInputs, evaluate: () => Promise<Plan>) => {
        asked.push(given);
        return memo.plan(given, evaluate);
      },
    };
    const first = await planStack(ROOT, "hw", SITE);
    const second = await planStack(ROOT, "hw", SITE);
    assert.deepEqual(second.plan, first.plan);
    assert.deepEqual(memo.stats, { hits: 1, misses: 1, unkept: 0 });
    assert.equal(asked.length, 2);
    assert.equal(asked[0]!.stack, "hw");
    assert.equal(asked[0]!.root, ROOT);
    assert.equal(asked[0]!.file, "test/fixtures/sites/custom-devices.yaml");
    assert.equal(asked[0]!.loaded, first.loaded, "the site the plan validated");
    const site = JSON.parse(asked[0]!.config["homelab:site"]!) as { name: string };
    assert.equal(site.name, "hw");
    assert.ok(first.plan.resources.some((r) => r.name.includes("z2m")));

    let ran = 0;
    await planStack(ROOT, "hw", SITE, async () => {
      ran++;
      return {};
    });
    assert.equal(ran, 1);
    assert.equal(asked.length, 2, "a plan with its own program is always evaluated");
  });

  it("evaluates without a memo: the program installs none", async () => {
    delete global[PLAN_MEMO];
    const { plan } = await planStack(ROOT, "hw", SITE);
    assert.ok(plan.resources.length > 2);
  });
});

/**
 * The test runner's plan memo (scripts/run-tests.mjs preloads this file): a stack that several
 * test files plan (the fixture home and annex sites, planned 18 times a run by a dozen files
 * and their CLI runs in process) is evaluated once per run, and every later plan of the same
 * inputs is a copy of that one, with what the evaluation wrote written again.
 *
 * src/cli/offline.ts (planStack) asks the memo installed under PLAN_MEMO, with the plan's
 * inputs: the project root, the stack, its file, the engine config and secret keys the
 * program gets, and the validated site (every file a plan reads is read while loading it,
 * before the program runs: the program is given the site, and reads no other file than the
 * project's code, such as the providers' sources it hashes for their version). The key is a
 * digest of those, of the environment variables that can change a plan (PULUMI_*, HOMELAB_*
 * but the runner's HOMELAB_TEST_*, TZ, LANG, LC_*) and of this file's version; the project's
 * code is the same for the whole run. A plan with its own `program` never reaches the memo.
 *
 * Plans are kept in memory and, to be shared by the run's processes, as files in the
 * directory HOMELAB_TEST_PLAN_MEMO names (the runner makes one per run and removes it after).
 * Nothing is kept when the inputs hold anything but plain data (a function, a class instance),
 * when the plan does not survive JSON as it is (an undefined property, a NaN), or when two
 * plans ran at once in the process (what each wrote cannot be told apart): those are
 * evaluated every time. HOMELAB_TEST_PLAN_MEMO=0 turns the memo off; with
 * HOMELAB_TEST_PLAN_MEMO_VERIFY=1 every plan is evaluated and a memo that holds another plan
 * or other output for the same key fails the test that planned (a missing input in the key).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import type { PlanInputs, PlanMemo } from "../../src/cli/offline";
import type { Plan } from "../../src/cli/mock-runtime";
import { listen, type Stream } from "./output";

/** src/cli/offline.ts's PLAN_MEMO (the same symbol; importing it would load the loader). */
export const PLAN_MEMO = Symbol.for("homelab.planMemo");

/** Changes when what the key covers or how a plan is kept changes. */
const MEMO_VERSION = 1;

/** What a plan's evaluation wrote, in order. */
type Writes = [Stream, string][];
interface Entry {
  readonly plan: string;
  readonly writes: Writes;
}

class NotPlainData extends Error {}

/**
 * JSON with sorted keys, and marks for what JSON would lose or confuse (undefined, -0, NaN,
 * Infinity, a Map, a Set); anything else that is not plain data throws NotPlainData.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return '{"$undefined":1}';
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    return Number.isFinite(value) && !Object.is(value, -0)
      ? JSON.stringify(value)
      : `{"$number":${JSON.stringify(String(Object.is(value, -0) ? "-0" : value))}}`;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value instanceof Map)
    return `{"$map":${canonicalJson([...(value as Map<unknown, unknown>)])}}`;
  if (value instanceof Set) return `{"$set":${canonicalJson([...(value as Set<unknown>)])}}`;
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      throw new NotPlainData(`a ${value.constructor?.name ?? "class"} instance`);
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(",")}}`;
  }
  throw new NotPlainData(`a ${typeof value}`);
}

/** The environment variables that can change a plan. */
function planEnvironment(): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("HOMELAB_TEST_")) continue;
    if (/^(PULUMI_|HOMELAB_|LC_)|^(TZ|LANG)$/.test(key)) out[key] = value;
  }
  return out;
}

/** The memo's key for `inputs`, or undefined when they are not plain data. */
export function memoKey(inputs: PlanInputs): string | undefined {
  try {
    const text = canonicalJson({ version: MEMO_VERSION, inputs, env: planEnvironment() });
    return createHash("sha256").update(text).digest("hex");
  } catch (error) {
    if (error instanceof NotPlainData) return undefined;
    throw error;
  }
}

/**
 * Runs `evaluate` and records what code writes to stdout and stderr meanwhile (still written;
 * test/helpers/output.ts).
 */
async function recording(evaluate: () => Promise<Plan>): Promise<{ plan: Plan; writes: Writes }> {
  const writes: Writes = [];
  const stop = listen((stream, text) => {
    writes.push([stream, text]);
    return false;
  });
  try {
    return { plan: await evaluate(), writes };
  } finally {
    stop();
  }
}

export interface MemoOptions {
  /** Where plans are shared with the run's other processes (none: this process only). */
  readonly dir?: string;
  /** Evaluate every plan, and fail on a memo that differs. */
  readonly verify?: boolean;
}

export interface MemoStats {
  hits: number;
  misses: number;
  /**
   * Plans evaluated and not kept: inputs or plan not plain data, or two plans at once (what
   * each wrote cannot be told apart).
   */
  unkept: number;
}

export function createPlanMemo(options: MemoOptions = {}): PlanMemo & { stats: MemoStats } {
  const entries = new Map<string, Entry>();
  const stats: MemoStats = { hits: 0, misses: 0, unkept: 0 };
  /** The evaluation being recorded; another plan meanwhile spoils its record of the output. */
  let recordingNow: { spoiled: boolean } | undefined;

  const lookUp = (key: string): Entry | undefined => {
    const known = entries.get(key);
    if (known || !options.dir) return known;
    try {
      const entry = JSON.parse(readFileSync(join(options.dir, `${key}.json`), "utf8")) as Entry;
      entries.set(key, entry);
      return entry;
    } catch {
      return undefined;
    }
  };

  const keep = (key: string, entry: Entry): void => {
    entries.set(key, entry);
    if (!options.dir) return;
    mkdirSync(options.dir, { recursive: true });
    const file = join(options.dir, `${key}.json`);
    // Another process may write the same plan at the same time: each renames its own whole file.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify(entry));
    renameSync(partial, file);
  };

  return {
    stats,
    async plan(inputs, evaluate) {
      if (recordingNow) recordingNow.spoiled = true;
      const key = recordingNow ? undefined : memoKey(inputs);
      if (key === undefined) {
        stats.unkept++;
        return evaluate();
      }
      const known = lookUp(key);
      if (known && !options.verify) {
        stats.hits++;
        for (const [name, text] of known.writes) process[name].write(text);
        return JSON.parse(known.plan) as Plan;
      }
      const record = { spoiled: false };
      recordingNow = record;
      let result: { plan: Plan; writes: Writes };
      try {
        result = await recording(evaluate);
      } finally {
        recordingNow = undefined;
      }
      const text = JSON.stringify(result.plan);
      if (known) {
        stats.hits++;
        if (known.plan !== text || !isDeepStrictEqual(known.writes, result.writes)) {
          throw new Error(
            `plan memo: ${inputs.stack} (${inputs.file}) planned again differs from its memo ` +
              `for the same key; the key (test/helpers/plan-memo.ts) misses an input`,
          );
        }
        return result.plan;
      }
      stats.misses++;
      if (!record.spoiled && isDeepStrictEqual(JSON.parse(text), result.plan)) {
        keep(key, { plan: text, writes: result.writes });
      } else {
        stats.unkept++;
      }
      return result.plan;
    },
  };
}

/** Installs a memo as the runner's preload does (HOMELAB_TEST_PLAN_MEMO=<dir>). */
export function installPlanMemo(options: MemoOptions): ReturnType<typeof createPlanMemo> {
  const memo = createPlanMemo(options);
  (globalThis as Record<symbol, unknown>)[PLAN_MEMO] = memo;
  return memo;
}

const dir = process.env.HOMELAB_TEST_PLAN_MEMO;
if (require.main !== module && dir && dir !== "0" && !(PLAN_MEMO in globalThis)) {
  installPlanMemo({ dir, verify: process.env.HOMELAB_TEST_PLAN_MEMO_VERIFY === "1" });
}

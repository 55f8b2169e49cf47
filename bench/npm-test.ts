/**
 * `npm test` as a user runs it: wall time, CPU time of the whole process tree and the peak
 * memory of its largest process (GNU time), and each step's wall time (from the summary line
 * of scripts/test.mjs, which runs the steps in parallel; a revision whose `npm test` chains
 * the steps is timed step by step instead). Slow (a minute or more), so `npm run bench` runs
 * it only with `--npm-test`. On a busy machine CPU time tells more than wall time: on N
 * quiet cores the run takes at least CPU / N.
 */
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { ROOT, ok, run, scriptEnv, type Timed } from "./command";
import type { BenchSuite, Figure } from "./types";

const s = (ms: number) => Math.round(ms / 100) / 10;

/** The scripts an `npm test` of the form `npm run a && npm run b ...` chains, or undefined. */
function chainedSteps(): string[] | undefined {
  const test = (
    JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    }
  ).scripts.test;
  const steps = (test ?? "").split("&&").map((p) => /^npm run (\S+)$/.exec(p.trim())?.[1]);
  return steps.every((x): x is string => x !== undefined) ? steps : undefined;
}

function figure(name: string, result: Timed, extra: Record<string, string | number> = {}): Figure {
  return {
    name,
    value: s(result.wall),
    unit: "s",
    detail: {
      "CPU s": result.cpu === undefined ? "n/a" : s(result.cpu),
      "peak MiB": result.maxRssMiB === undefined ? "n/a" : Math.round(result.maxRssMiB),
      ...extra,
    },
  };
}

export const npmTestSuite: BenchSuite = {
  name: "npm test (wall and CPU time)",
  async run(): Promise<Figure[]> {
    const load = loadavg()[0]!.toFixed(2);
    const cores = availableParallelism();
    const chained = chainedSteps();
    const results = (chained ?? ["test"]).map((step) => ({
      step,
      result: ok(run(["npm", "run", "-s", step], { env: scriptEnv(), measure: true }), step),
    }));
    const wall = results.reduce((sum, r) => sum + r.result.wall, 0);
    const cpu = results.reduce((sum, r) => sum + (r.result.cpu ?? NaN), 0);
    const figures = chained ? results.map((r) => figure(`npm run ${r.step}`, r.result)) : [];
    const steps = /\nnpm test: (.*); [\d.]+ s in all\n/.exec(results[0]!.result.stdout)?.[1];
    figures.push({
      name: "npm test",
      value: s(wall),
      unit: "s",
      detail: {
        "CPU s": s(cpu),
        [`CPU / ${cores} cores, s`]: s(cpu / cores),
        "peak MiB": Math.round(Math.max(...results.map((r) => r.result.maxRssMiB ?? NaN))),
        "load average at start": load,
        ...(steps ? { steps } : {}),
      },
    });
    return figures;
  },
};

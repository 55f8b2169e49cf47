/**
 * `npm test`, step by step (each package.json script `npm test` runs, through npm as a user
 * runs it): wall time, CPU time of the whole process tree and the peak memory of its largest
 * process. Slow (a minute or more), so `npm run bench` runs it only with `--npm-test`. CPU
 * time tells what a quiet machine would take when other work shares this one: on 2 cores,
 * wall ≥ CPU / 2.
 */
import { availableParallelism, loadavg } from "node:os";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, ok, run, scriptEnv } from "./command";
import type { BenchSuite, Figure } from "./types";

/** The scripts `npm test` chains with `&&` (`npm run <name>` each). */
function steps(): string[] {
  const scripts = (
    JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  return (scripts.test ?? "")
    .split("&&")
    .map((s) => /^npm run (\S+)$/.exec(s.trim())?.[1])
    .filter((s): s is string => s !== undefined);
}

export const npmTestSuite: BenchSuite = {
  name: "npm test (wall and CPU time, step by step)",
  async run(): Promise<Figure[]> {
    const figures: Figure[] = [];
    let wall = 0;
    let cpu = 0;
    const load = loadavg()[0]!.toFixed(2);
    for (const step of steps()) {
      const result = ok(run(["npm", "run", "-s", step], { env: scriptEnv(), measure: true }), step);
      wall += result.wall;
      cpu += result.cpu ?? NaN;
      figures.push({
        name: `npm run ${step}`,
        value: Math.round(result.wall / 100) / 10,
        unit: "s",
        detail: {
          "CPU s": result.cpu === undefined ? "n/a" : (result.cpu / 1000).toFixed(1),
          "peak MiB": result.maxRssMiB === undefined ? "n/a" : Math.round(result.maxRssMiB),
        },
      });
    }
    const cores = availableParallelism();
    figures.push({
      name: "npm test (sum of the steps)",
      value: Math.round(wall / 100) / 10,
      unit: "s",
      detail: {
        "CPU s": (cpu / 1000).toFixed(1),
        [`CPU / ${cores} cores, s`]: (cpu / 1000 / cores).toFixed(1),
        "load average at start": load,
      },
    });
    return figures;
  },
};

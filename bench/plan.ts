/**
 * The offline plan of each example stack against the floor: a bare
 * `node -e 'require("@pulumi/pulumi")'`, the least any tool using the SDK costs. Runs are
 * interleaved (floor, home, annex, floor, ...) so that the machine's load hits every command
 * alike, and figures are medians; the ratio is of medians. The plan runs the command of
 * package.json's `plan` script (without npm: a user pays npm's start-up on top, shown once
 * for scale). Peak memory and CPU time come from GNU time, in separate runs.
 */
import { loadavg } from "node:os";
import { ok, run, scriptCommand, scriptEnv } from "./command";
import { median, type BenchSuite, type Figure } from "./types";

const STACKS = ["home", "annex"] as const;

export function runsFromEnv(fallback: number): number {
  const runs = Number(process.env.BENCH_RUNS ?? fallback);
  return Number.isInteger(runs) && runs > 0 ? runs : fallback;
}

function floor(measure = false) {
  return ok(run([process.execPath, "-e", 'require("@pulumi/pulumi")'], { measure }), "floor");
}

function plan(stack: string, measure = false) {
  const result = ok(run(scriptCommand("plan", ["--stack", stack, "--json"]), { measure }), stack);
  const resources = (JSON.parse(result.stdout) as { resources: unknown[] }).resources.length;
  return { ...result, resources };
}

export const planSuite: BenchSuite = {
  name: "offline plan of the example stacks against the floor",
  async run(): Promise<Figure[]> {
    const runs = runsFromEnv(7);
    const load = loadavg()[0]!.toFixed(2);
    floor();
    for (const stack of STACKS) plan(stack); // warm the disk and the transform caches
    const times: Record<string, number[]> = { floor: [], home: [], annex: [] };
    const resources: Record<string, number> = {};
    for (let i = 0; i < runs; i++) {
      times.floor!.push(floor().wall);
      for (const stack of STACKS) {
        const result = plan(stack);
        times[stack]!.push(result.wall);
        resources[stack] = result.resources;
      }
    }
    const floorMs = median(times.floor!);
    const figures: Figure[] = [
      {
        name: `floor: node -e 'require("@pulumi/pulumi")'`,
        value: floorMs,
        unit: "ms",
        detail: { runs, "load average": load, "peak MiB": floor(true).maxRssMiB ?? "n/a" },
      },
    ];
    for (const stack of STACKS) {
      const ms = median(times[stack]!);
      const measured = plan(stack, true);
      figures.push({
        name: `plan --stack ${stack} --json / floor`,
        value: Number((ms / floorMs).toFixed(2)),
        unit: "x",
        detail: {
          ms: Math.round(ms),
          resources: resources[stack]!,
          "CPU ms": measured.cpu === undefined ? "n/a" : Math.round(measured.cpu),
          "peak MiB": measured.maxRssMiB === undefined ? "n/a" : Math.round(measured.maxRssMiB),
          command: scriptCommand("plan").join(" ").replace(process.execPath, "node"),
        },
      });
    }
    const npm = [0, 1, 2].map(
      () =>
        ok(
          run(["npm", "run", "-s", "plan", "--", "--stack", "home", "--json"], {
            env: scriptEnv(),
          }),
          "npm run plan",
        ).wall,
    );
    figures.push({
      name: "npm run plan -- --stack home --json (npm's start-up included)",
      value: Math.round(median(npm)),
      unit: "ms",
      detail: { runs: 3 },
    });
    return figures;
  },
};

/**
 * The offline plan of each example stack against the floor: a bare
 * `node -e 'require("@pulumi/pulumi")'`, the least any tool using the SDK costs. Runs are
 * interleaved (floor, home, annex, floor, ...) so that the machine's load hits every command
 * alike, and figures are medians; the ratio is of medians. The plan runs the command of
 * package.json's `plan` script (without npm: a user pays npm's start-up on top, shown once
 * for scale). Every run is timed by GNU time (when installed): CPU time (the whole process
 * tree, less sensitive than wall time to a busy machine) and peak memory. On a busy machine
 * the ratio of the best runs is shown too (the least disturbed run of each command).
 */
import { loadavg } from "node:os";
import { ok, run, scriptCommand, scriptEnv, type Timed } from "./command";
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

const round = (n: number | undefined) => (n === undefined ? "n/a" : Math.round(n));

export const planSuite: BenchSuite = {
  name: "offline plan of the example stacks against the floor",
  async run(): Promise<Figure[]> {
    const runs = runsFromEnv(7);
    const load = loadavg()[0]!.toFixed(2);
    floor();
    for (const stack of STACKS) plan(stack); // warm the disk and the transform caches
    const names = ["floor", ...STACKS] as const;
    const samples = new Map(names.map((n) => [n, [] as Timed[]]));
    const resources: Record<string, number> = {};
    for (let i = 0; i < runs; i++) {
      samples.get("floor")!.push(floor(true));
      for (const stack of STACKS) {
        const result = plan(stack, true);
        samples.get(stack)!.push(result);
        resources[stack] = result.resources;
      }
    }
    const med = (name: (typeof names)[number], key: "wall" | "cpu" | "maxRssMiB") => {
      const values = samples.get(name)!.map((s) => s[key]);
      return values.every((v) => v !== undefined) ? median(values) : undefined;
    };
    /** The least disturbed run: on a busy machine, the closest to a quiet one. */
    const best = (name: (typeof names)[number]) =>
      Math.min(...samples.get(name)!.map((s) => s.wall));
    const floorMs = med("floor", "wall")!;
    const floorCpu = med("floor", "cpu");
    const figures: Figure[] = [
      {
        name: `floor: node -e 'require("@pulumi/pulumi")'`,
        value: Math.round(floorMs),
        unit: "ms",
        detail: {
          "CPU ms": round(floorCpu),
          "peak MiB": round(med("floor", "maxRssMiB")),
          runs,
          "load average": load,
        },
      },
    ];
    for (const stack of STACKS) {
      const ms = med(stack, "wall")!;
      const cpu = med(stack, "cpu");
      figures.push({
        name: `plan --stack ${stack} --json / floor`,
        value: Number((ms / floorMs).toFixed(2)),
        unit: "x",
        detail: {
          ms: Math.round(ms),
          "best / floor's best": (best(stack) / best("floor")).toFixed(2),
          "CPU ms": round(cpu),
          "CPU / floor's": cpu && floorCpu ? (cpu / floorCpu).toFixed(2) : "n/a",
          "peak MiB": round(med(stack, "maxRssMiB")),
          resources: resources[stack]!,
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

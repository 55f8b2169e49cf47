/**
 * Offline plan of each example stack, in a fresh process each run (what a user waits for:
 * tsx start-up, SDK and provider packages loading, validation, the program under mocks),
 * next to a bare `require("@pulumi/pulumi")` for scale.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { measure, type BenchSuite, type Figure } from "./types";

const ROOT = join(__dirname, "..");
const RUNS = 3;

function node(args: string[]): string {
  const result = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

export const planSuite: BenchSuite = {
  name: "offline plan of the example stacks",
  async run(): Promise<Figure[]> {
    const figures: Figure[] = [
      {
        name: `node -e 'require("@pulumi/pulumi")'`,
        value: await measure(RUNS, () => node(["-e", 'require("@pulumi/pulumi")'])),
        unit: "ms",
      },
    ];
    for (const stack of ["home", "annex"]) {
      let resources = 0;
      const plan = () => {
        const out = node(["--import", "tsx", "src/cli/plan.ts", "--stack", stack, "--json"]);
        resources = (JSON.parse(out) as { resources: unknown[] }).resources.length;
      };
      const wall = await measure(RUNS, plan);
      figures.push({
        name: `plan --stack ${stack} --json (fresh process)`,
        value: wall,
        unit: "ms",
        detail: { resources, "ms/resource": resources ? Number((wall / resources).toFixed(2)) : 0 },
      });
    }
    return figures;
  },
};

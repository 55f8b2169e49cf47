/**
 * `npm run bench [-- --json] [--only <text>] [--npm-test]`: runs the benchmark suites and
 * prints their figures (a table, or one JSON document). Figures belong in closing notes,
 * never in timed unit tests. `--npm-test` adds the (slow) timing of `npm test`;
 * BENCH_RUNS=<n> sets the number of runs of the start-up suites.
 */
import { cpus } from "node:os";
import { parseCli, runCli } from "../src/cli/common";
import { npmTestSuite } from "./npm-test";
import { suites } from "./suites";
import type { Figure } from "./types";

const USAGE = `usage: npm run bench [-- --json] [--only <suite name part>] [--npm-test]`;

function format(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1);
}

/** The command, given the arguments after its name (sets `process.exitCode`). */
export const main = (argv: string[]): Promise<void> =>
  runCli(USAGE, async () => {
    const values = parseCli(argv, USAGE, {
      json: { type: "boolean", default: false },
      only: { type: "string" },
      "npm-test": { type: "boolean", default: false },
    });
    const results: { suite: string; figures: Figure[] }[] = [];
    for (const suite of values["npm-test"] ? [...suites, npmTestSuite] : suites) {
      if (values.only && !suite.name.includes(values.only)) continue;
      if (!values.json) process.stdout.write(`\n${suite.name}\n`);
      const figures = await suite.run();
      results.push({ suite: suite.name, figures });
      if (!values.json) {
        for (const f of figures) {
          const detail = f.detail
            ? `  (${Object.entries(f.detail)
                .map(([k, v]) => `${k}: ${v}`)
                .join(", ")})`
            : "";
          process.stdout.write(`  ${f.name}: ${format(f.value)} ${f.unit}${detail}\n`);
        }
      }
    }
    const machine = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? "?" };
    if (values.json) process.stdout.write(JSON.stringify({ machine, results }, null, 2) + "\n");
    else
      process.stdout.write(`\nmachine: node ${machine.node}, ${machine.cpus} x ${machine.cpu}\n`);
    return 0;
  });

if (require.main === module) void main(process.argv.slice(2));

/**
 * The services model of the example stacks in-process (validation, catalog and the model, no
 * Pulumi): how much of a plan's time the services domain itself takes.
 */
import { join } from "node:path";
import { loadSite, stackFileSource } from "../src/config/load";
import { buildModel } from "../src/model";
import { measure, type BenchSuite, type Figure } from "./types";

const ROOT = join(__dirname, "..");
const RUNS = 20;

export const servicesSuite: BenchSuite = {
  name: "services model (in-process)",
  async run(): Promise<Figure[]> {
    const figures: Figure[] = [];
    for (const stack of ["home", "annex"]) {
      const file = `Pulumi.${stack}.yaml`;
      let containers = 0;
      const wall = await measure(RUNS, () => {
        const model = buildModel(
          loadSite(stackFileSource(join(ROOT, file), stack, file), {
            root: ROOT,
            requireSecrets: false,
          }),
        ).model;
        containers = model.services?.stacks.reduce((n, s) => n + s.containers.length, 0) ?? 0;
      });
      figures.push({
        name: `load + validate + model ${stack}`,
        value: wall,
        unit: "ms",
        detail: { containers },
      });
    }
    return figures;
  },
};

/** Every benchmark suite `npm run bench` runs, in order. Add yours here. */
import { addressPlanSuite } from "./address-plan";
import { planSuite } from "./plan";
import type { BenchSuite } from "./types";

export const suites: BenchSuite[] = [planSuite, addressPlanSuite];

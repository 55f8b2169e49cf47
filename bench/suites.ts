/** Every benchmark suite `npm run bench` runs, in order. Add yours here. */
import { planSuite } from "./plan";
import { reviewSuite } from "./review";
import type { BenchSuite } from "./types";

export const suites: BenchSuite[] = [planSuite, reviewSuite];

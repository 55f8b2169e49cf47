/** Every benchmark suite `npm run bench` runs, in order. Add yours here. */
import { federationSuite } from "./federation";
import { planSuite } from "./plan";
import { reviewSuite } from "./review";
import { servicesSuite } from "./services";
import type { BenchSuite } from "./types";

export const suites: BenchSuite[] = [planSuite, servicesSuite, federationSuite, reviewSuite];

/** Every benchmark suite `npm run bench` runs, in order. Add yours here. */
import { addressPlanSuite } from "./address-plan";
import { engineSuite } from "./engine";
import { federationSuite } from "./federation";
import { fortigateSuite } from "./fortigate";
import { generatedSuite } from "./generated";
import { planSuite } from "./plan";
import { previewSuite } from "./preview";
import { reviewSuite } from "./review";
import { servicesSuite } from "./services";
import type { BenchSuite } from "./types";
import { unifiSuite } from "./unifi";

export const suites: BenchSuite[] = [
  planSuite,
  previewSuite,
  generatedSuite,
  servicesSuite,
  federationSuite,
  addressPlanSuite,
  fortigateSuite,
  unifiSuite,
  engineSuite,
  reviewSuite,
];

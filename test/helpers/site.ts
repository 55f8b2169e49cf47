/** The validated model of an example stack of the project, as the program builds it. */
import { join } from "node:path";
import { stackFileSource } from "../../src/config/load";
import { evaluateSite } from "../../src/evaluate";
import type { SiteModel } from "../../src/model";

export const ROOT = join(__dirname, "..", "..");

export function siteModel(stack: string): SiteModel {
  const file = `Pulumi.${stack}.yaml`;
  return evaluateSite(stackFileSource(join(ROOT, file), stack, file), {
    root: ROOT,
    requireSecrets: false,
  }).model;
}

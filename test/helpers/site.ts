/** The validated model of an example stack of the project, as the program builds it. */
import { join } from "node:path";
import { loadSite, stackFileSource } from "../../src/config/load";
import { buildModel, type SiteModel } from "../../src/model";

export const ROOT = join(__dirname, "..", "..");

export function siteModel(stack: string): SiteModel {
  const file = `Pulumi.${stack}.yaml`;
  return buildModel(
    loadSite(stackFileSource(join(ROOT, file), stack, file), { root: ROOT, requireSecrets: false }),
  );
}

/** The validated model of a stack file (a fixture site), as the program builds it. */
import { stackFileSource } from "../../src/config/load";
import { evaluateSite } from "../../src/evaluate";
import type { SiteModel } from "../../src/model";
import { ROOT, pathOf, type StackFile } from "./sites";

export function siteModel(site: StackFile): SiteModel {
  return evaluateSite(stackFileSource(pathOf(site), site.stack, site.file), {
    root: ROOT,
    requireSecrets: false,
  }).model;
}

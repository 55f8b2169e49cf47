/**
 * A site from its configuration source to its model, in one step: the configuration rules
 * (src/config: schemas, their refinements, the rules across sections, the registry, the
 * secrets), then, when the configuration is sound, the derivations (src/model) with the
 * problems only they can see. Every problem of both comes out together, positioned in the
 * stack file or the registry. The program, `npm run check` and `npm run plan` all go
 * through here, so `check` refuses whatever `plan` refuses.
 */
import {
  checkSite,
  siteError,
  type ConfigSource,
  type LoadOptions,
  type LoadedSite,
  type SiteCheck,
} from "./config/load";
import { buildModel, type BuildOptions, type BuiltModel, type SiteModel } from "./model";

export interface EvaluateOptions extends LoadOptions, BuildOptions {}

export interface EvaluatedSite {
  readonly loaded: LoadedSite;
  readonly model: SiteModel;
}

/** Loads, validates and models a site. Throws ConfigError with every problem. */
export function evaluateSite(source: ConfigSource, options: EvaluateOptions): EvaluatedSite {
  const check = checkSite(source, options);
  const built = check.site && check.derivable ? buildModel(check.site, options) : undefined;
  return evaluated(check, built);
}

/**
 * `evaluateSite` for the program, which decides some model inputs from the loaded site
 * before the model exists (the UniFi firewall generation: it asks the controller, so only
 * once the configuration is sound).
 */
export async function evaluateSiteWith(
  source: ConfigSource,
  options: LoadOptions,
  decide: (loaded: LoadedSite) => Promise<BuildOptions>,
): Promise<EvaluatedSite> {
  const check = checkSite(source, options);
  const built =
    check.site && check.derivable ? buildModel(check.site, await decide(check.site)) : undefined;
  return evaluated(check, built);
}

function evaluated(check: SiteCheck, built: BuiltModel | undefined): EvaluatedSite {
  const problems = [...check.problems, ...(built?.problems ?? [])];
  if (problems.length > 0 || !check.site || !built) throw siteError(check, problems);
  return { loaded: check.site, model: built.model };
}

/**
 * `npm run check`: validates every `Pulumi.*.yaml` in the project together with the
 * federation registry (or one stack with `--stack`). Prints the full report and exits 1 on
 * any problem; otherwise one line per stack and the secrets each needs for a real run.
 */
import { ConfigError, formatReport, type Problem } from "../config/errors";
import { readRegistry } from "../config/registry";
import { setSecretCommand } from "../config/secrets";
import type { LoadedSite } from "../config/load";
import { projectRoot, parseCli, runCli, stackNames, stackOption } from "./common";
import { loadOffline } from "./offline-stack";

const USAGE = `usage: npm run check [-- --quiet] [--stack <name> [--config <file>]]

Validates every Pulumi.<stack>.yaml and stacks/federation.yaml together, or one stack.
  --quiet           print only problems
  --stack <name>    check only this stack (reads Pulumi.<name>.yaml and its registry)
  --config <file>   read this stack file instead`;

export const REGISTRY_FILE = "stacks/federation.yaml";

export interface CheckResult {
  readonly sites: LoadedSite[];
  readonly problems: Problem[];
}

const problemKey = (p: Problem): string => JSON.stringify([p.file, p.path, p.message]);

/** Validates every stack of the project and the registry. */
export function checkProject(root: string): CheckResult {
  const problems: Problem[] = [];
  const sites: LoadedSite[] = [];
  const registry = readRegistry(root, REGISTRY_FILE, { insideProject: true });
  if ("unreadable" in registry) {
    if (!registry.missing)
      problems.push({
        file: REGISTRY_FILE,
        path: [],
        message: `${REGISTRY_FILE} ${registry.unreadable}`,
      });
  } else {
    problems.push(...registry.problems);
  }
  for (const stack of stackNames(root)) {
    try {
      sites.push(loadOffline(root, stack).loaded);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // A registry's problems are reported once (every member's stack repeats them).
      const seen = new Set(problems.map(problemKey));
      problems.push(...error.problems.filter((p) => !seen.has(problemKey(p))));
    }
  }
  return { sites, problems };
}

/**
 * Validates one stack (its file, its registry) exactly as `npm run plan` does before it runs
 * the program: the same problems, or the site.
 */
export function checkStack(root: string, stack: string, configFile?: string): CheckResult {
  try {
    return { sites: [loadOffline(root, stack, configFile).loaded], problems: [] };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { sites: [], problems: [...error.problems] };
  }
}

/** The command, given the arguments after its name (sets `process.exitCode`). */
export const main = (argv: string[]): Promise<void> =>
  runCli(USAGE, () => {
    const values = parseCli(argv, USAGE, {
      quiet: { type: "boolean", short: "q", default: false },
      stack: { type: "string" },
      config: { type: "string" },
    });
    const root = projectRoot();
    const stack = stackOption(root, values.stack, values.config);
    const { sites, problems } =
      stack === undefined ? checkProject(root) : checkStack(root, stack, values.config);
    if (problems.length > 0) {
      process.stderr.write(formatReport(problems));
      return 1;
    }
    if (!values.quiet) {
      for (const site of sites) {
        process.stdout.write(
          `ok  ${site.file}  (site ${site.config.site.name}${site.registry && site.config.federation ? `, member ${site.config.federation.member} with ${site.peers.length} peers` : ""})\n`,
        );
        if (site.missingSecrets.length > 0) {
          process.stdout.write(`    secrets to set before a real run:\n`);
          for (const secret of site.missingSecrets) {
            process.stdout.write(`      ${setSecretCommand(secret, site.stack)}\n`);
          }
        }
      }
      if (stack === undefined) process.stdout.write(`ok  ${REGISTRY_FILE}\n`);
    }
    return 0;
  });

if (require.main === module) void main(process.argv.slice(2));

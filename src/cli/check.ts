/**
 * `npm run check`: validates every `Pulumi.*.yaml` in the project together with the
 * federation registry. Prints the full report and exits 1 on any problem; otherwise one
 * line per stack and the secrets each needs for a real run.
 */
import { ConfigError, formatReport, type Problem } from "../config/errors";
import { readRegistry } from "../config/registry";
import { setSecretCommand } from "../config/secrets";
import type { LoadedSite } from "../config/load";
import { projectRoot, parseCli, runCli, stackNames } from "./common";
import { loadOffline } from "./offline-stack";

const USAGE = `usage: npm run check [-- --quiet]

Validates every Pulumi.<stack>.yaml and stacks/federation.yaml together.
  --quiet   print only problems`;

export const REGISTRY_FILE = "stacks/federation.yaml";

export interface CheckResult {
  readonly sites: LoadedSite[];
  readonly problems: Problem[];
}

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
      // Registry problems are reported once, above.
      problems.push(...error.problems.filter((p) => p.file !== REGISTRY_FILE));
    }
  }
  return { sites, problems };
}

/** The command, given the arguments after its name (sets `process.exitCode`). */
export const main = (argv: string[]): Promise<void> =>
  runCli(USAGE, () => {
    const values = parseCli(argv, USAGE, {
      quiet: { type: "boolean", short: "q", default: false },
    });
    const root = projectRoot();
    const { sites, problems } = checkProject(root);
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
      process.stdout.write(`ok  ${REGISTRY_FILE}\n`);
    }
    return 0;
  });

if (require.main === module) void main(process.argv.slice(2));

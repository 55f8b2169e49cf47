/**
 * `npm run schema [-- --check]`: writes the JSON Schemas of the stack files and the
 * federation registry to stacks/schema/ (for editors), or checks they are up to date.
 */
import { schemaFiles } from "../config/json-schema";
import { projectRoot, parseCli, runCli, syncGeneratedFiles } from "./common";

const USAGE = `usage: npm run schema [-- --check]

  --check   exit 1 if the committed schemas differ from the zod model`;

/** The command, given the arguments after its name (sets `process.exitCode`). */
export const main = (argv: string[]): Promise<void> =>
  runCli(USAGE, () => {
    const values = parseCli(argv, USAGE, {
      check: { type: "boolean", default: false },
    });
    const stale = syncGeneratedFiles(projectRoot(), schemaFiles(), values.check, "npm run schema");
    return values.check && stale > 0 ? 1 : 0;
  });

if (require.main === module) void main(process.argv.slice(2));

/**
 * `npm run schema [-- --check]`: writes the JSON Schemas of the stack files and the
 * federation registry to stacks/schema/ (for editors), or checks they are up to date.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { schemaFiles } from "../config/json-schema";
import { projectRoot, parseCli, runCli } from "./common";

const USAGE = `usage: npm run schema [-- --check]

  --check   exit 1 if the committed schemas differ from the zod model`;

if (require.main === module)
  runCli(USAGE, () => {
    const values = parseCli(process.argv.slice(2), USAGE, {
      check: { type: "boolean", default: false },
    });
    const root = projectRoot();
    let stale = 0;
    for (const [file, content] of Object.entries(schemaFiles())) {
      const path = join(root, file);
      if (values.check) {
        let current = "";
        try {
          current = readFileSync(path, "utf8");
        } catch {
          current = "";
        }
        if (current !== content) {
          process.stderr.write(`${file} is stale: run npm run schema\n`);
          stale++;
        }
      } else {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, content);
        process.stdout.write(`wrote ${file}\n`);
      }
    }
    return stale > 0 ? 1 : 0;
  });

/**
 * `npm run diagram -- --stack <name> [--format mermaid|svg] [--view site|federation]
 *  [--out <file>] [--config <file>]`
 *
 * Draws a site (its networks, router, machines, services and how they are exposed) or the
 * federation it belongs to (members, tunnels, prefixes), from the validated configuration:
 * Mermaid text (GitHub renders it) or an SVG laid out in-process.
 */
import { writeFileSync } from "node:fs";
import { ConfigError } from "../config/errors";
import type { Registry } from "../config/federation";
import { configKey } from "../config/stack";
import { federationDiagram, siteDiagram, type Diagram, type TunnelInfo } from "../diagram/graph";
import { toMermaid } from "../diagram/mermaid";
import { toSvg } from "../diagram/svg";
import type { SiteModel } from "../model";
import { derivePeerings } from "../model/federation";
import { oneOf, parseCli, projectRoot, runCli, stackOption, UsageError } from "./common";
import { loadOffline } from "./offline";

const USAGE = `usage: npm run diagram -- --stack <name> [--format mermaid|svg] [--view site|federation]
                        [--out <file>] [--config <file>]

  --stack <name>    stack to draw (reads Pulumi.<name>.yaml)
  --format <f>      mermaid (default: text GitHub renders) or svg
  --view <v>        site (default: networks, machines, services) or federation
  --out <file>      write to this file instead of stdout
  --config <file>   read this stack file instead`;

export const FORMATS = ["mermaid", "svg"] as const;
export const VIEWS = ["site", "federation"] as const;
export type Format = (typeof FORMATS)[number];
export type View = (typeof VIEWS)[number];

type Derive = (registry: Registry, member: string) => readonly TunnelInfo[];

/**
 * Where the federation view gets its tunnel addresses: the registry derivation of each
 * member (the one every member's stack applies); a member it cannot derive gets none.
 */
export function tunnelSource(
  model: SiteModel,
  derive: Derive = derivePeerings,
): ((member: string) => readonly TunnelInfo[] | undefined) | undefined {
  const registry = model.registry;
  if (!registry) return undefined;
  return (member) => {
    try {
      return derive(registry, member);
    } catch {
      return undefined;
    }
  };
}

/** The diagram of a view of a validated site (throws ConfigError when the view has nothing). */
export function diagramOf(model: SiteModel, file: string, view: View): Diagram {
  if (view === "site") return siteDiagram(model);
  const membership = model.config.federation;
  if (!membership || !model.registry) {
    throw new ConfigError(
      [
        {
          file,
          path: [configKey("federation")],
          message: `is not set: stack "${model.stack}" is not a federation member, so it has no federation view (draw a member's stack, or add homelab:federation { member: <id> })`,
        },
      ],
      "Cannot draw the federation view",
    );
  }
  return federationDiagram(model.registry, {
    member: membership.member,
    tunnelsOf: tunnelSource(model),
  });
}

/** Renders a diagram in a format. */
export function render(diagram: Diagram, format: Format): string {
  return format === "svg" ? toSvg(diagram) : toMermaid(diagram);
}

/** The command, given the arguments after its name (sets `process.exitCode`). */
export const main = (argv: string[]): Promise<void> =>
  runCli(USAGE, () => {
    const values = parseCli(argv, USAGE, {
      stack: { type: "string" },
      format: { type: "string" },
      view: { type: "string" },
      out: { type: "string" },
      config: { type: "string" },
    });
    if (!values.stack) throw new UsageError("--stack is required");
    const format = oneOf("--format", values.format, FORMATS, "mermaid");
    const view = oneOf("--view", values.view, VIEWS, "site");
    const root = projectRoot();
    const stack = stackOption(root, values.stack, values.config)!;
    const { loaded, model } = loadOffline(root, stack, values.config);
    const text = render(diagramOf(model, loaded.file, view), format);
    if (values.out) {
      writeFileSync(values.out, text);
      process.stdout.write(`wrote ${values.out}\n`);
    } else process.stdout.write(text);
    return 0;
  });

if (require.main === module) void main(process.argv.slice(2));

/**
 * The Pulumi program: load, validate and model the site (src/evaluate.ts), instantiate the
 * root component, return the stack outputs. The same function runs under the real engine and
 * under the offline plan's mock runtime.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Homelab } from "./components/homelab";
import { runtimeSecrets } from "./components/secrets";
import { resolveFirewallMode } from "./components/unifi/firewall-mode";
import { ConfigError } from "./config/errors";
import { runtimeSource } from "./config/runtime-source";
import { readYaml, type YamlFile } from "./config/yaml";
import { evaluateSiteWith, type EvaluatedSite } from "./evaluate";
import { formatPrefix } from "./lib/net";
import { tuneSdkRuntime } from "./lib/sdk-runtime";

tuneSdkRuntime();

/**
 * Set (in-process, never from the environment) by the offline tools before they run the
 * program under mocks: secrets may be placeholders, and the stack file is already parsed.
 */
export interface OfflineContext {
  readonly root: string;
  readonly file: string;
  readonly yaml?: YamlFile;
  /**
   * The site, already validated and modelled from the same configuration (offline, the
   * UniFi firewall generation is the configured or assumed one either way).
   */
  readonly evaluated?: EvaluatedSite;
}

const OFFLINE = Symbol.for("homelab.offline-context");

export function setOfflineContext(context: OfflineContext | undefined): void {
  (globalThis as Record<symbol, unknown>)[OFFLINE] = context;
}

function offlineContext(): OfflineContext | undefined {
  return (globalThis as Record<symbol, unknown>)[OFFLINE] as OfflineContext | undefined;
}

/**
 * Loads and models the site from the runtime config; configuration problems (the rules of
 * the derivations included) end the run cleanly.
 */
export async function evaluateFromRuntime(): Promise<EvaluatedSite> {
  const offline = offlineContext();
  if (offline?.evaluated) return offline.evaluated;
  const stack = pulumi.getStack();
  const root = offline?.root ?? process.cwd();
  const file = offline?.file ?? `Pulumi.${stack}.yaml`;
  const stackPath = join(root, file);
  const yaml = offline
    ? offline.yaml
    : existsSync(stackPath)
      ? readYaml(stackPath, file)
      : undefined;
  try {
    // The UniFi firewall generation is decided before the model: it changes which
    // resources there are (a real run asks the controller).
    return await evaluateSiteWith(
      runtimeSource(stack, file, yaml),
      { root, requireSecrets: offline === undefined },
      async (loaded) => ({
        unifiFirewall: loaded.config.unifi
          ? await resolveFirewallMode(loaded.config.unifi, {
              offline: offline !== undefined,
              ca: loaded.certificates.unifi,
            })
          : undefined,
      }),
    );
  } catch (error) {
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}

export async function main(): Promise<Record<string, unknown>> {
  const { loaded, model } = await evaluateFromRuntime();
  const homelab = new Homelab(model.config.site.name, {
    model,
    secrets: runtimeSecrets(loaded.secrets.map((s) => s.name)),
    root: loaded.root,
  });
  return {
    ...(homelab.unifi ? { unifi: homelab.unifi.summary } : {}),
    site: homelab.site,
    domains: model.config.site.domains,
    networks: model.networks.map((n) => ({
      name: n.name,
      kind: n.kind,
      prefixes: n.prefixes.map(formatPrefix),
    })),
    federationPeers: model.peers,
    ...(model.services
      ? {
          services: {
            stacks: model.services.stacks.map((s) => s.name),
            routes: model.services.routes.map((r) => r.hostname),
            internalRecords: model.services.internalRecords,
          },
          // Generated passwords (admin logins among them): pulumi stack output --show-secrets
          generatedSecrets: pulumi.secret(homelab.services?.generated ?? {}),
        }
      : {}),
  };
}

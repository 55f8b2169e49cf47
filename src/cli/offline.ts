/**
 * Offline evaluation of a stack: validate its file, then run the real program under
 * Pulumi's mock runtime with the file's configuration. Secrets are never decrypted here:
 * set ones and missing ones alike become placeholders marked secret.
 */
import { join, isAbsolute } from "node:path";
import { loadSite, stackFileSource, type LoadedSite } from "../config/load";
import { configKey } from "../config/stack";
import { fileLabel } from "./common";
import type * as MockRuntime from "./mock-runtime";
import type { Plan } from "./mock-runtime";
import type * as Program from "../program";

export const PROJECT = "homelab";

/** Placeholder value of an offline secret (never a real secret, never printed). */
export function offlinePlaceholder(name: string): string {
  return `offline-placeholder-${name}`;
}

export interface OfflineStack {
  readonly loaded: LoadedSite;
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
}

/** Validates a stack file (throws ConfigError) and prepares the engine config for it. */
export function loadOffline(root: string, stack: string, configFile?: string): OfflineStack {
  const path = configFile
    ? isAbsolute(configFile)
      ? configFile
      : join(process.cwd(), configFile)
    : join(root, `Pulumi.${stack}.yaml`);
  const label = fileLabel(root, path);
  const source = stackFileSource(path, stack, label);
  const loaded = loadSite(source, { root, requireSecrets: false });
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(source.values)) {
    config[configKey(key)] = typeof value === "string" ? value : JSON.stringify(value);
  }
  const secretKeys = loaded.secrets.map((s) => configKey(s.name));
  for (const s of loaded.secrets) config[configKey(s.name)] = offlinePlaceholder(s.name);
  return { loaded, config, secretKeys };
}

/**
 * Validates and evaluates a stack offline. `program` defaults to the real program; tests pass
 * a wrapper around it to keep what the plan does not show.
 */
export async function planStack(
  root: string,
  stack: string,
  configFile?: string,
  program?: () => Record<string, unknown> | Promise<Record<string, unknown>>,
): Promise<{ plan: Plan; loaded: LoadedSite }> {
  const offline = loadOffline(root, stack, configFile);
  // Only a valid stack loads the SDK and the program (validation alone does not need them).
  // The program creates no resource at import time, so importing it before setMocks is safe.
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded here, not at start-up */
  const { runUnderMocks } = require("./mock-runtime") as typeof MockRuntime;
  const { main, setOfflineContext } = require("../program") as typeof Program;
  /* eslint-enable @typescript-eslint/no-require-imports */
  // The program reuses the site validated above instead of validating it again.
  setOfflineContext({ root, file: offline.loaded.file, loaded: offline.loaded });
  try {
    const plan = await runUnderMocks({
      project: PROJECT,
      stack,
      config: offline.config,
      secretKeys: offline.secretKeys,
      program: program ?? main,
    });
    return { plan, loaded: offline.loaded };
  } finally {
    setOfflineContext(undefined);
  }
}

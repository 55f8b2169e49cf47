/**
 * A stack file read offline, without the Pulumi SDK (`npm run check` loads this, never the
 * engine): validated and modelled like the program does it, plus the engine config the
 * offline plan hands the mock runtime. Secrets are never decrypted here: set ones and
 * missing ones alike become placeholders marked secret.
 */
import { join, isAbsolute } from "node:path";
import { stackFileSource, type LoadedSite } from "../config/load";
import { configKey } from "../config/stack";
import { evaluateSite } from "../evaluate";
import type { SiteModel } from "../model";
import { fileLabel } from "./common";

export const PROJECT = "homelab";

/** Placeholder value of an offline secret (never a real secret, never printed). */
export function offlinePlaceholder(name: string): string {
  return `offline-placeholder-${name}`;
}

export interface OfflineStack {
  readonly loaded: LoadedSite;
  readonly model: SiteModel;
  /** The engine config of the stack (`homelab:<key>` → value as the engine passes it). */
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
}

/**
 * Validates and models a stack file (throws ConfigError with every problem, those of the
 * derivations included) and prepares the engine config for it.
 */
export function loadOffline(root: string, stack: string, configFile?: string): OfflineStack {
  const path = configFile
    ? isAbsolute(configFile)
      ? configFile
      : join(process.cwd(), configFile)
    : join(root, `Pulumi.${stack}.yaml`);
  const label = fileLabel(root, path);
  const source = stackFileSource(path, stack, label);
  const { loaded, model } = evaluateSite(source, { root, requireSecrets: false });
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(source.values)) {
    config[configKey(key)] = typeof value === "string" ? value : JSON.stringify(value);
  }
  const secretKeys = loaded.secrets.map((s) => configKey(s.name));
  for (const s of loaded.secrets) config[configKey(s.name)] = offlinePlaceholder(s.name);
  return { loaded, model, config, secretKeys };
}

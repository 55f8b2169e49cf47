/**
 * The configuration the Pulumi engine passes to the program, as a `ConfigSource`. Only the
 * program reads it: this is the one module of src/config that needs the Pulumi SDK, so
 * loading a stack file (`npm run check`) never loads the SDK.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Problem } from "./errors";
import type { ConfigSource } from "./load";
import { NAMESPACE, SECTION_NAMES } from "./stack";
import type { YamlFile } from "./yaml";

/**
 * Whether the engine passed `key` as a secret. The SDK's own check is exported but marked
 * internal, so fall back to the variable it reads (the engine sets it for every program).
 */
export function isConfigSecret(key: string): boolean {
  const internal = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean })
    .isConfigSecret;
  if (typeof internal === "function") return internal(key);
  const keys = process.env["PULUMI_CONFIG_SECRET_KEYS"];
  try {
    return keys ? (JSON.parse(keys) as string[]).includes(key) : false;
  } catch {
    return false;
  }
}

/** Reads the configuration the Pulumi engine passed to this program. */
export function runtimeSource(stack: string, file: string, yaml?: YamlFile): ConfigSource {
  const all = pulumi.runtime.allConfig();
  const values: Record<string, unknown> = {};
  const keys: string[] = [];
  const problems: Problem[] = [];
  const plaintext = new Set<string>();
  for (const [fullKey, raw] of Object.entries(all)) {
    if (!fullKey.startsWith(`${NAMESPACE}:`)) continue;
    const key = fullKey.slice(NAMESPACE.length + 1);
    keys.push(key);
    const secret = isConfigSecret(fullKey);
    if ((SECTION_NAMES as string[]).includes(key)) {
      if (secret) {
        problems.push({
          file,
          path: [fullKey],
          message: `contains an encrypted value, but secrets cannot live inside a section: each secret is its own key (see README, Secrets)`,
        });
      }
      try {
        values[key] = JSON.parse(raw);
      } catch {
        values[key] = raw;
      }
    } else if (!secret) {
      plaintext.add(key);
    }
  }
  return {
    stack,
    file,
    yaml,
    values,
    keys,
    secrets: { isSet: (name) => keys.includes(name), isPlaintext: (name) => plaintext.has(name) },
    problems,
  };
}

/**
 * The configuration the Pulumi engine passes to the program, as a `ConfigSource`. Only the
 * program reads it: this is the one module of src/config that needs the Pulumi SDK, so
 * loading a stack file (`npm run check`) never loads the SDK.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PathSegment, Problem } from "./errors";
import { nestedSecrets, secretInsideSection, type ConfigSource } from "./load";
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
  const reported: PathSegment[][] = [];
  const secretValues: string[] = [];
  for (const [fullKey, raw] of Object.entries(all)) {
    if (!fullKey.startsWith(`${NAMESPACE}:`)) continue;
    const key = fullKey.slice(NAMESPACE.length + 1);
    keys.push(key);
    const secret = isConfigSecret(fullKey);
    if ((SECTION_NAMES as string[]).includes(key)) {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        value = raw;
      }
      if (secret) {
        // `pulumi config set --path --secret` encrypts one value inside the section and the
        // engine passes the whole section decrypted and marked secret. Nothing of it is
        // validated, so no message can quote the decrypted value: the only problem is where
        // the secret sits (read from the stack file when there is one).
        secretValues.push(...stringsOf(value));
        reported.push([fullKey]);
        problems.push(...encryptedSection(file, stack, fullKey, yaml));
        continue;
      }
      values[key] = value;
    } else if (!secret) {
      plaintext.add(key);
      secretValues.push(raw);
    } else {
      secretValues.push(raw);
    }
  }
  problems.push(...sharedTokens(all, file, stack));
  return {
    stack,
    file,
    yaml,
    values,
    keys,
    secrets: { isSet: (name) => keys.includes(name), isPlaintext: (name) => plaintext.has(name) },
    problems,
    reported,
    secretValues,
  };
}

/** Every string in a value (a decrypted section), to keep them out of every message. */
function stringsOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(stringsOf);
  return [];
}

/** The problems of a section the engine passes as a secret: one per encrypted value in it. */
function encryptedSection(
  file: string,
  stack: string,
  fullKey: string,
  yaml: YamlFile | undefined,
): Problem[] {
  const config = (yaml?.value as { config?: Record<string, unknown> } | undefined)?.config;
  const inFile = config?.[fullKey];
  const nested = inFile === undefined ? [] : nestedSecrets(inFile, [fullKey]);
  if (nested.length > 0) return nested.map((path) => secretInsideSection(file, stack, path));
  return [
    {
      file,
      path: [fullKey],
      message: `holds an encrypted value, but secrets cannot live inside a section: each secret is its own key (see README, Secrets). Find the secure: entry under ${fullKey} in the stack's configuration, remove it (pulumi config rm --path '<its path>' --stack ${stack}), set it as its own key (pulumi config set --secret homelab:<name> --stack ${stack}) and write { secret: <name> } where it was`,
    },
  ];
}

/**
 * Least privilege: the proxy's DNS-challenge token must not be the program's zone token
 * (which can also change zone settings), or the internet-facing container holds the zone.
 * Compared decrypted, never printed.
 */
function sharedTokens(all: Record<string, string>, file: string, stack: string): Problem[] {
  const zone = all[`${NAMESPACE}:cloudflareApiToken`];
  const dns = all[`${NAMESPACE}:cloudflareDnsToken`];
  if (zone === undefined || dns === undefined || zone === "" || zone !== dns) return [];
  return [
    {
      file,
      path: [`${NAMESPACE}:cloudflareDnsToken`],
      message: `holds the same token as ${NAMESPACE}:cloudflareApiToken, which can also change the zone's settings, and the proxy is the container that faces the internet: create a token with Zone > DNS > Edit and Zone > Zone > Read on the zone only (docs/credentials.md) and set it with:\npulumi config set --secret ${NAMESPACE}:cloudflareDnsToken --stack ${stack}`,
    },
  ];
}

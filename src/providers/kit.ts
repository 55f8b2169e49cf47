/**
 * Helpers shared by our dynamic providers (FortiOS, UniFi).
 *
 * Everything here may run inside a serialized dynamic provider: functions only, no
 * module-level library objects (Node built-ins serialize as require()).
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

/** What the engine sends for a value unknown during preview, whatever the field's type. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `value` is, or contains, a preview-unknown value. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object")
    return Object.values(value).some(containsUnknown);
  return false;
}

/** A fresh random salt for secret hashes. */
export function newSalt(): string {
  return randomBytes(16).toString("hex");
}

/**
 * Salted SHA-256 of a secret, kept in state instead of the secret (devices read secrets back
 * masked, or in clear): comparing hashes tells whether the desired secret changed without
 * storing or printing it. The salt defeats dictionary lookups of weak values.
 */
export function hashSecret(value: string, salt: string): string {
  return `sha256:${createHash("sha256").update(`${salt}\0${value}`).digest("hex")}`;
}

/**
 * A version of the provider code: the SHA-256 of its source files. It is a resource input,
 * so a change of provider code changes every resource's inputs and Pulumi stores the new
 * provider code (a dynamic provider is otherwise only rewritten when inputs change).
 * Computed by the program, never inside the provider.
 */
export function sourceVersion(files: readonly string[]): string {
  const hash = createHash("sha256");
  for (const file of [...files].sort()) hash.update(readFileSync(file));
  return hash.digest("hex").slice(0, 16);
}

/** The stack-config view a dynamic provider's `configure` receives. */
export interface ProviderConfig {
  get(key: string): string | undefined;
}

/**
 * A credential for a dynamic provider: the stack secret `homelab:<key>` (passed by the engine
 * to `configure`), else the environment variable `env` (for local runs and tests). Never an
 * input, never captured in the provider's closure.
 */
export function credential(
  config: ProviderConfig | undefined,
  key: string,
  env: string,
): string | undefined {
  const fromConfig = config?.get(`homelab:${key}`);
  if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
  const fromEnv = process.env[env];
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : undefined;
}

/**
 * Secrets in a dynamic provider's state: never their value, a salted SHA-256 instead.
 * Devices read secrets back masked (FortiOS) or in clear (UniFi); comparing hashes tells
 * whether the desired secret changed without storing or printing it, and the salt (one per
 * resource, kept beside the hashes) defeats dictionary lookups of weak values.
 *
 * Runs inside the serialized providers: functions only (`node:crypto` serializes as require).
 */
import { createHash, randomBytes } from "node:crypto";

/** A fresh random salt for secret hashes. */
export function newSalt(): string {
  return randomBytes(16).toString("hex");
}

/** Salted SHA-256 of a secret text: "sha256:<hex>". */
function hashSecret(value: string, salt: string): string {
  return `sha256:${createHash("sha256").update(`${salt}\0${value}`).digest("hex")}`;
}

/**
 * What state keeps of a secret value: its salted hash (a value that is not text hashed as
 * its JSON); an empty string, meaning no secret is set, stays empty (there is nothing to
 * hide, and "unset" must stay visible).
 */
export function sealSecret(value: unknown, salt: string): string {
  if (value === "") return "";
  return hashSecret(typeof value === "string" ? value : String(JSON.stringify(value)), salt);
}

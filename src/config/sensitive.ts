/**
 * Values a message must describe instead of quoting: whatever sits at a key that is, or
 * should be, a secret, an encrypted value (`{ secure: … }`), and any value that looks like
 * a credential wherever it was typed (a token pasted into the wrong key is still a token).
 * "a 36-character string" says what is wrong without copying the value into a terminal, a
 * CI log or a pull-request comment.
 */
import type { PathSegment, Problem } from "./errors";

/**
 * Key names that hold secrets: the end of the name, letters only, case-insensitive
 * (`password`, `DB_PASSWORD`, `apiKey`, `JWT_SECRET`, `enrollKey`, `psk`); not `apiTokenId`
 * or `publicKey`.
 */
const SECRET_KEY =
  /(password|passwd|passphrase|secret|secretkey|token|apikey|apitoken|privatekey|accesskey|enrollkey|encryptionkey|bouncerkey|psk|credentials?)$/;

export function isSecretKeyName(key: PathSegment | undefined): boolean {
  if (typeof key !== "string") return false;
  return SECRET_KEY.test(key.toLowerCase().replace(/[^a-z]/g, ""));
}

/**
 * Whether a text looks like a credential: a PEM private key, a UUID (a Proxmox token
 * secret), a JWT, or a long random-looking token (letters of both cases and digits, no
 * spaces, dots or colons: API tokens, API keys, base64 pre-shared keys, WireGuard keys).
 * Names, addresses, paths, URLs, hex ids and image references do not.
 */
export function looksLikeSecret(text: string): boolean {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) return true;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)) return true;
  if (/^eyJ[\w-]{8,}\.[\w-]{8,}\./.test(text)) return true;
  return (
    /^[A-Za-z0-9_+/=-]{20,}$/.test(text) &&
    /[a-z]/.test(text) &&
    /[A-Z]/.test(text) &&
    /[0-9]/.test(text)
  );
}

/** An encrypted config value as a stack file holds it: `{ secure: "v1:…" }`. */
export function isSecureValue(value: unknown): value is { secure: string } {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { secure?: unknown }).secure === "string"
  );
}

/** Whether the value at `path` must be described rather than quoted. */
export function isSensitive(path: readonly PathSegment[], value: unknown): boolean {
  if (isSecureValue(value)) return true;
  if (typeof value !== "string") return false;
  return isSecretKeyName(path[path.length - 1]) || looksLikeSecret(value);
}

/** "a 19-character string" */
export function describeSecretText(text: string): string {
  const n = [...text].length;
  return n === 0 ? "an empty string" : `a ${n}-character string`;
}

/** Every sensitive string in a config value (`{ secure }` ciphertexts included), with its path. */
export function sensitiveStrings(value: unknown, path: PathSegment[] = []): string[] {
  if (isSecureValue(value)) return [value.secure];
  if (typeof value === "string") return isSensitive(path, value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => sensitiveStrings(v, [...path, i]));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => sensitiveStrings(v, [...path, k]));
  }
  return [];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Problems whose messages describe, instead of quoting, each of `secrets` wherever a rule
 * printed one (its JSON form, in quotes, or bare): the last line of defence behind the
 * messages that already describe them. Short values are replaced only where quoted, so that
 * "yes" does not disappear from every word.
 */
export function redactProblems(problems: readonly Problem[], secrets: Iterable<string>): Problem[] {
  const list = [...new Set(secrets)].filter((s) => s.length > 0);
  if (list.length === 0) return [...problems];
  // Longest first, so that a secret containing another is replaced whole.
  list.sort((a, b) => b.length - a.length);
  const patterns = list.map((secret) => {
    const forms = [JSON.stringify(secret), `"${secret}"`, `'${secret}'`];
    if (secret.length >= 6) forms.push(secret);
    return {
      pattern: new RegExp([...new Set(forms)].map(escapeRegExp).join("|"), "g"),
      description: describeSecretText(secret),
    };
  });
  return problems.map((problem) => {
    let message = problem.message;
    for (const { pattern, description } of patterns)
      message = message.replace(pattern, () => description);
    return message === problem.message ? problem : { ...problem, message };
  });
}

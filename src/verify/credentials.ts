/**
 * The credentials verify reads: the environment variables the dynamic providers already fall
 * back to when the stack config does not hold the secret (src/providers/fortios/client.ts
 * `TOKEN_ENV`, src/providers/unifi/provider.ts), and the Proxmox provider's own
 * (`PROXMOX_VE_API_TOKEN`, bpg/terraform-provider-proxmox). verify runs outside the engine,
 * so it cannot decrypt the stack's secrets itself: the caller exports them, e.g.
 * `export FORTIOS_API_TOKEN="$(pulumi config get fortigateApiToken --stack home)"`.
 * A value is only ever sent to its device; a row names the variable, never the value.
 */
import type { SiteModel } from "../model";

export const CREDENTIAL_ENV = {
  fortigateApiToken: "FORTIOS_API_TOKEN",
  unifiApiKey: "UNIFI_API_KEY",
  unifiPassword: "UNIFI_PASSWORD",
  proxmoxApiToken: "PROXMOX_VE_API_TOKEN",
} as const;

export type CredentialName = keyof typeof CREDENTIAL_ENV;

/** Where verify reads a credential from (process.env, or a test's). */
export type Environment = Readonly<Record<string, string | undefined>>;

/** The credential, or undefined when its variable is unset or empty. */
export function credential(env: Environment, name: CredentialName): string | undefined {
  const value = env[CREDENTIAL_ENV[name]];
  return value !== undefined && value !== "" ? value : undefined;
}

/**
 * The Proxmox API token as the API wants it (`user@realm!tokenid=secret`): the variable
 * holds either that whole token (as the provider takes it) or only the secret, which is
 * joined to the stack's `apiTokenId`.
 */
export function proxmoxToken(env: Environment, apiTokenId: string): string | undefined {
  const value = credential(env, "proxmoxApiToken");
  if (value === undefined) return undefined;
  return value.includes("=") ? value : `${apiTokenId}=${value}`;
}

/** The variables a site's verify needs, with the stack secret each holds. */
export function neededCredentials(model: SiteModel): { env: string; secret: string }[] {
  const out: { env: string; secret: string }[] = [];
  const add = (name: CredentialName) => out.push({ env: CREDENTIAL_ENV[name], secret: name });
  if (model.fortigate) add("fortigateApiToken");
  if (model.unifi) add(model.unifi.connection.auth === "apiKey" ? "unifiApiKey" : "unifiPassword");
  if (model.proxmox) add("proxmoxApiToken");
  return out;
}

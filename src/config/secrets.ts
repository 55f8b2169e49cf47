/**
 * Which Pulumi secrets a site needs, and the problems when they are missing or stored in
 * plain text. Secrets live in their own top-level keys (`homelab:<name>`), never inside a
 * section, so each one is encrypted on its own and can be checked for being secret.
 */
import type { PathSegment, Problem } from "./errors";
import { describeSecretText, looksLikeSecret } from "./sensitive";
import { configKey, type SiteConfig } from "./stack";

/** Secrets with a fixed name, and what they are. */
export const FIXED_SECRETS = {
  proxmoxApiToken: {
    description: "Proxmox VE API token secret (the UUID shown once when the token is created)",
  },
  fortigateApiToken: {
    description: "FortiGate REST API admin token (execute api-user generate-key <admin>)",
  },
  unifiApiKey: {
    description: "UniFi Network API key (Settings > Control Plane > Integrations)",
  },
  unifiPassword: {
    description: "Password of the UniFi local admin used by auth: password",
  },
  cloudflareApiToken: {
    description:
      "Cloudflare API token of the program: Zone > DNS > Edit, Zone > Zone Settings > Edit and Zone > Zone > Read, on the zone only (docs/credentials.md)",
  },
  cloudflareDnsToken: {
    description:
      "Cloudflare API token of the proxy's ACME DNS challenge, a separate one: Zone > DNS > Edit and Zone > Zone > Read, on the zone only (docs/credentials.md)",
  },
  wireguardPrivateKey: {
    description: "WireGuard server private key (the controller does not generate one)",
    generate: "wg genkey",
  },
  dialupPsk: {
    description: "Pre-shared key of the FortiGate dial-up VPN",
    generate: "openssl rand -base64 33",
  },
} satisfies Record<string, { description: string; generate?: string }>;

export type FixedSecretName = keyof typeof FIXED_SECRETS;

/** Stack secret holding the IPsec pre-shared key shared with federation member `peer`. */
export function pskSecretName(peer: string): string {
  return `psk-${peer}`;
}

export interface SecretRequirement {
  /** Key without the namespace ("proxmoxApiToken"). */
  readonly name: string;
  readonly description: string;
  /** A command that generates a good value, when the value is not chosen by someone else. */
  readonly generate?: string;
  /** Config path that makes this secret necessary. */
  readonly requiredBy: readonly PathSegment[];
}

function fixed(name: FixedSecretName, requiredBy: PathSegment[]): SecretRequirement {
  return { name, ...FIXED_SECRETS[name], requiredBy };
}

/** Every `{ secret: name }` reference in a config value, with its path. */
export function secretReferences(
  value: unknown,
  path: PathSegment[] = [],
): { name: string; path: PathSegment[] }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => secretReferences(item, [...path, i]));
  if (value === null || typeof value !== "object") return [];
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0]?.[0] === "secret" && typeof entries[0][1] === "string") {
    return [{ name: entries[0][1], path }];
  }
  return entries.flatMap(([key, item]) => secretReferences(item, [...path, key]));
}

/**
 * The secrets this site needs: fixed credentials of the declared devices, one PSK per
 * federation peer, and every explicit `{ secret }` reference. Sorted by name, no duplicates.
 */
export function requiredSecrets(config: SiteConfig, peers: readonly string[]): SecretRequirement[] {
  const out: SecretRequirement[] = [];
  if (config.proxmox) out.push(fixed("proxmoxApiToken", [configKey("proxmox"), "apiTokenId"]));
  if (config.fortigate) {
    out.push(fixed("fortigateApiToken", [configKey("fortigate"), "host"]));
    if (config.fortigate.dialupVpn)
      out.push(fixed("dialupPsk", [configKey("fortigate"), "dialupVpn"]));
  }
  if (config.unifi) {
    out.push(
      config.unifi.auth === "apiKey"
        ? fixed("unifiApiKey", [configKey("unifi"), "auth"])
        : fixed("unifiPassword", [configKey("unifi"), "auth"]),
    );
    if (config.unifi.wireguard)
      out.push(fixed("wireguardPrivateKey", [configKey("unifi"), "wireguard"]));
  }
  if (config.cloudflare) out.push(fixed("cloudflareApiToken", [configKey("cloudflare"), "zone"]));
  // The proxy faces the internet: its certificate resolver gets a token that can only edit
  // DNS records, never the zone token of the program (which can change zone settings).
  if (config.proxy?.tls.acme === "cloudflare-dns")
    out.push(fixed("cloudflareDnsToken", [configKey("proxy"), "tls", "acme"]));
  for (const peer of peers) {
    out.push({
      name: pskSecretName(peer),
      description: `IPsec pre-shared key of the peering with federation member "${peer}" (the same value on both sides)`,
      requiredBy: [configKey("federation"), "member"],
    });
  }
  for (const [section, value] of Object.entries(config)) {
    for (const ref of secretReferences(value, [configKey(section)])) {
      out.push({
        name: ref.name,
        description: "referenced as { secret } in the configuration",
        requiredBy: ref.path,
      });
    }
  }
  const seen = new Set<string>();
  return out
    .filter((r) => (seen.has(r.name) ? false : (seen.add(r.name), true)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The exact command that sets a secret. Without a value on the command line, `pulumi config
 * set` prompts for it (or reads stdin), which keeps secrets out of shell history.
 */
export function setSecretCommand(requirement: SecretRequirement, stack: string): string {
  const set = `pulumi config set --secret ${configKey(requirement.name)} --stack ${stack}`;
  return requirement.generate ? `${requirement.generate} | ${set}` : set;
}

/** What the loader knows about each `homelab:*` key that holds a secret. */
export interface SecretStatus {
  /** Key is set (any form). */
  isSet(name: string): boolean;
  /** Key is set but not encrypted (not a Pulumi secret). */
  isPlaintext(name: string): boolean;
}

/**
 * Problems for secrets stored in plain text (always) and for missing secrets (when
 * `requirePresent`: a real run needs them; offline tools substitute placeholders).
 */
export function secretProblems(
  requirements: readonly SecretRequirement[],
  status: SecretStatus,
  options: { file: string; stack: string; requirePresent: boolean },
): Problem[] {
  const problems: Problem[] = [];
  for (const requirement of requirements) {
    const key = configKey(requirement.name);
    if (status.isPlaintext(requirement.name)) {
      problems.push({
        file: options.file,
        path: [key],
        message:
          `is stored in plain text, but it is a secret (${requirement.description}). ` +
          `Remove it from the file and set it encrypted:\n` +
          setSecretCommand(requirement, options.stack),
      });
    } else if (options.requirePresent && !status.isSet(requirement.name)) {
      problems.push({
        file: options.file,
        path: [key],
        message:
          `secret is not set (${requirement.description}). Set it with:\n` +
          setSecretCommand(requirement, options.stack),
      });
    }
  }
  return problems;
}

const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * Secrets typed in plain text where the configuration cannot tell by the key: a private key
 * anywhere (a configuration is printed in plans and kept unencrypted in the state), and an
 * environment value that looks like a credential (a token, a UUID, a JWT). Each is a
 * problem that describes the value and names the command that stores it as a secret.
 */
export function plainSecretProblems(
  config: SiteConfig,
  options: { file: string; stack: string },
): Problem[] {
  const problems: Problem[] = [];
  const store = `store it with pulumi config set --secret ${configKey("<name>")} --stack ${options.stack}`;
  const walk = (value: unknown, path: PathSegment[]): void => {
    if (typeof value === "string") {
      if (PRIVATE_KEY.test(value))
        problems.push({
          file: options.file,
          path,
          message: `holds a private key, which the configuration must never hold (it is printed in plans and kept unencrypted in the state): ${store} and reference it as { secret: <name> } where a secret is accepted`,
        });
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value !== null && typeof value === "object")
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  for (const [section, value] of Object.entries(config)) walk(value, [configKey(section)]);
  config.services.forEach((service, i) => {
    for (const [variable, value] of Object.entries(service.env)) {
      if (typeof value !== "string" || !looksLikeSecret(value) || PRIVATE_KEY.test(value)) continue;
      problems.push({
        file: options.file,
        path: [configKey("services"), i, "env", variable],
        message: `looks like a credential typed in plain text (${describeSecretText(value)}): environment values are printed in plans and kept unencrypted in the state; ${store} and write { secret: <name> } here`,
      });
    }
  });
  return problems;
}

/**
 * Authelia (https://www.authelia.com/integration/deployment/docker/): forward-auth portal
 * with an LDAP backend (LLDAP) and an OpenID Connect provider. Its secrets are uploaded as
 * files and referenced by the `*_FILE` variables, as upstream recommends; the OIDC signing key
 * is generated inside the container on first start and never leaves the host.
 */
import type { AppDefinition, GeneratedRef, PartSpec, SecretRef } from "../types";

export const AUTHELIA_IMAGE = "docker.io/authelia/authelia:4.39.20";
export const AUTHELIA_PORT = 9091;
const KEY_DIR = "/config/keys/oidc";

export interface AutheliaClient {
  readonly id: string;
  readonly name: string;
  readonly secretHash: GeneratedRef;
  readonly redirectUris: readonly string[];
}

export interface AutheliaOptions {
  /** Portal URL per cookie domain: { "example.org": "https://auth.example.org" }. */
  readonly portals: Readonly<Record<string, string>>;
  /** Hostnames protected by forward-auth (two-factor). */
  readonly protectedDomains: readonly string[];
  readonly ldap: { readonly address: string; readonly baseDn: string; readonly user: string };
  readonly secrets: {
    readonly jwt: GeneratedRef;
    readonly session: GeneratedRef;
    readonly storage: GeneratedRef;
    readonly ldapPassword: GeneratedRef;
    readonly oidcHmac: GeneratedRef;
  };
  readonly clients: readonly AutheliaClient[];
  readonly totpIssuer: string;
}

const q = (value: string): string => JSON.stringify(value);

/** configuration.yml (YAML; the OIDC key is read by Authelia's template filter). */
export function autheliaConfiguration(options: AutheliaOptions): (string | SecretRef)[] {
  const out: (string | SecretRef)[] = [];
  const text = (s: string) => out.push(s);
  text(
    [
      "theme: auto",
      "server:",
      `  address: ${q(`tcp://:${AUTHELIA_PORT}/`)}`,
      "log:",
      "  level: info",
      "totp:",
      `  issuer: ${q(options.totpIssuer)}`,
      "authentication_backend:",
      "  password_reset:",
      "    disable: false",
      "  ldap:",
      "    implementation: lldap",
      `    address: ${q(options.ldap.address)}`,
      `    base_dn: ${q(options.ldap.baseDn)}`,
      `    user: ${q(options.ldap.user)}`,
      "access_control:",
      "  default_policy: deny",
      "  rules:",
      ...(options.protectedDomains.length > 0
        ? [
            "    - domain:",
            ...options.protectedDomains.map((d) => `        - ${q(d)}`),
            "      policy: two_factor",
          ]
        : []),
      ...Object.values(options.portals).map(
        (url) => `    - domain: ${q(new URL(url).hostname)}\n      policy: bypass`,
      ),
      "session:",
      "  cookies:",
      ...Object.entries(options.portals).flatMap(([domain, url]) => [
        `    - domain: ${q(domain)}`,
        `      authelia_url: ${q(url)}`,
      ]),
      "storage:",
      "  local:",
      "    path: /config/db.sqlite3",
      "notifier:",
      "  filesystem:",
      "    filename: /config/notification.txt",
      "",
    ].join("\n"),
  );
  if (options.clients.length > 0) {
    text(
      [
        "identity_providers:",
        "  oidc:",
        "    jwks:",
        "      - key_id: homelab",
        "        algorithm: RS256",
        "        use: sig",
        `        key: {{ secret "${KEY_DIR}/private.pem" | mindent 10 "|" | msquote }}`,
        "    clients:",
        "",
      ].join("\n"),
    );
    for (const client of options.clients) {
      text(
        `      - client_id: ${q(client.id)}\n        client_name: ${q(client.name)}\n` +
          "        client_secret: '",
      );
      out.push(client.secretHash);
      text(
        "'\n        public: false\n        authorization_policy: two_factor\n" +
          "        redirect_uris:\n" +
          client.redirectUris.map((u) => `          - ${q(u)}\n`).join("") +
          "        scopes: [openid, email, profile, groups]\n" +
          "        token_endpoint_auth_method: client_secret_basic\n",
      );
    }
  }
  return out;
}

/** The Authelia container. */
export function autheliaPart(options: AutheliaOptions): PartSpec {
  const secretFiles: [string, string, GeneratedRef][] = [
    ["AUTHELIA_IDENTITY_VALIDATION_RESET_PASSWORD_JWT_SECRET_FILE", "jwt", options.secrets.jwt],
    ["AUTHELIA_SESSION_SECRET_FILE", "session", options.secrets.session],
    ["AUTHELIA_STORAGE_ENCRYPTION_KEY_FILE", "storage", options.secrets.storage],
    ["AUTHELIA_AUTHENTICATION_BACKEND_LDAP_PASSWORD_FILE", "ldap", options.secrets.ldapPassword],
    ...(options.clients.length > 0
      ? [
          [
            "AUTHELIA_IDENTITY_PROVIDERS_OIDC_HMAC_SECRET_FILE",
            "oidc-hmac",
            options.secrets.oidcHmac,
          ] as [string, string, GeneratedRef],
        ]
      : []),
  ];
  const start =
    options.clients.length > 0
      ? `[ -f ${KEY_DIR}/private.pem ] || authelia crypto pair rsa generate --bits 4096 --directory ${KEY_DIR}; `
      : "";
  return {
    image: AUTHELIA_IMAGE,
    role: "app",
    entrypoint: ["/bin/sh", "-c"],
    command: [`${start}exec authelia --config /etc/authelia/configuration.yml`],
    env: {
      ...Object.fromEntries(
        secretFiles.map(([env, file]) => [env, `/run/secrets/authelia/${file}`]),
      ),
      ...(options.clients.length > 0 ? { X_AUTHELIA_CONFIG_FILTERS: "template" } : {}),
    },
    volumes: [{ volume: "authelia-config", path: "/config" }],
    files: [
      { path: "/etc/authelia/configuration.yml", content: autheliaConfiguration(options) },
      ...secretFiles.map(([, file, ref]) => ({
        path: `/run/secrets/authelia/${file}`,
        content: ref,
      })),
    ],
    healthcheck: { test: ["CMD", "/app/healthcheck.sh"], startPeriod: "30s" },
    capDrop: ["ALL"],
    capAdd: ["CHOWN", "SETUID", "SETGID", "DAC_OVERRIDE", "FOWNER"],
  };
}

export const authelia: AppDefinition = {
  name: "authelia",
  title: "Authelia",
  docs: "https://www.authelia.com/integration/deployment/docker/",
  webPart: "authelia",
  webPort: AUTHELIA_PORT,
  internal: true,
  parts: (ctx) => ({
    authelia: autheliaPart({
      portals: { "example.org": "https://auth.example.org" },
      protectedDomains: [],
      ldap: { address: "ldap://lldap:3890", baseDn: "dc=example,dc=org", user: "uid=admin" },
      secrets: {
        jwt: ctx.generated("jwt-secret", { length: 64 }),
        session: ctx.generated("session-secret", { length: 64 }),
        storage: ctx.generated("storage-key", { length: 64 }),
        ldapPassword: ctx.generated("ldap-password"),
        oidcHmac: ctx.generated("oidc-hmac", { length: 64 }),
      },
      clients: [],
      totpIssuer: "example.org",
    }),
  }),
};

/** LLDAP, a light LDAP directory (https://github.com/lldap/lldap#with-docker). */
import type { AppDefinition, GeneratedRef, PartSpec } from "../types";

export const LDAP_PORT = 3890;
export const LLDAP_WEB_PORT = 17170;

export interface LldapOptions {
  readonly baseDn: string;
  readonly adminPassword: GeneratedRef;
  readonly jwtSecret: GeneratedRef;
  readonly keySeed: GeneratedRef;
  /** Publish the LDAP port on the host (the SSO provider runs elsewhere). */
  readonly publish: boolean;
}

export function lldapPart(options: LldapOptions): PartSpec {
  return {
    // The rootless variant runs as an unprivileged user.
    image: "ghcr.io/lldap/lldap:v0.6.3-alpine-rootless",
    role: "app",
    env: {
      LLDAP_LDAP_BASE_DN: options.baseDn,
      LLDAP_LDAP_USER_PASS: options.adminPassword,
      LLDAP_JWT_SECRET: options.jwtSecret,
      LLDAP_KEY_SEED: options.keySeed,
    },
    ports: options.publish ? [{ container: LDAP_PORT, host: LDAP_PORT }] : [],
    volumes: [{ volume: "lldap-data", path: "/data" }],
    healthcheck: {
      test: ["CMD", "/app/lldap", "healthcheck", "--config-file", "/data/lldap_config.toml"],
    },
    capDrop: ["ALL"],
  };
}

/** `uid=admin,ou=people,<base>`: the directory's admin, which the SSO provider binds as. */
export function lldapAdminDn(baseDn: string): string {
  return `uid=admin,ou=people,${baseDn}`;
}

export const lldap: AppDefinition = {
  name: "lldap",
  title: "LLDAP",
  docs: "https://github.com/lldap/lldap#with-docker",
  webPart: "lldap",
  webPort: LLDAP_WEB_PORT,
  internal: true,
  parts: (ctx) => ({
    lldap: lldapPart({
      baseDn: "dc=example,dc=org",
      adminPassword: ctx.generated("admin-password"),
      jwtSecret: ctx.generated("jwt-secret"),
      keySeed: ctx.generated("key-seed"),
      publish: false,
    }),
  }),
};

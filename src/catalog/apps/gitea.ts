/** Gitea (https://docs.gitea.com/installation/install-with-docker), PostgreSQL. */
import { httpHealth, postgres } from "../common";
import type { AppDefinition, PartSpec } from "../types";

const IMAGE = "docker.io/gitea/gitea:1.24.6";

export const gitea: AppDefinition = {
  name: "gitea",
  title: "Gitea",
  docs: "https://docs.gitea.com/installation/install-with-docker",
  webPart: "server",
  webPort: 3000,
  versionedParts: ["server", "oidc-setup"],
  oidc: { redirectPath: (provider) => `/user/oauth2/${provider}/callback` },
  parts: (ctx) => {
    const password = ctx.generated("db-password");
    const database = {
      GITEA__database__DB_TYPE: "postgres",
      GITEA__database__HOST: "db:5432",
      GITEA__database__NAME: "gitea",
      GITEA__database__USER: "gitea",
      GITEA__database__PASSWD: password,
    };
    const url = ctx.url ? new URL(ctx.url) : undefined;
    const parts: Record<string, PartSpec> = {
      server: {
        image: IMAGE,
        role: "app",
        env: {
          USER_UID: "1000",
          USER_GID: "1000",
          ...database,
          GITEA__security__INSTALL_LOCK: "true",
          GITEA__security__SECRET_KEY: ctx.generated("secret-key", { length: 64 }),
          GITEA__server__SSH_PORT: "2222",
          ...(url
            ? { GITEA__server__ROOT_URL: `${url.origin}/`, GITEA__server__DOMAIN: url.hostname }
            : {}),
          ...(ctx.oidc
            ? {
                GITEA__oauth2_client__ENABLE_AUTO_REGISTRATION: "true",
                GITEA__oauth2_client__ACCOUNT_LINKING: "auto",
                GITEA__oauth2_client__USERNAME: "preferred_username",
                GITEA__openid__ENABLE_OPENID_SIGNIN: "false",
              }
            : {}),
        },
        ports: [{ container: 22, host: 2222 }],
        volumes: [{ volume: "data", path: "/data" }],
        healthcheck: httpHealth("http://localhost:3000/api/healthz", "curl"),
        dependsOn: ["db"],
      },
      db: postgres({
        image: "docker.io/library/postgres:14",
        database: "gitea",
        user: "gitea",
        password,
      }),
    };
    if (ctx.oidc) {
      // Registers the SSO provider as a Gitea authentication source once (the source lives in
      // the database); runs as the git user against the server's data volume.
      const { issuer, clientId, providerName } = ctx.oidc;
      parts["oidc-setup"] = {
        image: IMAGE,
        role: "job",
        user: "1000:1000",
        entrypoint: ["/bin/sh", "-c"],
        command: [
          `gitea admin auth list | grep -q '${providerName}' || ` +
            `gitea admin auth add-oauth --name '${providerName}' --provider openidConnect ` +
            `--key '${clientId}' --secret "$OIDC_CLIENT_SECRET" ` +
            `--auto-discover-url '${issuer}/.well-known/openid-configuration' ` +
            `--scopes 'openid email profile groups'`,
        ],
        env: { ...database, OIDC_CLIENT_SECRET: ctx.oidc.clientSecret },
        volumes: [{ volume: "data", path: "/data" }],
        dependsOn: ["server"],
      };
    }
    return parts;
  },
};

/** n8n (https://docs.n8n.io/hosting/installation/server-setups/docker-compose/), PostgreSQL, external task runners. */
import { httpHealth, postgres } from "../common";
import type { AppDefinition } from "../types";

const VERSION = "1.121.0";

export const n8n: AppDefinition = {
  name: "n8n",
  title: "n8n",
  docs: "https://docs.n8n.io/hosting/installation/server-setups/docker-compose/",
  webPart: "server",
  webPort: 5678,
  versionedParts: ["server", "runner"],
  parts: (ctx) => {
    const password = ctx.generated("db-password");
    const runnersToken = ctx.generated("runners-token");
    const url = ctx.url ? new URL(ctx.url) : undefined;
    return {
      server: {
        image: `docker.n8n.io/n8nio/n8n:${VERSION}`,
        role: "app",
        env: {
          DB_TYPE: "postgresdb",
          DB_POSTGRESDB_HOST: "postgres",
          DB_POSTGRESDB_PORT: "5432",
          DB_POSTGRESDB_DATABASE: "n8n",
          DB_POSTGRESDB_USER: "n8n",
          DB_POSTGRESDB_PASSWORD: password,
          N8N_ENCRYPTION_KEY: ctx.generated("encryption-key"),
          N8N_RUNNERS_ENABLED: "true",
          N8N_RUNNERS_MODE: "external",
          N8N_RUNNERS_AUTH_TOKEN: runnersToken,
          N8N_RUNNERS_BROKER_LISTEN_ADDRESS: "0.0.0.0",
          GENERIC_TIMEZONE: ctx.timezone,
          N8N_PROXY_HOPS: "1",
          ...(url
            ? { N8N_HOST: url.hostname, N8N_PROTOCOL: "https", WEBHOOK_URL: `${url.origin}/` }
            : {}),
        },
        volumes: [{ volume: "data", path: "/home/node/.n8n" }],
        healthcheck: httpHealth("http://localhost:5678/healthz"),
        dependsOn: ["postgres"],
      },
      runner: {
        image: `docker.io/n8nio/runners:${VERSION}`,
        role: "worker",
        env: {
          N8N_RUNNERS_AUTH_TOKEN: runnersToken,
          N8N_RUNNERS_TASK_BROKER_URI: "http://server:5679",
        },
        capDrop: ["ALL"],
        dependsOn: ["server"],
      },
      postgres: postgres({
        image: "docker.io/library/postgres:16",
        database: "n8n",
        user: "n8n",
        password,
      }),
    };
  },
};

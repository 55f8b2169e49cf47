/** Paperless-ngx (https://docs.paperless-ngx.com/setup/#docker), PostgreSQL + Tika + Gotenberg. */
import { httpHealth, postgres, valkey } from "../common";
import type { AppDefinition } from "../types";

export const paperlessNgx: AppDefinition = {
  name: "paperless-ngx",
  title: "Paperless-ngx",
  docs: "https://docs.paperless-ngx.com/setup/#docker",
  webPart: "webserver",
  webPort: 8000,
  parts: (ctx) => {
    const password = ctx.generated("db-password");
    return {
      webserver: {
        image: "ghcr.io/paperless-ngx/paperless-ngx:2.18.4",
        role: "app",
        env: {
          PAPERLESS_REDIS: "redis://broker:6379",
          PAPERLESS_DBENGINE: "postgresql",
          PAPERLESS_DBHOST: "db",
          PAPERLESS_DBUSER: "paperless",
          PAPERLESS_DBPASS: password,
          PAPERLESS_SECRET_KEY: ctx.generated("secret-key", { length: 64 }),
          PAPERLESS_ADMIN_USER: "admin",
          PAPERLESS_ADMIN_PASSWORD: ctx.generated("admin-password"),
          PAPERLESS_TIME_ZONE: ctx.timezone,
          PAPERLESS_TIKA_ENABLED: "1",
          PAPERLESS_TIKA_GOTENBERG_ENDPOINT: "http://gotenberg:3000",
          PAPERLESS_TIKA_ENDPOINT: "http://tika:9998",
          ...(ctx.url ? { PAPERLESS_URL: ctx.url } : {}),
        },
        volumes: [
          { volume: "data", path: "/usr/src/paperless/data" },
          { volume: "media", path: "/usr/src/paperless/media" },
          { volume: "export", path: "/usr/src/paperless/export" },
          { volume: "consume", path: "/usr/src/paperless/consume" },
        ],
        healthcheck: httpHealth("http://localhost:8000", "curl"),
        dependsOn: ["db", "broker", "gotenberg", "tika"],
      },
      broker: valkey("docker.io/valkey/valkey:9-alpine", true),
      db: postgres({
        image: "docker.io/library/postgres:18",
        database: "paperless",
        user: "paperless",
        password,
        dataPath: "/var/lib/postgresql",
      }),
      gotenberg: {
        image: "docker.io/gotenberg/gotenberg:8.34",
        role: "sidecar",
        // Chromium converts .eml files: no JavaScript, no external content.
        command: [
          "gotenberg",
          "--chromium-disable-javascript=true",
          "--chromium-allow-list=file:///tmp/.*",
        ],
      },
      tika: { image: "docker.io/apache/tika:3.2.3.0", role: "sidecar" },
    };
  },
};

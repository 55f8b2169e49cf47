/** Firefly III (https://docs.firefly-iii.org/how-to/firefly-iii/installation/docker/), MariaDB and its cron job. */
import { httpHealth, mariadb } from "../common";
import type { AppDefinition } from "../types";

export const fireflyIii: AppDefinition = {
  name: "firefly-iii",
  title: "Firefly III",
  docs: "https://docs.firefly-iii.org/how-to/firefly-iii/installation/docker/",
  webPart: "app",
  webPort: 8080,
  parts: (ctx) => {
    const password = ctx.generated("db-password");
    // STATIC_CRON_TOKEN and APP_KEY must be exactly 32 characters.
    const cronToken = ctx.generated("cron-token", { length: 32 });
    return {
      app: {
        image: "docker.io/fireflyiii/core:version-6.4.14",
        role: "app",
        env: {
          APP_KEY: ctx.generated("app-key", { length: 32 }),
          APP_ENV: "production",
          DB_CONNECTION: "mysql",
          DB_HOST: "db",
          DB_PORT: "3306",
          DB_DATABASE: "firefly",
          DB_USERNAME: "firefly",
          DB_PASSWORD: password,
          STATIC_CRON_TOKEN: cronToken,
          TRUSTED_PROXIES: "**",
          ...(ctx.url ? { APP_URL: ctx.url } : {}),
        },
        volumes: [{ volume: "upload", path: "/var/www/html/storage/upload" }],
        healthcheck: httpHealth("http://localhost:8080/health", "curl"),
        dependsOn: ["db"],
      },
      db: mariadb({
        image: "docker.io/library/mariadb:11.4",
        database: "firefly",
        user: "firefly",
        password,
      }),
      cron: {
        image: "docker.io/library/alpine:3.22",
        role: "sidecar",
        command: [
          "sh",
          "-c",
          'echo "0 3 * * * wget -qO- http://app:8080/api/v1/cron/$STATIC_CRON_TOKEN" | crontab - && crond -f -L /dev/stdout',
        ],
        env: { STATIC_CRON_TOKEN: cronToken },
        dependsOn: ["app"],
      },
    };
  },
};

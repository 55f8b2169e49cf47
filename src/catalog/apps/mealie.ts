/** Mealie (https://docs.mealie.io/documentation/getting-started/installation/postgres/). */
import { postgres } from "../common";
import type { AppDefinition } from "../types";

export const mealie: AppDefinition = {
  name: "mealie",
  title: "Mealie",
  docs: "https://docs.mealie.io/documentation/getting-started/installation/postgres/",
  webPart: "server",
  webPort: 9000,
  parts: (ctx) => {
    const password = ctx.generated("db-password");
    return {
      server: {
        image: "ghcr.io/mealie-recipes/mealie:v3.13.0",
        role: "app",
        env: {
          ALLOW_SIGNUP: "false",
          PUID: "1000",
          PGID: "1000",
          DB_ENGINE: "postgres",
          POSTGRES_USER: "mealie",
          POSTGRES_PASSWORD: password,
          POSTGRES_SERVER: "postgres",
          POSTGRES_PORT: "5432",
          POSTGRES_DB: "mealie",
          ...(ctx.url ? { BASE_URL: ctx.url } : {}),
        },
        volumes: [{ volume: "data", path: "/app/data" }],
        memoryMiB: 1000,
        healthcheck: {
          test: [
            "CMD",
            "python",
            "-c",
            "import urllib.request; urllib.request.urlopen('http://localhost:9000/api/app/about')",
          ],
          startPeriod: "60s",
        },
        dependsOn: ["postgres"],
      },
      postgres: postgres({
        image: "docker.io/library/postgres:17",
        database: "mealie",
        user: "mealie",
        password,
      }),
    };
  },
};

/** AFFiNE self-hosted (https://docs.affine.pro/self-host-affine/install/docker-compose-recommend). */
import { postgres, valkey } from "../common";
import type { AppDefinition } from "../types";

const IMAGE = "ghcr.io/toeverything/affine:0.26.6";

export const affine: AppDefinition = {
  name: "affine",
  title: "AFFiNE",
  docs: "https://docs.affine.pro/self-host-affine/install/docker-compose-recommend",
  webPart: "server",
  webPort: 3010,
  versionedParts: ["server", "migration"],
  parts: (ctx) => {
    const password = ctx.generated("db-password");
    const env = {
      REDIS_SERVER_HOST: "redis",
      DATABASE_URL: ["postgresql://affine:", password, "@postgres:5432/affine"],
      AFFINE_INDEXER_ENABLED: "false",
      ...(ctx.url ? { AFFINE_SERVER_EXTERNAL_URL: ctx.url } : {}),
    };
    const volumes = [
      { volume: "storage", path: "/root/.affine/storage" },
      { volume: "config", path: "/root/.affine/config" },
    ];
    return {
      server: {
        image: IMAGE,
        role: "app",
        env,
        volumes,
        dependsOn: ["postgres", "redis", "migration"],
      },
      migration: {
        image: IMAGE,
        role: "job",
        command: ["sh", "-c", "node ./scripts/self-host-predeploy.js"],
        env,
        volumes,
        dependsOn: ["postgres", "redis"],
      },
      redis: valkey("docker.io/library/redis:7.4-alpine"),
      postgres: postgres({
        image: "docker.io/pgvector/pgvector:0.8.0-pg16",
        database: "affine",
        user: "affine",
        password,
        initdbArgs: "--data-checksums",
      }),
    };
  },
};

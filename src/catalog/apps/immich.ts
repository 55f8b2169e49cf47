/** Immich (https://docs.immich.app/install/docker-compose), server and machine learning. */
import { postgres, valkey } from "../common";
import type { AppDefinition } from "../types";

const VERSION = "v2.0.1";

export const immich: AppDefinition = {
  name: "immich",
  title: "Immich",
  docs: "https://docs.immich.app/install/docker-compose",
  webPart: "server",
  webPort: 2283,
  versionedParts: ["server", "machine-learning"],
  parts: (ctx) => {
    const password = ctx.generated("db-password");
    const database = {
      DB_HOSTNAME: "database",
      DB_USERNAME: "postgres",
      DB_PASSWORD: password,
      DB_DATABASE_NAME: "immich",
    };
    return {
      server: {
        image: `ghcr.io/immich-app/immich-server:${VERSION}`,
        role: "app",
        env: {
          ...database,
          REDIS_HOSTNAME: "redis",
          IMMICH_MACHINE_LEARNING_URL: `http://${ctx.reach("server", "machine-learning", 3003)}`,
        },
        volumes: [{ volume: "upload", path: "/data" }],
        healthcheck: { test: ["CMD", "immich-healthcheck"], startPeriod: "60s" },
        dependsOn: ["database", "redis"],
      },
      "machine-learning": {
        image: `ghcr.io/immich-app/immich-machine-learning:${VERSION}`,
        role: "worker",
        volumes: [{ volume: "model-cache", path: "/cache" }],
        healthcheck: { test: ["CMD", "python3", "healthcheck.py"], startPeriod: "60s" },
      },
      redis: valkey(
        "docker.io/valkey/valkey:9@sha256:546304417feac0874c3dd576e0952c6bb8f06bb4093ea0c9ca303c73cf458f63",
      ),
      database: postgres({
        image:
          "ghcr.io/immich-app/postgres:14-vectorchord0.4.3-pgvectors0.2.0@sha256:bcf63357191b76a916ae5eb93464d65c07511da41e3bf7a8416db519b40b1c23",
        database: "immich",
        user: "postgres",
        password,
        initdbArgs: "--data-checksums",
        shmSizeMiB: 128,
      }),
    };
  },
};

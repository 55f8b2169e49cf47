/** Parts several applications share: PostgreSQL, MariaDB and Valkey/Redis, as upstream runs them. */
import type { GeneratedRef, HealthcheckSpec, PartSpec } from "./types";

export interface PostgresOptions {
  /** Image with a pinned major (upstream pins the major; minors are compatible). */
  readonly image: string;
  readonly database: string;
  readonly user: string;
  readonly password: GeneratedRef;
  /** Where the image keeps its data: PostgreSQL 18+ images mount /var/lib/postgresql. */
  readonly dataPath?: string;
  readonly initdbArgs?: string;
  readonly shmSizeMiB?: number;
}

/** A PostgreSQL server for one application (its own volume, never published). */
export function postgres(options: PostgresOptions): PartSpec {
  return {
    image: options.image,
    role: "database",
    env: {
      POSTGRES_DB: options.database,
      POSTGRES_USER: options.user,
      POSTGRES_PASSWORD: options.password,
      ...(options.initdbArgs ? { POSTGRES_INITDB_ARGS: options.initdbArgs } : {}),
    },
    volumes: [{ volume: "db", path: options.dataPath ?? "/var/lib/postgresql/data" }],
    healthcheck: {
      test: ["CMD", "pg_isready", "-U", options.user, "-d", options.database],
      interval: "10s",
      timeout: "5s",
      retries: 5,
      startPeriod: "30s",
    },
    shmSizeMiB: options.shmSizeMiB,
  };
}

export interface MariadbOptions {
  readonly image: string;
  readonly database: string;
  readonly user: string;
  readonly password: GeneratedRef;
}

/** A MariaDB server for one application. */
export function mariadb(options: MariadbOptions): PartSpec {
  return {
    image: options.image,
    role: "database",
    env: {
      MARIADB_RANDOM_ROOT_PASSWORD: "yes",
      MARIADB_DATABASE: options.database,
      MARIADB_USER: options.user,
      MARIADB_PASSWORD: options.password,
    },
    volumes: [{ volume: "db", path: "/var/lib/mysql" }],
    healthcheck: {
      test: ["CMD", "healthcheck.sh", "--connect", "--innodb_initialized"],
      interval: "10s",
      timeout: "5s",
      retries: 5,
      startPeriod: "30s",
    },
  };
}

const redisHealth: HealthcheckSpec = {
  test: ["CMD-SHELL", "redis-cli ping | grep -q PONG"],
  interval: "10s",
  timeout: "5s",
  retries: 5,
};

/** A Valkey (Redis-compatible) cache; `persistent` keeps its dump in a volume. */
export function valkey(image: string, persistent = false): PartSpec {
  return {
    image,
    role: "cache",
    volumes: persistent ? [{ volume: "cache", path: "/data" }] : [],
    healthcheck: redisHealth,
    capDrop: ["ALL"],
    capAdd: ["SETUID", "SETGID"],
  };
}

/** HTTP health probe with the tools an image ships (`wget` on Alpine/BusyBox, `curl` elsewhere). */
export function httpHealth(
  url: string,
  tool: "wget" | "curl" = "wget",
  extra: Partial<HealthcheckSpec> = {},
): HealthcheckSpec {
  const test =
    tool === "wget"
      ? ["CMD-SHELL", `wget -q --spider ${url} || exit 1`]
      : ["CMD-SHELL", `curl -fsS -o /dev/null ${url} || exit 1`];
  return { test, interval: "30s", timeout: "10s", retries: 3, startPeriod: "60s", ...extra };
}

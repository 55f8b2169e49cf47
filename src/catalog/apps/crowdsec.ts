/**
 * CrowdSec security engine (https://docs.crowdsec.net/u/getting_started/installation/docker):
 * the engine with its Local API, and an agent that reads the proxy's access log on the proxy's
 * host and ships alerts to a Local API elsewhere.
 */
import type { AppDefinition, GeneratedRef, PartSpec, Value } from "../types";

export const CROWDSEC_IMAGE = "docker.io/crowdsecurity/crowdsec:v1.7.8";
export const LAPI_PORT = 8080;

export interface LogSource {
  /** Proxy kind: the hub collection and log type (crowdsecurity/traefik or /caddy). */
  readonly kind: "traefik" | "caddy";
  /** Volume (of the same stack) holding the proxy's access logs, and where it is mounted. */
  readonly volume: string;
  readonly path: string;
}

function collections(kind: LogSource["kind"]): string {
  return `crowdsecurity/${kind} crowdsecurity/http-cve crowdsecurity/whitelist-good-actors`;
}

function acquisition(source: LogSource): string {
  return `filenames:\n  - ${source.path}/*.log\nlabels:\n  type: ${source.kind}\n`;
}

export interface EngineOptions {
  /** Logs read locally (the proxy runs on the same host). */
  readonly logs?: LogSource;
  /** Bouncers registered on the Local API: name → key. */
  readonly bouncers: Readonly<Record<string, GeneratedRef>>;
  /** A remote agent registered on the Local API. */
  readonly agent?: { readonly user: string; readonly password: GeneratedRef };
  /** Proxy kind, for the collections to install. */
  readonly kind: LogSource["kind"];
  readonly enrollKey?: { readonly secret: string };
  /** Publish the Local API port on the host (remote agents and bouncers). */
  readonly publish: boolean;
}

/** The engine (Local API). */
export function crowdsecEngine(options: EngineOptions): PartSpec {
  const env: Record<string, Value> = {
    COLLECTIONS: collections(options.kind),
  };
  for (const [name, key] of Object.entries(options.bouncers)) {
    env[`BOUNCER_KEY_${name.toUpperCase().replaceAll("-", "_")}`] = key;
  }
  if (options.agent) {
    env.AGENT_USERNAME = options.agent.user;
    env.AGENT_PASSWORD = options.agent.password;
  }
  if (options.enrollKey) env.ENROLL_KEY = options.enrollKey;
  return {
    image: CROWDSEC_IMAGE,
    role: "app",
    env,
    ports: options.publish ? [{ container: LAPI_PORT, host: LAPI_PORT }] : [],
    volumes: [
      { volume: "crowdsec-config", path: "/etc/crowdsec" },
      { volume: "crowdsec-data", path: "/var/lib/crowdsec/data" },
      ...(options.logs
        ? [{ volume: options.logs.volume, path: options.logs.path, readOnly: true }]
        : []),
    ],
    files: options.logs
      ? [{ path: "/etc/crowdsec/acquis.d/homelab.yaml", content: acquisition(options.logs) }]
      : [],
    healthcheck: { test: ["CMD", "cscli", "lapi", "status"], startPeriod: "60s" },
  };
}

/** An agent without a Local API: parses `logs` and sends alerts to `lapi`. */
export function crowdsecAgent(options: {
  readonly logs: LogSource;
  readonly lapi: string;
  readonly user: string;
  readonly password: GeneratedRef;
}): PartSpec {
  return {
    image: CROWDSEC_IMAGE,
    role: "sidecar",
    env: {
      DISABLE_LOCAL_API: "true",
      LOCAL_API_URL: `http://${options.lapi}`,
      AGENT_USERNAME: options.user,
      AGENT_PASSWORD: options.password,
      COLLECTIONS: collections(options.logs.kind),
    },
    volumes: [
      { volume: "agent-config", path: "/etc/crowdsec" },
      { volume: options.logs.volume, path: options.logs.path, readOnly: true },
    ],
    files: [{ path: "/etc/crowdsec/acquis.d/homelab.yaml", content: acquisition(options.logs) }],
  };
}

export const crowdsec: AppDefinition = {
  name: "crowdsec",
  title: "CrowdSec",
  docs: "https://docs.crowdsec.net/u/getting_started/installation/docker",
  webPart: "crowdsec",
  internal: true,
  parts: (ctx) => ({
    crowdsec: crowdsecEngine({
      kind: "traefik",
      bouncers: { traefik: ctx.generated("bouncer-key") },
      publish: false,
    }),
  }),
};

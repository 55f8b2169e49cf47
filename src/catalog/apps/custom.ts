/** `app: custom`: any image, described entirely by its service declaration. */
import type { ServiceConfig } from "../../config/services";
import type { AppDefinition, PartSpec, Value } from "../types";

export const CUSTOM_PART = "main";

/** Env values of a declaration: `{ secret }` and `{ generated }` stay references. */
export function declaredEnv(env: ServiceConfig["env"]): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [key, value] of Object.entries(env)) {
    out[key] =
      typeof value === "object" ? value : typeof value === "string" ? value : String(value);
  }
  return out;
}

/** The single part of a custom service. */
export function customPart(service: ServiceConfig): PartSpec {
  return {
    image: service.image ?? "",
    role: "app",
    command: service.command,
    entrypoint: service.entrypoint,
    user: service.user,
    ports: service.ports.map((p) => ({
      container: p.container,
      host: p.host,
      protocol: p.protocol,
    })),
    volumes: service.volumes
      .filter((v) => v.hostPath === undefined)
      .map((v) => ({ volume: v.name, path: v.path, readOnly: v.readOnly })),
    binds: service.volumes
      .filter((v) => v.hostPath !== undefined)
      .map((v) => ({ hostPath: v.hostPath!, path: v.path, readOnly: v.readOnly })),
    healthcheck: service.healthcheck,
    restart: service.restart,
    capAdd: service.capAdd,
    privileged: service.privileged,
    devices: service.devices,
    shmSizeMiB: service.shmSizeMiB,
    tmpfs: service.tmpfs,
    hostNetwork: service.hostNetwork,
    hostPid: service.hostPid,
    readOnlyRootFs: service.readOnlyRootFs,
    memoryMiB: service.memoryMiB,
  };
}

/** The definition for one custom service. */
export function customApp(service: ServiceConfig): AppDefinition {
  return {
    name: "custom",
    title: service.description ?? service.name,
    docs: "",
    webPart: CUSTOM_PART,
    webPort: service.webPort,
    parts: () => ({ [CUSTOM_PART]: customPart(service) }),
  };
}

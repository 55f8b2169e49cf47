/**
 * The application catalog: every known application by its `app:` id. `custom` is not in the
 * list: it is built from the service declaration itself (see apps/custom.ts).
 */
import { affine } from "./apps/affine";
import { authelia } from "./apps/authelia";
import { caddy } from "./apps/caddy";
import { crowdsec } from "./apps/crowdsec";
import { diun } from "./apps/diun";
import { fireflyIii } from "./apps/firefly-iii";
import { gatus } from "./apps/gatus";
import { gitea } from "./apps/gitea";
import { gokapi } from "./apps/gokapi";
import { grafana } from "./apps/grafana";
import { homeAssistant } from "./apps/home-assistant";
import { immich } from "./apps/immich";
import { kopia } from "./apps/kopia";
import { lldap } from "./apps/lldap";
import { loki } from "./apps/loki";
import { mealie } from "./apps/mealie";
import { n8n } from "./apps/n8n";
import { ntfy } from "./apps/ntfy";
import { paperlessNgx } from "./apps/paperless-ngx";
import { pihole } from "./apps/pihole";
import { prometheus } from "./apps/prometheus";
import { traefik } from "./apps/traefik";
import { uptimeKuma } from "./apps/uptime-kuma";
import { vaultwarden } from "./apps/vaultwarden";
import type { ServiceConfig } from "../config/services";
import { customApp } from "./apps/custom";
import type { AppContext, AppDefinition, PartSpec } from "./types";

export const CUSTOM_APP = "custom";

/** Every catalog application, by name (sorted). */
export const CATALOG: Readonly<Record<string, AppDefinition>> = Object.fromEntries(
  [
    affine,
    authelia,
    caddy,
    crowdsec,
    diun,
    fireflyIii,
    gatus,
    gitea,
    gokapi,
    grafana,
    homeAssistant,
    immich,
    kopia,
    lldap,
    loki,
    mealie,
    n8n,
    ntfy,
    paperlessNgx,
    pihole,
    prometheus,
    traefik,
    uptimeKuma,
    vaultwarden,
  ]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((app) => [app.name, app]),
);

/** Applications a service may declare (`app:`), including custom. */
export function declarableApps(): string[] {
  return [
    ...Object.values(CATALOG)
      .filter((a) => !a.internal)
      .map((a) => a.name),
    CUSTOM_APP,
  ];
}

/** The app definition of a service (catalog or custom), or undefined for an unknown app. */
export function appOf(service: ServiceConfig): AppDefinition | undefined {
  if (service.app === CUSTOM_APP) return customApp(service);
  const app = CATALOG[service.app];
  return app && !app.internal ? app : undefined;
}

/** The parts of an app, from a probe context (for validation and its reference, docs/catalog.md). */
export function probeParts(
  app: AppDefinition,
  service: Pick<ServiceConfig, "name">,
): Record<string, PartSpec> {
  const ctx: AppContext = {
    service: service.name,
    timezone: "Etc/UTC",
    hostnames: [],
    generated: (key) => ({ generated: `${service.name}-${key}` }),
    reach: (_from, part, port) => `${part}:${port}`,
  };
  return app.parts(ctx);
}

/** The part names of an app, from a probe context (for validation). */
export function partNamesOf(app: AppDefinition, service: ServiceConfig): string[] {
  return Object.keys(probeParts(app, service));
}

/** The volumes an app's parts mount: volume id → the container paths it is mounted at. */
export function volumePathsOf(app: AppDefinition, service: ServiceConfig): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const spec of Object.values(probeParts(app, service))) {
    for (const v of spec.volumes ?? []) {
      const paths = out.get(v.volume) ?? [];
      if (!paths.includes(v.path)) paths.push(v.path);
      out.set(v.volume, paths);
    }
  }
  return out;
}

export type { AppDefinition } from "./types";

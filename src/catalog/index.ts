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
import type { AppContext, AppDefinition } from "./types";

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

/** The part names of an app, from a probe context (for validation). */
export function partNamesOf(app: AppDefinition, service: ServiceConfig): string[] {
  const ctx: AppContext = {
    service: service.name,
    timezone: "Etc/UTC",
    hostnames: [],
    generated: (key) => ({ generated: `${service.name}-${key}` }),
    reach: (_from, part, port) => `${part}:${port}`,
  };
  return Object.keys(app.parts(ctx));
}

export type { AppDefinition } from "./types";

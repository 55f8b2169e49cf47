/**
 * `verify`: what the live homelab says, against what the stack's model says SHOULD exist.
 * Each source is read through a small reader (the FortiGate monitor API, the UniFi
 * controller, the Proxmox API), so tests put emulators behind the same code the command
 * runs; the checks run in a fixed order (edge, gateway, cluster) and every one produces
 * rows, a failed read included (as a failed row naming what could not be read).
 */
import type { SiteModel } from "../model";
import { checkFortigate, type MonitorReader } from "./fortigate";
import { fail, skip, type Row } from "./report";
import { checkUnifi } from "./unifi";
import { checkProxmox, type ProxmoxReader } from "./proxmox";
import { checkHttp, type HttpOptions } from "./http";
import { checkDocker, type DockerTransport } from "./docker";
import type { UnifiClient } from "../providers/unifi/client";

export interface VerifySources {
  readonly fortigate?: MonitorReader;
  readonly unifi?: UnifiClient;
  readonly proxmox?: ProxmoxReader;
  /** Where the proxy and the resolvers are asked (no credential needed). */
  readonly http?: HttpOptions;
  /** How the Docker hosts' engines are reached. */
  readonly docker?: DockerTransport;
}

/** A source the site has but verify cannot read (its credential is missing). */
export interface MissingCredential {
  readonly check: string;
  readonly env: string;
  readonly secret: string;
}

export async function verifySite(
  model: SiteModel,
  sources: VerifySources,
  missing: readonly MissingCredential[] = [],
): Promise<Row[]> {
  const rows: Row[] = missing.map((m) =>
    fail(
      m.check,
      m.env,
      `not set: export it from the stack secret homelab:${m.secret} (see README, Verify)`,
    ),
  );
  if (model.federation && model.federation.peerings.length > 0 && !model.fortigate)
    rows.push(
      skip(
        "federation",
        model.federation.member.id,
        "the edge is not a FortiGate: its BGP sessions and tunnels are not read",
      ),
    );
  if (model.fortigate && sources.fortigate)
    rows.push(...(await checkFortigate(model, sources.fortigate)));
  if (model.unifi && sources.unifi) rows.push(...(await checkUnifi(model, sources.unifi)));
  if (model.proxmox && sources.proxmox) rows.push(...(await checkProxmox(model, sources.proxmox)));
  if (model.services) rows.push(...(await checkHttp(model, sources.http ?? {})));
  if (model.services && sources.docker) rows.push(...(await checkDocker(model, sources.docker)));
  return rows;
}

/**
 * What a controller supports, asked once by the program when `firewall.mode` is `auto`: its
 * Network application version (`stat/sysinfo`), whether it runs the zone-based firewall
 * (its v2 zones answer with the predefined zones), and whether it has the v2 static DNS API.
 */
import type { UnifiClient } from "./client";
import { collectionPath } from "../../devices/unifi/api";
import { UnifiError } from "./errors";

export interface ControllerFacts {
  /** Network application version ("9.5.21"), when the controller says. */
  readonly version?: string;
  /** The zone-based firewall is active (legacy rules are refused). */
  readonly zoneBasedFirewall: boolean;
  readonly staticDns: boolean;
}

/** Major version of "9.5.21" (undefined when unknown). */
export function majorVersion(version: string | undefined): number | undefined {
  const major = Number(version?.split(".")[0]);
  return Number.isInteger(major) ? major : undefined;
}

/** true when `probe` answers, false when the endpoint or object does not exist. */
async function exists(probe: () => Promise<unknown>): Promise<unknown> {
  try {
    return await probe();
  } catch (error) {
    if (error instanceof UnifiError && (error.kind === "notFound" || error.status === 400)) {
      return undefined;
    }
    throw error;
  }
}

export async function detectController(client: UnifiClient): Promise<ControllerFacts> {
  const site = client.connection.site;
  const version = await client.version();
  const major = majorVersion(version);
  let zoneBasedFirewall = false;
  if (major === undefined || major >= 9) {
    const zones = await exists(() => client.list(collectionPath(site, "firewall/zone")));
    zoneBasedFirewall =
      Array.isArray(zones) &&
      zones.some((z) => (z as { zone_key?: unknown }).zone_key === "internal");
  }
  const dns = await exists(() => client.list(collectionPath(site, "static-dns")));
  return { version, zoneBasedFirewall, staticDns: Array.isArray(dns) };
}

/**
 * What a controller runs, asked once by the program before anything is written (whatever
 * `firewall.mode` says: a pinned mode is checked too): its Network application version
 * (`stat/sysinfo`), whether it runs the zone-based firewall, its legacy rules when it does not
 * (their indexes are in the way of ours), and whether it has the v2 static DNS API.
 *
 * The zone-based firewall: a site the owner upgraded lists the feature `ZONE_BASED_FIREWALL`
 * in `v2 site-feature-migration` (read so by sirkirby/unifi-network-rules
 * constants/api_endpoints.py `API_PATH_SITE_FEATURE_MIGRATION`, and Art-of-WiFi/UniFi-API-client#259);
 * a controller without that endpoint is asked for its zones instead (the upgrade creates
 * them; an Internal zone means it ran).
 */
import type { UnifiClient } from "./client";
import { collectionPath, NETWORK_PREFIX, siteSegment } from "../../devices/unifi/api";
import { UnifiError } from "./errors";

export interface ControllerFacts {
  /** Network application version ("9.5.21"), when the controller says. */
  readonly version?: string;
  /** The zone-based firewall is active (legacy rules are refused). */
  readonly zoneBasedFirewall: boolean;
  readonly staticDns: boolean;
  /** The console's legacy rules (when it runs the legacy firewall). */
  readonly legacyRules?: readonly { ruleset: string; index: number; name: string }[];
}

/** Major version of "9.5.21" (undefined when unknown). */
export function majorVersion(version: string | undefined): number | undefined {
  const major = Number(version?.split(".")[0]);
  return Number.isInteger(major) ? major : undefined;
}

/** What `probe` answers, or undefined when the endpoint or object does not exist. */
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

async function zoneBased(client: UnifiClient, site: string): Promise<boolean> {
  const migrations = await exists(() =>
    client.list(`${NETWORK_PREFIX}/v2/api/site/${siteSegment(site)}/site-feature-migration`),
  );
  if (Array.isArray(migrations)) {
    return migrations.some((m) => (m as { feature?: unknown }).feature === "ZONE_BASED_FIREWALL");
  }
  const zones = await exists(() => client.list(collectionPath(site, "firewall/zone")));
  return (
    Array.isArray(zones) && zones.some((z) => (z as { zone_key?: unknown }).zone_key === "internal")
  );
}

export async function detectController(client: UnifiClient): Promise<ControllerFacts> {
  const site = client.connection.site;
  const version = await client.version();
  const major = majorVersion(version);
  const zone = major === undefined || major >= 9 ? await zoneBased(client, site) : false;
  const legacyRules = zone
    ? undefined
    : (await client.list(collectionPath(site, "firewallrule"))).map((rule) => ({
        ruleset: String(rule.ruleset),
        index: Number(rule.rule_index),
        name: String(rule.name),
      }));
  const dns = await exists(() => client.list(collectionPath(site, "static-dns")));
  return { version, zoneBasedFirewall: zone, staticDns: Array.isArray(dns), legacyRules };
}

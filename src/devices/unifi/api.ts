/**
 * Where UniFi objects live: the API paths of the Network application on a UniFi OS console
 * (behind the `/proxy/network` prefix), for the classic `rest/*` collections and the v2 API.
 *
 * Runs inside the serialized provider: plain functions and constants only.
 */

/** Prefix of the Network application on UniFi OS consoles (UDM, UDR, UCG, Cloud Key G2+). */
export const NETWORK_PREFIX = "/proxy/network";

/** Classic collections (`/api/s/{site}/rest/<name>`, envelope `{meta, data}`). */
export type ClassicCollection = "networkconf" | "firewallgroup" | "firewallrule" | "portforward";

/** v2 resources (`/v2/api/site/{site}/<name>`, bare JSON). */
export type V2Collection =
  "firewall/zone" | "firewall-policies" | "firewall-policies/batch-reorder" | "static-dns";

export type Collection = ClassicCollection | V2Collection;

export const CLASSIC_COLLECTIONS: readonly ClassicCollection[] = [
  "networkconf",
  "firewallgroup",
  "firewallrule",
  "portforward",
];

export const V2_COLLECTIONS: readonly V2Collection[] = [
  "firewall/zone",
  "firewall-policies",
  "firewall-policies/batch-reorder",
  "static-dns",
];

/**
 * A site name as one path segment. "." and ".." are refused: percent-encoding leaves them as
 * they are, and HTTP clients and proxies resolve them as dot-segments (RFC 3986 §5.2.4), so
 * `/api/s/../rest/networkconf` would address another path than the site's.
 */
export function siteSegment(site: string): string {
  if (site === "" || site === "." || site === "..") {
    throw new Error(`"${site}" cannot be a UniFi site name: it is not a path segment`);
  }
  return encodeURIComponent(site);
}

/** The path of a collection of `site`. */
export function collectionPath(site: string, collection: Collection): string {
  const s = siteSegment(site);
  return (CLASSIC_COLLECTIONS as readonly string[]).includes(collection)
    ? `${NETWORK_PREFIX}/api/s/${s}/rest/${collection}`
    : `${NETWORK_PREFIX}/v2/api/site/${s}/${collection}`;
}

export interface ParsedPath {
  readonly api: "classic" | "v2";
  readonly site: string;
  readonly collection: Collection;
}

/** The API, site and collection of a collection path; undefined for any other path. */
export function parseCollectionPath(path: string): ParsedPath | undefined {
  if (/(^|\/)\.{1,2}(\/|$)/.test(path)) return undefined;
  const classic = /^\/proxy\/network\/api\/s\/([^/]+)\/rest\/([a-z]+)$/.exec(path);
  if (classic) {
    const collection = classic[2] as ClassicCollection;
    if (!CLASSIC_COLLECTIONS.includes(collection)) return undefined;
    return { api: "classic", site: decodeURIComponent(classic[1]!), collection };
  }
  const v2 = /^\/proxy\/network\/v2\/api\/site\/([^/]+)\/(.+)$/.exec(path);
  if (v2) {
    const collection = v2[2] as V2Collection;
    if (!V2_COLLECTIONS.includes(collection)) return undefined;
    return { api: "v2", site: decodeURIComponent(v2[1]!), collection };
  }
  return undefined;
}

/** The path of one object of a collection. */
export function objectPath(collection: string, id: string): string {
  return `${collection}/${encodeURIComponent(id)}`;
}

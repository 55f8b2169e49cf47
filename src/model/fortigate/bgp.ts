/**
 * Step: the BGP speaker (one `router/bgp` object, owned whole): the AS and router id from
 * the registry, one neighbor per peering over its tunnel, filtered by its prefix lists, and
 * what this site announces, as the device allows. Fortinet's own sources disagree about
 * router/bgp `redistribute` on FortiOS 7.4 (the Ansible collection lists it only up to
 * 7.0.5/7.2.0; the Terraform provider sends it on every release, with EVPN fields no release
 * before 7.4 has), so the object carries both bodies and the provider asks the device's own
 * schema (`GET cmdb/router/bgp?action=schema`) in `check`, before any write:
 *
 * - where router/bgp has the `redistribute` table, the configured sources are redistributed;
 *   `static` goes through a route map that drops the dial-up clients' /32 routes (FortiOS
 *   adds one static route per connected client: without the map each would be announced
 *   to every peer, and our out-filter lets more-specifics of our prefixes through);
 * - where it does not, the same routes are announced from the network table: each connected
 *   subnet and static route inside the prefixes this member registered (with the network
 *   import check, a route only while it is in the routing table). The clients' /32s are
 *   never among them.
 */
import {
  bgp,
  prefixList,
  redistribution,
  routeMap,
  type BgpBody,
} from "../../devices/fortios/tables";
import { containsPrefix, formatPrefix, parseIPv4, type Prefix } from "../../lib/net";
import { prefixMask, roleName, type FortigateContext } from "./context";
import { poolRoute } from "./routes";
import { parsedPrefix } from "./topology";

/** Timers when there is no peering to take them from (FortiOS's defaults). */
const DEFAULT_TIMERS = { keepalive: 60, holdtime: 180 };

/** The route map `redistribute static` goes through when there is a dial-up VPN. */
export const STATIC_ROUTE_MAP = "fgn-redistribute-static";

/**
 * A prefix list matching the dial-up clients' routes (the pool's more-specifics, not the
 * pool itself), and the route map denying them and permitting every other static route.
 * Returns the route map's name and role.
 */
function planStaticFilter(ctx: FortigateContext): { name: string; role: string } | undefined {
  const vpn = ctx.fg.dialupVpn;
  if (!vpn) return undefined;
  const pool = parsedPrefix(vpn.pool);
  const clients = `${vpn.name}-clients`;
  const list = ctx.add(
    `pl-${clients}`,
    prefixList({
      name: clients,
      comments: `the /32 routes of ${vpn.name}'s dial-up clients`,
      rule: [
        {
          id: 1,
          action: "permit",
          prefix: prefixMask(pool),
          ge: Math.min(pool.length + 1, 32),
          le: 32,
        },
      ],
    }),
  );
  const role = ctx.add(
    `rm-${STATIC_ROUTE_MAP}`,
    routeMap({
      name: STATIC_ROUTE_MAP,
      comments: "static routes to BGP, without the dial-up clients' /32s",
      rule: [
        { id: 1, action: "deny", "match-ip-address": clients },
        { id: 2, action: "permit" },
      ],
    }),
    [list],
  );
  return { name: STATIC_ROUTE_MAP, role };
}

/** The network-table entries announcing what redistribution would (see the header). */
function announcedNetworks(ctx: FortigateContext): BgpBody["network"] {
  const sources = ctx.fg.bgp?.redistribute ?? [];
  const owned = (ctx.peerings[0]?.announcePrefixes ?? []).map(parsedPrefix);
  const candidates: Prefix[] = [];
  if (sources.includes("connected"))
    candidates.push(...ctx.topology.interfaces.map((i) => i.subnet));
  if (sources.includes("static")) {
    candidates.push(...ctx.topology.routes.map((r) => r.prefix));
    const pool = poolRoute(ctx);
    if (pool !== undefined) candidates.push(parsedPrefix(pool));
  }
  const inside = candidates.filter((p) => owned.some((o) => containsPrefix(o, p)));
  const unique = [...new Map(inside.map((p) => [formatPrefix(p), p])).values()].sort(
    (a, b) => a.network - b.network || a.length - b.length,
  );
  return unique.map((prefix, i) => ({ id: i + 1, prefix: prefixMask(prefix) }));
}

export function planBgp(ctx: FortigateContext): void {
  const side = ctx.federation;
  if (!side) return;
  const peerings = side.peerings;
  const neighbors = [...peerings]
    .sort((a, b) => (parseIPv4(a.remoteAddress) ?? 0) - (parseIPv4(b.remoteAddress) ?? 0))
    .map((p) => ({
      ip: p.remoteAddress,
      "remote-as": String(p.remoteAsn),
      interface: p.interfaceName,
      "update-source": p.interfaceName,
      description: p.peerName.slice(0, 63),
      "prefix-list-in": `${p.interfaceName}-in`,
      "prefix-list-out": `${p.interfaceName}-out`,
      "keep-alive-timer": p.bgp.keepalive,
      "holdtime-timer": p.bgp.holdtime,
      "maximum-prefix": p.bgp.maxPrefix,
      "soft-reconfiguration": "enable" as const,
      activate: "enable" as const,
    }));
  const timers = peerings[0]?.bgp ?? DEFAULT_TIMERS;
  const sources = ctx.fg.bgp?.redistribute ?? [];
  const filter = sources.includes("static") ? planStaticFilter(ctx) : undefined;
  const common = {
    as: String(side.asn),
    "router-id": side.routerId,
    "keepalive-timer": timers.keepalive,
    "holdtime-timer": timers.holdtime,
    neighbor: neighbors,
  };
  ctx.add(
    "bgp",
    bgp(
      {
        ...common,
        network: [],
        redistribute: redistribution(sources, filter ? { static: filter.name } : {}),
      },
      { ...common, network: announcedNetworks(ctx) },
    ),
    [
      ...peerings.flatMap((p) => [
        roleName(`pl-${p.interfaceName}-in`),
        roleName(`pl-${p.interfaceName}-out`),
        roleName(`tun-${p.interfaceName}`),
      ]),
      filter?.role,
    ],
  );
}

/**
 * Step: the BGP speaker (one `router/bgp` object, owned whole): the AS and router id from
 * the registry, one neighbor per peering over its tunnel, filtered by its prefix lists.
 */
import { bgp, redistribution } from "../../devices/fortios/tables";
import { parseIPv4 } from "../../lib/net";
import { roleName, type FortigateContext } from "./context";

/** Timers when there is no peering to take them from (FortiOS's defaults). */
const DEFAULT_TIMERS = { keepalive: 60, holdtime: 180 };

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
  ctx.add(
    "bgp",
    bgp({
      as: String(side.asn),
      "router-id": side.routerId,
      "keepalive-timer": timers.keepalive,
      "holdtime-timer": timers.holdtime,
      neighbor: neighbors,
      network: [],
      redistribute: redistribution(ctx.fg.bgp?.redistribute ?? []),
    }),
    peerings.flatMap((p) => [
      roleName(`pl-${p.interfaceName}-in`),
      roleName(`pl-${p.interfaceName}-out`),
      roleName(`tun-${p.interfaceName}`),
    ]),
  );
}

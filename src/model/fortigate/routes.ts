/**
 * Step: static routes. The configured ones, the site's (the Proxmox SDN subnet via its
 * node), one per remote subnet of each extra tunnel, through the tunnel interface, and a
 * blackhole covering the dial-up pool when its clients reach the federation: BGP announces
 * the pool from it (each connected client has its own, more specific /32 route through the
 * VPN; an address of the pool without a client is dropped here instead of leaving by the
 * default route).
 */
import { staticRoute } from "../../devices/fortios/tables";
import { prefixMask, type FortigateContext } from "./context";
import { dialupReachesFederation } from "./dialup";
import { idsOf, parsedPrefix, type FortigateRoute } from "./topology";

/** Administrative distance of the pool's blackhole: below every real route to it. */
const BLACKHOLE_DISTANCE = 254;

/** Routes to the remote subnets of the extra site-to-site tunnels. */
function tunnelRoutes(ctx: FortigateContext): FortigateRoute[] {
  return ctx.fg.tunnels.flatMap((t) =>
    t.remoteSubnets.map((dst) => ({
      dst,
      prefix: parsedPrefix(dst),
      gateway: "0.0.0.0",
      device: t.name,
      distance: 10,
      comment: `behind tunnel ${t.name}`,
    })),
  );
}

/** The blackhole covering the dial-up pool, when BGP announces it to the federation. */
export function poolRoute(ctx: FortigateContext): string | undefined {
  const vpn = ctx.fg.dialupVpn;
  return vpn && dialupReachesFederation(ctx) ? vpn.pool : undefined;
}

export function planRoutes(ctx: FortigateContext): void {
  const routes = [...ctx.topology.routes, ...tunnelRoutes(ctx)];
  const identity = (r: FortigateRoute) => `route:${r.dst}:${r.device}`;
  const pool = poolRoute(ctx);
  const poolIdentity = pool === undefined ? undefined : `route:${pool}:blackhole`;
  const idOf = idsOf(
    [...routes.map(identity), ...(poolIdentity ? [poolIdentity] : [])],
    ctx.fg.idBase,
  );
  for (const route of routes) {
    ctx.add(
      `route-${route.dst}-${route.device}`,
      staticRoute({
        "seq-num": idOf(identity(route)),
        dst: prefixMask(route.prefix),
        gateway: route.gateway,
        device: route.device,
        distance: route.distance,
        ...(route.comment ? { comment: route.comment.slice(0, 255) } : {}),
      }),
      [ctx.interfaceRole(route.device)],
    );
  }
  if (pool !== undefined && poolIdentity !== undefined) {
    ctx.add(
      `route-${pool}-blackhole`,
      staticRoute({
        "seq-num": idOf(poolIdentity),
        dst: prefixMask(parsedPrefix(pool)),
        blackhole: "enable",
        distance: BLACKHOLE_DISTANCE,
        comment: `dial-up pool ${ctx.fg.dialupVpn?.name ?? ""}: announced to the federation (clients have their own /32 routes)`,
      }),
    );
  }
}

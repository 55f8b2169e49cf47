/**
 * Step: static routes. The configured ones, the site's (the Proxmox SDN subnet via its
 * node), and one per remote subnet of each extra tunnel, through the tunnel interface.
 */
import { staticRoute } from "../../devices/fortios/tables";
import { prefixMask, type FortigateContext } from "./context";
import { idsOf, parsedPrefix, type FortigateRoute } from "./topology";

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

export function planRoutes(ctx: FortigateContext): void {
  const routes = [...ctx.topology.routes, ...tunnelRoutes(ctx)];
  const identity = (r: FortigateRoute) => `route:${r.dst}:${r.device}`;
  const idOf = idsOf(routes.map(identity), ctx.fg.idBase);
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
}

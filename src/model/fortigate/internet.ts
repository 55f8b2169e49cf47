/**
 * Step: Internet access. FortiOS drops whatever no policy accepts, and the factory Internet
 * policy names the factory `internal` switch, whose ports an aggregate of this stack takes:
 * without this policy the site loses the Internet (ACME, image pulls, updates). One policy
 * from the configured networks to the WAN interface, with source NAT to its address.
 */
import { addressRole, names, type FortigateContext } from "./context";

export function planInternet(ctx: FortigateContext): void {
  const internet = ctx.fg.internet;
  if (!internet) return;
  const addresses = internet.networks.map((n) => ctx.addressOf(n));
  const srcintf = ctx.interfacesOf(internet.networks);
  ctx.policies.push({
    name: "internet",
    body: {
      srcintf: names(srcintf),
      dstintf: names([internet.interface]),
      srcaddr: names(addresses),
      dstaddr: names(["all"]),
      service: names(["ALL"]),
      schedule: "always",
      action: "accept",
      nat: "enable",
      comments: `Internet access of ${internet.networks.join(", ")} through ${internet.interface}, with source NAT`,
    },
    deps: [
      ...addresses.map(addressRole),
      ...srcintf.map((i) => ctx.interfaceRole(i)),
      ctx.interfaceRole(internet.interface),
    ],
  });
}

/**
 * Step: the federation. The local networks it may reach as one group, and per peering a
 * site-to-site tunnel (addresses, proposals and PSK from the registry's derivation) and the
 * two prefix lists BGP filters it with: exactly the peer's registered prefixes in, exactly
 * ours out, more-specifics included.
 */
import { addressGroup, prefixList } from "../../devices/fortios/tables";
import { addressRole, cidrMask, names, roleName, type FortigateContext } from "./context";
import { siteToSite } from "./ipsec";

/** The address group of the local networks reachable from the federation. */
export const LOCAL_GROUP = "fgn-local";

/** Prefix-list rules permitting exactly these prefixes and their more-specifics. */
function permitRules(prefixes: readonly string[]) {
  return prefixes.map((prefix, i) => ({
    id: i + 1,
    action: "permit" as const,
    prefix: cidrMask(prefix),
    le: 32,
  }));
}

export function planFederation(ctx: FortigateContext): void {
  const side = ctx.federation;
  if (!side) return;
  const local = side.networks.map((n) => ctx.addressOf(n));
  ctx.add(
    `grp-${LOCAL_GROUP}`,
    addressGroup({
      name: LOCAL_GROUP,
      member: names(local),
      comment: "local networks reachable from the federation",
    }),
    local.map(addressRole),
  );
  for (const p of side.peerings) {
    const tunnel = p.interfaceName;
    siteToSite(ctx, {
      tunnel,
      gateway: p.remoteGateway,
      wan: side.wan,
      psk: p.pskSecret,
      ike: p.ike,
      esp: p.ipsec,
      addresses: { local: p.localAddress, remote: p.remoteAddress, length: p.prefixLength },
      remote: p.acceptPrefixes.map((prefix) => ({ name: `fgn-${prefix}`, prefix })),
      local: {
        addresses: [LOCAL_GROUP],
        roles: [roleName(`grp-${LOCAL_GROUP}`)],
        networks: side.networks,
      },
      label: `FGN peering with ${p.peerName} (AS ${p.remoteAsn})`,
      peerLabel: `${p.peerName} (FGN)`,
    });
    ctx.add(
      `pl-${tunnel}-in`,
      prefixList({
        name: `${tunnel}-in`,
        comments: `accepted from ${p.peerName}: its registered prefixes`,
        rule: permitRules(p.acceptPrefixes),
      }),
    );
    ctx.add(
      `pl-${tunnel}-out`,
      prefixList({
        name: `${tunnel}-out`,
        comments: `announced to ${p.peerName}: our registered prefixes`,
        rule: permitRules(p.announcePrefixes),
      }),
    );
  }
}

/**
 * Step: the federation. The local networks it may reach as one group, and per peering a
 * site-to-site tunnel (addresses, proposals and PSK from the registry's derivation, our
 * registered endpoint as IKE identity) and the two prefix lists BGP filters it with: ours
 * out, the peer's registered prefixes in, more-specifics included, but never a route into
 * a network of this site (a peer's more-specific of the ISP box's LAN would capture the
 * WAN transit, and the tunnels with it).
 */
import { addressGroup, prefixList, type PrefixRule } from "../../devices/fortios/tables";
import { containsPrefix, formatPrefix, type Prefix } from "../../lib/net";
import { ikeIdentity } from "../federation";
import {
  addressRole,
  cidrMask,
  names,
  prefixMask,
  roleName,
  type FortigateContext,
} from "./context";
import type { Problem } from "../../config/errors";
import { Problems } from "../../config/problems";
import type { FortigatePlanInput } from ".";
import { siteToSite } from "./ipsec";
import { parsedPrefix } from "./topology";

/** The address group of the local networks reachable from the federation. */
export const LOCAL_GROUP = "fgn-local";

/**
 * Prefix-list rules denying routes into `local` (and their more-specifics), then permitting
 * exactly `prefixes` and their more-specifics. Rules are tried in id order.
 */
function filterRules(prefixes: readonly string[], local: readonly Prefix[] = []): PrefixRule[] {
  return [
    ...local.map((prefix) => ({ action: "deny" as const, prefix: prefixMask(prefix), le: 32 })),
    ...prefixes.map((prefix) => ({ action: "permit" as const, prefix: cidrMask(prefix), le: 32 })),
  ].map((rule, i) => ({ id: i + 1, ...rule }));
}

/**
 * The site's networks that lie inside a prefix the peer registered (WAN transit, an
 * office's address, a remote tunnel's subnets: the site's own are outside every peer's by
 * the registry's rules), as the deny rules of the peer's in-filter.
 */
export function shadowedNetworks(ctx: FortigateContext, accept: readonly string[]): Prefix[] {
  const peer = accept.map(parsedPrefix);
  const found = ctx.networks.flatMap((n) =>
    n.prefixes.filter((p) => peer.some((q) => containsPrefix(q, p))),
  );
  return [...new Map(found.map((p) => [formatPrefix(p), p])).values()].sort(
    (a, b) => a.network - b.network || a.length - b.length,
  );
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
      localId: ikeIdentity(p.localEndpoint),
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
        comments: `accepted from ${p.peerName}: its registered prefixes, none of this site's networks`,
        rule: filterRules(p.acceptPrefixes, shadowedNetworks(ctx, p.acceptPrefixes)),
      }),
    );
    ctx.add(
      `pl-${tunnel}-out`,
      prefixList({
        name: `${tunnel}-out`,
        comments: `announced to ${p.peerName}: our registered prefixes`,
        rule: filterRules(p.announcePrefixes),
      }),
    );
  }
}

/**
 * A prefix a peer registered that lies inside one of this site's networks (or is one):
 * the in-filter must deny it whole, so the peering could never carry it. Each is a problem
 * at the network's declaration. (A site network inside a peer's prefix is fine: the
 * in-filter denies just that part.)
 */
export function shadowProblems(input: FortigatePlanInput): Problem[] {
  const out = new Problems(input.file);
  for (const p of input.federation?.peerings ?? []) {
    for (const text of p.acceptPrefixes) {
      const prefix = parsedPrefix(text);
      for (const network of input.networks) {
        const holder = network.prefixes.find((n) => containsPrefix(n, prefix));
        if (!holder) continue;
        out.add(
          network.source,
          `network "${network.name}" (${formatPrefix(holder)}) holds ${text}, which federation member "${p.peer}" registered: the FortiGate never accepts a route into one of this site's networks from a peer, so that peering could not carry ${text}. Renumber one of them (or correct the registry).`,
        );
      }
    }
  }
  return out.list;
}

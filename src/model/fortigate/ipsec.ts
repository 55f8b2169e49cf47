/**
 * Step: route-based IPsec to another site. Each tunnel is a phase1 (its tunnel interface
 * appears with it), a phase2, the tunnel's addresses, the remote prefixes as one address
 * group, and a policy each way between the local networks and those prefixes (planned with
 * the other policies, last). The federation's peerings and the extra tunnels of the config
 * are both planned through `siteToSite`.
 */
import {
  addressGroup,
  existingInterface,
  phase1,
  phase2,
  type Phase1Body,
} from "../../devices/fortios/tables";
import {
  dottedMask,
  formatIPv4,
  hostRange,
  maskOf,
  parseIPv4,
  type AddressWithPrefix,
} from "../../lib/net";
import {
  addressRole,
  names,
  cidrMask,
  roleName,
  type FortigateContext,
  type PolicyIntent,
} from "./context";
import type { IkeIdentity } from "../federation";
import { parsedAddress } from "./topology";

/** One site-to-site tunnel, whatever declared it. */
export interface SiteToSite {
  readonly tunnel: string;
  readonly gateway: string;
  readonly wan: string;
  /** The stack secret holding the PSK. */
  readonly psk: string;
  /** The IKE identity to send (the federation's: our registered endpoint). */
  readonly localId?: IkeIdentity;
  readonly ike: { proposals: readonly string[]; dhGroups: readonly number[]; lifetime?: number };
  readonly esp: { proposals: readonly string[]; pfsGroups: readonly number[]; lifetime?: number };
  /** The tunnel interface's address and its peer's, with the tunnel network's length. */
  readonly addresses?: { local: string; remote: string; length: number };
  /** Remote prefixes, each with the name of its address object. */
  readonly remote: readonly { name: string; prefix: string }[];
  /** Local side: address objects (or one group), their roles and the networks they are. */
  readonly local: {
    addresses: readonly string[];
    roles: readonly string[];
    networks: readonly string[];
  };
  /** "FGN peering with Baptiste", "site-to-site tunnel to-office". */
  readonly label: string;
  readonly peerLabel: string;
}

/** The other end of a /31 or /30 tunnel network. */
function peerOf({ address, length }: AddressWithPrefix): number {
  const network = (address & maskOf(length)) >>> 0;
  if (length === 31) return address === network ? network + 1 : network;
  const hosts = hostRange({ network, length });
  return address === hosts.first ? hosts.last : hosts.first;
}

/** The other end of a /31 or /30 tunnel network ("169.254.7.0/31" → "169.254.7.1"). */
export function tunnelPeerAddress(cidr: string): string {
  return formatIPv4(peerOf(parsedAddress(cidr)));
}

/** Both ends of a tunnel network, from this end ("169.254.7.0/31"). */
function tunnelEnds(cidr: string): NonNullable<SiteToSite["addresses"]> {
  const end = parsedAddress(cidr);
  return { local: formatIPv4(end.address), remote: formatIPv4(peerOf(end)), length: end.length };
}

/** Phase1 attributes that locate the peer: a static address, or a DNS name (ddns). */
function remoteGatewayOf(
  gateway: string,
): Pick<Phase1Body, "type" | "remote-gw" | "remotegw-ddns"> {
  return parseIPv4(gateway) !== undefined
    ? { type: "static", "remote-gw": gateway }
    : { type: "ddns", "remotegw-ddns": gateway };
}

/** The phase1, phase2 and tunnel interface of a tunnel; returns the phase1's role. */
function planTunnel(ctx: FortigateContext, t: SiteToSite): string {
  const p1 = ctx.add(
    `p1-${t.tunnel}`,
    phase1({
      name: t.tunnel,
      ...remoteGatewayOf(t.gateway),
      interface: t.wan,
      "ike-version": "2",
      peertype: "any",
      ...(t.localId ? { localid: t.localId.value, "localid-type": t.localId.type } : {}),
      authmethod: "psk",
      psksecret: { $secret: t.psk },
      proposal: t.ike.proposals.join(" "),
      dhgrp: t.ike.dhGroups.join(" "),
      ...(t.ike.lifetime !== undefined ? { keylife: t.ike.lifetime } : {}),
      dpd: "on-idle",
      "auto-negotiate": "enable",
      comments: t.label,
    }),
    [ctx.interfaceRole(t.wan)],
  );
  const pfs = t.esp.pfsGroups.length > 0;
  ctx.add(
    `p2-${t.tunnel}`,
    phase2({
      name: t.tunnel,
      phase1name: t.tunnel,
      proposal: t.esp.proposals.join(" "),
      pfs: pfs ? "enable" : "disable",
      ...(pfs ? { dhgrp: t.esp.pfsGroups.join(" ") } : {}),
      "auto-negotiate": "enable",
      ...(t.esp.lifetime !== undefined ? { keylifeseconds: t.esp.lifetime } : {}),
      comments: t.label,
    }),
    [p1],
  );
  if (t.addresses) {
    ctx.add(
      `tun-${t.tunnel}`,
      existingInterface({
        name: t.tunnel,
        ip: `${t.addresses.local} 255.255.255.255`,
        "remote-ip": `${t.addresses.remote} ${dottedMask(t.addresses.length)}`,
        allowaccess: "ping",
        description: `tunnel to ${t.peerLabel}`,
      }),
      [p1],
    );
  }
  return p1;
}

/** The tunnel, the remote prefixes, and the policies each way (left for the last step). */
export function siteToSite(ctx: FortigateContext, t: SiteToSite): void {
  planTunnel(ctx, t);
  for (const { name, prefix } of t.remote) ctx.addAddress(name, cidrMask(prefix), t.peerLabel);
  const nets = `${t.tunnel}-nets`;
  ctx.add(
    `grp-${nets}`,
    addressGroup({
      name: nets,
      member: names(t.remote.map((r) => r.name)),
      comment: `prefixes of ${t.peerLabel}`,
    }),
    t.remote.map((r) => addressRole(r.name)),
  );
  const localInterfaces = ctx.interfacesOf(t.local.networks);
  const common = {
    service: names(["ALL"]),
    schedule: "always",
    action: "accept" as const,
    nat: "disable" as const,
  };
  const deps = [
    ctx.interfaceRole(t.tunnel),
    roleName(`grp-${nets}`),
    ...t.local.roles,
    ...localInterfaces.map((i) => ctx.interfaceRole(i)),
  ];
  const out: PolicyIntent = {
    name: `${t.tunnel}-out`,
    body: {
      srcintf: names(localInterfaces),
      dstintf: names([t.tunnel]),
      srcaddr: names(t.local.addresses),
      dstaddr: names([nets]),
      ...common,
      comments: `local networks to ${t.peerLabel}`,
    },
    deps,
  };
  const back: PolicyIntent = {
    name: `${t.tunnel}-in`,
    body: {
      srcintf: names([t.tunnel]),
      dstintf: names(localInterfaces),
      srcaddr: names([nets]),
      dstaddr: names(t.local.addresses),
      ...common,
      comments: `${t.peerLabel} to local networks`,
    },
    deps,
  };
  ctx.policies.push(out, back);
}

/** The extra site-to-site tunnels of the config (outside the federation). */
export function planTunnels(ctx: FortigateContext): void {
  for (const t of ctx.fg.tunnels) {
    const local = t.localNetworks.map((n) => ctx.addressOf(n));
    siteToSite(ctx, {
      tunnel: t.name,
      gateway: t.remoteGw,
      wan: t.interface,
      psk: t.psk.secret,
      ike: { proposals: t.proposals, dhGroups: t.dhGroups },
      esp: { proposals: t.phase2Proposals, pfsGroups: t.dhGroups },
      addresses: t.localAddress === undefined ? undefined : tunnelEnds(t.localAddress),
      remote: t.remoteSubnets.map((prefix, i) => ({ name: `${t.name}-net${i}`, prefix })),
      local: { addresses: local, roles: local.map(addressRole), networks: t.localNetworks },
      label: `site-to-site tunnel ${t.name}`,
      peerLabel: `tunnel ${t.name}`,
    });
  }
}

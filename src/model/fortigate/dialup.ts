/**
 * Step: the IKEv2 dial-up VPN, one identity per person. Fortinet's IKEv2 remote-access
 * recipe: the phase1 authenticates the FortiGate with the pre-shared key, and each client
 * with EAP (`eap enable`, `eap-identity send-request`) as a member of the user group named
 * by `authusrgrp` (XAuth is IKEv1 only). Each person is a local user whose password is a
 * stack secret; removing one from the config deletes the user, revoking them alone.
 *
 * Also: a mode-config address pool, a split tunnel to the networks clients may reach (local
 * ones, and the peers' prefixes with `access: [federation]`), and the policy that lets them
 * in. Reaching the federation also needs the peers to route the pool back to us: the pool
 * is announced by BGP (src/model/fortigate/bgp.ts), from a blackhole route that covers it
 * (src/model/fortigate/routes.ts), while the clients' own /32 routes are not.
 *
 * The clients' DNS (mode-config): `dns` when given, else the site's resolver of the internal
 * names: the FortiGate itself, at its address on a LAN interface the clients reach (its DNS
 * server then also listens on the tunnel interface, where their queries arrive), or Pi-hole
 * at its host's address; with `domains.internalResolver: external`, none (`dns-mode auto`:
 * the FortiGate's own system DNS servers). Only the internal domain is sent to them (split
 * DNS, `internal-domain-list`, the IKEv2 INTERNAL_DNS_DOMAIN attribute) where FortiOS has it.
 * Attribute names, options and versions: Fortinet's Ansible collection,
 * plugins/modules/fortios_vpn_ipsec_phase1_interface.py (`versioned_schema`: `dns-mode`
 * manual|auto and `ipv4-dns-server1`..`3` since 6.0.0, `internal-domain-list` table keyed by
 * `domain-name` since 7.4.1), and fortios_system_dns_server.py (`name` any system/interface).
 */
import type { Problem } from "../../config/errors";
import { Problems } from "../../config/problems";
import { configKey } from "../../config/stack";
import {
  addressGroup,
  dnsServer,
  phase1,
  phase2,
  userGroup,
  userLocal,
  type Phase1Body,
} from "../../devices/fortios/tables";
import { containsAddress, dottedMask, formatIPv4, hostRange, parseIPv4 } from "../../lib/net";
import type { FortigatePlanInput } from ".";
import { addressRole, names, roleName, type FortigateContext } from "./context";
import { dnsInterfaces, servesNames } from "./dns";
import { parsedPrefix, type FortigateTopology } from "./topology";

/** The user group of a dial-up VPN ("vpn" → "vpn-users"). */
export function dialupGroup(vpn: string): string {
  return `${vpn}-users`;
}

/** Whether the dial-up clients reach the federation (its pool is then announced). */
export function dialupReachesFederation(ctx: FortigateContext): boolean {
  return ctx.fg.dialupVpn?.access.includes("federation") === true && ctx.peerings.length > 0;
}

/** The local users and their group; returns the group's role. */
function planUsers(ctx: FortigateContext, vpn: string): string {
  const users = ctx.fg.dialupVpn?.users ?? [];
  const roles = users.map((user) =>
    ctx.add(
      `user-${user.name}`,
      userLocal({
        name: user.name,
        type: "password",
        passwd: { $secret: user.password.secret },
        status: "enable",
      }),
    ),
  );
  const group = dialupGroup(vpn);
  return ctx.add(
    `usergrp-${group}`,
    userGroup({ name: group, "group-type": "firewall", member: names(users.map((u) => u.name)) }),
    roles,
  );
}

/** What the dial-up clients are told about DNS. */
export interface DialupDns {
  /** At most 3 servers; none: `dns-mode auto` (the FortiGate's own system DNS servers). */
  readonly servers: readonly string[];
  /** The one domain the servers are asked for (split DNS), when there are servers. */
  readonly domain?: string;
  /** A server is the FortiGate's LAN address: its DNS server listens on the tunnel too. */
  readonly onTunnel: boolean;
}

/** The DNS of the dial-up clients, or why the site's resolver cannot be handed to them. */
export function dialupDns(
  input: Pick<FortigatePlanInput, "config" | "networks" | "dns" | "names">,
  topology: FortigateTopology,
): { dns: DialupDns } | { problem: { key: "dns" | "access"; message: string } } | undefined {
  const vpn = input.config.dialupVpn;
  if (!vpn) return undefined;
  const names = input.names;
  const domain = names ? { domain: names.domain } : {};
  const fortigate = servesNames(input.dns)
    ? dnsInterfaces(input.config, topology).map((name) => topology.addressOf(name)!)
    : [];
  const own = new Set(fortigate.map((a) => formatIPv4(a.address)));
  if (vpn.dns.length > 0) {
    const servers = vpn.dns.slice(0, 3);
    return { dns: { servers, ...domain, onTunnel: servers.some((s) => own.has(s)) } };
  }
  if (!names) return { dns: { servers: [], onTunnel: false } };
  const reached = input.networks
    .filter((n) => vpn.access.includes(n.name))
    .flatMap((n) => n.prefixes);
  const inAccess = (address: number) => reached.some((p) => containsAddress(p, address));
  if (fortigate.length > 0) {
    const lan = fortigate.find((a) => inAccess(a.address));
    if (lan) return { dns: { servers: [formatIPv4(lan.address)], ...domain, onTunnel: true } };
    const shown = fortigate.map((a) => `${a.name} ${formatIPv4(a.address)}`).join(", ");
    return {
      problem: {
        key: "access",
        message: `the FortiGate serves the internal names (${names.domain}) on its LAN interfaces (${shown}), none of them in a network the dial-up clients reach, so they could not resolve them: add one of those networks to access, or list the DNS servers to hand out in dns`,
      },
    };
  }
  if (names.resolver !== "pihole") return { dns: { servers: [], onTunnel: false } };
  const pihole = names.pihole;
  if (pihole === undefined) {
    return {
      problem: {
        key: "dns",
        message: `Pi-hole serves the internal names (${names.domain}), but its host has no IPv4 address the FortiGate could hand to the dial-up clients: list the DNS servers to hand out in dns`,
      },
    };
  }
  const address = parseIPv4(pihole);
  if (address === undefined || !inAccess(address)) {
    return {
      problem: {
        key: "access",
        message: `Pi-hole (${pihole}) serves the internal names (${names.domain}), but it is in no network the dial-up clients reach, so they could not resolve them: add its network to access, or list the DNS servers to hand out in dns`,
      },
    };
  }
  return { dns: { servers: [pihole], ...domain, onTunnel: false } };
}

/** The site's resolver that the dial-up clients could not reach, at the key that fixes it. */
export function dialupDnsProblems(
  input: FortigatePlanInput,
  topology: FortigateTopology,
): Problem[] {
  const out = new Problems(input.file);
  const found = dialupDns(input, topology);
  if (found && "problem" in found)
    out.add([configKey("fortigate"), "dialupVpn", found.problem.key], found.problem.message);
  return out.list;
}

/** The phase1's mode-config DNS attributes. */
function dnsAttributes(dns: DialupDns): Partial<Phase1Body> {
  return {
    "dns-mode": dns.servers.length > 0 ? "manual" : "auto",
    ...Object.fromEntries(dns.servers.map((ip, i) => [`ipv4-dns-server${i + 1}`, ip])),
    ...(dns.servers.length > 0 && dns.domain !== undefined
      ? { "internal-domain-list": [{ "domain-name": dns.domain }] }
      : {}),
  };
}

export function planDialup(ctx: FortigateContext): void {
  const vpn = ctx.fg.dialupVpn;
  if (!vpn) return;
  const pool = parsedPrefix(vpn.pool);
  const hosts = hostRange(pool);
  const localAccess = vpn.access.filter((a) => a !== "federation");
  const viaFederation = vpn.access.includes("federation") ? ctx.peerings : [];
  const accessAddresses = localAccess.map((n) => ctx.addressOf(n));
  const peerGroups = viaFederation.map((p) => `${p.interfaceName}-nets`);
  const split = `${vpn.name}-split`;
  ctx.add(
    `grp-${split}`,
    addressGroup({
      name: split,
      member: names([...accessAddresses, ...peerGroups]),
      comment: `networks dial-up clients reach through ${vpn.name}`,
    }),
    [...accessAddresses.map(addressRole), ...peerGroups.map((g) => roleName(`grp-${g}`))],
  );
  const users = planUsers(ctx, vpn.name);
  const found = dialupDns(
    { config: ctx.fg, networks: ctx.networks, dns: ctx.dns, names: ctx.names },
    ctx.topology,
  );
  const dns = found && "dns" in found ? found.dns : { servers: [], onTunnel: false };
  const p1 = ctx.add(
    `p1-${vpn.name}`,
    phase1({
      name: vpn.name,
      type: "dynamic",
      interface: vpn.interface,
      "ike-version": "2",
      peertype: "any",
      authmethod: "psk",
      psksecret: { $secret: "dialupPsk" },
      eap: "enable",
      "eap-identity": "send-request",
      authusrgrp: dialupGroup(vpn.name),
      proposal: vpn.proposals.join(" "),
      dhgrp: vpn.dhGroups.join(" "),
      dpd: "on-idle",
      "net-device": "disable",
      "add-route": "enable",
      "mode-cfg": "enable",
      "assign-ip": "enable",
      "assign-ip-from": "range",
      "ipv4-start-ip": formatIPv4(hosts.first),
      "ipv4-end-ip": formatIPv4(hosts.last),
      "ipv4-netmask": dottedMask(pool.length),
      ...dnsAttributes(dns),
      "ipv4-split-include": split,
      comments: "IKEv2 dial-up VPN: EAP, one user each",
    }),
    [ctx.interfaceRole(vpn.interface), roleName(`grp-${split}`), users],
  );
  ctx.add(
    `p2-${vpn.name}`,
    phase2({
      name: vpn.name,
      phase1name: vpn.name,
      proposal: vpn.phase2Proposals.join(" "),
      pfs: "enable",
      dhgrp: vpn.dhGroups.join(" "),
    }),
    [p1],
  );
  if (dns.onTunnel) {
    // The clients ask the FortiGate's LAN address through the tunnel: the query arrives on
    // the tunnel interface, which is where the DNS server must listen.
    ctx.add(`dns-${vpn.name}`, dnsServer({ name: vpn.name, mode: "recursive" }), [p1]);
  }
  const poolAddress = ctx.addressOf(vpn.name);
  const dstintf = [...ctx.interfacesOf(localAccess), ...viaFederation.map((p) => p.interfaceName)];
  ctx.policies.push({
    name: `${vpn.name}-access`,
    body: {
      srcintf: names([vpn.name]),
      dstintf: names(dstintf),
      srcaddr: names([poolAddress]),
      dstaddr: names([...accessAddresses, ...peerGroups]),
      service: names(["ALL"]),
      schedule: "always",
      action: "accept",
      nat: "disable",
      comments: "dial-up VPN clients to the networks they may reach",
    },
    deps: [
      p1,
      addressRole(poolAddress),
      ...accessAddresses.map(addressRole),
      ...peerGroups.map((g) => roleName(`grp-${g}`)),
      ...dstintf.map((i) => ctx.interfaceRole(i)),
    ],
  });
}

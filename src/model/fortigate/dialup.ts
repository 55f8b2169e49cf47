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
 */
import { addressGroup, phase1, phase2, userGroup, userLocal } from "../../devices/fortios/tables";
import { dottedMask, formatIPv4, hostRange } from "../../lib/net";
import { addressRole, names, roleName, type FortigateContext } from "./context";
import { parsedPrefix } from "./topology";

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
  const dns = vpn.dns.slice(0, 3);
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
      "dns-mode": dns.length > 0 ? "manual" : "auto",
      ...Object.fromEntries(dns.map((ip, i) => [`ipv4-dns-server${i + 1}`, ip])),
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

/**
 * The FortiGate plan (pure): every FortiOS object the edge needs, as typed CMDB specs with
 * their dependencies, from the site config, its networks and routes, the WAN publish intent
 * and the federation peerings. The component only turns this into `CmdbObject`s.
 *
 * Dependencies make Pulumi create referents first and delete referrers first (FortiOS refuses
 * to delete a referenced object, -23): interfaces → addresses → groups → routes, phase1 →
 * its tunnel interface and phase2 → prefix lists → BGP → policies.
 */
import type { FortigateConfig, FortigateInterface } from "../config/fortigate";
import {
  addressGroup,
  bgp,
  createdInterface,
  dhcpServer,
  existingInterface,
  firewallAddress,
  firewallPolicy,
  phase1,
  phase2,
  prefixList,
  redistribution,
  staticRoute,
  virtualIp,
  type CmdbSpec,
  type InterfaceBody,
  type NameRef,
  type Phase1Body,
  type PolicyBody,
} from "../devices/fortios/tables";
import { PlanBuilder, type DevicePlan, type PlannedObject } from "../devices/plan";
import {
  allocateIds,
  fortigateRoutes,
  interfacesForNetwork,
  interfaceTowards,
  type FortigateRoute,
} from "./fortigate-topology";
import {
  dottedMask,
  formatIPv4,
  formatPrefix,
  hostRange,
  maskOf,
  parseAddressWithPrefix,
  parseIPv4,
  parsePrefix,
  parseRange,
} from "../lib/net";
import type { Peering } from "./federation";
import type { SiteNetwork } from "../config/networks";
import type { PublishIntent } from "./publish";
import type { RouteIntent } from "./routes";

/** What the FortiGate plan reads of a federation peering (src/model/federation.ts). */
export type PeeringIntent = Pick<
  Peering,
  | "peer"
  | "peerName"
  | "interfaceName"
  | "localAddress"
  | "remoteAddress"
  | "prefixLength"
  | "remoteGateway"
  | "ike"
  | "ipsec"
  | "localAsn"
  | "remoteAsn"
  | "localRouterId"
  | "acceptPrefixes"
  | "announcePrefixes"
  | "bgp"
  | "pskSecret"
>;

export interface FortigatePlanInput {
  readonly config: FortigateConfig;
  /** Every network of the site (src/config/networks.ts). */
  readonly networks: readonly SiteNetwork[];
  /** Routes the site needs (the Proxmox SDN subnet via its node). */
  readonly siteRoutes: readonly RouteIntent[];
  /** The reverse proxy to publish on the WAN. */
  readonly publish?: PublishIntent;
  /** This site's federation membership: its AS, router id and one peering per peer. */
  readonly federation?: {
    readonly asn: number;
    readonly routerId: string;
    readonly peerings: readonly PeeringIntent[];
  };
}

/** One FortiOS object of the plan: a `CmdbObject`, after the objects its body names. */
export type FortigateObject = PlannedObject<"CmdbObject", CmdbSpec>;

export type FortigatePlan = DevicePlan<FortigateObject>;

/** Characters a role keeps; anything else becomes "-" ("10.0.0.0/8" → "10.0.0.0-8"). */
export function roleName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, "-");
}

/** "172.24.0.1/24" → "172.24.0.1 255.255.255.0" (the device's own spelling). */
export function ipMask(cidr: string): string {
  const parsed = parseAddressWithPrefix(cidr);
  if (!parsed) throw new Error(`internal error: not an address with a prefix: ${cidr}`);
  return `${formatIPv4(parsed.address)} ${dottedMask(parsed.length)}`;
}

/** The other end of a /31 or /30 tunnel network. */
export function tunnelPeerAddress(cidr: string): string {
  const parsed = parseAddressWithPrefix(cidr)!;
  const network = (parsed.address & maskOf(parsed.length)) >>> 0;
  if (parsed.length === 31) return formatIPv4(parsed.address === network ? network + 1 : network);
  const hosts = hostRange({ network, length: parsed.length });
  return formatIPv4(parsed.address === hosts.first ? hosts.last : hosts.first);
}

class Collector {
  private readonly plan = new PlanBuilder<FortigateObject>("FortiGate");
  readonly objects = this.plan.objects;
  add(role: string, spec: CmdbSpec, dependsOn: readonly (string | undefined)[] = []): string {
    const name = roleName(role);
    const deps = [...new Set(dependsOn.filter((d): d is string => d !== undefined))];
    this.plan.add({ role: name, kind: "CmdbObject", spec, dependsOn: deps });
    return name;
  }
  has(role: string): boolean {
    return this.plan.has(roleName(role));
  }
}

const names = (list: readonly string[]): NameRef[] => list.map((name) => ({ name }));

/** The FortiOS attributes of one configured interface. */
function interfaceBody(iface: FortigateInterface, vdom: string): InterfaceBody {
  const common: InterfaceBody = {
    name: iface.name,
    role: iface.role,
    mode: iface.mode,
    ...(iface.mode === "static" && iface.ip ? { ip: ipMask(iface.ip) } : {}),
    allowaccess: iface.allowaccess.join(" "),
    ...(iface.alias !== undefined ? { alias: iface.alias } : {}),
    ...(iface.description !== undefined ? { description: iface.description } : {}),
  };
  switch (iface.type) {
    case "physical":
      return common;
    case "aggregate":
      return {
        ...common,
        vdom,
        type: "aggregate",
        member: (iface.members ?? []).map((m) => ({ "interface-name": m })),
        "lacp-mode": iface.lacpMode,
      };
    case "vlan":
      return { ...common, vdom, type: "vlan", interface: iface.parent!, vlanid: iface.vlanId! };
    case "loopback":
      return { ...common, vdom, type: "loopback" };
  }
}

/** Phase1 attributes that locate the peer: a static address, or a DNS name (ddns). */
function remoteGatewayOf(
  gateway: string,
): Pick<Phase1Body, "type" | "remote-gw" | "remotegw-ddns"> {
  return parseIPv4(gateway) !== undefined
    ? { type: "static", "remote-gw": gateway }
    : { type: "ddns", "remotegw-ddns": gateway };
}

/** Prefix-list rules permitting exactly these prefixes and their more-specifics. */
function permitRules(prefixes: readonly string[]) {
  return prefixes.map((prefix, i) => ({
    id: i + 1,
    action: "permit" as const,
    prefix: ipMask(prefix),
    le: 32,
  }));
}

export function planFortigate(input: FortigatePlanInput): FortigatePlan {
  const fg = input.config;
  const vdom = fg.vdom;
  const out = new Collector();
  const { routes } = fortigateRoutes(fg, input.siteRoutes);
  const declared = new Map(fg.interfaces.map((i) => [i.name, i]));

  // --- Interfaces: parents before VLANs; physical ports are only updated.
  const ordered = [...fg.interfaces].sort(
    (a, b) => Number(a.type === "vlan") - Number(b.type === "vlan"),
  );
  for (const iface of ordered) {
    const body = interfaceBody(iface, vdom);
    const spec =
      iface.type === "physical"
        ? existingInterface(body)
        : createdInterface(body as InterfaceBody & { vdom: string; type: string });
    const parent = iface.type === "vlan" && iface.parent ? `if-${iface.parent}` : undefined;
    out.add(`if-${iface.name}`, spec, [parent && out.has(parent) ? parent : undefined]);
  }
  /** The object that makes interface `name` exist (or be configured), if this plan has one. */
  const interfaceRole = (name: string): string | undefined => {
    for (const role of [`tun-${name}`, `p1-${name}`, `if-${name}`])
      if (out.has(role)) return roleName(role);
    return undefined;
  };

  // --- Addresses of local networks, by name ("net-<name>"), created when first needed.
  const networkByName = new Map(input.networks.map((n) => [n.name, n]));
  const addressOf = (name: string): string => {
    const role = `addr-net-${name}`;
    if (out.has(role)) return `net-${name}`;
    const network = networkByName.get(name);
    if (!network || network.prefixes.length === 0)
      throw new Error(`internal error: network ${name} has no prefix`);
    if (network.prefixes.length === 1) {
      out.add(
        role,
        firewallAddress({
          name: `net-${name}`,
          type: "ipmask",
          subnet: ipMask(formatPrefix(network.prefixes[0]!)),
          comment: `network ${name}`,
        }),
      );
      return `net-${name}`;
    }
    const parts = network.prefixes.map((p, i) => {
      out.add(
        `${role}-${i}`,
        firewallAddress({
          name: `net-${name}-${i}`,
          type: "ipmask",
          subnet: ipMask(formatPrefix(p)),
          comment: `network ${name}`,
        }),
      );
      return { name: `net-${name}-${i}`, role: roleName(`${role}-${i}`) };
    });
    out.add(
      role,
      addressGroup({
        name: `net-${name}`,
        member: names(parts.map((p) => p.name)),
        comment: `network ${name}`,
      }),
      parts.map((p) => p.role),
    );
    return `net-${name}`;
  };
  const addressRole = (addressName: string) => roleName(`addr-${addressName}`);
  const interfacesOf = (networkNames: readonly string[]): string[] => {
    const set = new Set<string>();
    for (const name of networkNames) {
      const network = networkByName.get(name);
      for (const i of (network && interfacesForNetwork(fg, network, routes)) ?? []) set.add(i);
    }
    return [...set].sort();
  };

  // --- DHCP servers.
  const dhcpIds = allocateIds(
    fg.dhcp.map((d) => `dhcp:${d.interface}`),
    fg.idBase,
  );
  for (const server of fg.dhcp) {
    const iface = declared.get(server.interface)!;
    const address = parseAddressWithPrefix(iface.ip!)!;
    const range = parseRange(server.range)!;
    const dns = server.dns.slice(0, 4);
    out.add(
      `dhcp-${server.interface}`,
      dhcpServer({
        id: dhcpIds.get(`dhcp:${server.interface}`)!,
        interface: server.interface,
        status: "enable",
        "default-gateway": server.gateway ?? formatIPv4(address.address),
        netmask: dottedMask(address.length),
        "lease-time": server.leaseSeconds,
        "dns-service": dns.length > 0 ? "specify" : "local",
        ...Object.fromEntries(dns.map((ip, i) => [`dns-server${i + 1}`, ip])),
        ...(server.domain !== undefined ? { domain: server.domain } : {}),
        "ip-range": [
          { id: 1, "start-ip": formatIPv4(range.first), "end-ip": formatIPv4(range.last) },
        ],
        "reserved-address": server.reservations.map((r, i) => ({
          id: i + 1,
          ip: r.ip,
          mac: r.mac.toLowerCase(),
          ...(r.description !== undefined ? { description: r.description } : {}),
        })),
      }),
      [interfaceRole(server.interface)],
    );
  }

  // --- Route-based IPsec to another site: phase1 (its tunnel interface appears with it),
  // phase2, the tunnel's addresses, the remote prefixes, and a policy each way between local
  // networks and those prefixes (policies are planned last: they refer to everything).
  const policies: {
    name: string;
    body: Omit<PolicyBody, "policyid" | "name">;
    deps: (string | undefined)[];
  }[] = [];
  const siteToSite = (t: {
    readonly tunnel: string;
    readonly gateway: string;
    readonly wan: string;
    readonly psk: string;
    readonly ike: { proposals: readonly string[]; dhGroups: readonly number[]; lifetime?: number };
    readonly esp: { proposals: readonly string[]; pfsGroups: readonly number[]; lifetime?: number };
    /** The tunnel interface's address and its peer's, with the tunnel network's length. */
    readonly addresses?: { local: string; remote: string; length: number };
    /** Remote prefixes, each with the name of its address object. */
    readonly remote: readonly { name: string; prefix: string }[];
    /** Local side: address objects (or one group) and the networks they are. */
    readonly local: {
      addresses: readonly string[];
      roles: readonly string[];
      networks: readonly string[];
    };
    /** "FGN peering with Baptiste", "site-to-site tunnel to-office". */
    readonly label: string;
    readonly peerLabel: string;
  }): void => {
    const p1 = out.add(
      `p1-${t.tunnel}`,
      phase1({
        name: t.tunnel,
        ...remoteGatewayOf(t.gateway),
        interface: t.wan,
        "ike-version": "2",
        peertype: "any",
        authmethod: "psk",
        psksecret: { $secret: t.psk },
        proposal: t.ike.proposals.join(" "),
        dhgrp: t.ike.dhGroups.join(" "),
        ...(t.ike.lifetime !== undefined ? { keylife: t.ike.lifetime } : {}),
        dpd: "on-idle",
        "net-device": "disable",
        "auto-negotiate": "enable",
        comments: t.label,
      }),
      [interfaceRole(t.wan)],
    );
    const pfs = t.esp.pfsGroups.length > 0;
    out.add(
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
      out.add(
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
    for (const { name, prefix } of t.remote) {
      out.add(
        `addr-${name}`,
        firewallAddress({ name, type: "ipmask", subnet: ipMask(prefix), comment: t.peerLabel }),
      );
    }
    const nets = `${t.tunnel}-nets`;
    out.add(
      `grp-${nets}`,
      addressGroup({
        name: nets,
        member: names(t.remote.map((r) => r.name)),
        comment: `prefixes of ${t.peerLabel}`,
      }),
      t.remote.map((r) => addressRole(r.name)),
    );
    const localInterfaces = interfacesOf(t.local.networks);
    const common = {
      service: names(["ALL"]),
      schedule: "always",
      action: "accept" as const,
      nat: "disable" as const,
    };
    const deps = [
      interfaceRole(t.tunnel),
      roleName(`grp-${nets}`),
      ...t.local.roles,
      ...localInterfaces.map(interfaceRole),
    ];
    policies.push(
      {
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
      },
      {
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
      },
    );
  };

  // --- Federation: a site-to-site tunnel and two prefix lists per peering, then BGP.
  const peerings = fg.federation && input.federation ? input.federation.peerings : [];
  const localGroup = "fgn-local";
  if (fg.federation && input.federation) {
    const local = fg.federation.networks.map(addressOf);
    out.add(
      `grp-${localGroup}`,
      addressGroup({
        name: localGroup,
        member: names(local),
        comment: "local networks reachable from the federation",
      }),
      local.map(addressRole),
    );
  }
  for (const p of peerings) {
    const tunnel = p.interfaceName;
    siteToSite({
      tunnel,
      gateway: p.remoteGateway,
      wan: fg.federation!.interface,
      psk: p.pskSecret,
      ike: p.ike,
      esp: p.ipsec,
      addresses: { local: p.localAddress, remote: p.remoteAddress, length: p.prefixLength },
      remote: p.acceptPrefixes.map((prefix) => ({ name: `fgn-${prefix}`, prefix })),
      local: {
        addresses: [localGroup],
        roles: [roleName(`grp-${localGroup}`)],
        networks: fg.federation!.networks,
      },
      label: `FGN peering with ${p.peerName} (AS ${p.remoteAsn})`,
      peerLabel: `${p.peerName} (FGN)`,
    });
    out.add(
      `pl-${tunnel}-in`,
      prefixList({
        name: `${tunnel}-in`,
        comments: `accepted from ${p.peerName}: its registered prefixes`,
        rule: permitRules(p.acceptPrefixes),
      }),
    );
    out.add(
      `pl-${tunnel}-out`,
      prefixList({
        name: `${tunnel}-out`,
        comments: `announced to ${p.peerName}: our registered prefixes`,
        rule: permitRules(p.announcePrefixes),
      }),
    );
  }
  if (fg.federation && input.federation) {
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
    const timers = peerings[0]?.bgp ?? { keepalive: 60, holdtime: 180 };
    out.add(
      "bgp",
      bgp({
        as: String(input.federation.asn),
        "router-id": input.federation.routerId,
        "keepalive-timer": timers.keepalive,
        "holdtime-timer": timers.holdtime,
        neighbor: neighbors,
        network: [],
        redistribute: redistribution(fg.bgp?.redistribute ?? []),
      }),
      peerings.flatMap((p) => [
        roleName(`pl-${p.interfaceName}-in`),
        roleName(`pl-${p.interfaceName}-out`),
        roleName(`tun-${p.interfaceName}`),
      ]),
    );
  }

  // --- Extra site-to-site tunnels.
  for (const t of fg.tunnels) {
    const local = t.localNetworks.map(addressOf);
    const address = t.localAddress ? parseAddressWithPrefix(t.localAddress)! : undefined;
    siteToSite({
      tunnel: t.name,
      gateway: t.remoteGw,
      wan: t.interface,
      psk: t.psk.secret,
      ike: { proposals: t.proposals, dhGroups: t.dhGroups },
      esp: { proposals: t.phase2Proposals, pfsGroups: t.dhGroups },
      addresses: address && {
        local: formatIPv4(address.address),
        remote: tunnelPeerAddress(t.localAddress!),
        length: address.length,
      },
      remote: t.remoteSubnets.map((prefix, i) => ({ name: `${t.name}-net${i}`, prefix })),
      local: { addresses: local, roles: local.map(addressRole), networks: t.localNetworks },
      label: `site-to-site tunnel ${t.name}`,
      peerLabel: `tunnel ${t.name}`,
    });
  }

  // --- Static routes: configured, the site's (SDN via its node), to remote tunnel subnets.
  const allRoutes: FortigateRoute[] = [
    ...routes,
    ...fg.tunnels.flatMap((t) =>
      t.remoteSubnets.map((dst) => ({
        dst,
        gateway: "0.0.0.0",
        device: t.name,
        distance: 10,
        comment: `behind tunnel ${t.name}`,
      })),
    ),
  ];
  const routeIds = allocateIds(
    allRoutes.map((r) => `route:${r.dst}:${r.device}`),
    fg.idBase,
  );
  for (const route of allRoutes) {
    out.add(
      `route-${route.dst}-${route.device}`,
      staticRoute({
        "seq-num": routeIds.get(`route:${route.dst}:${route.device}`)!,
        dst: ipMask(route.dst),
        gateway: route.gateway,
        device: route.device,
        distance: route.distance,
        ...(route.comment ? { comment: route.comment.slice(0, 255) } : {}),
      }),
      [interfaceRole(route.device)],
    );
  }

  // --- Dial-up VPN (IKEv2, mode-config address pool, split tunnel to the access networks).
  const vpn = fg.dialupVpn;
  if (vpn) {
    const pool = parsePrefix(vpn.pool)!.prefix;
    const hosts = hostRange(pool);
    const localAccess = vpn.access.filter((a) => a !== "federation");
    const viaFederation = vpn.access.includes("federation") ? peerings : [];
    const accessAddresses = localAccess.map(addressOf);
    const peerGroups = viaFederation.map((p) => `${p.interfaceName}-nets`);
    const split = `${vpn.name}-split`;
    out.add(
      `grp-${split}`,
      addressGroup({
        name: split,
        member: names([...accessAddresses, ...peerGroups]),
        comment: `networks dial-up clients reach through ${vpn.name}`,
      }),
      [...accessAddresses.map(addressRole), ...peerGroups.map((g) => roleName(`grp-${g}`))],
    );
    const dns = vpn.dns.slice(0, 3);
    const p1 = out.add(
      `p1-${vpn.name}`,
      phase1({
        name: vpn.name,
        type: "dynamic",
        interface: vpn.interface,
        "ike-version": "2",
        peertype: "any",
        authmethod: "psk",
        psksecret: { $secret: "dialupPsk" },
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
        comments: "IKEv2 dial-up VPN",
      }),
      [interfaceRole(vpn.interface), roleName(`grp-${split}`)],
    );
    out.add(
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
    const poolAddress = addressOf(vpn.name);
    const dstintf = [...interfacesOf(localAccess), ...viaFederation.map((p) => p.interfaceName)];
    policies.push({
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
        ...dstintf.map(interfaceRole),
      ],
    });
  }

  // --- WAN publish of the reverse proxy: a port-forwarding VIP per port and one policy.
  const publish = input.publish;
  if (publish) {
    const wan = fg.interfaces.find((i) => i.role === "wan")!.name;
    const vips = publish.ports.map((port) => {
      const name = `pub-${publish.host}-${port}`.slice(0, 79);
      out.add(
        `vip-${name}`,
        virtualIp({
          name,
          type: "static-nat",
          extip: "0.0.0.0",
          extintf: wan,
          mappedip: [{ range: publish.address }],
          portforward: "enable",
          protocol: "tcp",
          extport: String(port),
          mappedport: String(port),
          comment: `reverse proxy ${publish.host}`,
        }),
        [interfaceRole(wan)],
      );
      return name;
    });
    let srcaddr = ["all"];
    const srcDeps: string[] = [];
    if (publish.sources !== "any") {
      const sources = publish.sources.map((prefix, i) => {
        const name = `pub-src-${publish.sourceName}-${i}`.slice(0, 79);
        out.add(
          `addr-${name}`,
          firewallAddress({
            name,
            type: "ipmask",
            subnet: ipMask(prefix),
            comment: `may reach the reverse proxy (${publish.sourceName})`,
          }),
        );
        return name;
      });
      const group = `pub-src-${publish.sourceName}`.slice(0, 79);
      out.add(
        `grp-${group}`,
        addressGroup({ name: group, member: names(sources) }),
        sources.map(addressRole),
      );
      srcaddr = [group];
      srcDeps.push(roleName(`grp-${group}`));
    }
    const target = interfaceTowards(fg, input.networks, routes, publish.address)!;
    policies.push({
      name: `publish-${publish.host}`.slice(0, 35),
      body: {
        srcintf: names([wan]),
        dstintf: names([target]),
        srcaddr: names(srcaddr),
        dstaddr: names(vips),
        service: names(["ALL"]),
        schedule: "always",
        action: "accept",
        nat: "disable",
        comments: `WAN to the reverse proxy ${publish.host} (${publish.sourceName})`,
      },
      deps: [
        ...vips.map((v) => roleName(`vip-${v}`)),
        ...srcDeps,
        interfaceRole(target),
        interfaceRole(wan),
      ],
    });
  }

  // --- Policies last: they refer to everything else.
  const policyIds = allocateIds(
    policies.map((p) => `policy:${p.name}`),
    fg.idBase,
  );
  for (const policy of policies) {
    out.add(
      `policy-${policy.name}`,
      firewallPolicy({
        policyid: policyIds.get(`policy:${policy.name}`)!,
        name: policy.name,
        ...policy.body,
      }),
      policy.deps,
    );
  }
  return { objects: out.objects };
}

/** The PSK secret names the plan uses (for cross-checks with requiredSecrets()). */
export function planSecrets(plan: FortigatePlan): string[] {
  const found = new Set<string>();
  for (const object of plan.objects) {
    for (const value of Object.values(object.spec.body as Record<string, unknown>)) {
      if (value !== null && typeof value === "object" && "$secret" in value)
        found.add((value as { $secret: string }).$secret);
    }
  }
  return [...found].sort();
}

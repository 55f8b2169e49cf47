/** `homelab:fortigate`: the FortiGate edge (interfaces, DHCP, routes, BGP, VPNs). */
import { z } from "zod";
import {
  addressRange,
  cidr,
  deviceTls,
  doc,
  hostOrAddress,
  interfaceAddress,
  ipv4,
  name,
  port,
  secretRef,
  strict,
  vlanId,
  text,
} from "./primitives";
import { fortigateRules } from "./fortigate.rules";
import { dhGroup, dhGroups, espProposal, ikeProposal } from "./ike";
import { refineWith, uniqueBy } from "./problems";

/** FortiOS interface and phase1 names: at most 15 characters. */
export const fortiName = z.string().regex(/^[A-Za-z0-9_.-]{1,15}$/, {
  error:
    "must be 1-15 characters (letters, digits, _ . -): the FortiOS interface name limit, e.g. port1 or fgn-baptiste",
});

export const allowAccess = z.enum([
  "ping",
  "https",
  "ssh",
  "http",
  "snmp",
  "fgfm",
  "radius-acct",
  "probe-response",
  "ftm",
  "speed-test",
]);

/** Proposals and DH groups of a tunnel or the dial-up VPN (IKEv2, PFS with the same groups). */
const ikeFields = {
  proposals: doc(
    z.array(ikeProposal).min(1),
    "IKE (phase1) proposals, in order of preference.",
  ).default(["aes256gcm-prfsha384", "aes256-sha256"]),
  phase2Proposals: doc(
    z.array(espProposal).min(1),
    "ESP (phase2) proposals, in order of preference.",
  ).default(["aes256gcm", "aes256-sha256"]),
  dhGroups: doc(
    z
      .array(
        dhGroup(
          `must be a DH group FortiOS supports with IKEv2 and that is not weak: ${dhGroups.join(", ")}`,
        ),
      )
      .min(1),
    "Diffie-Hellman groups (IKE, and PFS in phase2).",
  ).default([20, 21]),
};

export const interfaceSchema = strict({
  name: doc(fortiName, "Interface name on the FortiGate.", ["lan", "wan1"]),
  type: doc(
    z.enum(["physical", "aggregate", "vlan", "loopback"]),
    "physical ports already exist and are only updated; aggregate (LACP), vlan and loopback are created.",
  ).default("physical"),
  role: doc(z.enum(["lan", "wan", "dmz", "undefined"]), "FortiOS interface role.").default("lan"),
  alias: doc(text(25), "Alias shown in the FortiGate UI.").optional(),
  members: doc(z.array(fortiName), "Aggregate members (physical ports).", [
    ["internal1", "internal2"],
  ]).optional(),
  lacpMode: doc(z.enum(["active", "passive", "static"]), "LACP mode of an aggregate.").default(
    "active",
  ),
  parent: doc(fortiName, "Parent interface of a VLAN.").optional(),
  vlanId: doc(vlanId, "VLAN id of a vlan interface.").optional(),
  mode: doc(z.enum(["static", "dhcp"]), "Addressing mode.").default("static"),
  ip: doc(interfaceAddress, "Interface address with prefix length.", ["172.24.0.1/24"]).optional(),
  allowaccess: doc(z.array(allowAccess), "Management protocols allowed on the interface.").default([
    "ping",
  ]),
  description: doc(text(255), "Free text about the interface.").optional(),
});

export const dhcpServerSchema = strict({
  interface: doc(fortiName, "Interface the server listens on (must have an ip)."),
  range: doc(addressRange, "Addresses handed out.", ["172.24.0.100-172.24.0.199"]),
  gateway: doc(ipv4, "Default gateway (default: the interface address).").optional(),
  dns: doc(z.array(ipv4), "DNS servers (default: the FortiGate itself).", [
    ["10.128.0.12"],
  ]).default([]),
  domain: doc(z.string(), "DNS domain handed to clients.", ["home.arpa"]).optional(),
  leaseSeconds: doc(z.number().int().min(300).max(8_640_000), "Lease time in seconds.").default(
    86400,
  ),
  reservations: doc(
    z.array(
      strict({
        mac: doc(
          z.string().regex(/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/, {
            error:
              "must be a MAC address: six hex bytes separated by colons, e.g. 00:11:22:33:44:55",
          }),
          "The client's MAC address.",
        ),
        ip: doc(ipv4, "The address it always gets."),
        description: doc(text(255), "Free text about the client.").optional(),
      }),
    ),
    "Fixed addresses by MAC address.",
  ).default([]),
});

export const staticRouteSchema = strict({
  dst: doc(cidr, "Destination prefix.", ["10.128.0.0/24"]),
  gateway: doc(ipv4, "Next hop."),
  device: doc(fortiName, "Outgoing interface."),
  distance: doc(
    z.number().int().min(1).max(255),
    "Administrative distance: the lowest wins among routes to the same prefix.",
  ).default(10),
  comment: doc(text(255), "Comment on the device.").optional(),
});

export const tunnelSchema = strict({
  name: doc(fortiName, "Tunnel (phase1 interface) name.", ["to-office"]),
  remoteGw: doc(hostOrAddress, "Remote gateway address.", ["203.0.113.50"]),
  interface: doc(fortiName, "Local egress interface.", ["wan1"]),
  localAddress: doc(interfaceAddress, "Tunnel interface address (optional).").optional(),
  remoteSubnets: doc(z.array(cidr).min(1), "Prefixes reached through the tunnel (static routes)."),
  localNetworks: doc(z.array(name).min(1), "Local networks (by name) allowed through the tunnel."),
  ...ikeFields,
  psk: doc(secretRef, "Pre-shared key."),
});

/** A person allowed on the dial-up VPN: a FortiGate local user in the VPN's user group. */
export const dialupUserSchema = strict({
  name: doc(
    z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, {
      error:
        "must be 1-64 characters (letters, digits, _ . -), starting with a letter or digit, e.g. alexis: the FortiOS local user name",
    }),
    "User name: the EAP identity the client sends (FortiClient asks for it).",
    ["alexis"],
  ),
  password: doc(
    secretRef,
    "The user's password, a stack secret (never in this file): EAP-MSCHAPv2 checks it on the FortiGate.",
    [{ secret: "vpnPasswordAlexis" }],
  ),
});

export const dialupVpnSchema = strict({
  name: doc(
    fortiName,
    "Phase1 name of the dial-up server; also the name of its address pool network.",
    ["vpn"],
  ),
  interface: doc(fortiName, "Interface clients connect to (the WAN)."),
  pool: doc(cidr, "Addresses handed to clients (mode-config).", ["172.26.0.0/24"]),
  dns: doc(
    z.array(ipv4).max(3, {
      error: "must list at most 3 servers: the phase1 has ipv4-dns-server1 to ipv4-dns-server3",
    }),
    "DNS servers pushed to clients, for the internal domain (split DNS on FortiOS 7.4.1 and later). Default: the site's resolver of the internal names, Pi-hole's address or the FortiGate's on a LAN they reach; none with domains.internalResolver: external.",
    [["10.128.0.12"]],
  ).default([]),
  access: doc(
    z.array(name).min(1),
    "Networks (by name) clients may reach; `federation` adds every peer's prefixes (the pool is then announced to the peers, without the clients' /32 routes).",
    [["lan", "swprod", "federation"]],
  ),
  users: doc(
    z
      .array(dialupUserSchema)
      .min(1, {
        error:
          "must list at least one user: each person connects with their own name and password (IKEv2 EAP), so a user can be revoked alone",
      })
      .superRefine(uniqueBy((u) => u.name.toLowerCase(), "user name", ["name"])),
    "Who may connect: one FortiGate local user each, in the VPN's user group (IKEv2 EAP with `eap-identity send-request`). Removing a user revokes them; the pre-shared key dialupPsk only authenticates the FortiGate to the clients.",
    [[{ name: "alexis", password: { secret: "vpnPasswordAlexis" } }]],
  ),
  ...ikeFields,
});

/** Ids stay below this (policy ids above it are outside what FortiOS accepts). */
export const ID_LIMIT = 1_071_741_825;
/** The largest idBase: its range of 100000 ids ends below ID_LIMIT. */
export const ID_BASE_MAX = ID_LIMIT - 100_000;

/** The section's fields (its rules, in fortigate.rules.ts, refine it below). */
const fortigateFields = strict({
  host: doc(hostOrAddress, "Management address of the FortiGate.", ["172.24.0.1"]),
  port: doc(port, "HTTPS port of the management API.").default(443),
  vdom: doc(z.string().min(1).max(31), "VDOM to manage.").default("root"),
  tls: deviceTls.default({ insecureSkipVerify: false }),
  adopt: doc(
    z.boolean(),
    "Take over objects that already exist on the device (PUT instead of failing on create): set it once for a FortiGate configured by hand, since Pulumi cannot import dynamic resources.",
  ).default(false),
  idBase: doc(
    z
      .number()
      .int({ error: "must be a whole number" })
      .min(1000, { error: "must be at least 1000: FortiOS numbers objects made by hand from 1" })
      .max(ID_BASE_MAX, {
        error: `must be at most ${ID_BASE_MAX}: the ids idBase to idBase+99999 must stay below ${ID_LIMIT}, inside the range FortiOS accepts for policy ids`,
      }),
    "First id of the range (idBase to idBase+99999) this stack uses for static routes, firewall policies and DHCP servers; each object's id derives from its identity, so ids never shift. Change it only if objects made by hand already use that range.",
    [100000],
  ).default(100000),
  interfaces: doc(
    z.array(interfaceSchema).superRefine(uniqueBy((i) => i.name, "interface name", ["name"])),
    "Interfaces: physical ports to configure, and aggregates, VLANs and loopbacks to create.",
  ).default([]),
  sdnVlans: doc(
    strict({
      parent: doc(
        fortiName,
        "The interface toward the Proxmox bridge of the vlan zones (an aggregate or a port, carrying the tags).",
        ["lan"],
      ),
      allowaccess: doc(
        z.array(allowAccess),
        "Management protocols allowed on these VLAN interfaces.",
      ).default(["ping"]),
    }),
    "VLAN interfaces of the Proxmox vnets routed by the edge (routedBy: edge): one per vnet, named after it, with its tag and its subnet's gateway, created on parent. A vnet whose interface is declared in interfaces is cross-checked instead.",
  ).optional(),
  dhcp: doc(
    z
      .array(dhcpServerSchema)
      .superRefine(uniqueBy((d) => d.interface, "DHCP interface", ["interface"])),
    "DHCP servers, one per interface.",
  ).default([]),
  staticRoutes: doc(z.array(staticRouteSchema), "Static routes.").default([]),
  bgp: doc(
    strict({
      redistribute: doc(
        z.array(z.enum(["connected", "static", "ospf", "rip", "isis"])),
        "Route sources announced to BGP neighbors.",
      ).default([]),
    }),
    "BGP speaker; the AS number and router id come from the federation registry.",
  ).optional(),
  federation: doc(
    strict({
      interface: doc(fortiName, "WAN interface the federation tunnels use.", ["wan1"]),
      networks: doc(
        z.array(name).min(1),
        "Local networks (by name) reachable from and to the federation.",
        [["lan", "swprod"]],
      ),
    }),
    "How this FortiGate takes part in the federation (tunnels come from the registry).",
  ).optional(),
  internet: doc(
    strict({
      interface: doc(fortiName, "WAN interface the Internet is reached through.", ["wan1"]),
      networks: doc(
        z.array(name).min(1),
        "Local networks (by name) allowed out to the Internet, with source NAT to the WAN address.",
        [["lan", "swprod"]],
      ),
    }),
    "Internet access: one policy from these networks to the WAN, with source NAT. FortiOS drops what no policy accepts, and the factory Internet policy names the factory `internal` switch, not the interfaces this stack creates.",
  ).optional(),
  dialupVpn: doc(
    dialupVpnSchema,
    "IPsec dial-up server for road-warrior clients (FortiClient, IKEv2 with EAP: one user each).",
  ).optional(),
  tunnels: doc(
    z.array(tunnelSchema),
    "Extra site-to-site IPsec tunnels outside the federation.",
  ).default([]),
});

export const fortigateSchema = doc(
  fortigateFields.superRefine(refineWith(fortigateRules)),
  "The FortiGate edge router.",
);

export type FortigateConfig = z.infer<typeof fortigateFields>;
export type FortigateInterface = z.infer<typeof interfaceSchema>;

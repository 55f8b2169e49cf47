/**
 * One object of every FortiOS table the edge uses, in dependency order (referents first),
 * built with the typed helpers: what the client, provider, fault and serialization tests
 * apply to the emulator.
 */
import type { Desired } from "../helpers/engine";
import type { FortiosConnection } from "../../src/providers/fortios/client";
import { fortiosVersion } from "../../src/providers/fortios/resource";
import {
  addressGroup,
  bgp,
  createdInterface,
  dhcpServer,
  existingInterface,
  firewallAddress,
  firewallPolicy,
  mapSecrets,
  phase1,
  phase2,
  prefixList,
  routeMap,
  userGroup,
  userLocal,
  staticRoute,
  virtualIp,
  type CmdbSpec,
} from "../../src/devices/fortios/tables";

export const PSK = "psk-0f3b9d1c7e5a2468ace13579bdf02468";

export const USER_PASSWORD = "user-0a9b8c7d6e5f4a3b2c1d0e9f8a7b";

export const SECRETS: Record<string, string> = {
  "psk-baptiste": PSK,
  vpnPasswordAlexis: USER_PASSWORD,
};

export interface Sample {
  readonly name: string;
  readonly spec: CmdbSpec;
}

/** Every table, referents before referrers. */
export function samples(): Sample[] {
  const list: [string, CmdbSpec][] = [
    [
      "wan1",
      existingInterface({
        name: "wan1",
        role: "wan",
        mode: "dhcp",
        allowaccess: "ping",
        description: "To the ISP box",
      }),
    ],
    [
      "lan",
      createdInterface({
        name: "lan",
        vdom: "root",
        type: "aggregate",
        member: [{ "interface-name": "internal1" }, { "interface-name": "internal2" }],
        "lacp-mode": "active",
        mode: "static",
        ip: "172.24.0.1 255.255.255.0",
        allowaccess: "ssh https ping",
        role: "lan",
        description: "2x1GbE LACP to the switch",
      }),
    ],
    [
      "iot",
      createdInterface({
        name: "iot",
        vdom: "root",
        type: "vlan",
        interface: "lan",
        vlanid: 30,
        mode: "static",
        ip: "172.24.30.1/24",
        allowaccess: "ping",
        role: "lan",
      }),
    ],
    [
      "net-lan",
      firewallAddress({
        name: "net-lan",
        type: "ipmask",
        subnet: "172.24.0.0 255.255.255.0",
        comment: "lan",
      }),
    ],
    [
      "net-sdn",
      firewallAddress({
        name: "10.128.0.0/24",
        type: "ipmask",
        subnet: "10.128.0.0/24",
        comment: "a name with a slash",
      }),
    ],
    [
      "grp",
      addressGroup({ name: "fgn-local", member: [{ name: "net-lan" }, { name: "10.128.0.0/24" }] }),
    ],
    [
      "route",
      staticRoute({
        "seq-num": 10007,
        dst: "10.128.0.0 255.255.255.0",
        gateway: "172.24.0.11",
        device: "lan",
        distance: 10,
        comment: "Proxmox SDN",
      }),
    ],
    [
      "dhcp",
      dhcpServer({
        id: 10003,
        interface: "lan",
        status: "enable",
        "default-gateway": "172.24.0.1",
        netmask: "255.255.255.0",
        "lease-time": 86400,
        "dns-service": "specify",
        "dns-server1": "10.128.0.12",
        domain: "home.arpa",
        "ip-range": [{ id: 1, "start-ip": "172.24.0.100", "end-ip": "172.24.0.199" }],
        "reserved-address": [
          { id: 1, ip: "172.24.0.20", mac: "00:11:22:33:44:55", description: "nas" },
        ],
      }),
    ],
    [
      "pl-in",
      prefixList({
        name: "fgn-baptiste-in",
        rule: [
          { id: 1, action: "permit", prefix: "172.16.0.0 255.252.0.0", le: 32 },
          { id: 2, action: "permit", prefix: "10.0.0.0/10", le: 32 },
        ],
      }),
    ],
    [
      "pl-out",
      prefixList({
        name: "fgn-baptiste-out",
        rule: [{ id: 1, action: "permit", prefix: "172.24.0.0 255.252.0.0", le: 32 }],
      }),
    ],
    [
      "phase1",
      phase1({
        name: "fgn-baptiste",
        type: "static",
        interface: "wan1",
        "ike-version": "2",
        "remote-gw": "198.51.100.20",
        peertype: "any",
        authmethod: "psk",
        psksecret: { $secret: "psk-baptiste" },
        proposal: "aes256gcm-prfsha384 aes256-sha256",
        dhgrp: "21 20",
        localid: "203.0.113.10",
        "localid-type": "address",
        dpd: "on-idle",
        "auto-negotiate": "enable",
        comments: "FGN peering with Baptiste",
      }),
    ],
    [
      "phase2",
      phase2({
        name: "fgn-baptiste",
        phase1name: "fgn-baptiste",
        proposal: "aes256gcm aes128gcm",
        pfs: "enable",
        dhgrp: "20",
        "auto-negotiate": "enable",
      }),
    ],
    [
      "tunnel",
      existingInterface({
        name: "fgn-baptiste",
        ip: "172.31.254.0 255.255.255.255",
        "remote-ip": "172.31.254.1 255.255.255.254",
        allowaccess: "ping",
      }),
    ],
    [
      "bgp",
      bgp({
        as: "4200000001",
        "router-id": "172.24.0.1",
        "keepalive-timer": 30,
        "holdtime-timer": 90,
        neighbor: [
          {
            ip: "172.31.254.1",
            "remote-as": "4200000002",
            interface: "fgn-baptiste",
            "update-source": "fgn-baptiste",
            description: "Baptiste",
            "prefix-list-in": "fgn-baptiste-in",
            "prefix-list-out": "fgn-baptiste-out",
            "keep-alive-timer": 30,
            "holdtime-timer": 90,
            "maximum-prefix": 100,
            "soft-reconfiguration": "enable",
            activate: "enable",
          },
        ],
        network: [{ id: 1, prefix: "172.24.0.0 255.255.255.0" }],
      }),
    ],
    [
      "pl-clients",
      prefixList({
        name: "vpn-clients",
        rule: [{ id: 1, action: "permit", prefix: "172.26.0.0 255.255.255.0", ge: 25, le: 32 }],
      }),
    ],
    [
      "route-map",
      routeMap({
        name: "fgn-redistribute-static",
        rule: [
          { id: 1, action: "deny", "match-ip-address": "vpn-clients" },
          { id: 2, action: "permit" },
        ],
      }),
    ],
    [
      "user",
      userLocal({
        name: "alexis",
        type: "password",
        passwd: { $secret: "vpnPasswordAlexis" },
        status: "enable",
      }),
    ],
    [
      "user-group",
      userGroup({ name: "vpn-users", "group-type": "firewall", member: [{ name: "alexis" }] }),
    ],
    [
      "blackhole",
      staticRoute({
        "seq-num": 10099,
        dst: "172.26.0.0 255.255.255.0",
        blackhole: "enable",
        distance: 254,
      }),
    ],
    [
      "vip",
      virtualIp({
        name: "pub-caddy-443",
        type: "static-nat",
        extip: "0.0.0.0",
        extintf: "wan1",
        mappedip: [{ range: "10.128.0.10" }],
        portforward: "enable",
        protocol: "tcp",
        extport: "443",
        mappedport: "443",
      }),
    ],
    [
      "policy",
      firewallPolicy({
        policyid: 10042,
        name: "fgn-baptiste-out",
        srcintf: [{ name: "lan" }],
        dstintf: [{ name: "fgn-baptiste" }],
        srcaddr: [{ name: "fgn-local" }],
        dstaddr: [{ name: "all" }],
        service: [{ name: "ALL" }],
        schedule: "always",
        action: "accept",
        nat: "disable",
      }),
    ],
    [
      "publish",
      firewallPolicy({
        policyid: 10043,
        name: "publish-caddy",
        srcintf: [{ name: "wan1" }],
        dstintf: [{ name: "lan" }],
        srcaddr: [{ name: "all" }],
        dstaddr: [{ name: "pub-caddy-443" }],
        service: [{ name: "ALL" }],
        schedule: "always",
        action: "accept",
        nat: "disable",
      }),
    ],
  ];
  return list.map(([name, spec]) => ({ name, spec }));
}

/** The body as the engine hands it to the provider: secrets resolved to plain text. */
export function plainBody(spec: CmdbSpec): Record<string, unknown> {
  return mapSecrets(spec.body, (name) => SECRETS[name] ?? "") as Record<string, unknown>;
}

/** The provider inputs of a spec (what the engine passes to check/create). */
export function inputsOf(
  spec: CmdbSpec,
  connection: FortiosConnection,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const inputs: Record<string, unknown> = {
    connection,
    path: spec.path,
    body: plainBody(spec),
    secretFields: [...spec.secretFields],
    identity: [...spec.identity],
    mode: spec.mode,
    adopt: false,
    version: fortiosVersion(),
  };
  if (spec.key !== undefined) inputs.key = spec.key;
  if (spec.reset !== undefined) inputs.reset = spec.reset;
  return { ...inputs, ...overrides };
}

export function desiredOf(
  list: readonly Sample[],
  connection: FortiosConnection,
  overrides: Record<string, unknown> = {},
): Desired[] {
  return list.map((s) => ({ name: s.name, inputs: inputsOf(s.spec, connection, overrides) }));
}

/**
 * Test data for the FortiGate plan: the home stack's FortiGate with two hand-written peerings
 * (one peer with an address endpoint, one with a DNS name), independent of the federation
 * derivation (the component test uses the real one).
 */
import { loadSite, stackFileSource, type LoadedSite } from "../../src/config/load";
import { buildModel } from "../../src/model";
import { internalResolver, piholeAddress } from "../../src/model/internal-dns";
import type { FortigatePlanInput, PeeringIntent } from "../../src/model/fortigate";
import { HOME, ROOT, pathOf } from "../helpers/sites";

export function loadHome(): LoadedSite {
  return loadSite(stackFileSource(pathOf(HOME), HOME.stack, HOME.file), {
    root: ROOT,
    requireSecrets: false,
  });
}

export function peering(
  overrides: Partial<PeeringIntent> & Pick<PeeringIntent, "peer">,
): PeeringIntent {
  return {
    peerName: overrides.peer[0]!.toUpperCase() + overrides.peer.slice(1),
    interfaceName: `fgn-${overrides.peer}`,
    localAddress: "172.31.254.0",
    remoteAddress: "172.31.254.1",
    prefixLength: 31,
    localEndpoint: "203.0.113.10",
    remoteGateway: "198.51.100.20",
    ike: { version: 2, proposals: ["aes256gcm-prfsha384"], dhGroups: [20], lifetime: 28800 },
    ipsec: { proposals: ["aes256gcm"], pfsGroups: [20], lifetime: 3600 },
    localAsn: 4200000001,
    remoteAsn: 4200000002,
    localRouterId: "172.24.0.1",
    acceptPrefixes: ["172.16.0.0/14", "10.0.0.0/10"],
    announcePrefixes: ["172.24.0.0/14", "10.128.0.0/10"],
    bgp: { keepalive: 30, holdtime: 90, maxPrefix: 100 },
    pskSecret: `psk-${overrides.peer}`,
    ...overrides,
  };
}

export const PEERINGS: PeeringIntent[] = [
  peering({ peer: "baptiste" }),
  peering({
    peer: "camille",
    localAddress: "172.31.254.2",
    remoteAddress: "172.31.254.3",
    remoteGateway: "fgn.camille.example.com",
    remoteAsn: 4200000003,
    acceptPrefixes: ["172.20.0.0/14", "10.64.0.0/10"],
  }),
];

export function homeInput(peerings: readonly PeeringIntent[] = PEERINGS): FortigatePlanInput {
  const model = buildModel(loadHome()).model;
  return {
    file: HOME.file,
    config: model.config.fortigate!,
    networks: model.networks,
    siteRoutes: model.routes,
    publish: model.publish,
    federation: { asn: 4200000001, routerId: "172.24.0.1", peerings },
    names: {
      domain: model.config.site.domains.internal,
      resolver: internalResolver(model.config),
      pihole: piholeAddress(model.config, model.dockerHosts),
    },
  };
}

/** The home stack (its dial-up VPN reaches the federation) plus a site-to-site tunnel. */
export function extendedInput(): FortigatePlanInput {
  const input = homeInput();
  const fg = input.config;
  return {
    ...input,
    config: {
      ...fg,
      tunnels: [
        {
          name: "to-office",
          remoteGw: "203.0.113.50",
          interface: "wan1",
          localAddress: "169.254.7.0/31",
          remoteSubnets: ["10.50.0.0/16"],
          localNetworks: ["lan"],
          proposals: ["aes256gcm-prfsha384" as const],
          phase2Proposals: ["aes256gcm" as const],
          dhGroups: [20],
          psk: { secret: "officePsk" },
        },
      ],
    },
  };
}

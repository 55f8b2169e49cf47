/**
 * Federation derivations (pure). Both members of a peering derive it from the same registry,
 * so the two ends of every tunnel and BGP session mirror each other by construction:
 *
 * - the /31 of the pair of members numbered i < j is number (j-1)(j-2)/2 + (i-1) of the
 *   transfer pool (collision-free, independent of member order, never moves when others
 *   join or leave); the lower-numbered member takes its first address;
 * - the tunnel interface is named after the peer only (`fgn-<peer>`, at most 15 characters);
 *   (these two, and who peers with whom, are facts of the registry: src/config/peerings.ts)
 * - proposals and DH groups are the intersection of both members' lists, ordered by the
 *   fixed strength order below (symmetric: both sides compute the same list).
 *
 * Call the derivations with a registry that passed `validateRegistry`; on a registry that
 * breaks its rules they throw instead of producing a half-valid peering.
 */
import type { Member, Registry } from "../config/federation";
import type { dhGroups, phase1Proposals, phase2Proposals } from "../config/ike";
import {
  TUNNEL_PREFIX_LENGTH,
  peersOf,
  transferNetwork,
  tunnelInterfaceName,
} from "../config/peerings";
import { pskSecretName } from "../config/secrets";
import {
  formatIPv4,
  formatPrefix,
  parseIPv4,
  prefix as parseValidPrefix,
  type Prefix,
} from "../lib/net";

// What the registry itself defines (pair numbering, tunnel names, who peers), for the callers
// of the derivations.
export {
  INTERFACE_NAME_MAX,
  TUNNEL_NAME_PREFIX,
  TUNNEL_PREFIX_LENGTH,
  pairIndex,
  peeringPairs,
  peersOf,
  poolLengthFor,
  transferNetwork,
  tunnelCapacity,
  tunnelInterfaceName,
} from "../config/peerings";

export type IkeProposal = (typeof phase1Proposals)[number];
export type EspProposal = (typeof phase2Proposals)[number];
export type DhGroup = (typeof dhGroups)[number];

/**
 * AES-CBC with HMAC-SHA2 proposals, strongest first (larger key, then larger hash): the same
 * names in IKE and ESP, and in strongSwan's vocabulary.
 */
export const CBC_PROPOSAL_ORDER = [
  "aes256-sha512",
  "aes256-sha384",
  "aes256-sha256",
  "aes128-sha512",
  "aes128-sha384",
  "aes128-sha256",
] as const satisfies readonly (IkeProposal & EspProposal)[];

/** IKE proposals, strongest first: AEAD before encrypt-then-MAC, larger keys first. */
export const IKE_PROPOSAL_ORDER: readonly IkeProposal[] = [
  "aes256gcm-prfsha384",
  "chacha20poly1305-prfsha256",
  "aes128gcm-prfsha256",
  ...CBC_PROPOSAL_ORDER,
];

/** ESP proposals, strongest first (same rule as IKE). */
export const ESP_PROPOSAL_ORDER: readonly EspProposal[] = [
  "aes256gcm",
  "chacha20poly1305",
  "aes128gcm",
  ...CBC_PROPOSAL_ORDER,
];

/**
 * DH groups by security level, strongest first (ties: Curve25519/448, then NIST curves, then
 * Brainpool, then MODP): ecp521 and brainpoolP512 (256 bits), curve448 (224), ecp384 and
 * brainpoolP384 (192), modp4096 (~150), curve25519, ecp256, brainpoolP256, modp3072 (128),
 * modp2048 and brainpoolP224 (112).
 */
export const DH_GROUP_ORDER: readonly DhGroup[] = [21, 30, 32, 20, 29, 16, 31, 19, 28, 15, 14, 27];

/** One side's view of a peering: everything its router needs, nothing it must not know. */
export interface Peering {
  /** This member's id. */
  readonly local: string;
  /** The peer's id. */
  readonly peer: string;
  /** The peer's display name. */
  readonly peerName: string;
  /** The peer's edge router kind. */
  readonly peerEdge: "fortigate" | "unifi" | "unmanaged";
  /** Tunnel (phase1) interface name on THIS side, at most 15 characters: `fgn-<peer>`. */
  readonly interfaceName: string;
  /** This side's tunnel address (IPv4, no prefix length). */
  readonly localAddress: string;
  /** The peer's tunnel address (IPv4, no prefix length): the BGP neighbor. */
  readonly remoteAddress: string;
  /** Prefix length of the tunnel network: 31. */
  readonly prefixLength: number;
  /** Our public endpoint (IP or DNS name). */
  readonly localEndpoint: string;
  /** The peer's public endpoint (IP or DNS name): the IPsec remote gateway. */
  readonly remoteGateway: string;
  /** Phase 1: IKEv2, negotiated proposals and DH groups (strongest first), SA lifetime (s). */
  readonly ike: {
    readonly version: 2;
    readonly proposals: string[];
    readonly dhGroups: number[];
    readonly lifetime: number;
  };
  /** Phase 2: negotiated ESP proposals, PFS groups (= the IKE DH groups), SA lifetime (s). */
  readonly ipsec: {
    readonly proposals: string[];
    readonly pfsGroups: number[];
    readonly lifetime: number;
  };
  readonly localAsn: number;
  readonly remoteAsn: number;
  /** This member's BGP router id. */
  readonly localRouterId: string;
  /**
   * Exactly the peer's registered prefixes: routes inside them (the prefix itself or a
   * more-specific) are accepted, anything else is rejected.
   */
  readonly acceptPrefixes: string[];
  /** Exactly ours: what we announce to the peer. */
  readonly announcePrefixes: string[];
  /** BGP timers (s) and the prefix limit above which the session is torn down. */
  readonly bgp: {
    readonly keepalive: number;
    readonly holdtime: number;
    readonly maxPrefix: number;
  };
  /** Stack secret holding the PSK on THIS side: `psk-<peer>`. */
  readonly pskSecret: string;
}

/** An IKE identity: what a member sends as its ID, and its peers expect. */
export interface IkeIdentity {
  /** ID_IPV4_ADDR for an address endpoint, ID_FQDN for a DNS name. */
  readonly type: "address" | "fqdn";
  readonly value: string;
}

/**
 * The IKE identity of a member: its registered public endpoint. A router behind NAT (a
 * FortiGate as the ISP box's DMZ host) would otherwise send its private WAN address, which
 * a peer that checks identities (strongSwan, most non-FortiGate routers) refuses.
 */
export function ikeIdentity(endpoint: string): IkeIdentity {
  return { type: parseIPv4(endpoint) !== undefined ? "address" : "fqdn", value: endpoint };
}

/** Thrown by derivations given a registry that breaks its own rules (validate it first). */
export class InvalidRegistryError extends Error {}

/** The elements of `order` that both `a` and `b` contain, in `order`'s order. */
export function negotiate<T>(a: readonly T[], b: readonly T[], order: readonly T[]): T[] {
  return order.filter((item) => a.includes(item) && b.includes(item));
}

/** What two members' routers can agree on. Empty lists mean they cannot peer. */
export interface Negotiated {
  readonly ikeProposals: IkeProposal[];
  readonly dhGroups: DhGroup[];
  readonly espProposals: EspProposal[];
}

export function negotiateMembers(a: Member, b: Member): Negotiated {
  return {
    ikeProposals: negotiate(a.ike.proposals, b.ike.proposals, IKE_PROPOSAL_ORDER),
    dhGroups: negotiate<DhGroup>(
      a.ike.dhGroups as DhGroup[],
      b.ike.dhGroups as DhGroup[],
      DH_GROUP_ORDER,
    ),
    espProposals: negotiate(a.ipsec.proposals, b.ipsec.proposals, ESP_PROPOSAL_ORDER),
  };
}

/** Members by id, for derivations over many peerings. */
function memberIndex(registry: Registry): Map<string, Member> {
  return new Map(registry.members.map((m) => [m.id, m]));
}

function derive(registry: Registry, pool: Prefix, local: Member, peer: Member): Peering {
  const negotiated = negotiateMembers(local, peer);
  const missing = (
    [
      ["IKE proposal", negotiated.ikeProposals],
      ["DH group", negotiated.dhGroups],
      ["ESP proposal", negotiated.espProposals],
    ] as const
  ).find(([, list]) => list.length === 0);
  if (missing) {
    throw new InvalidRegistryError(
      `members "${local.id}" and "${peer.id}" share no ${missing[0]}: validate the registry first`,
    );
  }
  const network = transferNetwork(pool, local.number, peer.number);
  if (!network || local.number === peer.number) {
    throw new InvalidRegistryError(
      `no /31 for the peering of "${local.id}" and "${peer.id}" in ${formatPrefix(pool)}: validate the registry first`,
    );
  }
  const first = formatIPv4(network.network);
  const second = formatIPv4(network.network + 1);
  const localFirst = local.number < peer.number;
  return {
    local: local.id,
    peer: peer.id,
    peerName: peer.name,
    peerEdge: peer.edge,
    interfaceName: tunnelInterfaceName(peer.id),
    localAddress: localFirst ? first : second,
    remoteAddress: localFirst ? second : first,
    prefixLength: TUNNEL_PREFIX_LENGTH,
    localEndpoint: local.endpoint,
    remoteGateway: peer.endpoint,
    ike: {
      version: 2,
      proposals: negotiated.ikeProposals,
      dhGroups: negotiated.dhGroups,
      lifetime: registry.lifetimes.ike,
    },
    ipsec: {
      proposals: negotiated.espProposals,
      pfsGroups: [...negotiated.dhGroups],
      lifetime: registry.lifetimes.ipsec,
    },
    localAsn: local.asn,
    remoteAsn: peer.asn,
    localRouterId: local.routerId,
    acceptPrefixes: [...peer.prefixes],
    announcePrefixes: [...local.prefixes],
    bgp: {
      keepalive: registry.bgp.keepalive,
      holdtime: registry.bgp.holdtime,
      maxPrefix: registry.bgp.maxPrefix,
    },
    pskSecret: pskSecretName(peer.id),
  };
}

function memberOf(members: Map<string, Member>, id: string): Member {
  const member = members.get(id);
  if (!member) throw new InvalidRegistryError(`unknown member "${id}"`);
  return member;
}

/** `memberId`'s peerings, sorted by peer id (one per id of `peersOf`). */
export function derivePeerings(registry: Registry, memberId: string): Peering[] {
  const members = memberIndex(registry);
  const local = memberOf(members, memberId);
  const pool = parseValidPrefix(registry.transferPool);
  return peersOf(registry, memberId).map((peer) =>
    derive(registry, pool, local, memberOf(members, peer)),
  );
}

/**
 * `memberId`'s view of its peering with `peerId`, or undefined when the two do not peer.
 * Throws InvalidRegistryError for an unknown member.
 */
export function derivePeering(
  registry: Registry,
  memberId: string,
  peerId: string,
): Peering | undefined {
  const members = memberIndex(registry);
  const local = memberOf(members, memberId);
  const peer = memberOf(members, peerId);
  if (!peersOf(registry, memberId).includes(peerId)) return undefined;
  return derive(registry, parseValidPrefix(registry.transferPool), local, peer);
}

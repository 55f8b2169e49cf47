/**
 * The peering sheet (pure): everything member Y needs to configure its side of the peering
 * with member X by hand, typically because this program does not manage Y's router. It is
 * Y's own derived view of the peering, so it mirrors what X's stack configures, plus the
 * algorithm names other IPsec stacks (strongSwan) use. It never contains a pre-shared key:
 * only where the key lives.
 */
import type { Member, Registry } from "../config/federation";
import { pskSecretName } from "../config/secrets";
import { configKey } from "../config/stack";
import {
  CBC_PROPOSAL_ORDER,
  InvalidRegistryError,
  TUNNEL_PREFIX_LENGTH,
  derivePeering,
  ikeIdentity,
  type DhGroup,
  type IkeIdentity,
  type EspProposal,
  type IkeProposal,
  type Peering,
} from "./federation";
import { formatPrefix, parseIPv4 } from "../lib/net";

/** AES-CBC/HMAC-SHA2 proposals have the same name in FortiOS and strongSwan. */
const SAME_CBC = Object.fromEntries(CBC_PROPOSAL_ORDER.map((p) => [p, p])) as Record<
  (typeof CBC_PROPOSAL_ORDER)[number],
  string
>;

/** strongSwan (swanctl.conf) keywords of each FortiOS IKE proposal. */
export const STRONGSWAN_IKE: Readonly<Record<IkeProposal, string>> = {
  ...SAME_CBC,
  "aes128gcm-prfsha256": "aes128gcm16-prfsha256",
  "aes256gcm-prfsha384": "aes256gcm16-prfsha384",
  "chacha20poly1305-prfsha256": "chacha20poly1305-prfsha256",
};

/** strongSwan keywords of each FortiOS ESP proposal. */
export const STRONGSWAN_ESP: Readonly<Record<EspProposal, string>> = {
  ...SAME_CBC,
  aes128gcm: "aes128gcm16",
  aes256gcm: "aes256gcm16",
  chacha20poly1305: "chacha20poly1305",
};

/** strongSwan keyword (and the group's usual name) of each DH group. */
export const STRONGSWAN_DH: Readonly<Record<DhGroup, string>> = {
  14: "modp2048",
  15: "modp3072",
  16: "modp4096",
  19: "ecp256",
  20: "ecp384",
  21: "ecp521",
  27: "ecp224bp",
  28: "ecp256bp",
  29: "ecp384bp",
  30: "ecp512bp",
  31: "curve25519",
  32: "curve448",
};

/** A member as the sheet shows it. */
export interface SheetMember {
  readonly id: string;
  readonly name: string;
  readonly asn: number;
  readonly routerId: string;
  readonly endpoint: string;
  readonly edge: Member["edge"];
  readonly contact?: string;
}

/** A stack of this project that is member X (where X's PSK secret lives). */
export interface SheetStack {
  readonly stack: string;
  readonly file: string;
}

/**
 * The sheet for `peer` (Y) to configure its side of the peering with `member` (X). "local"
 * is Y's side throughout, "remote" is X's.
 */
export interface PeeringSheet {
  readonly federation: string;
  /** The registry file it comes from. */
  readonly registry: string;
  /** X: the member whose stack manages its side (`--member`). */
  readonly member: string;
  /** Y: the member configuring its side from this sheet (`--peer`). */
  readonly peer: string;
  readonly local: SheetMember;
  readonly remote: SheetMember;
  readonly tunnel: {
    readonly mode: "route-based";
    /** The /31 both tunnel addresses come from. */
    readonly network: string;
    /** Suggested interface name on Y's side (what this program would name it). */
    readonly interfaceName: string;
    readonly localAddress: string;
    readonly remoteAddress: string;
    readonly prefixLength: number;
    readonly localEndpoint: string;
    readonly remoteGateway: string;
    /** Traffic selectors of the child SA: everything, routing decides (BGP). */
    readonly trafficSelectors: { readonly local: string; readonly remote: string };
  };
  readonly ike: {
    readonly version: 2;
    readonly authentication: "pre-shared key";
    /**
     * The identity Y sends (its registered endpoint) and the one X sends, which Y expects:
     * X's FortiGate sends its endpoint even behind NAT (its WAN address may be private).
     */
    readonly localId: IkeIdentity;
    readonly remoteId: IkeIdentity;
    readonly proposals: string[];
    readonly dhGroups: number[];
    /** SA lifetime in seconds. */
    readonly lifetime: number;
  };
  readonly ipsec: {
    readonly protocol: "esp";
    readonly proposals: string[];
    readonly pfs: true;
    readonly pfsGroups: number[];
    readonly lifetime: number;
  };
  readonly bgp: {
    readonly localAsn: number;
    readonly remoteAsn: number;
    readonly routerId: string;
    /** Y's BGP neighbor: X's tunnel address. */
    readonly neighbor: string;
    readonly keepalive: number;
    readonly holdtime: number;
    readonly maxPrefix: number;
    /** X's registered prefixes: accept routes inside them (the prefix or a more-specific), nothing else. */
    readonly accept: string[];
    /** Y's registered prefixes: what Y announces to X. */
    readonly announce: string[];
  };
  readonly psk: {
    /** The secret holding the key in X's stack. */
    readonly memberSecret: string;
    /** X's stacks in this project (where that secret is set). */
    readonly memberStacks: SheetStack[];
    /** The secret Y would set if Y ran this program too. */
    readonly peerSecret: string;
    readonly exchange: string;
  };
  /** The same parameters in strongSwan's swanctl.conf vocabulary. */
  readonly strongswan: { readonly ikeProposals: string; readonly espProposals: string };
}

function sheetMember(member: Member): SheetMember {
  return {
    id: member.id,
    name: member.name,
    asn: member.asn,
    routerId: member.routerId,
    endpoint: member.endpoint,
    edge: member.edge,
    ...(member.contact ? { contact: member.contact } : {}),
  };
}

/** swanctl proposals: each proposal with every DH group appended ("aes256gcm16-prfsha384-ecp384"). */
function swanctl(proposals: readonly string[], groups: readonly number[]): string {
  const dh = groups.map((g) => STRONGSWAN_DH[g as DhGroup]).join("-");
  return proposals.map((p) => `${p}-${dh}`).join(",");
}

export interface SheetOptions {
  /** Registry file label. */
  readonly registryFile: string;
  /** Stacks of this project that are member X. */
  readonly memberStacks: readonly SheetStack[];
}

/**
 * The sheet for `peerId` to configure its side of the peering with `memberId`. Throws
 * InvalidRegistryError for an unknown member, and when the two do not peer.
 */
export function peeringSheet(
  registry: Registry,
  memberId: string,
  peerId: string,
  options: SheetOptions,
): PeeringSheet {
  const view: Peering | undefined = derivePeering(registry, peerId, memberId);
  if (!view) {
    throw new InvalidRegistryError(
      memberId === peerId
        ? `"${memberId}" is the same member twice: a member does not peer with itself`
        : `"${memberId}" and "${peerId}" do not peer: the registry's topology has no pair ${memberId}-${peerId}`,
    );
  }
  const x = registry.members.find((m) => m.id === memberId) as Member;
  const y = registry.members.find((m) => m.id === peerId) as Member;
  const first = Math.min(parseIPv4(view.localAddress) ?? 0, parseIPv4(view.remoteAddress) ?? 0);
  return {
    federation: registry.name,
    registry: options.registryFile,
    member: memberId,
    peer: peerId,
    local: sheetMember(y),
    remote: sheetMember(x),
    tunnel: {
      mode: "route-based",
      network: formatPrefix({ network: first, length: TUNNEL_PREFIX_LENGTH }),
      interfaceName: view.interfaceName,
      localAddress: view.localAddress,
      remoteAddress: view.remoteAddress,
      prefixLength: view.prefixLength,
      localEndpoint: view.localEndpoint,
      remoteGateway: view.remoteGateway,
      trafficSelectors: { local: "0.0.0.0/0", remote: "0.0.0.0/0" },
    },
    ike: {
      version: 2,
      authentication: "pre-shared key",
      localId: ikeIdentity(y.endpoint),
      remoteId: ikeIdentity(x.endpoint),
      proposals: view.ike.proposals,
      dhGroups: view.ike.dhGroups,
      lifetime: view.ike.lifetime,
    },
    ipsec: {
      protocol: "esp",
      proposals: view.ipsec.proposals,
      pfs: true,
      pfsGroups: view.ipsec.pfsGroups,
      lifetime: view.ipsec.lifetime,
    },
    bgp: {
      localAsn: view.localAsn,
      remoteAsn: view.remoteAsn,
      routerId: view.localRouterId,
      neighbor: view.remoteAddress,
      keepalive: view.bgp.keepalive,
      holdtime: view.bgp.holdtime,
      maxPrefix: view.bgp.maxPrefix,
      accept: view.acceptPrefixes,
      announce: view.announcePrefixes,
    },
    psk: {
      memberSecret: configKey(pskSecretName(peerId)),
      memberStacks: [...options.memberStacks],
      peerSecret: configKey(view.pskSecret),
      exchange:
        "out of band, never through this sheet or the registry: in person, or a one-time share from a password manager",
    },
    strongswan: {
      ikeProposals: swanctl(
        view.ike.proposals.map((p) => STRONGSWAN_IKE[p as IkeProposal]),
        view.ike.dhGroups,
      ),
      espProposals: swanctl(
        view.ipsec.proposals.map((p) => STRONGSWAN_ESP[p as EspProposal]),
        view.ipsec.pfsGroups,
      ),
    },
  };
}

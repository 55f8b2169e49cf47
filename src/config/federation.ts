/**
 * The federation: `homelab:federation` (this site's membership) and the shared registry
 * `stacks/federation.yaml` that every member's stack reads.
 */
import { z } from "zod";
import { dhGroup, dhGroups, espProposal, ikeProposal } from "./ike";
import { cidr, doc, hostOrAddress, ipv4, name, strict, text } from "./primitives";

export const membershipSchema = doc(
  strict({
    member: doc(name, "This site's member id in the registry.", ["alexis"]),
    registry: doc(z.string().min(1), "Registry file, relative to the project root.").default(
      "stacks/federation.yaml",
    ),
  }),
  "Membership in the federation. PSKs: one stack secret homelab:psk-<peer> per peer.",
);

export const MIN_PRIVATE_ASN_16 = 64512;
export const MAX_PRIVATE_ASN_16 = 65534;
export const MIN_PRIVATE_ASN_32 = 4_200_000_000;
export const MAX_PRIVATE_ASN_32 = 4_294_967_294;

export function isPrivateAsn(asn: number): boolean {
  return (
    (asn >= MIN_PRIVATE_ASN_16 && asn <= MAX_PRIVATE_ASN_16) ||
    (asn >= MIN_PRIVATE_ASN_32 && asn <= MAX_PRIVATE_ASN_32)
  );
}

/** Highest registry number a member may take (the /31 allocator stays within 32 bits). */
export const MAX_MEMBER_NUMBER = 65535;

/** IKE and IPsec SA lifetimes accepted by FortiOS (keylife, keylifeseconds): 120-172800 s. */
const lifetime = z
  .number()
  .int({ error: "must be a whole number of seconds" })
  .min(120, { error: "must be at least 120 seconds" })
  .max(172800, { error: "must be at most 172800 seconds (48 hours)" });

export const memberSchema = strict({
  id: doc(name, "Stable member id (used in tunnel names and secret names).", ["alexis"]),
  number: doc(
    z
      .number()
      .int({ error: "must be a whole number" })
      .min(1, { error: `registry numbers run from 1 to ${MAX_MEMBER_NUMBER}` })
      .max(MAX_MEMBER_NUMBER, { error: `registry numbers run from 1 to ${MAX_MEMBER_NUMBER}` }),
    "Registry number: unique and never reused, even after the member leaves (like dn42's registry numbers). The /31 of the peering of members i < j is number (j-1)(j-2)/2 + (i-1) of the transfer pool, so tunnel addresses never move when others join, leave or are reordered.",
    [1],
  ),
  name: doc(
    text(63).min(1),
    "Display name (at most 63 characters: it goes into FortiOS BGP and IPsec descriptions).",
    ["Alexis"],
  ),
  asn: doc(
    z
      .number()
      .int({ error: "must be a whole number" })
      .refine(isPrivateAsn, {
        error: (issue) =>
          `${String(issue.input)} is not a private ASN: use one in ${MIN_PRIVATE_ASN_16}-${MAX_PRIVATE_ASN_16} or ${MIN_PRIVATE_ASN_32}-${MAX_PRIVATE_ASN_32} (RFC 6996)`,
      }),
    "Private AS number.",
    [4200000001],
  ),
  routerId: doc(ipv4, "BGP router id.", ["172.24.0.1"]),
  endpoint: doc(hostOrAddress, "Public IPsec endpoint: address or DNS name.", ["203.0.113.10"]),
  prefixes: doc(
    z.array(cidr).min(1, { error: "a member owns at least one prefix" }),
    "Prefixes this member owns and announces.",
    [["172.24.0.0/14", "10.128.0.0/10"]],
  ),
  edge: doc(
    z.enum(["fortigate", "unifi", "unmanaged"]),
    "Edge router kind; unmanaged members configure their side from the peering sheet.",
  ),
  ike: doc(
    strict({
      proposals: doc(
        z.array(ikeProposal).min(1),
        "IKE proposals (FortiOS names) this member's router accepts.",
        [["aes256gcm-prfsha384", "aes256-sha256"]],
      ),
      dhGroups: doc(
        z.array(dhGroup(`must be one of the DH groups ${dhGroups.join(", ")}`)).min(1),
        "Diffie-Hellman groups this member's router accepts for IKE and PFS.",
        [[20, 21, 14]],
      ),
    }),
    "IKEv2 (phase 1) proposals and DH groups this member's router supports. A peering uses the ones both members support, strongest first (the same order on both sides).",
  ),
  ipsec: doc(
    strict({
      proposals: doc(
        z.array(espProposal).min(1),
        "ESP proposals (FortiOS names) this member's router accepts.",
        [["aes256gcm", "aes256-sha256"]],
      ),
    }),
    "ESP (phase 2) proposals supported. PFS uses the DH groups negotiated for IKE.",
  ),
  contact: doc(text(200), "How to reach this member's operator (for PSK exchange).", [
    "alexis@example.net",
  ]).optional(),
});

export const registrySchema = doc(
  strict({
    version: doc(
      z.literal(1, { error: "must be 1 (the registry format version)" }),
      "Format version.",
    ),
    name: doc(text(63).min(1), "Federation name.", ["FGN"]),
    description: doc(text(255), "One line about the federation.").optional(),
    transferPool: doc(
      cidr,
      "Pool the per-peering /31 tunnel addresses come from, outside every member's prefixes. With highest member number N in a full mesh it needs N(N-1)/2 /31s: a /24 serves numbers up to 16, a /20 up to 64.",
      ["172.31.254.0/24"],
    ),
    topology: doc(
      z.union(
        [
          z.literal("full-mesh"),
          strict({
            pairs: doc(
              z.array(z.tuple([name, name])).min(1),
              "The peerings, each a pair of member ids.",
              [[["alexis", "baptiste"]]],
            ),
          }),
        ],
        {
          error: 'must be "full-mesh" or { pairs: [[a, b], ...] }',
        },
      ),
      'Which members peer: "full-mesh" (every pair), or { pairs: [[a, b], ...] } by member id.',
    ).default("full-mesh"),
    lifetimes: doc(
      strict({
        ike: doc(lifetime, "IKE SA lifetime in seconds (FortiOS keylife).").default(86400),
        ipsec: doc(
          lifetime,
          "IPsec (ESP) SA lifetime in seconds (FortiOS keylifeseconds).",
        ).default(43200),
      }),
      "SA lifetimes of every tunnel (IKEv2 does not negotiate them; both sides use these).",
    ).default({ ike: 86400, ipsec: 43200 }),
    bgp: doc(
      strict({
        keepalive: doc(
          z.number().int().min(1).max(65535),
          "Seconds between BGP keepalives.",
        ).default(30),
        holdtime: doc(
          z.number().int().min(3).max(65535),
          "Seconds without a message before the session is declared down.",
        ).default(90),
        maxPrefix: doc(
          z.number().int().min(1),
          "Session is torn down when a peer announces more prefixes than this.",
        ).default(100),
      }),
      "BGP defaults for every session.",
    ).default({ keepalive: 30, holdtime: 90, maxPrefix: 100 }),
    members: doc(
      z.array(memberSchema).min(1),
      "The members: each owns prefixes and peers with the others over IPsec + BGP.",
    ),
  }),
  "The federation registry shared by every member.",
);

export type Membership = z.infer<typeof membershipSchema>;
export type Member = z.infer<typeof memberSchema>;
export type Registry = z.infer<typeof registrySchema>;

/**
 * The federation: `homelab:federation` (this site's membership) and the shared registry
 * `stacks/federation.yaml` that every member's stack reads.
 */
import { z } from "zod";
import { phase1Proposals, phase2Proposals, dhGroups } from "./fortigate";
import { cidr, doc, hostOrAddress, ipv4, name, strict } from "./primitives";

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

const dhGroup = z
  .number()
  .int()
  .refine((g) => (dhGroups as readonly number[]).includes(g), {
    error: `must be one of the DH groups ${dhGroups.join(", ")}`,
  });

export const memberSchema = strict({
  id: doc(name, "Stable member id (used in tunnel names and secret names).", ["alexis"]),
  name: doc(z.string().min(1), "Display name.", ["Alexis"]),
  asn: doc(
    z
      .number()
      .int({ error: "must be a whole number" })
      .refine(isPrivateAsn, {
        error: `must be a private ASN: ${MIN_PRIVATE_ASN_16}-${MAX_PRIVATE_ASN_16} or ${MIN_PRIVATE_ASN_32}-${MAX_PRIVATE_ASN_32}`,
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
      proposals: z.array(z.enum(phase1Proposals)).min(1),
      dhGroups: z.array(dhGroup).min(1),
    }),
    "IKEv2 (phase 1) proposals and DH groups this member's router supports, in preference order.",
  ),
  ipsec: doc(
    strict({
      proposals: z.array(z.enum(phase2Proposals)).min(1),
    }),
    "ESP (phase 2) proposals supported, in preference order; PFS uses the negotiated DH group.",
  ),
  contact: z.string().optional(),
});

export const registrySchema = doc(
  strict({
    version: doc(
      z.literal(1, { error: "must be 1 (the registry format version)" }),
      "Format version.",
    ),
    name: doc(z.string().min(1), "Federation name.", ["FGN"]),
    description: z.string().optional(),
    transferPool: doc(cidr, "Pool the per-peering /31 tunnel addresses come from.", [
      "172.31.254.0/23",
    ]),
    topology: doc(
      z.union([z.literal("full-mesh"), strict({ pairs: z.array(z.tuple([name, name])).min(1) })], {
        error: 'must be "full-mesh" or { pairs: [[a, b], ...] }',
      }),
      "Which members peer: full-mesh, or explicit pairs.",
    ).default("full-mesh"),
    bgp: doc(
      strict({
        keepalive: z.number().int().min(1).max(65535).default(30),
        holdtime: z.number().int().min(3).max(65535).default(90),
        maxPrefix: doc(
          z.number().int().min(1),
          "Session is torn down when a peer announces more prefixes than this.",
        ).default(100),
      }),
      "BGP defaults for every session.",
    ).default({ keepalive: 30, holdtime: 90, maxPrefix: 100 }),
    members: z.array(memberSchema).min(1),
  }),
  "The federation registry shared by every member.",
);

export type Membership = z.infer<typeof membershipSchema>;
export type Member = z.infer<typeof memberSchema>;
export type Registry = z.infer<typeof registrySchema>;

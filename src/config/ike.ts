/**
 * The IKEv2 and IPsec algorithms the project accepts, by their FortiOS names: for the
 * FortiGate's own tunnels and dial-up VPN (homelab:fortigate) and for what each member of
 * the federation registry supports. One list and one schema each, so a peering negotiated
 * from the registry always fits what the FortiGate section accepts.
 */
import { z } from "zod";

/** IKE phase1 proposals FortiOS accepts (encryption-integrity or AEAD-prf). */
export const phase1Proposals = [
  "aes128-sha256",
  "aes256-sha256",
  "aes128-sha384",
  "aes256-sha384",
  "aes128-sha512",
  "aes256-sha512",
  "aes128gcm-prfsha256",
  "aes256gcm-prfsha384",
  "chacha20poly1305-prfsha256",
] as const;

/** IPsec phase2 proposals FortiOS accepts. */
export const phase2Proposals = [
  "aes128-sha256",
  "aes256-sha256",
  "aes128-sha384",
  "aes256-sha384",
  "aes128-sha512",
  "aes256-sha512",
  "aes128gcm",
  "aes256gcm",
  "chacha20poly1305",
] as const;

/** Diffie-Hellman groups FortiOS supports with IKEv2 that are not weak. */
export const dhGroups = [14, 15, 16, 19, 20, 21, 27, 28, 29, 30, 31, 32] as const;

/** An IKE (phase1) proposal. */
export const ikeProposal = z.enum(phase1Proposals);

/** An ESP (phase2) proposal. */
export const espProposal = z.enum(phase2Proposals);

/**
 * A DH group of `dhGroups`. `error` is the message for any other number, in the words of
 * the section it is used in.
 */
export function dhGroup(error: string) {
  return z
    .number()
    .int()
    .refine((g) => (dhGroups as readonly number[]).includes(g), { error });
}

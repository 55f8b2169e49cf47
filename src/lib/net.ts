/**
 * IPv4 address arithmetic: parsing, prefixes, containment, overlap and ranges.
 *
 * Pure and total: every parser returns `undefined` on bad input instead of throwing, so
 * config validation can turn the failure into a precise message. Addresses are unsigned
 * 32-bit integers (`number`, always `>>> 0`).
 */
import { isIPv6 } from "node:net";

/** A parsed IPv4 prefix such as 10.128.0.0/24. */
export interface Prefix {
  /** Network address (host bits cleared). */
  readonly network: number;
  /** Prefix length, 0-32. */
  readonly length: number;
}

/** A parsed `address/length` pair whose host bits may be set (interface addresses). */
export interface AddressWithPrefix {
  readonly address: number;
  readonly length: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses dotted-quad IPv4 ("10.0.0.1"). Rejects leading zeros ("010.0.0.1"), which are ambiguous. */
export function parseIPv4(text: string): number | undefined {
  const m = IPV4.exec(text.trim());
  if (!m) return undefined;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i] as string;
    if (part.length > 1 && part.startsWith("0")) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value >>> 0;
}

export function formatIPv4(value: number): string {
  const v = value >>> 0;
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join(".");
}

export function isIPv4(text: string): boolean {
  return parseIPv4(text) !== undefined;
}

/** Netmask for a prefix length (0 → 0, 32 → 0xffffffff). */
export function maskOf(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

/** Dotted netmask, as FortiOS spells it ("255.255.255.0"). */
export function dottedMask(length: number): string {
  return formatIPv4(maskOf(length));
}

/** Prefix length of a dotted netmask, or undefined if the mask is not contiguous. */
export function lengthOfMask(mask: string): number | undefined {
  const value = parseIPv4(mask);
  if (value === undefined) return undefined;
  for (let length = 0; length <= 32; length++) {
    if (maskOf(length) === value) return length;
  }
  return undefined;
}

/** Parses "A.B.C.D/N" keeping host bits (for interface addresses like 172.24.0.1/24). */
export function parseAddressWithPrefix(text: string): AddressWithPrefix | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const address = parseIPv4(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (address === undefined || !/^\d{1,2}$/.test(lengthText)) return undefined;
  const length = Number(lengthText);
  if (length > 32) return undefined;
  return { address, length };
}

/**
 * Parses a prefix "A.B.C.D/N". Returns `hostBits: true` with the corrected network when the
 * address has bits set beyond the prefix (10.128.0.5/24 → 10.128.0.0/24), so callers can
 * say "did you mean".
 */
export function parsePrefix(text: string): { prefix: Prefix; hostBits: boolean } | undefined {
  const parsed = parseAddressWithPrefix(text);
  if (!parsed) return undefined;
  const network = (parsed.address & maskOf(parsed.length)) >>> 0;
  return {
    prefix: { network, length: parsed.length },
    hostBits: network !== parsed.address,
  };
}

/** Parses a prefix and rejects host bits. Use where the input is already validated. */
export function prefix(text: string): Prefix {
  const parsed = parsePrefix(text);
  if (!parsed || parsed.hostBits) throw new Error(`not a valid IPv4 prefix: ${text}`);
  return parsed.prefix;
}

export function formatPrefix(p: Prefix): string {
  return `${formatIPv4(p.network)}/${p.length}`;
}

export function size(p: Prefix): number {
  return 2 ** (32 - p.length);
}

/** Last address of the prefix (broadcast for length < 31). */
export function lastAddress(p: Prefix): number {
  return (p.network + size(p) - 1) >>> 0;
}

export function containsAddress(p: Prefix, address: number): boolean {
  return (address & maskOf(p.length)) >>> 0 === p.network;
}

/** True when `inner` lies entirely inside `outer` (equal prefixes contain each other). */
export function containsPrefix(outer: Prefix, inner: Prefix): boolean {
  return inner.length >= outer.length && containsAddress(outer, inner.network);
}

/** True when the two prefixes share at least one address (either contains the other). */
export function overlaps(a: Prefix, b: Prefix): boolean {
  return containsPrefix(a, b) || containsPrefix(b, a);
}

/**
 * Usable host addresses of a subnet: excludes network and broadcast for length <= 30;
 * a /31 has two usable addresses (RFC 3021) and a /32 one.
 */
export function hostRange(p: Prefix): { first: number; last: number } {
  if (p.length >= 31) return { first: p.network, last: lastAddress(p) };
  return { first: (p.network + 1) >>> 0, last: (lastAddress(p) - 1) >>> 0 };
}

/** True when `address` is a usable host address of `p` (not network, not broadcast). */
export function isHostOf(p: Prefix, address: number): boolean {
  const { first, last } = hostRange(p);
  return address >= first && address <= last;
}

/** An inclusive address range. */
export interface Range {
  readonly first: number;
  readonly last: number;
}

/** Parses "A.B.C.D-E.F.G.H" or a single address; undefined when malformed or reversed. */
export function parseRange(text: string): Range | undefined {
  const dash = text.indexOf("-");
  if (dash < 0) {
    const single = parseIPv4(text);
    return single === undefined ? undefined : { first: single, last: single };
  }
  const first = parseIPv4(text.slice(0, dash));
  const last = parseIPv4(text.slice(dash + 1));
  if (first === undefined || last === undefined || last < first) return undefined;
  return { first, last };
}

export function formatRange(r: Range): string {
  return r.first === r.last ? formatIPv4(r.first) : `${formatIPv4(r.first)}-${formatIPv4(r.last)}`;
}

export function rangeContains(r: Range, address: number): boolean {
  return address >= r.first && address <= r.last;
}

export function rangesOverlap(a: Range, b: Range): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** The range a prefix covers. */
export function prefixRange(p: Prefix): Range {
  return { first: p.network, last: lastAddress(p) };
}

/** True when every address of `r` is a usable host of `p`. */
export function rangeInsideHosts(p: Prefix, r: Range): boolean {
  const hosts = hostRange(p);
  return r.first >= hosts.first && r.last <= hosts.last;
}

/** The n-th /len subnet of `p` (n from 0). Undefined when out of range. */
export function subnet(p: Prefix, length: number, n: number): Prefix | undefined {
  if (length < p.length || length > 32) return undefined;
  const count = 2 ** (length - p.length);
  if (!Number.isInteger(n) || n < 0 || n >= count) return undefined;
  return { network: (p.network + n * 2 ** (32 - length)) >>> 0, length };
}

/** Validates an IPv6 prefix ("2400:cb00::/32"); IPv6 is carried as text only. */
export function isIPv6Prefix(text: string): boolean {
  const slash = text.indexOf("/");
  if (slash < 0) return false;
  const length = text.slice(slash + 1);
  return isIPv6(text.slice(0, slash)) && /^\d{1,3}$/.test(length) && Number(length) <= 128;
}

/** Compares prefixes by network address, then length (for deterministic ordering). */
export function comparePrefixes(a: Prefix, b: Prefix): number {
  return a.network - b.network || a.length - b.length;
}

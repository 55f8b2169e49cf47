/**
 * Files the configuration names, read once when the site loads, and nothing else: the PEM
 * certificates the edge devices are trusted with (`homelab:fortigate.tls.ca`,
 * `homelab:unifi.tls.ca`) and the federation registry. A file reference is configuration:
 * it must name a file inside the project (no `..`, no absolute path elsewhere, no symbolic
 * link out of it), a regular text file of a sensible size, with the content its key
 * expects. Anything else is an ordinary problem at the key, with the fix, and never quotes
 * the file: a wrong path must not copy a private key or /etc/passwd into a report.
 */
import { X509Certificate } from "node:crypto";
import { closeSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import type { Problem } from "./errors";
import { configKey, type SiteConfig } from "./stack";

/** PEM text of the CA files the site names, by section. */
export interface DeviceCertificates {
  /** `homelab:fortigate.tls.ca`. */
  readonly fortigate?: string;
  /** `homelab:unifi.tls.ca`. */
  readonly unifi?: string;
}

/** Largest CA file read (a full public CA bundle is about 220 KiB). */
export const MAX_CA_BYTES = 512 * 1024;

/**
 * A file's text, or why it cannot be used (a phrase: "is a directory, not a file"), and
 * whether that is because nothing is there.
 */
export type FileRead =
  { readonly text: string } | { readonly reason: string; readonly missing?: boolean };

function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
    : bytes >= 1024
      ? `${Math.round(bytes / 1024)} KiB`
      : `${bytes} bytes`;
}

/**
 * Reads a UTF-8 text file named by the configuration. With `root`, the name is relative to
 * the project and must stay inside it, symbolic links resolved. Never throws, never blocks on
 * a FIFO or a device, never reads more than `maxBytes`.
 */
export function readTextFile(
  name: string,
  options: { readonly root?: string; readonly maxBytes: number },
): FileRead {
  const path = options.root ? resolve(options.root, name) : resolve(name);
  if (options.root && !within(options.root, path)) return { reason: "is outside the project" };
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { reason: "does not exist", missing: true };
    if (code === "ELOOP") return { reason: "is a loop of symbolic links" };
    return { reason: `cannot be read (${code ?? "error"})` };
  }
  if (options.root) {
    let realRoot = options.root;
    try {
      realRoot = realpathSync(options.root);
    } catch {
      // The root exists: the program runs from it. Keep it as given otherwise.
    }
    if (!within(realRoot, real)) {
      return { reason: "is a symbolic link to a file outside the project" };
    }
  }
  let fd: number | undefined;
  try {
    const stat = statSync(real);
    if (stat.isDirectory()) return { reason: "is a directory, not a file" };
    if (!stat.isFile()) return { reason: "is not a regular file (a device, socket or pipe)" };
    if (stat.size > options.maxBytes) {
      return { reason: `is ${size(stat.size)}, more than the ${size(options.maxBytes)} it may be` };
    }
    fd = openSync(real, "r");
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    const bytes = buffer.subarray(0, read);
    if (bytes.includes(0)) return { reason: "is not a text file (it holds binary data)" };
    try {
      return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
    } catch {
      return { reason: "is not a text file (it is not UTF-8)" };
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      reason:
        code === "EACCES" || code === "EPERM"
          ? "cannot be read (permission denied)"
          : `cannot be read (${code ?? "error"})`,
    };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** One `-----BEGIN <label>-----` … `-----END <label>-----` block of a PEM file. */
interface PemBlock {
  readonly label: string;
  readonly text: string;
  /** 1-based line of the BEGIN line in the file. */
  readonly line: number;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    blocks.push({
      label: match[1] as string,
      text: match[0],
      line: text.slice(0, match.index).split("\n").length,
    });
  }
  return blocks;
}

/**
 * The certificates of a PEM file, re-written block by block (nothing else of the file goes
 * on), or why the file is not a file of certificates. Text around the blocks (openssl's
 * `subject=` lines) is allowed, as RFC 7468 allows; any other block, a private key above all,
 * is not.
 */
export function pemCertificates(text: string): { pem: string } | { reason: string } {
  const key = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.exec(text);
  if (key) {
    return {
      reason: `holds a private key (line ${text.slice(0, key.index).split("\n").length}): a CA file holds certificates only. Remove the key from the file, and since it sat in the project, consider it exposed and replace it`,
    };
  }
  const blocks = pemBlocks(text);
  const other = blocks.find((b) => b.label !== "CERTIFICATE");
  if (other) {
    return {
      reason: `holds a PEM block of type "${other.label}" (line ${other.line}): a CA file holds CERTIFICATE blocks only`,
    };
  }
  if (blocks.length === 0) {
    return {
      reason: `is not a PEM file of certificates (no "-----BEGIN CERTIFICATE-----" block): export the CA certificate in PEM (openssl x509 -in ca.der -inform der -out ca.pem)`,
    };
  }
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block.text);
    } catch {
      return {
        reason: `holds a CERTIFICATE block that is not a valid certificate (block ${i + 1}, line ${block.line}): export it again`,
      };
    }
  }
  return { pem: blocks.map((b) => b.text.replace(/\r\n/g, "\n")).join("\n") + "\n" };
}

const DEVICE_NAMES: Record<keyof DeviceCertificates, string> = {
  fortigate: "the CA that signed the FortiGate's certificate",
  unifi: "the console's CA certificate",
};

/** Reads the CA file of each edge device the site declares with `tls.ca`. */
export function readDeviceCertificates(
  config: SiteConfig,
  root: string,
  file: string,
): { certificates: DeviceCertificates; problems: Problem[] } {
  const certificates: { -readonly [K in keyof DeviceCertificates]: string } = {};
  const problems: Problem[] = [];
  for (const device of ["fortigate", "unifi"] as const) {
    const ca = config[device]?.tls.ca;
    if (ca === undefined) continue;
    const path = [configKey(device), "tls", "ca"];
    const fix = `give the path, relative to the project, of a PEM file holding ${DEVICE_NAMES[device]} (certificates only), or pin the certificate with tls.fingerprint instead`;
    const read = readTextFile(ca, { root, maxBytes: MAX_CA_BYTES });
    if ("reason" in read) {
      problems.push({ file, path, message: `${ca} ${read.reason}: ${fix}` });
      continue;
    }
    const parsed = pemCertificates(read.text);
    if ("reason" in parsed) {
      problems.push({ file, path, message: `${ca} ${parsed.reason}` });
      continue;
    }
    certificates[device] = parsed.pem;
  }
  return { certificates, problems };
}

/**
 * Files the configuration names, read once when the site loads: the PEM certificates the
 * edge devices are trusted with (`homelab:fortigate.tls.ca`, `homelab:unifi.tls.ca`, paths
 * relative to the project). A file that is missing or not PEM is an ordinary problem at its
 * key, with the fix; nothing reads them again later.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { Problem } from "./errors";
import { configKey, type SiteConfig } from "./stack";

/** PEM text of the CA files the site names, by section. */
export interface DeviceCertificates {
  /** `homelab:fortigate.tls.ca`. */
  readonly fortigate?: string;
  /** `homelab:unifi.tls.ca`. */
  readonly unifi?: string;
}

const PEM_CERTIFICATE = "-----BEGIN CERTIFICATE-----";

/** What to say when a device's CA file cannot be read. */
const CANNOT_READ: Record<keyof DeviceCertificates, (file: string, error: unknown) => string> = {
  fortigate: (file, error) => {
    const code = (error as NodeJS.ErrnoException).code;
    return `cannot read ${file} (${code === "ENOENT" ? "file not found" : (code ?? "unreadable")}): give the path, relative to the project, of the PEM file of the CA that signed the FortiGate's certificate, or pin the certificate with tls.fingerprint instead`;
  },
  unifi: (file, error) =>
    `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}): put the console's CA certificate (PEM) there, or pin the certificate with tls.fingerprint`,
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
    let text: string;
    try {
      text = readFileSync(isAbsolute(ca) ? ca : join(root, ca), "utf8");
    } catch (error) {
      problems.push({ file, path, message: CANNOT_READ[device](ca, error) });
      continue;
    }
    if (!text.includes(PEM_CERTIFICATE)) {
      problems.push({
        file,
        path,
        message: `${ca} is not a PEM certificate (no "${PEM_CERTIFICATE}" line)`,
      });
      continue;
    }
    certificates[device] = text;
  }
  return { certificates, problems };
}

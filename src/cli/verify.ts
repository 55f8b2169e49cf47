/**
 * `npm run verify -- --stack <name> [--config <file>] [--json]`
 *
 * After an up: evaluates the stack as `plan` does (what SHOULD exist), reads the live
 * homelab with the stack's credentials (from the environment: src/verify/credentials.ts)
 * and prints one row per check (check, target, status, detail), or the same as JSON.
 * Exits 1 when any check fails, 0 when every one passed.
 */
import { readFileSync } from "node:fs";
import {
  credential,
  neededCredentials,
  proxmoxToken,
  type Environment,
} from "../verify/credentials";
import { proxmoxApi } from "../verify/proxmox";
import type { HttpOptions } from "../verify/http";
import { sshDialStdio, type DockerTransport } from "../verify/docker";
import { fortigateMonitor } from "../verify/fortigate";
import { UnifiClient } from "../providers/unifi/client";
import { verifySite, type MissingCredential, type VerifySources } from "../verify";
import { formatJson, formatTable } from "../verify/report";
import type { SiteModel } from "../model";
import { projectRoot, parseCli, runCli, UsageError } from "./common";
import { loadOffline } from "./offline-stack";

const USAGE = `usage: npm run verify -- --stack <name> [--config <file>] [--json] [options]

Checks the live homelab against the stack, after an up. Credentials come from the
environment (never printed): FORTIOS_API_TOKEN, UNIFI_API_KEY or UNIFI_PASSWORD,
PROXMOX_VE_API_TOKEN, as the site needs them.

  --stack <name>              stack to verify (reads Pulumi.<name>.yaml)
  --config <file>             read this stack file instead
  --json                      print one JSON document on stdout
  --proxy <host[:port]>       ask the routes here (default: the proxy host's address, 443)
  --ca <file>                 also trust this CA (PEM) for the routes' certificates
  --resolver <ip[:port]>      resolver of internal names (default: the site's DHCP DNS)
  --public-resolver <ip[:port]>  resolver of public names (default: 1.1.1.1)`;

/** The readers of the site's sources, and the credentials that are missing. */
export function sourcesFor(
  model: SiteModel,
  env: Environment,
  http: HttpOptions = {},
): { sources: VerifySources; missing: MissingCredential[] } {
  const missing: MissingCredential[] = [];
  const sources: { -readonly [K in keyof VerifySources]: VerifySources[K] } = { http };
  for (const need of neededCredentials(model)) {
    if (env[need.env] === undefined || env[need.env] === "")
      missing.push({ check: "credentials", ...need });
  }
  const fortigateToken = credential(env, "fortigateApiToken");
  if (model.fortigate && fortigateToken)
    sources.fortigate = fortigateMonitor(model.fortigate.connection, fortigateToken);
  const unifi = model.unifi?.connection;
  const apiKey = credential(env, "unifiApiKey");
  const password = credential(env, "unifiPassword");
  if (unifi && (unifi.auth === "apiKey" ? apiKey : password))
    sources.unifi = new UnifiClient({
      connection: unifi,
      credentials: unifi.auth === "apiKey" ? { apiKey } : { password },
      retries: 2,
    });
  const proxmox = model.proxmox?.connection;
  const pveToken = proxmox && proxmoxToken(env, proxmox.apiTokenId);
  if (proxmox && pveToken) sources.proxmox = proxmoxApi(proxmox, pveToken);
  return { sources, missing };
}

/** The PEM text of `--ca`. */
function readCa(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`--ca ${file}: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`);
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----"))
    throw new UsageError(`--ca ${file}: not a PEM certificate (no BEGIN CERTIFICATE line)`);
  return text;
}

/** The command, given the arguments after its name (sets `process.exitCode`). */
export const main = (
  argv: string[],
  env: Environment = process.env,
  docker: DockerTransport = sshDialStdio(),
): Promise<void> =>
  runCli(USAGE, async () => {
    const values = parseCli(argv, USAGE, {
      stack: { type: "string" },
      config: { type: "string" },
      json: { type: "boolean", default: false },
      proxy: { type: "string" },
      ca: { type: "string" },
      resolver: { type: "string" },
      "public-resolver": { type: "string" },
    });
    if (!values.stack) throw new UsageError("--stack is required");
    const { model } = loadOffline(projectRoot(), values.stack, values.config);
    const { sources, missing } = sourcesFor(model, env, {
      proxy: values.proxy,
      ca: values.ca === undefined ? undefined : readCa(values.ca),
      resolver: values.resolver,
      publicResolver: values["public-resolver"],
    });
    const rows = await verifySite(model, { ...sources, docker }, missing).finally(() => {
      // Ends the readers' keep-alive connections.
      sources.fortigate?.close?.();
      sources.unifi?.close();
      sources.proxmox?.close?.();
    });
    process.stdout.write(
      values.json ? formatJson(values.stack, rows) : formatTable(values.stack, rows),
    );
    return rows.some((r) => r.status === "fail") ? 1 : 0;
  });

if (require.main === module) void main(process.argv.slice(2));

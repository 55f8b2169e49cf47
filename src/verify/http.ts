/**
 * HTTP and DNS checks: every published route answers through the proxy (its status, and a
 * certificate valid for the name), every internal name resolves through the site's
 * resolver to the proxy host, every public name resolves to the expected origin (a DNS-only
 * record to the origin address, a proxied one to Cloudflare's edge, whose ranges are
 * src/data/cloudflare.ts).
 *
 * A route is asked at the proxy itself (TLS with the route's name as SNI and Host), not
 * through public DNS, so a failure is the proxy's; the names are checked on their own rows.
 * Its certificate is checked against Node's CA store plus `--ca` (the proxy's internal CA,
 * for the self-signed routes, or a staging ACME CA), and must name the route
 * (RFC 6125 rules, `tls.checkServerIdentity`).
 */
import { Resolver } from "node:dns/promises";
import * as https from "node:https";
import * as tls from "node:tls";
import type { SiteModel } from "../model";
import { CLOUDFLARE_RANGES } from "../data/cloudflare";
import { containsAddress, parseIPv4, parsePrefix } from "../lib/net";
import { fail, ok, skip, type Row } from "./report";

export interface HttpOptions {
  /** Where the proxy is asked ("10.1.0.20:443"); default: the proxy host's address, 443. */
  readonly proxy?: string;
  /** PEM text of extra CAs to trust (the proxy's internal CA). */
  readonly ca?: string;
  /** The resolver of internal names ("10.1.0.1" or "10.1.0.1:53"). */
  readonly resolver?: string;
  /** The resolver of public names. @default "1.1.1.1" */
  readonly publicResolver?: string;
  /** Per request and query, in milliseconds. @default 5000 */
  readonly timeoutMs?: number;
}

interface Answer {
  readonly status: number;
  readonly certificateProblem?: string;
}

function splitHostPort(text: string, port: number): { host: string; port: number } {
  const match = /^(.*?)(?::(\d+))?$/.exec(text);
  return { host: match?.[1] ?? text, port: match?.[2] ? Number(match[2]) : port };
}

/** What a certificate names: its subjectAltName, else its CN. */
function namesOf(certificate: tls.PeerCertificate): string {
  const cn = (certificate.subject as { CN?: string | string[] } | undefined)?.CN;
  return certificate.subjectaltname ?? (Array.isArray(cn) ? cn.join(", ") : cn) ?? "nothing";
}

/** Trust contexts by extra CA: the system's roots and that CA. */
const trust = new Map<string, tls.SecureContext>();

/**
 * The system's roots and `ca`, made once per CA: a context made per request parsed the ~140
 * root certificates each time, most of a route check's CPU. tls.connect (which https.request
 * calls without an agent) takes a `secureContext` as is, and builds one from `ca` only when
 * none is given (Node's tls.connect documentation, `secureContext`).
 */
function trustWith(ca: string): tls.SecureContext {
  let context = trust.get(ca);
  if (!context) {
    context = tls.createSecureContext({ ca: [...tls.rootCertificates, ca] });
    trust.set(ca, context);
  }
  return context;
}

/** GET / of `name` at the proxy, and what is wrong with its certificate if anything. */
function ask(
  name: string,
  at: { host: string; port: number },
  options: HttpOptions,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: at.host,
        port: at.port,
        servername: name,
        path: "/",
        method: "GET",
        headers: { host: name, "user-agent": "homelab-verify" },
        ...(options.ca ? { secureContext: trustWith(options.ca) } : {}),
        rejectUnauthorized: false,
        agent: false,
        timeout: options.timeoutMs ?? 5000,
      },
      (response) => {
        const socket = response.socket as tls.TLSSocket;
        const certificate = socket.getPeerCertificate();
        const mismatch = tls.checkServerIdentity(name, certificate);
        const problem = mismatch
          ? `the certificate does not name ${name} (it names ${namesOf(certificate)})`
          : !socket.authorized
            ? `the certificate is not trusted (${String(socket.authorizationError)})`
            : undefined;
        response.resume();
        resolve({ status: response.statusCode ?? 0, certificateProblem: problem });
      },
    );
    request.on("timeout", () =>
      request.destroy(new Error(`no answer in ${options.timeoutMs ?? 5000} ms`)),
    );
    request.on("error", reject);
    request.end();
  });
}

async function checkRoutes(model: SiteModel, options: HttpOptions): Promise<Row[]> {
  const services = model.services;
  if (!services?.proxy || services.routes.length === 0) return [];
  const host = model.dockerHosts.find((h) => h.name === services.proxy?.host);
  const at = options.proxy
    ? splitHostPort(options.proxy, 443)
    : host
      ? { host: host.address, port: 443 }
      : undefined;
  const rows: Row[] = [];
  for (const route of services.routes) {
    const target = route.hostname;
    if (!at) {
      rows.push(skip("http-route", target, "the proxy host has no address: pass --proxy"));
      continue;
    }
    try {
      const answer = await ask(route.hostname, at, options);
      const fine = answer.status < 400 || answer.status === 401 || answer.status === 403;
      rows.push(
        answer.certificateProblem
          ? fail("http-route", target, `HTTP ${answer.status}, but ${answer.certificateProblem}`)
          : fine
            ? ok("http-route", target, `HTTP ${answer.status}, certificate valid (${route.tls})`)
            : fail(
                "http-route",
                target,
                `HTTP ${answer.status} from the proxy at ${at.host}:${at.port}${answer.status >= 500 ? ` (is ${route.service} up?)` : ""}`,
              ),
      );
    } catch (error) {
      rows.push(
        fail(
          "http-route",
          target,
          `no answer from the proxy at ${at.host}:${at.port}: ${(error as Error).message}`,
        ),
      );
    }
  }
  return rows;
}

function resolverOf(server: string, options: HttpOptions): Resolver {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 5000, tries: 2 });
  resolver.setServers([server]);
  return resolver;
}

async function lookup(resolver: Resolver, name: string): Promise<string[] | string> {
  try {
    return (await resolver.resolve4(name)).sort();
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === "ENOTFOUND"
      ? "does not resolve (NXDOMAIN)"
      : code === "ENODATA"
        ? "has no A record"
        : `cannot be resolved (${code ?? (error as Error).message})`;
  }
}

/** The resolver the site hands out: the first DHCP DNS server declared, if any. */
export function siteResolver(model: SiteModel): string | undefined {
  const fromFortigate = model.config.fortigate?.dhcp.flatMap((d) => d.dns)[0];
  const fromUnifi = model.config.unifi?.networks.flatMap((n) => n.dhcp?.dns ?? [])[0];
  return fromFortigate ?? fromUnifi;
}

const CLOUDFLARE = CLOUDFLARE_RANGES.ipv4.flatMap((p) => {
  const parsed = parsePrefix(p);
  return parsed ? [parsed.prefix] : [];
});

async function checkNames(model: SiteModel, options: HttpOptions): Promise<Row[]> {
  const services = model.services;
  if (!services) return [];
  const rows: Row[] = [];
  const internalServer = options.resolver ?? siteResolver(model);
  for (const record of services.internalRecords) {
    if (!internalServer) {
      rows.push(
        skip("dns-internal", record.name, "the site declares no resolver: pass --resolver"),
      );
      continue;
    }
    const got = await lookup(resolverOf(internalServer, options), record.name);
    rows.push(
      typeof got === "string"
        ? fail("dns-internal", record.name, `${got} at ${internalServer}`)
        : got.includes(record.address)
          ? ok("dns-internal", record.name, `${record.address} (at ${internalServer})`)
          : fail(
              "dns-internal",
              record.name,
              `resolves to ${got.join(", ")} at ${internalServer}, not ${record.address}`,
            ),
    );
  }
  const publicServer = options.publicResolver ?? "1.1.1.1";
  const resolver = resolverOf(publicServer, options);
  for (const record of services.publicRecords) {
    if (record.type !== "A") {
      rows.push(
        skip("dns-public", record.name, `${record.type} record: only A records are checked`),
      );
      continue;
    }
    const got = await lookup(resolver, record.name);
    if (typeof got === "string") {
      rows.push(fail("dns-public", record.name, `${got} at ${publicServer}`));
      continue;
    }
    const edge = got.every((a) => CLOUDFLARE.some((p) => containsAddress(p, parseIPv4(a) ?? -1)));
    rows.push(
      record.proxied
        ? edge
          ? ok("dns-public", record.name, `proxied: ${got.join(", ")} (Cloudflare)`)
          : fail(
              "dns-public",
              record.name,
              `resolves to ${got.join(", ")}, not to Cloudflare: the record is not proxied`,
            )
        : got.length === 1 && got[0] === record.content
          ? ok("dns-public", record.name, `${record.content} (the origin)`)
          : fail(
              "dns-public",
              record.name,
              `resolves to ${got.join(", ")}, not the origin ${record.content}`,
            ),
    );
  }
  return rows;
}

/** Every HTTP and DNS check of the site. */
export async function checkHttp(model: SiteModel, options: HttpOptions): Promise<Row[]> {
  return [...(await checkRoutes(model, options)), ...(await checkNames(model, options))];
}

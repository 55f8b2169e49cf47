/**
 * HTTP(S) client shared by the device API clients (FortiOS, UniFi): TLS trust (a CA, a pinned
 * certificate fingerprint, or an explicit and loudly named opt-out), per-attempt timeouts,
 * retries with jittered exponential backoff, a bounded number of requests in flight, and
 * errors in plain language that never contain a credential.
 *
 * Retries: idempotent requests (GET, PUT, DELETE by default) are retried on network errors,
 * timeouts and the statuses the device client classifies as retryable. A non-idempotent
 * request (POST) is retried only when it certainly never reached the device (connection
 * refused, TLS handshake) or was refused unprocessed (429, RFC 6585 section 4); otherwise,
 * whether it was applied is unknown, so the caller reconciles (read back) instead of
 * blindly sending it again.
 *
 * `Retry-After` (RFC 9110 section 10.2.3: seconds, or an HTTP date) on a 429, or on a 503
 * to an idempotent request, is honoured: the next attempt waits what the device asks
 * instead of the backoff, whatever the device client's classification (a device that says
 * when to come back is not refusing for good). The waits a device asks for are bounded in
 * total (`maxRetryAfterMs`): a device asking more gets its answer returned at once.
 *
 * This module runs inside serialized dynamic providers: Node built-ins serialize as
 * `require(...)`, but module-level objects of libraries do not, so there are none here.
 */
import type { IncomingHttpHeaders } from "node:http";
import * as https from "node:https";
import { isIP } from "node:net";
import type { Duplex } from "node:stream";
import * as tls from "node:tls";

export interface TlsTrust {
  /** PEM text of the CA that signed the device certificate (or of the certificate itself). */
  readonly ca?: string;
  /** SHA-256 fingerprint the device certificate must have ("AB:CD:…", optional "sha256:"). */
  readonly fingerprint?: string;
  /** Accept any certificate. Dangerous; never the default. */
  readonly insecureSkipVerify?: boolean;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** Parsed body when it is JSON. */
  readonly json?: unknown;
}

export type Method = "GET" | "POST" | "PUT" | "DELETE";

export interface HttpRequest {
  readonly method: Method;
  /** Path below the base URL, already escaped ("/api/v2/cmdb/system/interface/port1"). */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Whether repeating the request is harmless. Default: every method but POST. */
  readonly idempotent?: boolean;
}

export interface HttpClientOptions {
  /** "https://192.0.2.1:443". */
  readonly baseUrl: string;
  readonly tls: TlsTrust;
  /** Per attempt, in milliseconds. @default 15000 */
  readonly timeoutMs?: number;
  /** Extra attempts after the first. @default 4 */
  readonly retries?: number;
  /** Base of the exponential backoff, in milliseconds. @default 250 */
  readonly backoffMs?: number;
  /** Cap of one backoff wait. @default 8000 */
  readonly maxBackoffMs?: number;
  /** Requests in flight at most (small devices choke on bursts). @default 4 */
  readonly maxInFlight?: number;
  /** Values that must never appear in a message (tokens, passwords). */
  readonly secrets?: () => readonly string[];
  /** Statuses worth retrying; the device client decides. @default 502, 503, 504 */
  readonly isRetryable?: (response: HttpResponse) => boolean;
  /** Label of the device in messages ("FortiGate 192.0.2.1"). */
  readonly label?: string;
  /**
   * The most a request waits in total for `Retry-After` (a device asking longer gets its
   * answer returned at once). @default 60000
   */
  readonly maxRetryAfterMs?: number;
  /** Injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** The clock `Retry-After` dates are read against (injectable for tests). */
  readonly now?: () => number;
}

export type HttpErrorKind = "network" | "timeout" | "tls" | "status";

/** A request that failed; its message is plain language and free of secrets. */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly kind: HttpErrorKind,
    readonly method: Method,
    readonly path: string,
    readonly attempts: number,
    readonly status?: number,
    readonly response?: HttpResponse,
  ) {
    super(message);
    this.message = message; // see "Serialized" below
    this.name = "HttpError";
    this.stack = `HttpError: ${message}`; // no frames: see kit/errors.ts
  }

  /** A method keeps the prototype chain (instanceof Error) when serialized; see below. */
  override toString(): string {
    return `${this.name}: ${this.message}`;
  }
}

export interface HttpStats {
  requests: number;
  retries: number;
  byMethod: Record<string, number>;
}

/** Replaces every occurrence of each secret with "[redacted]". */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  return out;
}

/**
 * What a `Retry-After` header asks, in milliseconds from `now` (RFC 9110 section 10.2.3:
 * delay-seconds or an HTTP-date; a date in the past is 0); undefined when absent or not
 * one of these.
 */
export function retryAfterMs(response: HttpResponse, now: number): number | undefined {
  const header: string | string[] | undefined = response.headers["retry-after"];
  const value = (typeof header === "string" ? header : header?.[0])?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date) || !/[a-z]/i.test(value)) return undefined;
  return Math.max(0, date - now);
}

/** "sha256:ab:cd…" / "AB CD …" / "abcd…" → "AB:CD:…". */
export function normalizeFingerprint(text: string): string {
  const hex = text
    .replace(/^sha256:/i, "")
    .replace(/[^0-9a-fA-F]/g, "")
    .toUpperCase();
  return hex.match(/.{2}/g)?.join(":") ?? "";
}

const TLS_HINTS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT:
    "the device presents a self-signed certificate that is not trusted: pin it with tls.fingerprint (openssl s_client -connect <host>:<port> </dev/null | openssl x509 -noout -fingerprint -sha256) or trust its CA with tls.ca",
  SELF_SIGNED_CERT_IN_CHAIN:
    "the device certificate chains to a CA that is not trusted: set tls.ca to that CA, or pin the certificate with tls.fingerprint",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    "the device certificate's issuer is not trusted: set tls.ca to the issuing CA, or pin the certificate with tls.fingerprint",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    "the device certificate's issuer is not trusted: set tls.ca to the issuing CA, or pin the certificate with tls.fingerprint",
  ERR_TLS_CERT_ALTNAME_INVALID:
    "the device certificate does not name this host (its subjectAltName lacks the address used): pin it with tls.fingerprint instead of tls.ca",
  CERT_HAS_EXPIRED: "the device certificate has expired: renew it on the device",
};

const NETWORK_HINTS: Record<string, string> = {
  ECONNREFUSED:
    "connection refused: is the management interface (address and HTTPS port) right, and HTTPS admin access enabled on it?",
  ENOTFOUND: "the host name does not resolve",
  EHOSTUNREACH: "the host is unreachable from this machine (routing or VPN?)",
  ENETUNREACH: "the network is unreachable from this machine (routing or VPN?)",
  ECONNRESET: "the connection was reset",
  EPIPE: "the connection was closed while sending",
  ETIMEDOUT: "the connection timed out",
};

// Serialized (Pulumi's closure serializer, for dynamic providers), classes lose what their
// constructor does not do itself: fields are initialised in constructors, never with
// class-field initialisers; Error subclasses set `message` (serialized, `super(message)` is
// `Error.call(this, message)`, which does not set it), capture their stack, and have at
// least one method (without one, the prototype chain to Error.prototype is not kept).

class TlsPinError extends Error {
  readonly code: string;
  constructor(message: string) {
    super(message);
    this.message = message; // see HttpError
    this.code = "HOMELAB_TLS_PIN";
  }
}

/** Counting semaphore. */
class Limiter {
  private active: number;
  private readonly waiting: (() => void)[];
  constructor(private readonly max: number) {
    this.active = 0;
    this.waiting = [];
  }
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

interface AttemptFailure {
  readonly kind: HttpErrorKind;
  readonly detail: string;
  /** The request surely never reached the device (safe to resend even a POST). */
  readonly notSent: boolean;
}

export class HttpClient {
  readonly stats: HttpStats;
  private readonly limiter: Limiter;
  private readonly agent: https.Agent;
  private readonly url: URL;

  constructor(private readonly options: HttpClientOptions) {
    this.stats = { requests: 0, retries: 0, byMethod: {} };
    this.url = new URL(options.baseUrl);
    if (this.url.protocol !== "https:") {
      throw new Error(`${options.baseUrl}: device APIs are only spoken over https`);
    }
    this.limiter = new Limiter(options.maxInFlight ?? 4);
    const trust = options.tls;
    const pin = trust.fingerprint ? normalizeFingerprint(trust.fingerprint) : undefined;
    const verifyChain = !pin && !trust.insecureSkipVerify;
    const servername = isIP(this.url.hostname) ? undefined : this.url.hostname;
    class TrustingAgent extends https.Agent {
      override createConnection(
        connectOptions: https.RequestOptions,
        callback?: (err: Error | null, socket: Duplex) => void,
      ): Duplex | undefined {
        const socket = tls.connect({
          ...(connectOptions as tls.ConnectionOptions),
          servername,
          ca: trust.ca,
          rejectUnauthorized: verifyChain,
        });
        if (!pin) return socket;
        // Verify the pin before any byte of the request (and its credentials) is written.
        socket.once("secureConnect", () => {
          const got = normalizeFingerprint(socket.getPeerCertificate().fingerprint256 ?? "");
          if (got !== pin) {
            const error = new TlsPinError(
              `the device certificate has fingerprint ${got}, not the pinned ${pin}: if the certificate changed on purpose, update tls.fingerprint; otherwise something is intercepting the connection`,
            );
            socket.destroy(error);
            callback?.(error, socket);
            return;
          }
          callback?.(null, socket);
        });
        socket.once("error", (error: Error) => callback?.(error, socket));
        return undefined;
      }
    }
    this.agent = new TrustingAgent({ keepAlive: true, maxSockets: options.maxInFlight ?? 4 });
  }

  private get label(): string {
    return this.options.label ?? this.url.host;
  }

  private scrub(text: string): string {
    return redact(text, this.options.secrets?.() ?? []);
  }

  /** Sends a request (with retries); resolves with any HTTP status the device answers. */
  async request(request: HttpRequest): Promise<HttpResponse> {
    const retries = this.options.retries ?? 4;
    const idempotent = request.idempotent ?? request.method !== "POST";
    const sleep =
      this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const random = this.options.random ?? Math.random;
    const isRetryable =
      this.options.isRetryable ?? ((r: HttpResponse) => [502, 503, 504].includes(r.status));
    const now = this.options.now ?? Date.now;
    let askedMs = 0;
    let attempt = 0;
    for (;;) {
      attempt++;
      const outcome = await this.limiter.run(() => this.attempt(request));
      const last = attempt > retries;
      if ("status" in outcome) {
        // 429: refused unprocessed (RFC 6585 section 4), so even a POST may be sent again.
        const refused = outcome.status === 429;
        const asked =
          refused || (outcome.status === 503 && idempotent)
            ? retryAfterMs(outcome, now())
            : undefined;
        if (asked !== undefined) {
          if (last || askedMs + asked > (this.options.maxRetryAfterMs ?? 60000)) return outcome;
          askedMs += asked;
          this.stats.retries++;
          await sleep(asked);
          continue;
        }
        if (!last && isRetryable(outcome) && (idempotent || refused)) {
          await this.backoff(attempt, sleep, random);
          continue;
        }
        return outcome;
      }
      const retryable = outcome.kind !== "tls" && (idempotent || outcome.notSent);
      if (!last && retryable) {
        await this.backoff(attempt, sleep, random);
        continue;
      }
      const hint =
        !idempotent && !outcome.notSent ? " (not retried: the request may have been applied)" : "";
      throw new HttpError(
        this.scrub(
          `${request.method} ${request.path} to ${this.label} failed after ${attempt} attempt${attempt === 1 ? "" : "s"}: ${outcome.detail}${hint}`,
        ),
        outcome.kind,
        request.method,
        request.path,
        attempt,
      );
    }
  }

  private async backoff(
    attempt: number,
    sleep: (ms: number) => Promise<void>,
    random: () => number,
  ): Promise<void> {
    this.stats.retries++;
    const cap = this.options.maxBackoffMs ?? 8000;
    const base = this.options.backoffMs ?? 250;
    await sleep(Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 1))));
  }

  private attempt(request: HttpRequest): Promise<HttpResponse | AttemptFailure> {
    this.stats.requests++;
    this.stats.byMethod[request.method] = (this.stats.byMethod[request.method] ?? 0) + 1;
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) query.set(key, String(value));
    }
    const qs = query.toString();
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const headers: Record<string, string> = { accept: "application/json", ...request.headers };
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    const timeoutMs = this.options.timeoutMs ?? 15000;
    return new Promise((resolve) => {
      let sent = false;
      let settled = false;
      // Declared before `done` refers to it: Pulumi's closure serializer cannot resolve a
      // reference to a `const` declared later in the function.
      let timer: NodeJS.Timeout | undefined = undefined;
      const done = (value: HttpResponse | AttemptFailure) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          resolve(value);
        }
      };
      const req = https.request({
        protocol: this.url.protocol,
        hostname: this.url.hostname,
        port: this.url.port || 443,
        method: request.method,
        path: `${request.path}${qs ? `?${qs}` : ""}`,
        headers,
        agent: this.agent,
      });
      timer = setTimeout(() => {
        done({ kind: "timeout", detail: `no answer within ${timeoutMs} ms`, notSent: !sent });
        req.destroy();
      }, timeoutMs);
      req.on("socket", (socket) => {
        const markSent = () => {
          sent = true;
        };
        if ((socket as tls.TLSSocket).encrypted && !socket.connecting) markSent();
        else socket.once("secureConnect", markSent);
      });
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", (error) =>
          done({
            kind: "network",
            detail: `the answer was cut off (${error.message})`,
            notSent: false,
          }),
        );
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          const type = String(res.headers["content-type"] ?? "");
          if (type.includes("json") || /^\s*[[{]/.test(text)) {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          done({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      });
      req.on("error", (error: NodeJS.ErrnoException) => {
        if (error instanceof TlsPinError) {
          done({ kind: "tls", detail: `TLS: ${error.message}`, notSent: true });
          return;
        }
        const code = error.code ?? "";
        const tlsHint = TLS_HINTS[code];
        if (tlsHint) {
          done({ kind: "tls", detail: `TLS: ${tlsHint}`, notSent: true });
          return;
        }
        const hint = NETWORK_HINTS[code] ?? error.message;
        done({
          kind: "network",
          detail: hint,
          notSent:
            code === "ECONNREFUSED" ||
            code === "ENOTFOUND" ||
            code === "EHOSTUNREACH" ||
            code === "ENETUNREACH" ||
            !sent,
        });
      });
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}

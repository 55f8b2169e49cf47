/**
 * The HTTPS server under every device emulator (FortiGate, UniFi): the test device
 * certificate, request logging and counting, latency, concurrency tracking, and seeded
 * fault injection. A device emulator supplies only the handler (the device's behaviour).
 *
 * Faults, each decided per request by a seeded generator (same seed → same faults):
 * - "status-503": answer 503 without reaching the handler (device busy).
 * - "reset-before": drop the connection before the handler runs (nothing applied).
 * - "reset-after": run the handler (the change IS applied), then drop the connection
 *   without answering: the lost response that makes blind retries of a POST duplicate things.
 * - "hang": never answer (the client's timeout fires).
 */
import { readFileSync } from "node:fs";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";

const TLS_DIR = join(__dirname, "..", "fixtures", "tls");

export const DEVICE_CERT = readFileSync(join(TLS_DIR, "device-cert.pem"), "utf8");
const DEVICE_KEY = readFileSync(join(TLS_DIR, "device-key.pem"), "utf8");
export const OTHER_CERT = readFileSync(join(TLS_DIR, "other-cert.pem"), "utf8");
const OTHER_KEY = readFileSync(join(TLS_DIR, "other-key.pem"), "utf8");

/** SHA-256 fingerprint of the test device certificate ("AB:CD:…"). */
export const DEVICE_FINGERPRINT = new X509Certificate(DEVICE_CERT).fingerprint256;

export interface EmulatorRequest {
  readonly method: string;
  /** Path as received (still percent-encoded), without the query. */
  readonly rawPath: string;
  /** Path segments, each percent-decoded. */
  readonly segments: string[];
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined. */
  readonly body: unknown;
  readonly rawBody: string;
}

export interface EmulatorResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON-serialised unless a string. */
  readonly body?: unknown;
}

export type Handler = (request: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

export type FaultKind = "status-503" | "reset-before" | "reset-after" | "hang";

export interface FaultPlan {
  /** Probability (0-1) that a request gets a fault. */
  readonly rate: number;
  readonly kinds: readonly FaultKind[];
  readonly seed?: number;
  /** Only requests with these methods can fault (default: all). */
  readonly methods?: readonly string[];
}

export interface LogEntry {
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly fault?: FaultKind;
}

export interface ServerOptions {
  /** Certificate presented: the device's (default) or an impostor's. */
  readonly cert?: "device" | "other";
  readonly latencyMs?: number;
  readonly faults?: FaultPlan;
}

/** Small, fast, seedable PRNG (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class EmulatorServer {
  readonly log: LogEntry[] = [];
  /** Highest number of requests handled at the same time. */
  maxInFlight = 0;
  private inFlight = 0;
  private server?: https.Server;
  private latencyMs: number;
  private faults?: FaultPlan;
  private random: () => number;

  constructor(
    private readonly handler: Handler,
    private readonly options: ServerOptions = {},
  ) {
    this.latencyMs = options.latencyMs ?? 0;
    this.faults = options.faults;
    this.random = seeded(options.faults?.seed ?? 1);
  }

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  setFaults(plan: FaultPlan | undefined): void {
    this.faults = plan;
    this.random = seeded(plan?.seed ?? 1);
  }

  /** Requests received (optionally only those matching), faulty ones included. */
  count(filter?: (entry: LogEntry) => boolean): number {
    return filter ? this.log.filter(filter).length : this.log.length;
  }

  /** Requests that could have changed something. */
  writes(): number {
    return this.count(
      (e) => e.method !== "GET" && e.fault !== "status-503" && e.fault !== "reset-before",
    );
  }

  resetLog(): void {
    this.log.length = 0;
    this.maxInFlight = 0;
  }

  /** Starts on a random port; resolves with the base URL. */
  async start(): Promise<string> {
    const other = this.options.cert === "other";
    this.server = https.createServer(
      { cert: other ? OTHER_CERT : DEVICE_CERT, key: other ? OTHER_KEY : DEVICE_KEY },
      (req, res) => void this.handle(req, res),
    );
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }

  private pickFault(method: string): FaultKind | undefined {
    const plan = this.faults;
    if (!plan || plan.kinds.length === 0) return undefined;
    if (plan.methods && !plan.methods.includes(method)) return undefined;
    if (this.random() >= plan.rate) return undefined;
    return plan.kinds[Math.floor(this.random() * plan.kinds.length)];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "https://emulator");
    const method = req.method ?? "GET";
    const rawPath = (req.url ?? "/").split("?")[0] ?? "/";
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
      const fault = this.pickFault(method);
      if (fault === "status-503") {
        this.log.push({ method, path: rawPath, status: 503, fault });
        res.writeHead(503, { "content-type": "text/html" }).end("<html>Service Unavailable</html>");
        return;
      }
      if (fault === "reset-before") {
        this.log.push({ method, path: rawPath, fault });
        req.socket.destroy();
        return;
      }
      if (fault === "hang") {
        this.log.push({ method, path: rawPath, fault });
        await new Promise<void>((resolve) => req.socket.once("close", () => resolve()));
        return;
      }
      let body: unknown;
      if (rawBody) {
        try {
          body = JSON.parse(rawBody);
        } catch {
          body = undefined;
        }
      }
      const request: EmulatorRequest = {
        method,
        rawPath,
        segments: rawPath
          .split("/")
          .filter(Boolean)
          .map((s) => decodeURIComponent(s)),
        query: url.searchParams,
        headers: req.headers,
        body,
        rawBody,
      };
      const response = await this.handler(request);
      if (fault === "reset-after") {
        this.log.push({ method, path: rawPath, status: response.status, fault });
        req.socket.destroy();
        return;
      }
      this.log.push({ method, path: rawPath, status: response.status });
      const text =
        response.body === undefined
          ? ""
          : typeof response.body === "string"
            ? response.body
            : JSON.stringify(response.body);
      res
        .writeHead(response.status, {
          "content-type": typeof response.body === "string" ? "text/plain" : "application/json",
          ...response.headers,
        })
        .end(text);
    } finally {
      this.inFlight--;
    }
  }
}

/**
 * A reverse proxy for verify's tests: HTTPS on 127.0.0.1 with the certificate chosen by SNI
 * (test/verify/fixtures/tls: `*.example.com` and `*.edge.arpa` signed by a test CA, or one
 * for `*.example.net` for the names a test breaks), answering each Host with the status a
 * test sets (200 by default).
 */
import { readFileSync } from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import * as tls from "node:tls";

const TLS = join(__dirname, "..", "verify", "fixtures", "tls");
const read = (file: string) => readFileSync(join(TLS, file), "utf8");
export const TEST_CA = read("ca-cert.pem");
const GOOD = tls.createSecureContext({ cert: read("proxy-cert.pem"), key: read("proxy-key.pem") });
const WRONG = tls.createSecureContext({ cert: read("wrong-cert.pem"), key: read("wrong-key.pem") });

export class ProxyEmulator {
  /** Host → HTTP status (default 200). Mutable. */
  readonly statuses = new Map<string, number>();
  /** Names served the certificate that does not name them. Mutable. */
  readonly wrongCertificate = new Set<string>();
  private server?: https.Server;

  async start(): Promise<string> {
    this.server = https.createServer(
      {
        SNICallback: (name, done) => done(null, this.wrongCertificate.has(name) ? WRONG : GOOD),
      },
      (request, response) => {
        const host = (request.headers.host ?? "").split(":")[0] ?? "";
        response.writeHead(this.statuses.get(host) ?? 200, { "content-type": "text/plain" });
        response.end("ok\n");
      },
    );
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.statuses.clear();
    this.wrongCertificate.clear();
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

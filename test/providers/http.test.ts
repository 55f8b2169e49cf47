import assert from "node:assert/strict";
import { inspect } from "node:util";
import { after, describe, it } from "node:test";
import {
  HttpClient,
  HttpError,
  normalizeFingerprint,
  redact,
  retryAfterMs,
  type HttpClientOptions,
  type HttpResponse,
} from "../../src/providers/http";
import { FortiosClient } from "../../src/providers/fortios/client";
import { UnifiClient } from "../../src/providers/unifi/client";
import { testConnection } from "../emulators/unifi-fixtures";
import { DEVICE_CERT, DEVICE_FINGERPRINT, EmulatorServer } from "../emulators/server";

const TOKEN = "tok-0123456789abcdef0123456789abcdef";
const noSleep = () => Promise.resolve();

const servers: EmulatorServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

async function serve(
  handler: ConstructorParameters<typeof EmulatorServer>[0],
  options?: ConstructorParameters<typeof EmulatorServer>[1],
) {
  const server = new EmulatorServer(handler, options);
  servers.push(server);
  return { server, url: await server.start() };
}

function client(url: string, options: Partial<HttpClientOptions> = {}): HttpClient {
  return new HttpClient({
    baseUrl: url,
    tls: { fingerprint: DEVICE_FINGERPRINT },
    sleep: noSleep,
    secrets: () => [TOKEN],
    label: "test device",
    ...options,
  });
}

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof HttpError, `expected HttpError, got ${String(error)}`);
    return error;
  }
  assert.fail("the request succeeded");
}

const ok = () => ({ status: 200, body: { ok: true } });

describe("TLS trust", () => {
  it("accepts the device certificate by fingerprint, in any spelling", async () => {
    const { url } = await serve(ok);
    for (const fingerprint of [DEVICE_FINGERPRINT, `sha256:${DEVICE_FINGERPRINT.toLowerCase()}`]) {
      const res = await client(url, { tls: { fingerprint } }).request({
        method: "GET",
        path: "/x",
      });
      assert.deepEqual(res.json, { ok: true });
    }
    assert.equal(normalizeFingerprint("sha256:ab cd"), "AB:CD");
  });

  it("refuses a certificate with another fingerprint before sending anything", async () => {
    const { server, url } = await serve(ok, { cert: "other" });
    const error = await rejection(
      client(url).request({
        method: "GET",
        path: "/x",
        headers: { authorization: `Bearer ${TOKEN}` },
      }),
    );
    assert.equal(error.kind, "tls");
    assert.equal(error.attempts, 1, "TLS failures are not retried");
    assert.match(
      error.message,
      /TLS: the device certificate has fingerprint [0-9A-F:]+, not the pinned [0-9A-F:]+: if the certificate changed on purpose, update tls\.fingerprint/,
    );
    assert.equal(server.count(), 0, "the request (and its token) never reached the impostor");
  });

  it("trusts a CA, and explains an untrusted self-signed certificate", async () => {
    const { url } = await serve(ok);
    const res = await client(url, { tls: { ca: DEVICE_CERT } }).request({
      method: "GET",
      path: "/x",
    });
    assert.equal(res.status, 200);
    const error = await rejection(client(url, { tls: {} }).request({ method: "GET", path: "/x" }));
    assert.match(
      error.message,
      /self-signed certificate that is not trusted: pin it with tls\.fingerprint/,
    );
  });

  it("skips verification only when explicitly told to", async () => {
    const { url } = await serve(ok, { cert: "other" });
    const res = await client(url, { tls: { insecureSkipVerify: true } }).request({
      method: "GET",
      path: "/x",
    });
    assert.equal(res.status, 200);
  });

  it("speaks https only", () => {
    assert.throws(() => client("http://127.0.0.1:1"), /device APIs are only spoken over https/);
  });
});

describe("retries", () => {
  it("retries 503 for idempotent requests and counts the retries", async () => {
    let calls = 0;
    const { url } = await serve(() => (++calls < 3 ? { status: 503, body: "busy" } : ok()));
    const c = client(url);
    const res = await c.request({ method: "PUT", path: "/x", body: { a: 1 } });
    assert.equal(res.status, 200);
    assert.equal(calls, 3);
    assert.equal(c.stats.requests, 3);
    assert.equal(c.stats.retries, 2);
  });

  it("gives up after the configured attempts and returns the last status", async () => {
    const { url } = await serve(() => ({ status: 503, body: "busy" }));
    const res = await client(url, { retries: 2 }).request({ method: "GET", path: "/x" });
    assert.equal(res.status, 503);
  });

  it("does not resend a POST whose answer was lost (it may have been applied)", async () => {
    const { server, url } = await serve(ok, { faults: { rate: 1, kinds: ["reset-after"] } });
    const error = await rejection(client(url).request({ method: "POST", path: "/x", body: {} }));
    assert.equal(error.kind, "network");
    assert.equal(server.count(), 1);
    assert.match(error.message, /not retried: the request may have been applied/);
  });

  it("retries a GET whose connection was reset, and one that timed out", async () => {
    const { server, url } = await serve(ok, {
      faults: { rate: 0.5, kinds: ["reset-before", "hang"], seed: 7 },
    });
    const c = client(url, { timeoutMs: 200, retries: 8 });
    for (let i = 0; i < 10; i++)
      assert.equal((await c.request({ method: "GET", path: `/x${i}` })).status, 200);
    const faults = server.count((e) => e.fault !== undefined);
    assert.ok(faults > 0, "faults were injected");
    // Each fault cost a retry. An answer slower than the timeout on a loaded machine costs
    // one too, without a fault: every retry is a request the server saw.
    assert.ok(c.stats.retries >= faults, `${c.stats.retries} retries for ${faults} faults`);
    assert.equal(server.count(), 10 + c.stats.retries);
  });

  it("explains a timeout", async () => {
    const { url } = await serve(ok, { faults: { rate: 1, kinds: ["hang"] } });
    const error = await rejection(
      client(url, { timeoutMs: 100, retries: 1 }).request({ method: "GET", path: "/x" }),
    );
    assert.equal(error.kind, "timeout");
    assert.equal(error.attempts, 2);
    assert.match(
      error.message,
      /^GET \/x to test device failed after 2 attempts: no answer within 100 ms$/,
    );
  });

  it("resends even a POST when the connection was refused (it never reached the device)", async () => {
    const { server, url } = await serve(ok);
    await server.stop();
    const error = await rejection(
      client(url, { retries: 2 }).request({ method: "POST", path: "/x", body: {} }),
    );
    assert.equal(error.attempts, 3);
    assert.match(error.message, /connection refused: is the management interface/);
  });
});

describe("load and secrets", () => {
  it("keeps at most maxInFlight requests in flight", async () => {
    const { server, url } = await serve(ok, { latencyMs: 20 });
    const c = client(url, { maxInFlight: 4 });
    await Promise.all(
      Array.from({ length: 24 }, (_, i) => c.request({ method: "GET", path: `/x${i}` })),
    );
    assert.equal(server.count(), 24);
    assert.ok(server.maxInFlight <= 4, `max in flight was ${server.maxInFlight}`);
    assert.ok(server.maxInFlight >= 2, "requests did run in parallel");
  });

  it("never puts a credential in an error, its message or its inspection", async () => {
    const { url } = await serve(ok, { cert: "other" });
    const error = await rejection(
      client(url).request({
        method: "GET",
        path: "/x",
        headers: { authorization: `Bearer ${TOKEN}`, "x-api-key": TOKEN },
      }),
    );
    for (const text of [
      error.message,
      error.stack ?? "",
      inspect(error, { depth: 10 }),
      JSON.stringify(error),
    ]) {
      assert.ok(!text.includes(TOKEN), "token leaked");
    }
    assert.equal(redact(`a ${TOKEN} b ${TOKEN}`, [TOKEN]), "a [redacted] b [redacted]");
  });
});

describe("Retry-After", () => {
  /** A device that answers `refusals` first, then 200; the waits the client made. */
  async function busy(...refusals: { status: number; retryAfter?: string }[]) {
    let calls = 0;
    const { server, url } = await serve(() => {
      const refusal = refusals[calls++];
      if (!refusal) return ok();
      const headers: Record<string, string> =
        refusal.retryAfter === undefined ? {} : { "retry-after": refusal.retryAfter };
      return { status: refusal.status, headers, body: { error: "slow down" } };
    });
    const waits: number[] = [];
    const sleep = (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    };
    return { server, url, waits, sleep };
  }

  it("reads seconds and HTTP dates, and nothing else", () => {
    const response = (value?: string): HttpResponse => ({
      status: 429,
      headers: value === undefined ? {} : { "retry-after": value },
      text: "",
    });
    const now = Date.UTC(2026, 0, 2, 3, 4, 5);
    assert.equal(retryAfterMs(response("7"), now), 7000);
    assert.equal(retryAfterMs(response(new Date(now + 9000).toUTCString()), now), 9000);
    assert.equal(retryAfterMs(response(new Date(now - 9000).toUTCString()), now), 0);
    for (const bad of [undefined, "", "soon", "-1", "1.5", "2026-01-02"])
      assert.equal(retryAfterMs(response(bad), now), undefined, String(bad));
  });

  it("waits what a 429 asks, then sends again: a POST too, since it was refused unprocessed", async () => {
    for (const method of ["GET", "POST"] as const) {
      const { server, url, waits, sleep } = await busy({ status: 429, retryAfter: "2" });
      const res = await client(url, { sleep, isRetryable: () => false }).request({
        method,
        path: "/x",
        body: method === "POST" ? {} : undefined,
      });
      assert.equal(res.status, 200, method);
      assert.deepEqual(waits, [2000], method);
      assert.equal(server.count(), 2, method);
    }
  });

  it("reads an HTTP date against the clock", async () => {
    const now = Date.UTC(2026, 0, 2, 3, 4, 5);
    const { url, waits, sleep } = await busy({
      status: 429,
      retryAfter: new Date(now + 3000).toUTCString(),
    });
    const res = await client(url, { sleep, now: () => now }).request({ method: "GET", path: "/x" });
    assert.equal(res.status, 200);
    assert.deepEqual(waits, [3000]);
  });

  it("is bounded: a device asking more than the budget gets its answer at once", async () => {
    const long = await busy({ status: 429, retryAfter: "3600" });
    const res = await client(long.url, { sleep: long.sleep }).request({
      method: "GET",
      path: "/x",
    });
    assert.equal(res.status, 429);
    assert.deepEqual(long.waits, []);
    assert.equal(long.server.count(), 1);
    const repeated = await busy(
      { status: 429, retryAfter: "40" },
      { status: 429, retryAfter: "40" },
    );
    const again = await client(repeated.url, { sleep: repeated.sleep }).request({
      method: "GET",
      path: "/x",
    });
    assert.equal(again.status, 429, "60 s in total by default");
    assert.deepEqual(repeated.waits, [40000]);
    const budget = await busy({ status: 429, retryAfter: "40" }, { status: 429, retryAfter: "40" });
    const within = await client(budget.url, {
      sleep: budget.sleep,
      maxRetryAfterMs: 90000,
    }).request({
      method: "GET",
      path: "/x",
    });
    assert.equal(within.status, 200);
    assert.deepEqual(budget.waits, [40000, 40000]);
  });

  it("is bounded by the attempts too", async () => {
    const { server, url, waits, sleep } = await busy(
      ...Array.from({ length: 5 }, () => ({ status: 429, retryAfter: "0" })),
    );
    const res = await client(url, { sleep, retries: 2 }).request({ method: "GET", path: "/x" });
    assert.equal(res.status, 429);
    assert.deepEqual(waits, [0, 0]);
    assert.equal(server.count(), 3);
  });

  it("delays a 503's idempotent retry as asked, never sends a POST again", async () => {
    const get = await busy({ status: 503, retryAfter: "5" });
    const res = await client(get.url, { sleep: get.sleep }).request({ method: "PUT", path: "/x" });
    assert.equal(res.status, 200);
    assert.deepEqual(get.waits, [5000], "the hint, not the backoff");
    const post = await busy({ status: 503, retryAfter: "5" });
    const refused = await client(post.url, { sleep: post.sleep }).request({
      method: "POST",
      path: "/x",
      body: {},
    });
    assert.equal(refused.status, 503);
    assert.equal(post.server.count(), 1, "a 503 may hide a write: the caller reconciles");
  });

  it("leaves a 429 without Retry-After to the device client's classification", async () => {
    const no = await busy({ status: 429 });
    const refused = await client(no.url, { sleep: no.sleep }).request({
      method: "GET",
      path: "/x",
    });
    assert.equal(refused.status, 429, "not retryable by default");
    const yes = await busy({ status: 429 });
    const retried = await client(yes.url, {
      sleep: yes.sleep,
      random: () => 0.5,
      isRetryable: (r) => r.status === 429,
    }).request({ method: "POST", path: "/x", body: {} });
    assert.equal(retried.status, 200);
    assert.deepEqual(yes.waits, [125], "the backoff");
  });

  it("both device clients honour it: FortiOS (whose 429 is otherwise final) and UniFi", async () => {
    let calls = 0;
    const { url } = await serve((req) => {
      if (calls++ === 0) return { status: 429, headers: { "retry-after": "1" }, body: {} };
      if (req.rawPath.startsWith("/api/v2/"))
        return {
          status: 200,
          body: { http_status: 200, status: "success", results: [{ name: "a" }] },
        };
      return { status: 200, body: { meta: { rc: "ok" }, data: [{ _id: "1", name: "a" }] } };
    });
    const waits: number[] = [];
    const sleep = (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    };
    const port = Number(new URL(url).port);
    const fortios = new FortiosClient(
      { host: "127.0.0.1", port, tls: { fingerprint: DEVICE_FINGERPRINT } },
      { token: () => TOKEN, sleep },
    );
    assert.deepEqual(await fortios.get("firewall/address", "a"), { name: "a" });
    calls = 0;
    const unifi = new UnifiClient({
      connection: testConnection(url),
      credentials: { apiKey: TOKEN },
      sleep,
    });
    assert.deepEqual(await unifi.list("/proxy/network/api/s/default/rest/networkconf"), [
      { _id: "1", name: "a" },
    ]);
    assert.deepEqual(waits, [1000, 1000]);
    fortios.close();
    unifi.close();
  });
});

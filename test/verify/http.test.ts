/**
 * verify's HTTP and DNS checks against an emulated proxy (certificates chosen by SNI) and
 * two emulated resolvers: healthy, then a route answering 502, a certificate that does not
 * name the route, an internal name not resolving, a public name resolving elsewhere.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { Lab, rowOf } from "./harness";

const lab = new Lab();
before(() => lab.start());
after(() => lab.stop());
beforeEach(() => lab.healthy());

const httpRows = (rows: { check: string; target: string; status: string; detail: string }[]) =>
  rows
    .filter((r) => r.check.startsWith("http") || r.check.startsWith("dns"))
    .map((r) => `${r.check} | ${r.target} | ${r.status} | ${r.detail}`);

describe("verify: HTTP and DNS", () => {
  it("healthy: every route answers with a valid certificate, every name resolves", async () => {
    const run = await lab.verify();
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const resolver = lab.resolverAddress;
    assert.deepEqual(httpRows(run.rows), [
      "http-route | status.example.com | ok | HTTP 200, certificate valid (acme)",
      "http-route | status.edge.arpa | ok | HTTP 200, certificate valid (self-signed)",
      "http-route | health.edge.arpa | ok | HTTP 200, certificate valid (self-signed)",
      `dns-internal | status.edge.arpa | ok | 10.1.0.20 (at ${resolver})`,
      `dns-internal | health.edge.arpa | ok | 10.1.0.20 (at ${resolver})`,
      "dns-public | status.example.com | ok | 203.0.113.10 (the origin)",
    ]);
  });

  it("a route answering 502", async () => {
    lab.proxy.statuses.set("health.edge.arpa", 502);
    const run = await lab.verify();
    assert.equal(run.status, 1);
    assert.match(
      rowOf(run, "http-route", "health.edge.arpa").detail,
      /^HTTP 502 from the proxy at 127\.0\.0\.1:\d+ \(is gatus up\?\)$/,
    );
  });

  it("a route whose certificate does not name it", async () => {
    lab.proxy.wrongCertificate.add("status.example.com");
    const run = await lab.verify();
    assert.equal(run.status, 1);
    assert.equal(
      rowOf(run, "http-route", "status.example.com").detail,
      "HTTP 200, but the certificate does not name status.example.com (it names DNS:*.example.net)",
    );
  });

  it("a certificate no trusted CA signed (without --ca)", async () => {
    const run = await lab.verify(["--json"], { withoutCa: true });
    assert.equal(run.status, 1);
    assert.match(
      rowOf(run, "http-route", "status.example.com").detail,
      /^HTTP 200, but the certificate is not trusted \(/,
    );
  });

  it("an internal name that does not resolve", async () => {
    lab.resolver.records.delete("health.edge.arpa");
    const run = await lab.verify();
    assert.equal(run.status, 1);
    assert.equal(
      rowOf(run, "dns-internal", "health.edge.arpa").detail,
      `does not resolve (NXDOMAIN) at ${lab.resolverAddress}`,
    );
  });

  it("a public name resolving to another address than the origin", async () => {
    lab.publicDns.records.set("status.example.com", ["198.51.100.99"]);
    const run = await lab.verify();
    assert.equal(run.status, 1);
    assert.equal(
      rowOf(run, "dns-public", "status.example.com").detail,
      "resolves to 198.51.100.99, not the origin 203.0.113.10",
    );
  });

  it("--ca that is not a certificate is a usage error", async () => {
    const run = await lab.verify(["--json", "--ca", __filename]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--ca .*: not a PEM certificate/);
  });
});

/**
 * The gateway component on its own, under the mock runtime: static DNS records from
 * `dnsRecords` (skipped, with a warning, on a controller without the API), the WireGuard
 * public key output, TLS trust from a CA file read at load, and a clear problem for a
 * missing or non-PEM one.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { runUnderMocks, type Plan } from "../../../src/cli/mock-runtime";
import { UnifiGateway } from "../../../src/components/unifi/gateway";
import { formatPath } from "../../../src/config/errors";
import { readDeviceCertificates } from "../../../src/config/files";
import { unifiSchema } from "../../../src/config/unifi";
import { unifiPlan } from "../../../src/model/unifi";
import {
  decideFirewallMode,
  type FirewallModeDecision,
} from "../../../src/model/unifi/firewall-mode";
import { wireguardPublicKey } from "../../../src/model/unifi/wireguard";
import { siteNetworks } from "../../../src/config/networks";
import type { SiteConfig } from "../../../src/config/stack";

const ROOT = join(__dirname, "..", "..", "..");
const WG_KEY = "oK56DE9Ue9zK76rAc8pBl6opph+1v36lm7cXXsQKrQM=";
const CA = "test/fixtures/tls/device-cert.pem";

const config = unifiSchema.parse({
  controller: "https://10.0.20.1",
  tls: { ca: CA },
  networks: [
    {
      name: "servers",
      vlan: 10,
      cidr: "10.0.10.0/24",
      gateway: "10.0.10.1",
      dhcp: { range: "10.0.10.100-10.0.10.199" },
    },
    { name: "cameras", vlan: 60, cidr: "10.0.60.0/24", gateway: "10.0.60.1", purpose: "vlan-only" },
  ],
  wireguard: { name: "wireguard", cidr: "10.0.3.0/24", gateway: "10.0.3.1" },
  firewall: { mode: "zone" },
});
const site = { unifi: config, networks: {} } as unknown as SiteConfig;
const networks = siteNetworks(site);
const records = [
  { name: "photos.home.arpa", address: "10.0.10.11" },
  { name: "git.home.arpa", address: "10.0.10.10" },
];
const loaded = readDeviceCertificates(site, ROOT, "Pulumi.test.yaml");
const planFor = (firewall: FirewallModeDecision) =>
  unifiPlan({
    file: "Pulumi.test.yaml",
    config,
    networks,
    dnsRecords: records,
    firewall,
    ca: loaded.certificates.unifi,
  });

let plan: Plan;
let publicKey: string | undefined;
const warnings: string[] = [];

before(async () => {
  const warn = pulumi.log.warn;
  (pulumi.log as { warn: typeof warn }).warn = (message, resource) => {
    warnings.push(message);
    return warn(message, resource);
  };
  plan = await runUnderMocks({
    project: "homelab",
    stack: "test",
    config: {},
    secretKeys: [],
    program: async () => {
      const secrets = { get: () => pulumi.secret(WG_KEY) };
      const withDns = new UnifiGateway("gw", {
        plan: planFor(decideFirewallMode("zone")),
        secrets,
      });
      const old = decideFirewallMode("auto", {
        version: "8.1.113",
        zoneBasedFirewall: false,
        staticDns: false,
      });
      new UnifiGateway("old", { plan: planFor(old), secrets });
      publicKey = await new Promise((resolve) => withDns.wireguardPublicKey!.apply(resolve));
      return {};
    },
  });
});

const named = (name: string) => plan.resources.find((r) => r.name === name);

describe("UniFi gateway component", () => {
  it("creates a static DNS record per internal name", () => {
    const dns = plan.resources.filter(
      (r) =>
        r.type === "pulumi-nodejs:dynamic/unifi:DnsRecord" &&
        r.parent === "homelab:unifi:Gateway::gw",
    );
    assert.deepEqual(
      dns.map((r) => [r.name, r.inputs.path, r.inputs.key, r.inputs.body]),
      [
        [
          "gw-dns-photos-home-arpa",
          "/proxy/network/v2/api/site/default/static-dns",
          { key: "photos.home.arpa", record_type: "A" },
          { enabled: true, key: "photos.home.arpa", record_type: "A", value: "10.0.10.11" },
        ],
        [
          "gw-dns-git-home-arpa",
          "/proxy/network/v2/api/site/default/static-dns",
          { key: "git.home.arpa", record_type: "A" },
          { enabled: true, key: "git.home.arpa", record_type: "A", value: "10.0.10.10" },
        ],
      ],
    );
  });

  it("never deletes them (retainOnDelete) and takes back one left behind (adopt)", () => {
    for (const name of ["gw-dns-photos-home-arpa", "gw-dns-git-home-arpa"]) {
      assert.equal(named(name)?.options.retainOnDelete, true);
      assert.equal(named(name)?.inputs.adopt, true);
    }
    assert.equal(named("gw-net-servers")?.options.retainOnDelete, false);
  });

  it("leaves them out on a controller without the static DNS API, and uses legacy rules there", () => {
    const old = plan.resources.filter((r) => r.parent === "homelab:unifi:Gateway::old");
    assert.equal(old.filter((r) => r.type.endsWith(":DnsRecord")).length, 0);
    assert.ok(old.some((r) => r.type.endsWith(":FirewallRule")));
  });

  it("warns what it assumes offline, and nothing a real run checked", () => {
    assert.deepEqual(
      warnings.filter((w) => w.startsWith("UniFi firewall") || w.startsWith("UniFi legacy")),
      decideFirewallMode("zone").assumptions,
    );
    assert.ok(warnings.some((w) => /8\.1\.113.*2 internal DNS records are not created/.test(w)));
  });

  it("publishes the WireGuard server's public key", () => {
    assert.equal(publicKey, wireguardPublicKey(WG_KEY));
    assert.match(publicKey ?? "", /^[A-Za-z0-9+/]{43}=$/);
  });

  it("makes a vlan-only network without subnet or DHCP", () => {
    assert.deepEqual(named("gw-net-cameras")?.inputs.body, {
      enabled: true,
      igmp_snooping: false,
      name: "cameras",
      networkgroup: "LAN",
      purpose: "vlan-only",
      vlan: 60,
      vlan_enabled: true,
    });
  });

  it("trusts the console's CA from the file read at load, and explains a missing one", () => {
    assert.deepEqual(loaded.problems, []);
    const connection = named("gw-net-servers")?.inputs.connection as { tls: { ca: string } };
    assert.equal(connection.tls.ca, readFileSync(join(ROOT, CA), "utf8"));
    const withCa = (ca: string) =>
      readDeviceCertificates(
        { ...site, unifi: { ...config, tls: { ca, insecureSkipVerify: false } } },
        ROOT,
        "Pulumi.test.yaml",
      );
    const missing = withCa("certs/missing.pem");
    assert.deepEqual(
      missing.problems.map((p) => [p.file, `${formatPath(p.path)}: ${p.message}`]),
      [
        [
          "Pulumi.test.yaml",
          "homelab:unifi.tls.ca: certs/missing.pem does not exist: give the path, relative to the project, of a PEM file holding the console's CA certificate (certificates only), or pin the certificate with tls.fingerprint instead",
        ],
      ],
    );
    assert.equal(missing.certificates.unifi, undefined);
    assert.deepEqual(
      withCa("test/fixtures/tls/README.md").problems.map((p) => p.message),
      [
        'test/fixtures/tls/README.md is not a PEM file of certificates (no "-----BEGIN CERTIFICATE-----" block): export the CA certificate in PEM (openssl x509 -in ca.der -inform der -out ca.pem)',
      ],
    );
  });
});

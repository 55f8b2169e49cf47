import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError, formatPath } from "../../src/config/errors";
import { loadSite, stackFileSource } from "../../src/config/load";
import { formatPrefix } from "../../src/lib/net";
import { siteModel } from "../helpers/site";
import { ANNEX, HOME, ROOT, pathOf, type StackFile } from "../helpers/sites";

function load(site: StackFile) {
  const source = stackFileSource(pathOf(site), site.stack, site.file);
  return loadSite(source, { root: ROOT, requireSecrets: false });
}

describe("the fixture sites (copies of the seed stacks)", () => {
  it("home (seed 000) loads with its federation membership and secrets", () => {
    const site = load(HOME);
    assert.equal(site.config.site.name, "home");
    assert.equal(site.config.federation?.member, "alexis");
    assert.deepEqual(site.peers, ["baptiste", "camille", "dorian", "estelle"]);
    assert.deepEqual(
      site.secrets.map((s) => s.name),
      [
        "cloudflareApiToken",
        "dialupPsk",
        "fortigateApiToken",
        "pbsEncryptionKey",
        "pbsPassword",
        "proxmoxApiToken",
        "psk-baptiste",
        "psk-camille",
        "psk-dorian",
        "psk-estelle",
        "vpnPasswordAlexis",
      ],
    );
    // Nothing is set in the committed file, so every secret is missing (offline is fine).
    assert.equal(site.missingSecrets.length, site.secrets.length);
  });

  it("home's network namespace covers every declaring section", () => {
    const model = siteModel(HOME);
    const byName = Object.fromEntries(model.networks.map((n) => [n.name, n]));
    // wan1 takes its address from DHCP, so it declares no network.
    assert.deepEqual(Object.keys(byName).sort(), ["freebox", "lan", "swprod", "vpn", "work"]);
    assert.equal(byName.lan?.kind, "lan");
    assert.deepEqual(byName.lan?.prefixes.map(formatPrefix), ["172.24.0.0/24"]);
    assert.equal(byName.swprod?.kind, "sdn");
    assert.deepEqual(byName.swprod?.prefixes.map(formatPrefix), ["10.128.0.0/24"]);
    assert.equal(byName.vpn?.kind, "vpn");
    assert.equal(byName.work?.kind, "external");
  });

  it("annex (seed 001) has VLANs 10-50 and WireGuard 10.0.3.0/24", () => {
    const site = load(ANNEX);
    const unifi = site.config.unifi!;
    assert.deepEqual(
      unifi.networks.map((n) => [n.name, n.vlan, n.cidr]),
      [
        ["servers", 10, "10.0.10.0/24"],
        ["management", 20, "10.0.20.0/24"],
        ["users", 30, "10.0.30.0/24"],
        ["iot", 40, "10.0.40.0/24"],
        ["lab", 50, "10.0.50.0/24"],
      ],
    );
    assert.equal(unifi.wireguard?.cidr, "10.0.3.0/24");
    assert.equal(unifi.firewall.interVlan, "deny");
    assert.equal(unifi.firewall.allow.length, 11);
    assert.deepEqual(
      site.config.hosts.map((h) => h.name),
      ["servo", "optiplex", "truenas"],
    );
    assert.equal(site.config.proxy?.publish?.sources, "cloudflare");
  });

  it("defaults are filled in by the schema", () => {
    const site = load(HOME);
    const pve1 = site.config.proxmox!.nodes[0]!;
    assert.equal(pve1.powered, true);
    assert.equal(site.config.proxmox!.tls.insecureSkipVerify, false);
    assert.equal(site.config.fortigate!.port, 443);
    assert.equal(site.config.fortigate!.adopt, false);
  });
});

describe("error reports", () => {
  it("report every schema problem of every section at once, with lines", () => {
    const text = `config:
  homelab:site:
    name: Home
  homelab:proxmox:
    endpoint: ftp://x
    apiTokenId: nope
    nodes: []
  homelab:unifi:
    controller: https://10.0.20.1
    networks:
      - { name: servers, vlan: 10, cidr: 10.0.10.0/24, gateway: 10.0.10.1, dchp: {} }
`;
    const dir = mkdtempSync(join(tmpdir(), "stacks-"));
    writeFileSync(join(dir, "Pulumi.t.yaml"), text);
    let error: unknown;
    try {
      loadSite(stackFileSource(join(dir, "Pulumi.t.yaml"), "t", "Pulumi.t.yaml"), {
        root: ROOT,
        requireSecrets: false,
      });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError);
    const got = error.problems.map((p) => `${p.line ?? "?"}:${formatPath(p.path)}: ${p.message}`);
    assert.deepEqual(got, [
      "3:homelab:site.name: must be a lowercase name: letters, digits and hyphens, starting with a letter, e.g. media-box",
      '5:homelab:proxmox.endpoint: "ftp://x" is not an http(s) URL, e.g. https://192.0.2.10:8006/',
      "6:homelab:proxmox.apiTokenId: must be user@realm!tokenid, e.g. pulumi@pve!homelab",
      "7:homelab:proxmox.nodes: a cluster has at least one node",
      '11:homelab:unifi.networks[0].dchp: unknown key "dchp": did you mean "dhcp"?',
    ]);
    assert.match(
      error.message,
      /^Invalid configuration: 5 problems\n\nPulumi\.t\.yaml:3:11 {2}homelab:site\.name\n/,
    );
  });
});

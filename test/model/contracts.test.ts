/** The model pieces several domains consume: routes, Docker hosts, WAN publishing. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CLOUDFLARE_RANGES } from "../../src/data/cloudflare";
import { parsePrefix, isIPv6Prefix } from "../../src/lib/net";
import { siteModel as model } from "../helpers/site";
import { ANNEX, HOME } from "../helpers/sites";

describe("model contracts", () => {
  it("home routes the SDN subnet via pve1's LAN address", () => {
    assert.deepEqual(model(HOME).routes, [
      {
        dst: "10.128.0.0/24",
        gateway: "172.24.0.11",
        description: "Proxmox SDN shared1/swprod via pve1",
      },
    ]);
  });

  it("Docker hosts: guests with their planned address and SSH user, site hosts as declared", () => {
    const home = model(HOME);
    const caddy = home.dockerHosts.find((h) => h.name === "caddy");
    assert.deepEqual(caddy, {
      name: "caddy",
      address: "10.128.0.10",
      user: "debian",
      port: 22,
      dataRoot: "/srv/homelab",
      kind: "guest",
      formerNames: [],
    });
    const immich = home.dockerHosts.find((h) => h.name === "immich")!;
    assert.equal(immich.user, "debian");
    assert.equal(immich.address, home.addresses.nics.find((n) => n.guest === "immich")?.address);
    const annex = model(ANNEX);
    assert.deepEqual(
      annex.dockerHosts.map((h) => `${h.user}@${h.address}`),
      ["deploy@10.0.10.10", "deploy@10.0.10.11"],
    );
  });

  it("WAN publishing: home's Caddy to anyone, annex's Traefik to Cloudflare only", () => {
    assert.deepEqual(model(HOME).publish, {
      host: "caddy",
      hostFormerNames: [],
      address: "10.128.0.10",
      ports: [80, 443],
      sources: "any",
      sourceName: "any",
    });
    const annex = model(ANNEX).publish!;
    assert.equal(annex.address, "10.0.10.11");
    assert.equal(annex.sourceName, "cloudflare");
    assert.deepEqual(annex.sources, CLOUDFLARE_RANGES.ipv4);
  });

  it("Cloudflare's ranges are well-formed prefixes", () => {
    assert.equal(CLOUDFLARE_RANGES.ipv4.length, 15);
    assert.equal(CLOUDFLARE_RANGES.ipv6.length, 7);
    for (const p of CLOUDFLARE_RANGES.ipv4) assert.equal(parsePrefix(p)?.hostBits, false, p);
    for (const p of CLOUDFLARE_RANGES.ipv6) assert.ok(isIPv6Prefix(p), p);
    // Stale entries of older copies must not come back.
    assert.ok(!(CLOUDFLARE_RANGES.ipv4 as readonly string[]).includes("104.16.0.0/12"));
    assert.ok(!(CLOUDFLARE_RANGES.ipv4 as readonly string[]).includes("199.27.128.0/21"));
  });
});

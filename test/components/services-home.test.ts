/**
 * Seed 000 ("home") under mocks: Caddy on guest caddy, CrowdSec on guest crowdsec with an
 * agent next to Caddy, one guest per service, Cloudflare DNS-only records.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { Plan } from "../../src/cli/mock-runtime";
import { offlinePlaceholder } from "../../src/cli/offline";
import { byName, envOf, ofType, plan, strings, upload } from "../helpers/plan";
import { HOME } from "../helpers/sites";

const CONTAINER = "docker:index/container:Container";
let home: Plan;

before(async () => {
  home = await plan(HOME);
});

/** The Caddyfile site block of a hostname. */
function site(caddyfile: string, hostname: string): string {
  const start = caddyfile.indexOf(`\n${hostname} {\n`);
  assert.ok(start >= 0, `no site block for ${hostname}`);
  return caddyfile.slice(start + 1, caddyfile.indexOf("\n}\n", start) + 2);
}

describe("home services (seed 000)", () => {
  it("deploys every service of the seed with its containers on its own guest", () => {
    const containers = ofType(home, CONTAINER).map((c) => c.inputs.name);
    for (const name of [
      "proxy-caddy",
      "proxy-crowdsec",
      "proxy-crowdsec-agent",
      "home-assistant-server",
      "pihole-server",
      "immich-server",
      "immich-machine-learning",
      "vaultwarden-server",
      "affine-server",
      "paperless-webserver",
      "uptime-kuma-server",
      "gokapi-server",
    ]) {
      assert.ok(containers.includes(name), `${name} is not deployed`);
    }
    // Each container uses the provider of its guest.
    const vault = byName(home, "home-services-vaultwarden-server");
    assert.equal(vault.parent, "homelab:docker:Service::home-services-vaultwarden");
    const providers = ofType(home, "pulumi:providers:docker").map((p) => p.inputs.host);
    assert.ok(providers.includes("ssh://debian@10.128.0.10:22"), "caddy guest provider");
  });

  it("Vaultwarden and Paperless answer only the allow-listed networks (lan, swprod, vpn, work)", () => {
    const caddyfile = upload(byName(home, "home-services-proxy-caddy"), "/etc/caddy/Caddyfile");
    const allowed =
      "@denied not client_ip 172.24.0.0/24 10.128.0.0/24 172.26.0.0/24 198.51.100.23/32";
    for (const hostname of [
      "vault.example.net",
      "vault.home.arpa",
      "docs.example.net",
      "docs.home.arpa",
    ]) {
      const block = site(caddyfile, hostname);
      assert.ok(block.includes(allowed), `${hostname} is not restricted:\n${block}`);
      assert.ok(block.indexOf("@denied") < block.indexOf("reverse_proxy"), "filter before proxy");
      assert.match(block, /respond @denied "Forbidden" 403/);
    }
    // An open public service has no allow-list; CrowdSec is in every route.
    const photos = site(caddyfile, "photos.example.net");
    assert.doesNotMatch(photos, /client_ip/);
    assert.match(photos, /\t\tcrowdsec\n/);
    assert.match(
      caddyfile,
      /crowdsec \{\n\t\tapi_url http:\/\/10\.128\.0\.11:8080\n\t\tapi_key \{\$CROWDSEC_API_KEY\}/,
    );
  });

  it("CrowdSec: the agent next to Caddy reads its logs and reports to the engine's Local API", () => {
    const agent = byName(home, "home-services-proxy-crowdsec-agent");
    assert.equal((agent.inputs.networksAdvanced as { name: string }[])[0]!.name, "proxy");
    assert.equal(agent.inputs.networkMode, undefined);
    const env = envOf(agent);
    assert.equal(env.DISABLE_LOCAL_API, "true");
    assert.equal(env.LOCAL_API_URL, "http://10.128.0.11:8080");
    assert.match(upload(agent, "/etc/crowdsec/acquis.d/homelab.yaml"), /type: caddy/);
    const engine = byName(home, "home-services-proxy-crowdsec");
    assert.deepEqual(engine.inputs.ports, [{ external: 8080, internal: 8080, protocol: "tcp" }]);
    // The bouncer key and the agent's password are secrets on both sides.
    assert.ok((engine.inputs.envs as string[]).filter((e) => e === "[secret]").length >= 2);
    assert.ok(
      (byName(home, "home-services-proxy-caddy").inputs.envs as string[]).includes("[secret]"),
    );
  });

  it("each public service has exactly one DNS-only record; internal-only ones have none", () => {
    const records = ofType(home, "cloudflare:index/dnsRecord:DnsRecord");
    const names = records.map((r) => r.inputs.name);
    for (const name of ["home", "photos", "vault", "notes", "docs", "status", "send"]) {
      assert.equal(names.filter((n) => n === `${name}.example.net`).length, 1, name);
    }
    assert.ok(!names.some((n) => (n as string).startsWith("pihole.")), "pihole is internal only");
    for (const record of records) {
      assert.equal(record.inputs.proxied, false, "proxiedDefault: false");
      assert.equal(record.inputs.content, "203.0.113.10");
      assert.match(record.inputs.comment as string, /^managed by homelab/);
      assert.equal(record.options.retainOnDelete, true);
      assert.equal(record.options.deleteBeforeReplace, false);
    }
  });

  it("Pi-hole serves the internal names (local DNS records → the proxy guest)", () => {
    const hosts = envOf(byName(home, "home-services-pihole-server")).FTLCONF_dns_hosts;
    assert.ok(hosts, "FTLCONF_dns_hosts is set");
    const entries = hosts.split(";");
    assert.ok(entries.includes("10.128.0.10 vault.home.arpa"));
    assert.ok(entries.includes("10.128.0.10 pihole.home.arpa"));
    assert.equal(entries.length, 8);
  });

  it("every data volume is retainOnDelete and no container change replaces it", () => {
    const volumes = ofType(home, "docker:index/volume:Volume");
    assert.ok(volumes.length >= 20);
    for (const volume of volumes) {
      assert.equal(volume.options.retainOnDelete, true, volume.name);
      assert.equal(volume.options.deleteBeforeReplace, false, volume.name);
      // A volume's inputs never refer to a container or an image.
      assert.ok(
        !strings(volume.inputs).some((s) => s.includes("Container") || s.includes("Image")),
      );
    }
    for (const container of ofType(home, CONTAINER)) {
      assert.equal(container.options.deleteBeforeReplace, true, "fixed container names");
      assert.deepEqual(container.inputs.logOpts, { "max-file": "3", "max-size": "10m" });
      assert.equal(container.inputs.logDriver, "json-file");
    }
  });

  it("the Caddy image builds from a project-relative context (same plan on every checkout)", () => {
    const built = ofType(home, "docker:index/remoteImage:RemoteImage").filter(
      (i) => i.inputs.build,
    );
    assert.equal(built.length, 1, "only Caddy (with the CrowdSec module) is built");
    const build = built[0]!.inputs.build as { context: string };
    assert.equal(build.context, "src/catalog/caddy");
  });

  it("secrets never appear in clear in any input", () => {
    const all = JSON.stringify(home.resources.map((r) => r.inputs));
    assert.doesNotMatch(all, /offline-generated-/);
    assert.ok(!all.includes(offlinePlaceholder("cloudflareApiToken")));
    const password = byName(home, "home-services-generated-pihole-web-password");
    assert.equal(password.type, "random:index/randomPassword:RandomPassword");
    assert.equal(home.outputs.generatedSecrets, "[secret]");
  });
});

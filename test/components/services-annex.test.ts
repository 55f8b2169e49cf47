/**
 * Seed 001 ("annex") under mocks: Traefik v3 on optiplex (labels for its own host, file
 * provider for servo), CrowdSec, Authelia forwardAuth on LLDAP, Immich split across hosts,
 * Cloudflare proxied records with Full (Strict).
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { Plan, PlannedResource } from "../../src/cli/mock-runtime";
import { CLOUDFLARE_RANGES } from "../../src/data/cloudflare";
import { byName, envOf, ofType, plan, upload } from "../helpers/plan";
import { ANNEX } from "../helpers/sites";

let annex: Plan;
let dynamic: {
  http: {
    middlewares: Record<string, Record<string, unknown>>;
    routers: Record<string, { rule: string; middlewares: string[]; tls: unknown }>;
    services: Record<string, { loadBalancer: { servers: { url: string }[] } }>;
  };
};

before(async () => {
  annex = await plan(ANNEX);
  dynamic = JSON.parse(
    upload(byName(annex, "annex-services-proxy-traefik"), "/etc/traefik/dynamic/homelab.yml"),
  ) as typeof dynamic;
});

function labels(container: PlannedResource): Record<string, string> {
  return Object.fromEntries(
    (container.inputs.labels as { label: string; value: string }[]).map((l) => [l.label, l.value]),
  );
}

describe("annex services (seed 001)", () => {
  it("puts Authelia forwardAuth in front of every sso service, on both proxies' paths", () => {
    assert.deepEqual(dynamic.http.middlewares.sso, {
      forwardAuth: {
        address: "http://sso-authelia:9091/api/authz/forward-auth",
        trustForwardHeader: true,
        authResponseHeaders: ["Remote-User", "Remote-Groups", "Remote-Email", "Remote-Name"],
      },
    });
    // servo's services go through the file provider...
    for (const id of [
      "paperless-paperless-public",
      "n8n-n8n-public",
      "firefly-money-public",
      "mealie-recipes-public",
      "uptime-kuma-status-public",
    ]) {
      assert.ok(dynamic.http.routers[id]?.middlewares.includes("sso@file"), id);
    }
    assert.ok(!dynamic.http.routers["gitea-git-public"]!.middlewares.includes("sso@file"));
    assert.deepEqual(dynamic.http.services["paperless-paperless-public"]!.loadBalancer.servers, [
      { url: "http://10.0.10.10:8000" },
    ]);
    // ...optiplex's own containers through labels.
    const grafana = labels(byName(annex, "annex-services-grafana-server"));
    assert.equal(
      grafana["traefik.http.routers.grafana-grafana-public.rule"],
      "Host(`grafana.example.org`)",
    );
    assert.match(grafana["traefik.http.routers.grafana-grafana-public.middlewares"]!, /sso@file/);
    const immich = labels(byName(annex, "annex-services-immich-server"));
    assert.doesNotMatch(
      immich["traefik.http.routers.immich-photos-public.middlewares"]!,
      /sso@file/,
    );
    // Authelia protects exactly the sso hostnames with two factors.
    const config = upload(
      byName(annex, "annex-services-sso-authelia"),
      "/etc/authelia/configuration.yml",
    );
    assert.equal(config, "[secret]", "the configuration holds the OIDC client's secret digest");
  });

  it("runs Immich's machine learning on servo and the server on optiplex", () => {
    const ml = byName(annex, "annex-services-immich-machine-learning");
    const server = byName(annex, "annex-services-immich-server");
    assert.deepEqual(ml.inputs.ports, [{ external: 3003, internal: 3003, protocol: "tcp" }]);
    assert.equal(envOf(server).IMMICH_MACHINE_LEARNING_URL, "http://10.0.10.10:3003");
    assert.deepEqual(ml.inputs.networksAdvanced, [
      { aliases: ["machine-learning"], name: "immich" },
    ]);
    assert.equal(ml.inputs.networkMode, undefined);
    // One network per host for the split stack.
    const networks = ofType(annex, "docker:index/network:Network").filter(
      (n) => n.parent === "homelab:docker:Service::annex-services-immich",
    );
    assert.deepEqual(networks.map((n) => n.name).sort(), [
      "annex-services-immich-network-optiplex",
      "annex-services-immich-network-servo",
    ]);
  });

  it("middleware chain: real IP from Cloudflare, CrowdSec, EU geo block, rate limit, headers", () => {
    const traefik = byName(annex, "annex-services-proxy-traefik");
    const command = traefik.inputs.command as string[];
    assert.ok(
      command.includes(
        `--entrypoints.websecure.forwardedHeaders.trustedIPs=${CLOUDFLARE_RANGES.ipv4.join(",")}`,
      ),
    );
    assert.ok(
      command.includes("--certificatesresolvers.letsencrypt.acme.dnschallenge.provider=cloudflare"),
    );
    assert.deepEqual(dynamic.http.routers["ntfy-ntfy-public"]!.middlewares, [
      "crowdsec@file",
      "geoblock@file",
      "ratelimit-proxied@file",
      "security-headers@file",
    ]);
    const geo = dynamic.http.middlewares.geoblock as {
      plugin: { geoblock: { countries: string[] } };
    };
    assert.ok(
      geo.plugin.geoblock.countries.includes("FR") && !geo.plugin.geoblock.countries.includes("US"),
    );
    const limit = dynamic.http.middlewares["ratelimit-proxied"] as {
      rateLimit: { average: number; sourceCriterion: { ipStrategy: { excludedIPs: string[] } } };
    };
    assert.equal(limit.rateLimit.average, 100);
    assert.deepEqual(limit.rateLimit.sourceCriterion.ipStrategy.excludedIPs, [
      ...CLOUDFLARE_RANGES.ipv4,
    ]);
    // Kopia is allow-listed: internal name only, real client address.
    assert.deepEqual(dynamic.http.middlewares["allow-kopia-backup-internal"], {
      ipAllowList: { sourceRange: ["10.0.10.0/24", "10.0.20.0/24", "10.0.3.0/24"] },
    });
    // The bouncer key reaches Traefik as a secret file and CrowdSec as a secret env.
    assert.equal(upload(traefik, "/etc/traefik/secrets/crowdsec-lapi-key"), "[secret]");
  });

  it("proxied records for public services only, and the zone in Full (Strict)", () => {
    const records = ofType(annex, "cloudflare:index/dnsRecord:DnsRecord");
    const names = records.map((r) => r.inputs.name as string);
    assert.equal(new Set(names).size, names.length, "one record per name");
    for (const name of ["git", "paperless", "photos", "grafana", "ntfy", "auth"]) {
      assert.ok(names.includes(`${name}.example.org`), name);
    }
    for (const internal of ["health", "backup", "prometheus", "tools", "netdata"]) {
      assert.ok(!names.includes(`${internal}.example.org`), internal);
    }
    for (const record of records) {
      assert.equal(record.inputs.proxied, true);
      assert.equal(record.options.deleteBeforeReplace, false);
    }
    const settings: Record<string, unknown> = {};
    for (const s of ofType(annex, "cloudflare:index/zoneSetting:ZoneSetting")) {
      settings[s.inputs.settingId as string] = s.inputs.value;
    }
    assert.deepEqual(settings, { ssl: "strict", always_use_https: "on", min_tls_version: "1.2" });
    const provider = ofType(annex, "pulumi:providers:cloudflare")[0]!;
    assert.equal(provider.inputs.apiToken, "[secret]");
  });

  it("Gitea logs in with OIDC: the setup job registers Authelia with a secret client secret", () => {
    const job = byName(annex, "annex-services-gitea-oidc-setup");
    assert.equal(job.inputs.mustRun, false);
    assert.equal(job.inputs.restart, "no");
    assert.match(
      (job.inputs.command as string[])[0]!,
      /--auto-discover-url 'https:\/\/auth\.example\.org\/\.well-known\/openid-configuration'/,
    );
    assert.ok((job.inputs.envs as string[]).includes("[secret]"));
  });

  it("custom services: the NFS-backed Kopia repository, Falco privileged, images pinned", () => {
    const repository = byName(annex, "annex-services-kopia-volume-repository");
    assert.deepEqual(repository.inputs.driverOpts, {
      device: ":/mnt/tank/backup/kopia",
      o: "addr=10.0.20.5,nfsvers=4,rw",
      type: "nfs",
    });
    assert.equal(byName(annex, "annex-services-falco-main").inputs.privileged, true);
    for (const image of ofType(annex, "docker:index/remoteImage:RemoteImage")) {
      assert.doesNotMatch(image.inputs.name as string, /:latest$|^[^:]+$/);
    }
    assert.ok(ofType(annex, "docker:index/container:Container").length >= 60);
  });
});

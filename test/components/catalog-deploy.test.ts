/**
 * Every catalog application deployed under mocks (one site with all of them, Traefik,
 * CrowdSec and Authelia + LLDAP): each runs its upstream image with its data at the
 * upstream's container paths, on volumes that survive the stack. The expected values are
 * taken from each project's Docker documentation, independently of the catalog's code.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { CATALOG } from "../../src/catalog";
import type { Plan, PlannedResource } from "../../src/cli/mock-runtime";
import { ofType, plan } from "../helpers/plan";

/** app → stack → part → [upstream image repository, data paths]. */
const UPSTREAM: Record<string, { stack: string; parts: Record<string, [string, string[]]> }> = {
  "home-assistant": {
    stack: "ha",
    parts: { server: ["ghcr.io/home-assistant/home-assistant", ["/config"]] },
  },
  pihole: { stack: "pihole", parts: { server: ["pihole/pihole", ["/etc/pihole"]] } },
  immich: {
    stack: "immich",
    parts: {
      server: ["ghcr.io/immich-app/immich-server", ["/data"]],
      "machine-learning": ["ghcr.io/immich-app/immich-machine-learning", ["/cache"]],
      database: ["ghcr.io/immich-app/postgres", ["/var/lib/postgresql/data"]],
    },
  },
  vaultwarden: { stack: "vault", parts: { server: ["vaultwarden/server", ["/data"]] } },
  affine: {
    stack: "affine",
    parts: {
      server: ["ghcr.io/toeverything/affine", ["/root/.affine/storage", "/root/.affine/config"]],
      postgres: ["pgvector/pgvector", ["/var/lib/postgresql/data"]],
    },
  },
  "paperless-ngx": {
    stack: "paperless",
    parts: {
      webserver: [
        "ghcr.io/paperless-ngx/paperless-ngx",
        ["/usr/src/paperless/data", "/usr/src/paperless/media", "/usr/src/paperless/consume"],
      ],
      db: ["postgres", ["/var/lib/postgresql"]],
      broker: ["valkey/valkey", ["/data"]],
    },
  },
  "uptime-kuma": { stack: "kuma", parts: { server: ["louislam/uptime-kuma", ["/app/data"]] } },
  gokapi: { stack: "gokapi", parts: { server: ["f0rc3/gokapi", ["/app/data", "/app/config"]] } },
  gitea: {
    stack: "gitea",
    parts: { server: ["gitea/gitea", ["/data"]], db: ["postgres", ["/var/lib/postgresql/data"]] },
  },
  n8n: { stack: "n8n", parts: { server: ["docker.n8n.io/n8nio/n8n", ["/home/node/.n8n"]] } },
  mealie: { stack: "mealie", parts: { server: ["ghcr.io/mealie-recipes/mealie", ["/app/data"]] } },
  "firefly-iii": {
    stack: "firefly",
    parts: {
      app: ["fireflyiii/core", ["/var/www/html/storage/upload"]],
      db: ["mariadb", ["/var/lib/mysql"]],
    },
  },
  gatus: { stack: "gatus", parts: { server: ["twinproduction/gatus", ["/data"]] } },
  ntfy: { stack: "ntfy", parts: { server: ["binwiederhier/ntfy", ["/var/cache/ntfy"]] } },
  grafana: { stack: "grafana", parts: { server: ["grafana/grafana", ["/var/lib/grafana"]] } },
  prometheus: { stack: "prometheus", parts: { server: ["prom/prometheus", ["/prometheus"]] } },
  loki: { stack: "loki", parts: { server: ["grafana/loki", ["/loki"]] } },
  kopia: { stack: "kopia", parts: { server: ["kopia/kopia", ["/app/config", "/app/cache"]] } },
  diun: { stack: "diun", parts: { server: ["crazymax/diun", ["/data"]] } },
  traefik: { stack: "proxy", parts: { traefik: ["traefik", ["/letsencrypt"]] } },
  crowdsec: {
    stack: "proxy",
    parts: { crowdsec: ["crowdsecurity/crowdsec", ["/etc/crowdsec", "/var/lib/crowdsec/data"]] },
  },
  authelia: { stack: "sso", parts: { authelia: ["authelia/authelia", ["/config"]] } },
  lldap: { stack: "sso", parts: { lldap: ["ghcr.io/lldap/lldap", ["/data"]] } },
};

const STACK = `config:
  homelab:site: { name: catalog, domains: { public: example.org } }
  homelab:hosts:
    - { name: gw, address: 10.0.0.5, docker: {} }
    - { name: apps, address: 10.0.0.6, docker: {} }
  homelab:proxy:
    kind: traefik
    host: gw
    crowdsec: { host: gw }
  homelab:sso:
    provider: authelia
    host: gw
    ldap: { provider: lldap, host: gw, baseDn: "dc=example,dc=org" }
    oidcClients: [gitea]
  homelab:services:
${Object.entries(UPSTREAM)
  .filter(([app]) => !CATALOG[app]!.internal)
  .map(
    ([app, { stack }], i) =>
      `    - { name: ${stack}, app: ${app}, host: ${i % 2 ? "gw" : "apps"}${
        CATALOG[app]!.webPort ? `, expose: { hostname: ${stack}, hostPort: ${20000 + i} }` : ""
      } }`,
  )
  .join("\n")}
`;

const normalize = (image: string) =>
  image
    .split("@")[0]!
    .replace(/:[^:/]+$/, "")
    .replace(/^docker\.io\//, "")
    .replace(/^library\//, "");

let result: Plan;
before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "catalog-"));
  const file = join(dir, "Pulumi.catalog.yaml");
  writeFileSync(file, STACK);
  result = await plan({ stack: "catalog", file });
});

function container(name: string): PlannedResource {
  const found = ofType(result, "docker:index/container:Container").find(
    (c) => c.inputs.name === name,
  );
  assert.ok(found, `container ${name} is not deployed`);
  return found;
}

describe("every catalog application deploys", () => {
  it("the table covers the whole catalog", () => {
    assert.deepEqual(
      Object.keys(UPSTREAM).sort(),
      Object.keys(CATALOG)
        .filter((a) => a !== "caddy")
        .sort(),
    );
  });

  for (const [app, { stack, parts }] of Object.entries(UPSTREAM)) {
    it(`${app}: upstream image and data paths, on retained volumes`, () => {
      for (const [part, [repository, paths]] of Object.entries(parts)) {
        const c = container(`${stack}-${part}`);
        const image = ofType(result, "docker:index/remoteImage:RemoteImage").find(
          (i) => i.parent === c.parent && i.name.endsWith(`-image-${part}`),
        );
        assert.ok(image, `no image for ${stack}-${part}`);
        assert.equal(normalize(image.inputs.name as string), repository);
        assert.equal(c.inputs.image, image.inputs.name, "the container runs the pulled image");
        const mounts = (
          c.inputs.volumes as { containerPath: string; volumeName?: string }[]
        ).filter((v) => v.volumeName);
        for (const path of paths) {
          const mount = mounts.find((m) => m.containerPath === path);
          assert.ok(mount, `${stack}-${part} has no volume at ${path}`);
          const volume = ofType(result, "docker:index/volume:Volume").find(
            (v) => v.inputs.name === mount.volumeName,
          );
          assert.equal(volume?.options.retainOnDelete, true, `${path} is retained`);
        }
        assert.equal(c.inputs.restart === "unless-stopped" || c.inputs.restart === "always", true);
        assert.ok((c.inputs.securityOpts as string[]).length > 0 || c.inputs.privileged === true);
      }
    });
  }

  it("Caddy (the other proxy) is built from the project's Dockerfile with the CrowdSec module", () => {
    const caddy = CATALOG.caddy!.parts({
      service: "proxy",
      timezone: "Etc/UTC",
      hostnames: [],
      generated: (k) => ({ generated: k }),
      reach: (_f, p, port) => `${p}:${port}`,
    }).proxy!;
    assert.equal(caddy.build?.context, "src/catalog/caddy");
    assert.deepEqual(
      caddy.volumes?.map((v) => v.path),
      ["/data", "/config", "/var/log/caddy"],
    );
  });
});

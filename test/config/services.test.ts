/**
 * The services sections: `expose` in its normal form, and every rule of services.rules.ts
 * through the loader (exact problem sets), the way a stack file reaches them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError, formatPath } from "../../src/config/errors";
import { loadSite, type ConfigSource } from "../../src/config/load";
import { Problems } from "../../src/config/problems";
import { serviceSchema } from "../../src/config/services";
import { checkServiceHosts } from "../../src/config/services.rules";
import type { SiteConfig } from "../../src/config/stack";

const base = { name: "gitea", app: "gitea", host: "servo" };

describe("expose is normalised by the schema", () => {
  it("absent: an empty list", () => {
    assert.deepEqual(serviceSchema.parse(base).expose, []);
  });

  it("one mapping: a list of one, at expose", () => {
    const parsed = serviceSchema.parse({ ...base, expose: { hostname: "git" } });
    assert.deepEqual(parsed.expose, [
      { hostname: "git", public: false, access: "open", at: ["expose"] },
    ]);
  });

  it("a list: each entry at its index", () => {
    const parsed = serviceSchema.parse({
      ...base,
      expose: [
        { hostname: "git", public: true },
        { hostname: "git-lan", access: ["lan"] },
      ],
    });
    assert.deepEqual(
      parsed.expose.map((e) => [e.hostname, e.public, e.access, e.at]),
      [
        ["git", true, "open", ["expose", 0]],
        ["git-lan", false, ["lan"], ["expose", 1]],
      ],
    );
  });

  it("problems inside an exposure keep the path of the form the user wrote", () => {
    const one = serviceSchema.safeParse({ ...base, expose: { hostname: "Git" } });
    assert.deepEqual(
      one.error?.issues.map((i) => i.path),
      [["expose", "hostname"]],
    );
    const list = serviceSchema.safeParse({
      ...base,
      expose: [{ hostname: "git" }, { hostname: "Bad" }],
    });
    assert.deepEqual(
      list.error?.issues.map((i) => i.path),
      [["expose", 1, "hostname"]],
    );
  });
});

const ROOT = join(__dirname, "..", "..");

/** A site with a Docker host, a NAS, Traefik and Authelia, and the given sections. */
function problemsOf(sections: Record<string, unknown>): string[] {
  const values: Record<string, unknown> = {
    site: { name: "t", domains: { public: "example.org", internal: "home.arpa" } },
    hosts: [
      { name: "gw", address: "10.0.0.5", docker: {} },
      { name: "nas", address: "10.0.0.8", nfs: { exports: [{ name: "media", path: "/media" }] } },
    ],
    proxy: { kind: "traefik", host: "gw" },
    sso: { provider: "authelia", host: "gw" },
    ...sections,
  };
  for (const [key, value] of Object.entries(values)) if (value === undefined) delete values[key];
  const source: ConfigSource = {
    stack: "t",
    file: "Pulumi.t.yaml",
    values,
    keys: Object.keys(values),
    secrets: { isSet: () => true, isPlaintext: () => false },
    problems: [],
  };
  try {
    loadSite(source, { root: ROOT, requireSecrets: false });
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems.map((p) => `${formatPath(p.path)} :: ${p.message}`).sort();
  }
}

const custom = { app: "custom", host: "gw", image: "nginx:1.27.1" };

describe("services rules", () => {
  it("the base site loads", () => {
    assert.deepEqual(problemsOf({ services: [{ name: "web", ...custom, webPort: 80 }] }), []);
  });

  it("host and service names are unique", () => {
    assert.deepEqual(
      problemsOf({
        hosts: [
          { name: "gw", address: "10.0.0.5", docker: {} },
          { name: "gw", address: "10.0.0.6" },
        ],
        services: [
          { name: "web", ...custom },
          { name: "web", ...custom },
        ],
      }),
      [
        'homelab:hosts[1].name :: host name "gw" is already used at index 0: host names must be unique',
        'homelab:services[1].name :: service name "web" is already used at index 0: service names must be unique',
      ],
    );
  });

  it("a list with a broken entry is not checked for duplicates (its problem comes alone)", () => {
    assert.deepEqual(
      problemsOf({
        services: [
          { name: "web", ...custom },
          { name: "web", ...custom, app: "Custom" },
        ],
      }),
      [
        "homelab:services[1].app :: must be a catalog application name (lowercase letters, digits and hyphens) or custom, e.g. immich",
      ],
    );
  });

  it("internal apps are set up by their own sections", () => {
    assert.deepEqual(
      problemsOf({
        services: [
          { name: "a", app: "traefik", host: "gw" },
          { name: "b", app: "lldap", host: "gw" },
        ],
      }),
      [
        "homelab:services[0].app :: Traefik is set up by homelab:proxy, not declared as a service",
        "homelab:services[1].app :: LLDAP is set up by homelab:sso, not declared as a service",
      ],
    );
  });

  it("a catalog version is pinned; exposures have a web port and proxied only on public names", () => {
    assert.deepEqual(
      problemsOf({
        services: [
          { name: "git", app: "gitea", host: "gw", version: "latest" },
          { name: "web", ...custom, expose: { hostname: "web" } },
          { name: "diun", app: "diun", host: "gw", expose: [{ hostname: "diun" }] },
          { name: "ok", ...custom, webPort: 80, expose: { hostname: "ok", proxied: true } },
        ],
      }),
      [
        'homelab:services[0].version :: version "latest" is the floating tag "latest": pin a version',
        "homelab:services[1].expose :: a custom service needs webPort (or expose.port) to be exposed",
        "homelab:services[2].expose[0] :: Diun has no web interface to expose: remove expose or give expose.port",
        "homelab:services[3].expose.proxied :: proxied applies to public names: set public: true or remove it",
      ],
    );
  });

  it("connect names a declared service", () => {
    assert.deepEqual(problemsOf({ services: [{ name: "web", ...custom, connect: ["db"] }] }), [
      'homelab:services[0].connect[0] :: unknown service "db": no service is declared',
    ]);
  });

  it("geo-blocking needs Traefik", () => {
    assert.deepEqual(
      problemsOf({
        proxy: { kind: "caddy", host: "gw", middlewares: { geoBlock: { allowCountries: ["FR"] } } },
      }),
      [
        "homelab:proxy.middlewares.geoBlock :: geo-blocking on Caddy: the official Caddy image and this project's build have no such module; use kind: traefik or remove it",
      ],
    );
  });

  it("a public exposure needs the site's public domain", () => {
    assert.deepEqual(
      problemsOf({
        site: { name: "t", domains: { internal: "home.arpa" } },
        services: [
          { name: "web", ...custom, webPort: 80, expose: { hostname: "w", public: true } },
        ],
      }),
      [
        "homelab:services[0].expose.public :: a public service needs the site's public domain: set homelab:site.domains.public",
      ],
    );
  });

  it("NFS volumes name a declared host and one of its exports", () => {
    const volume = (nfs: Record<string, string>) => ({ name: "data", path: "/data", nfs });
    assert.deepEqual(
      problemsOf({
        services: [
          { name: "a", ...custom, volumes: [volume({ host: "nsa", export: "media" })] },
          { name: "b", ...custom, volumes: [volume({ host: "nas", export: "medai" })] },
        ],
      }),
      [
        'homelab:services[0].volumes[0].nfs.host :: unknown host "nsa": did you mean "nas"?',
        'homelab:services[1].volumes[0].nfs.export :: unknown NFS export "medai" in host "nas": did you mean "media"?',
      ],
    );
  });

  it("OIDC clients are declared services", () => {
    assert.deepEqual(
      problemsOf({ sso: { provider: "authelia", host: "gw", oidcClients: ["gitea"] } }),
      ['homelab:sso.oidcClients[0] :: unknown service "gitea": no service is declared'],
    );
  });

  it("the public domain is inside the Cloudflare zone", () => {
    assert.deepEqual(
      problemsOf({ cloudflare: { zone: "example.com", origin: { ipv4: "203.0.113.10" } } }),
      [
        "homelab:cloudflare.zone :: the site's public domain example.org is not in zone example.com: use the zone that holds it",
      ],
    );
  });

  it("a host is not also a Proxmox guest", () => {
    const config = {
      site: { name: "t", domains: { internal: "home.arpa" } },
      networks: {},
      hosts: [{ name: "dock", address: "10.0.0.5", docker: { user: "root", port: 22 } }],
      services: [],
      proxmox: { guests: [{ name: "dock", docker: { port: 22 } }] },
    } as unknown as SiteConfig;
    const out = new Problems("Pulumi.t.yaml");
    checkServiceHosts(config, out);
    assert.deepEqual(out.list, [
      {
        file: "Pulumi.t.yaml",
        path: ["homelab:hosts", 0, "name"],
        message: 'host name "dock" is also a Proxmox guest: a guest with docker is already a host',
      },
    ]);
  });
});

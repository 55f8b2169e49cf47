/** The pure services model of both example stacks, and its helpers. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { loadSite, stackFileSource } from "../../src/config/load";
import { CATALOG } from "../../src/catalog";
import { imageRepository, imageTag, retag, unpinnedReason } from "../../src/catalog/types";
import { serviceSchema } from "../../src/config/services";
import { buildModel } from "../../src/model";
import {
  PortLedger,
  portClashes,
  resolveAccess,
  servicesModel,
  type PortUse,
} from "../../src/model/services";
import { ANNEX, HOME, ROOT, pathOf, type StackFile } from "../helpers/sites";

const site = (fixture: StackFile) =>
  buildModel(
    loadSite(stackFileSource(pathOf(fixture), fixture.stack, fixture.file), {
      root: ROOT,
      requireSecrets: false,
    }),
  ).model;
const model = (fixture: StackFile) => site(fixture).services!;

describe("services model", () => {
  const home = model(HOME);
  const annex = model(ANNEX);

  it("places each part on its host: Immich ML on servo, the rest on optiplex", () => {
    const immich = annex.stacks.find((s) => s.name === "immich")!;
    const hostOf = (part: string) => immich.containers.find((c) => c.part === part)?.host;
    assert.equal(hostOf("machine-learning"), "servo");
    assert.equal(hostOf("server"), "optiplex");
    assert.equal(hostOf("database"), "optiplex");
    assert.deepEqual([...immich.hosts].sort(), ["optiplex", "servo"]);
  });

  it("internal names point at the proxy host; the UniFi/Pi-hole contract is { name, address }", () => {
    assert.ok(annex.internalRecords.every((r) => r.address === "10.0.10.11"));
    assert.ok(home.internalRecords.every((r) => r.address === "10.128.0.10"));
    assert.ok(annex.internalRecords.some((r) => r.name === "auth.home.arpa"));
    assert.deepEqual(Object.keys(home.internalRecords[0]!).sort(), ["address", "name"]);
  });

  it("routes to the proxy's own host use container names, others the host's published port", () => {
    const grafana = annex.routes.find((r) => r.id === "grafana-grafana-public")!;
    assert.deepEqual(grafana.upstream, {
      kind: "container",
      container: "grafana-server",
      port: 3000,
    });
    const gatus = annex.routes.find((r) => r.id === "gatus-health-internal")!;
    assert.deepEqual(gatus.upstream, { kind: "address", address: "10.0.10.10", port: 8081 });
    const published = annex.stacks
      .find((s) => s.name === "gatus")!
      .containers[0]!.ports.map((p) => `${p.external}:${p.internal}`);
    assert.deepEqual(published, ["8081:8080"]);
  });

  it("internal names answer the site's own networks only; public open names anyone", () => {
    const photos = annex.routes.filter((r) => r.service === "immich");
    assert.equal(photos.find((r) => r.scope === "public")!.allow, undefined);
    assert.ok(photos.find((r) => r.scope === "internal")!.allow!.includes("10.0.30.0/24"));
  });

  it("no port is published twice on a host in the example stacks", () => {
    assert.deepEqual(portClashes(annex.ports), []);
    assert.deepEqual(portClashes(home.ports), []);
  });

  it("records the ports of the second pass only (the first pass's are dropped)", () => {
    const ml = annex.ports.filter((p) => p.why === "machine-learning reached from optiplex");
    assert.deepEqual(ml, [
      {
        host: "servo",
        port: 3003,
        protocol: "tcp",
        service: "immich",
        source: ["homelab:services", ml[0]!.source[1]!, "placement", "machine-learning"],
        why: "machine-learning reached from optiplex",
      },
    ]);
    assert.deepEqual(annex.problems, []);
    assert.deepEqual(home.problems, []);
  });

  it("reports a port clash as a problem of the stack file it is given", () => {
    const home = site(HOME);
    const clash = serviceSchema.parse({
      name: "web",
      app: "custom",
      host: "caddy",
      image: "nginx:1.27.1",
      ports: [{ container: 80, host: 443 }],
    });
    const config = { ...home.config, services: [...home.config.services, clash] };
    const services = servicesModel({
      config,
      hosts: home.dockerHosts,
      networks: home.networks,
      file: HOME.file,
    });
    assert.deepEqual(services.problems, [
      {
        file: HOME.file,
        path: ["homelab:services", config.services.length - 1, "ports", 0, "host"],
        message:
          'port 443/tcp on host "caddy" is already published by service "proxy" (caddy entry point): publish it on another host port, or move one of them to another host',
      },
    ]);
  });

  it("generates every password once, sorted, with stable ids", () => {
    const ids = annex.generated.map((g) => g.id);
    assert.deepEqual(ids, [...ids].sort());
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.includes("immich-db-password"));
    assert.ok(ids.includes("defectdojo-db-password"), "{ generated } in custom env");
    assert.ok(ids.includes("gitea-oidc-secret"));
  });
});

describe("access lists", () => {
  it("resolve network names to prefixes, any to everyone", () => {
    const networks = [
      {
        name: "lan",
        kind: "lan" as const,
        prefixes: [{ network: 0xac180000, length: 24 }],
        source: [],
      },
    ];
    assert.deepEqual(resolveAccess(["lan"], networks), ["172.24.0.0/24"]);
    assert.equal(resolveAccess(["lan", "any"], networks), undefined);
    assert.equal(resolveAccess(["cloudflare"], networks)!.length, 15);
    assert.deepEqual(resolveAccess(["federation"], networks, ["10.0.0.0/8"]), ["10.0.0.0/8"]);
  });
});

describe("port clashes", () => {
  const use = (host: string, port: number, service: string): PortUse => ({
    host,
    port,
    protocol: "tcp",
    service,
    source: [],
    why: "declared port",
  });
  it("reports a port used twice on the same host, never across hosts", () => {
    assert.equal(portClashes([use("a", 80, "x"), use("a", 80, "y")]).length, 1);
    assert.equal(portClashes([use("a", 80, "x"), use("b", 80, "y")]).length, 0);
  });
  it("the ledger keeps uses in order and words the fix for web ports and the rest", () => {
    const ledger = new PortLedger();
    ledger.publish(use("a", 80, "x"));
    ledger.publish({ ...use("a", 80, "x"), why: "web port for the proxy on gw", source: ["p"] });
    ledger.publish({ ...use("a", 80, "y"), source: ["q"] });
    ledger.publish(use("a", 80, "x"));
    assert.deepEqual(
      ledger.uses.map((u) => `${u.service}:${u.why}`),
      ["x:declared port", "x:web port for the proxy on gw", "y:declared port", "x:declared port"],
    );
    assert.deepEqual(ledger.problems("f.yaml"), [
      {
        file: "f.yaml",
        path: ["p"],
        message:
          'port 80/tcp on host "a" is already published by this service (declared port): set expose.hostPort to a free port',
      },
      {
        file: "f.yaml",
        path: ["q"],
        message:
          'port 80/tcp on host "a" is already published by service "x" (declared port): publish it on another host port, or move one of them to another host',
      },
    ]);
  });
  it("property: clashes are exactly the duplicates of (host, port)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("a", "b"), fc.integer({ min: 1, max: 4 })), {
          maxLength: 12,
        }),
        (pairs) => {
          const uses = pairs.map(([h, p], i) => use(h, p, `s${i}`));
          const distinct = new Set(pairs.map(([h, p]) => `${h}/${p}`)).size;
          assert.equal(portClashes(uses).length, pairs.length - distinct);
        },
      ),
    );
  });
});

describe("catalog images", () => {
  it("every catalog image is pinned (no latest, no floating tag)", () => {
    for (const app of Object.values(CATALOG)) {
      const parts = app.parts({
        service: "s",
        timezone: "Etc/UTC",
        hostnames: [],
        generated: (key) => ({ generated: key }),
        reach: (_f, part, port) => `${part}:${port}`,
      });
      for (const [part, spec] of Object.entries(parts)) {
        assert.equal(unpinnedReason(spec.image), undefined, `${app.name}/${part}: ${spec.image}`);
      }
    }
  });
  it("retag keeps the repository (registries with ports, digests dropped)", () => {
    assert.equal(
      retag("ghcr.io/immich-app/immich-server:v2.0.1", "v2.1.0"),
      "ghcr.io/immich-app/immich-server:v2.1.0",
    );
    assert.equal(retag("registry:5000/app@sha256:abc", "1.0"), "registry:5000/app:1.0");
    assert.equal(imageRepository("registry:5000/app:1.2"), "registry:5000/app");
    assert.equal(imageTag("registry:5000/app"), undefined);
    assert.match(unpinnedReason("nginx")!, /no tag/);
    assert.match(unpinnedReason("nginx:stable")!, /floating tag "stable"/);
  });
});

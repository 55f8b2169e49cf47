/**
 * The services components and the root register their real outputs (not `{}`): what each exposes,
 * as the engine records it (resource references as "type::name", secrets masked).
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { unwire, type Json } from "../../src/cli/mock-runtime";
import { urnToRef } from "../../src/lib/urn";
import { planStack } from "../../src/cli/offline";
import { main } from "../../src/program";
import { ANNEX, ROOT, pathOf, type StackFile } from "../helpers/sites";

interface OutputsRequest {
  getUrn(): string;
  getOutputs(): { toJavaScript(): unknown } | undefined;
}

/** Outputs registered by each component of a stack's program, by "type::name". */
async function registeredOutputs(site: StackFile): Promise<Map<string, { [key: string]: Json }>> {
  const outputs = new Map<string, { [key: string]: Json }>();
  await planStack(ROOT, site.stack, pathOf(site), () => {
    const monitor = pulumi.runtime.getMonitor() as unknown as {
      registerResourceOutputs(req: OutputsRequest, callback: unknown): unknown;
    };
    const register = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, callback) => {
      const value = unwire(req.getOutputs()?.toJavaScript() ?? {});
      outputs.set(urnToRef(req.getUrn()), value as { [key: string]: Json });
      return register(req, callback);
    };
    return main();
  });
  return outputs;
}

let annex: Map<string, { [key: string]: Json }>;
before(async () => {
  annex = await registeredOutputs(ANNEX);
});

describe("registered outputs of the services components", () => {
  it("DockerService: its containers, volumes and networks", () => {
    const immich = annex.get("homelab:docker:Service::annex-services-immich")!;
    assert.deepEqual(Object.keys(immich).sort(), ["containers", "networks", "volumes"]);
    const containers = immich.containers as Record<string, string>;
    assert.equal(
      containers["immich-machine-learning"],
      "docker:index/container:Container::annex-services-immich-machine-learning",
    );
    assert.deepEqual(Object.keys(immich.networks as object).sort(), ["optiplex", "servo"]);
    assert.ok(Object.keys(immich.volumes as object).length > 0);
  });

  it("DockerServices: hosts, stacks, and the generated passwords as secrets", () => {
    const services = annex.get("homelab:docker:Services::annex-services")!;
    assert.deepEqual(Object.keys(services.hosts as object).sort(), ["optiplex", "servo"]);
    assert.equal(
      (services.services as Record<string, string>).proxy,
      "homelab:docker:Service::annex-services-proxy",
    );
    const generated = Object.values(services.generated as Record<string, Json>);
    assert.ok(generated.length > 0);
    assert.ok(
      generated.every((g) => g === "[secret]"),
      "generated passwords stay secret",
    );
  });

  it("DockerHost: its name and address; CloudflareDns: the zone and its records", () => {
    assert.deepEqual(annex.get("homelab:docker:Host::annex-services-host-servo"), {
      address: "10.0.10.10",
      name: "servo",
    });
    const dns = annex.get("homelab:cloudflare:Dns::annex-dns")!;
    assert.ok("zoneId" in dns);
    const records = dns.records as Record<string, string>;
    assert.ok(Object.keys(records).length > 0);
    for (const [name, ref] of Object.entries(records))
      assert.equal(ref, `cloudflare:index/dnsRecord:DnsRecord::annex-dns-${name}`);
  });
});

describe("registered outputs of the root component", () => {
  it("Homelab: the site and each domain component it created, nothing for the others", () => {
    const root = annex.get("homelab:index:Homelab::annex")!;
    assert.deepEqual(root, {
      site: "annex",
      services: "homelab:docker:Services::annex-services",
      dns: "homelab:cloudflare:Dns::annex-dns",
      unifi: "homelab:unifi:Gateway::annex-unifi",
    });
  });
});

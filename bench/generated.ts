/**
 * Offline plan of generated sites of about 100, 1,000 and 3,000 resources: a Proxmox cluster
 * with guests on an SDN subnet, Docker hosts with custom services behind a proxy, public DNS
 * records. Each plan runs in a fresh process, with the command of package.json's `plan`
 * script. The cost of one more resource is the slope between the smallest and the largest
 * site (start-up cancels out).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { ok, run, scriptCommand, type Timed } from "./command";
import { median, type BenchSuite, type Figure } from "./types";

/**
 * A site whose plan has roughly `services * 6 + guests * 4` resources: each custom service
 * is a stack (component, network, volume, image, container, DNS record); each Docker host VM
 * comes with its user data snippet and the wait for its daemon.
 */
export function generatedSite(services: number): Record<string, unknown> {
  const hosts = Math.max(1, Math.ceil(services / 100));
  const guests = Array.from({ length: hosts }, (_, i) => ({
    name: `docker${i + 1}`,
    type: "vm",
    node: "pve1",
    vmid: 200 + i,
    cores: 4,
    memoryMiB: 8192,
    disk: { storage: "local-lvm", sizeGiB: 64 },
    image: "debian13",
    nics: [{ vnet: "apps", ip: `10.130.${Math.floor(i / 200)}.${(i % 200) + 10}` }],
    docker: {},
  }));
  return {
    config: {
      "homelab:site": {
        name: "generated",
        domains: { public: "example.com", internal: "home.arpa" },
        sshKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly bench@example.com"],
      },
      "homelab:proxmox": {
        endpoint: "https://10.0.0.11:8006/",
        apiTokenId: "pulumi@pve!bench",
        ssh: { username: "root" },
        nodes: [{ name: "pve1", address: "10.0.0.11" }],
        storages: [
          { name: "local-lvm", type: "lvm", volumeGroup: "pve" },
          { name: "local", type: "dir", existing: true, content: ["snippets", "import"] },
        ],
        images: [
          {
            // The seed's image (Pulumi.home.yaml), with its digest.
            name: "debian13",
            url: "https://cloud.debian.org/images/cloud/trixie/20260712-2537/debian-13-genericcloud-amd64-20260712-2537.qcow2",
            checksum: {
              algorithm: "sha512",
              value:
                "7ae53e9dbee282bfc16f289dec483dde3a8598769c38a267948310f7a2a52c662620198603bc52c142627efba379863d16079698a10b34102d55bcedd40e8d32",
            },
          },
        ],
        sdn: {
          zones: [
            {
              name: "apps",
              type: "simple",
              vnets: [
                {
                  name: "apps",
                  subnets: [{ cidr: "10.130.0.0/16", gateway: "10.130.255.254", snat: true }],
                },
              ],
            },
          ],
        },
        guests,
      },
      "homelab:proxy": { kind: "caddy", host: "docker1" },
      "homelab:services": Array.from({ length: services }, (_, i) => ({
        name: `app${i + 1}`,
        app: "custom",
        host: `docker${(i % hosts) + 1}`,
        image: "ghcr.io/example/app:1.0.0",
        webPort: 8080,
        volumes: [{ name: "data", path: "/data" }],
        // Off the proxy's host a web port is published on the host: one port each.
        expose: { hostname: `app${i + 1}`, public: true, access: "open", hostPort: 10000 + i },
      })),
      "homelab:cloudflare": { zone: "example.com", origin: { ipv4: "203.0.113.10" } },
    },
  };
}

function plan(file: string): Timed & { resources: number } {
  const command = scriptCommand("plan", ["--stack", "generated", "--config", file, "--json"]);
  const result = ok(run(command, { measure: true }), "generated plan");
  return {
    ...result,
    resources: (JSON.parse(result.stdout) as { resources: unknown[] }).resources.length,
  };
}

export const generatedSuite: BenchSuite = {
  name: "offline plan of generated sites",
  async run(): Promise<Figure[]> {
    const dir = mkdtempSync(join(tmpdir(), "bench-generated-"));
    const figures: Figure[] = [];
    const points: { resources: number; wall: number; cpu: number }[] = [];
    for (const services of [15, 165, 500]) {
      const file = join(dir, `Pulumi.generated-${services}.yaml`);
      writeFileSync(file, stringify(generatedSite(services)));
      const runs = Array.from({ length: services > 200 ? 3 : 5 }, () => plan(file));
      const resources = runs[0]!.resources;
      const wall = median(runs.map((r) => r.wall));
      const cpu = median(runs.map((r) => r.cpu ?? NaN));
      figures.push({
        name: `plan of a generated site, ${services} services (fresh process)`,
        value: Math.round(wall),
        unit: "ms",
        detail: {
          resources,
          "ms/resource": Number((wall / resources).toFixed(2)),
          "CPU ms": Math.round(cpu),
          "peak MiB": Math.round(median(runs.map((r) => r.maxRssMiB ?? NaN))),
          runs: runs.length,
        },
      });
      points.push({ resources, wall, cpu });
    }
    const [small, large] = [points[0]!, points[points.length - 1]!];
    const slope = (key: "wall" | "cpu") =>
      Number(((large[key] - small[key]) / (large.resources - small.resources)).toFixed(2));
    figures.push({
      name: `cost of one more resource, ${small.resources} to ${large.resources} resources`,
      value: slope("wall"),
      unit: "ms/resource",
      detail: { "CPU ms/resource": slope("cpu") },
    });
    return figures;
  },
};

/**
 * Offline plan of generated sites of about 100, 1,000 and 3,000 resources: a Proxmox cluster
 * with guests on an SDN subnet, Docker hosts with custom services behind a proxy, public DNS
 * records. Each plan runs in a fresh process, like `npm run plan`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { measure, type BenchSuite, type Figure } from "./types";

const ROOT = join(__dirname, "..");

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

function plan(file: string): number {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "src/cli/plan.ts", "--stack", "generated", "--config", file, "--json"],
    { cwd: ROOT, encoding: "utf8", maxBuffer: 1024 * 1024 * 1024 },
  );
  if (result.status !== 0) throw new Error(`generated plan failed: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { resources: unknown[] }).resources.length;
}

export const generatedSuite: BenchSuite = {
  name: "offline plan of generated sites",
  async run(): Promise<Figure[]> {
    const dir = mkdtempSync(join(tmpdir(), "bench-generated-"));
    const figures: Figure[] = [];
    for (const services of [15, 165, 500]) {
      const file = join(dir, `Pulumi.generated-${services}.yaml`);
      writeFileSync(file, stringify(generatedSite(services)));
      let resources = 0;
      const wall = await measure(services > 200 ? 1 : 2, () => (resources = plan(file)));
      figures.push({
        name: `plan of a generated site, ${services} services (fresh process)`,
        value: wall,
        unit: "ms",
        detail: { resources, "ms/resource": Number((wall / resources).toFixed(2)) },
      });
    }
    return figures;
  },
};

/**
 * The address plan and the Proxmox checks on sites from homelab size to far beyond it: how
 * long validation of a stack spends on guest addresses (collisions included).
 */
import { proxmoxSchema, type ProxmoxConfig } from "../src/config/proxmox";
import { siteSchema } from "../src/config/site";
import type { SiteConfig } from "../src/config/stack";
import { referenceProblems } from "../src/config/references";
import { planAddresses } from "../src/model/address-plan";
import { measure, type BenchSuite, type Figure } from "./types";

const RUNS = 15;

/** `guests` VMs with ip: auto on one /prefix subnet (collisions grow with the density). */
function site(guests: number, prefix: number): unknown {
  return {
    endpoint: "https://10.0.0.11:8006/",
    apiTokenId: "pulumi@pve!bench",
    nodes: [{ name: "pve1", address: "10.0.0.11" }],
    storages: [{ name: "local-lvm", type: "lvm", volumeGroup: "pve" }],
    // A fictional file: its digest is a placeholder of the right form (validation requires one).
    images: [
      {
        name: "img",
        url: "https://example.org/img.qcow2",
        checksum: { algorithm: "sha256", value: "0".repeat(64) },
      },
    ],
    sdn: {
      zones: [
        {
          name: "z",
          type: "simple",
          vnets: [
            {
              name: "v",
              subnets: [
                {
                  cidr: `10.128.0.0/${prefix}`,
                  gateway: "10.128.0.1",
                  reserved: ["10.128.0.2-10.128.0.9"],
                },
              ],
            },
          ],
        },
      ],
    },
    guests: Array.from({ length: guests }, (_, i) => ({
      name: `guest-${i}`,
      type: "vm",
      node: "pve1",
      image: "img",
      disk: { storage: "local-lvm", sizeGiB: 8 },
      nics: [{ vnet: "v" }],
    })),
  };
}

export const addressPlanSuite: BenchSuite = {
  name: "address plan and Proxmox checks",
  async run(): Promise<Figure[]> {
    const figures: Figure[] = [];
    for (const [guests, prefix] of [
      [10, 24],
      [50, 24],
      [1000, 16],
    ] as const) {
      const raw = site(guests, prefix);
      const proxmox: ProxmoxConfig = proxmoxSchema.parse(raw);
      let problems = 0;
      const plan = await measure(RUNS, () => {
        problems = planAddresses(proxmox).problems.length;
      });
      figures.push({
        name: `planAddresses, ${guests} guests on a /${prefix}`,
        value: plan,
        unit: "ms",
        detail: { collisions: problems },
      });
      // The section's own rules run inside its schema (proxmox.rules.ts); the rules across
      // sections after it (references.ts).
      const parse = await measure(RUNS, () => proxmoxSchema.parse(raw));
      figures.push({
        name: `homelab:proxmox schema and rules, ${guests} guests`,
        value: parse,
        unit: "ms",
      });
      const config: SiteConfig = {
        site: siteSchema.parse({ name: "bench" }),
        networks: {},
        hosts: [],
        services: [],
        proxmox,
      };
      const references = await measure(RUNS, () => referenceProblems(config, "bench"));
      figures.push({
        name: `rules across sections, ${guests} guests`,
        value: references,
        unit: "ms",
      });
    }
    return figures;
  },
};

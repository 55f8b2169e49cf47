/**
 * Renames without loss, under the mock runtime: with `renamedFrom`, every resource of the
 * stack answers to the URN it had before (its own aliases and those the engine derives from
 * its ancestors', as the plan records them), one to one, and what a resource cannot change in
 * place keeps its value. The old URNs are computed from the old plan alone (its types, names
 * and parents), not from the aliases.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { Plan, PlannedResource } from "../../src/cli/mock-runtime";
import { plan } from "../helpers/plan";
import { editedStack, engineUrns, type Edit } from "../helpers/renames";
import { ANNEX, HOME, type StackFile } from "../helpers/sites";

interface Identities {
  /** Old URN → the head resource that answers to it. */
  readonly takenBy: Map<string, PlannedResource>;
  /** Old URNs no head resource answers to: Pulumi would delete them. */
  readonly lost: string[];
  /** Engine errors: an alias another resource's URN, an old URN claimed twice. */
  readonly conflicts: string[];
  readonly old: Map<string, PlannedResource>;
  readonly now: Map<string, PlannedResource>;
}

/** How the head's resources answer to the base's URNs (by URN, else by alias). */
function identities(base: Plan, head: Plan): Identities {
  const old = engineUrns(base);
  const now = engineUrns(head);
  const takenBy = new Map<string, PlannedResource>();
  const conflicts: string[] = [];
  for (const [urn, resource] of now) {
    const answers = [urn, ...resource.options.aliases].filter((u) => old.has(u));
    if (answers.length > 1) conflicts.push(`${urn} answers to ${answers.join(", ")}`);
    for (const u of answers) {
      if (takenBy.has(u)) conflicts.push(`${u} is claimed twice`);
      takenBy.set(u, resource);
    }
    for (const alias of resource.options.aliases) {
      if (alias !== urn && now.has(alias)) conflicts.push(`${urn}: alias ${alias} is taken`);
    }
  }
  const lost = [...old.keys()].filter((u) => !takenBy.has(u));
  return { takenBy, lost, conflicts, old, now };
}

/** Each old resource and the head resource that is it now. */
function pairs(ids: Identities): [PlannedResource, PlannedResource][] {
  return [...ids.old].map(([urn, r]) => [r, ids.takenBy.get(urn)!]);
}

/** Renamed resources (another name or parent now) must answer to exactly their old URN. */
function assertRenamedWithoutLoss(base: Plan, head: Plan): Identities {
  const ids = identities(base, head);
  assert.deepEqual(ids.conflicts, []);
  assert.deepEqual(ids.lost, [], "every old URN has a resource that answers to it");
  assert.equal(head.resources.length, base.resources.length, "nothing added, nothing removed");
  const renamed = pairs(ids).filter(([a, b]) => a.name !== b.name || a.parent !== b.parent);
  assert.ok(renamed.length > 0, "the edit renames something");
  for (const [urn, resource] of ids.old) {
    const now = ids.takenBy.get(urn)!;
    if (now.name === resource.name && now.parent === resource.parent) continue;
    const covered = now.options.aliases.filter((a) => ids.old.has(a));
    assert.deepEqual(covered, [urn], `${now.type}::${now.name} answers to its old URN only`);
  }
  return ids;
}

const base: Record<string, Plan> = {};
before(async () => {
  base.home = await plan(HOME);
  base.annex = await plan(ANNEX);
});

async function renamed(site: StackFile, edits: readonly Edit[]): Promise<Plan> {
  return plan(editedStack(site, edits));
}

const byType = (pairs: [PlannedResource, PlannedResource][], type: string) =>
  pairs.filter(([a]) => a.type === type);

/**
 * Three renames of annex in one plan, which three tests read (one evaluation of the large
 * stack instead of three): its Docker host (servo), a UniFi network (lab) and the WireGuard
 * server's network. They touch disjoint parts of the stack; each test checks its own.
 */
let annexPlan: Promise<Plan> | undefined;
const annexRenamed = () =>
  (annexPlan ??= renamed(ANNEX, [
    [/\bservo\b/g, "proliant"],
    ["    - name: proliant\n", "    - name: proliant\n      renamedFrom: servo\n"],
    [
      "      - name: lab\n        vlan: 50",
      "      - name: research\n        renamedFrom: lab\n        vlan: 50",
    ],
    ["          from: lab\n", "          from: research\n"],
    ["to: [servers, users, iot, lab]", "to: [servers, users, iot, research]"],
    ["      name: wireguard\n", "      name: remote\n      renamedFrom: wireguard\n"],
    [/(from: |access: \[[a-z, ]*)wireguard\b/g, "$1remote"],
  ]));

describe("renames under the mock runtime: every old URN answers, one to one", () => {
  const serviceRename: Edit[] = [
    [
      "    - name: immich\n      app: immich",
      "    - name: photos\n      renamedFrom: immich\n      app: immich",
    ],
  ];

  it("a service: its component, containers, images, network, volumes and passwords", async () => {
    const head = await renamed(HOME, serviceRename);
    const ids = assertRenamedWithoutLoss(base.home!, head);
    const moved = pairs(ids).filter(([a, b]) => a.name !== b.name);
    // The component, its 12 children and its password: nothing else is named after it.
    assert.deepEqual(
      moved.map(([a, b]) => `${a.name} → ${b.name}`).filter((t) => t.includes("generated")),
      ["home-services-generated-immich-db-password → home-services-generated-photos-db-password"],
    );
    assert.ok(moved.every(([a]) => a.name.includes("immich")));
    // What Docker fixes at creation stays: the volumes' names and labels, the password's inputs.
    const volumes = byType(moved, "docker:index/volume:Volume");
    assert.equal(volumes.length, 3);
    for (const [a, b] of volumes) assert.deepEqual(b.inputs, a.inputs);
    assert.ok(volumes.every(([, b]) => (b.inputs.name as string).startsWith("immich-")));
    for (const [a, b] of byType(moved, "random:index/randomPassword:RandomPassword"))
      assert.deepEqual(b.inputs, a.inputs);
  });

  it("a second rename lists both former names; without renamedFrom, the old URNs are lost", async () => {
    const once = await renamed(HOME, serviceRename);
    const twice = await renamed(HOME, [
      [
        "    - name: immich\n      app: immich",
        "    - name: pictures\n      renamedFrom: [immich, photos]\n      app: immich",
      ],
    ]);
    assertRenamedWithoutLoss(once, twice);
    assertRenamedWithoutLoss(base.home!, twice);
    const bare = await renamed(HOME, [
      ["    - name: immich\n      app: immich", "    - name: photos\n      app: immich"],
    ]);
    const ids = identities(base.home!, bare);
    assert.deepEqual(ids.conflicts, []);
    assert.equal(ids.lost.length, 14, "the component, its 12 children and its password");
  });

  it("a Docker host: the host component and its provider, so its resources keep their provider", async () => {
    const ids = assertRenamedWithoutLoss(base.annex!, await annexRenamed());
    const provider = "pulumi:providers:docker";
    const [[oldProvider, newProvider]] = byType(pairs(ids), provider).filter(
      ([a, b]) => a.name !== b.name,
    ) as [[PlannedResource, PlannedResource]];
    assert.equal(newProvider.name, "annex-services-host-proliant-provider");
    assert.deepEqual(newProvider.inputs, oldProvider.inputs, "same host, same connection");
    const oldUrn = [...ids.old].find(([, r]) => r === oldProvider)![0];
    assert.ok(newProvider.options.aliases.includes(oldUrn));
    // Every resource on the host moves to the renamed provider, which answers to the old one.
    const onHost = pairs(ids).filter(
      ([a]) => a.provider?.ref === `${provider}::${oldProvider.name}`,
    );
    assert.ok(onHost.length >= 170, `${onHost.length} resources on servo`);
    for (const [, b] of onHost) {
      assert.deepEqual(b.provider, { ref: `${provider}::${newProvider.name}`, default: false });
    }
  });

  it("Proxmox guests: the guest, its USB mapping and its Docker host; vmid and address stay", async () => {
    const edits: Edit[] = [
      ["        vmid: 105\n", ""],
      [
        "      - name: immich\n        type: vm",
        "      - name: photos-vm\n        renamedFrom: immich\n        type: vm",
      ],
      ["      host: immich\n", "      host: photos-vm\n"],
      [
        "      - name: homeassistant\n        type: vm",
        "      - name: hass\n        renamedFrom: homeassistant\n        type: vm",
      ],
      ["      host: homeassistant\n", "      host: hass\n"],
    ];
    const before = await renamed(HOME, edits.slice(0, 1));
    const head = await renamed(HOME, edits);
    const ids = assertRenamedWithoutLoss(before, head);
    const guests = pairs(ids).filter(([a]) => a.type === "proxmoxve:index/vmLegacy:VmLegacy");
    for (const [a, b] of guests) {
      assert.equal(b.inputs.vmId, a.inputs.vmId, "derived from the first name");
      assert.deepEqual(b.inputs.initialization, a.inputs.initialization, "same address");
    }
    const immich = guests.find(([a]) => a.name === "home-proxmox-guest-immich")!;
    assert.equal(immich[1].inputs.name, "photos-vm", "the name changes in place");
    const usb = pairs(ids).find(([a]) => a.type === "proxmoxve:hardware/mapping/usb:Usb")!;
    assert.equal(usb[1].name, "home-proxmox-usb-hass-0");
    assert.equal(usb[1].inputs.name, usb[0].inputs.name, "the mapping id stays");
    const providers = byType(pairs(ids), "pulumi:providers:docker").filter(
      ([a, b]) => a.name !== b.name,
    );
    assert.equal(providers.length, 2);
    for (const [a, b] of providers) assert.deepEqual(b.inputs, a.inputs);
    // A Docker host VM's user data file and its wait: same resources, same file, no re-run.
    for (const type of ["proxmoxve:index/fileLegacy:FileLegacy", "command:remote:Command"]) {
      const moved = byType(pairs(ids), type).filter(([a, b]) => a.name !== b.name);
      assert.equal(moved.length, 2, type);
      for (const [a, b] of moved) assert.deepEqual(b.inputs, a.inputs, `${b.name} unchanged`);
    }
  });

  it("a UniFi network: the VLAN and every firewall object named after it", async () => {
    const ids = assertRenamedWithoutLoss(base.annex!, await annexRenamed());
    const moved = pairs(ids).filter(([a, b]) => a.name !== b.name);
    const network = moved.find(([a]) => a.name === "annex-unifi-net-lab")!;
    assert.equal(network[1].name, "annex-unifi-net-research");
    const body = (r: PlannedResource) => r.inputs.body as { name: string; vlan: number };
    assert.deepEqual([body(network[1]).name, body(network[1]).vlan], ["research", 50]);
    assert.deepEqual(
      { ...body(network[1]), name: "lab" },
      body(network[0]),
      "only its name changes",
    );
    assert.deepEqual(
      moved
        .filter(([a]) => a.type !== "pulumi-nodejs:dynamic/unifi:Network" && /-lab\b/.test(a.name))
        .map(([a, b]) => `${a.name} → ${b.name}`)
        .sort(),
      [
        "annex-unifi-group-nets-iot-lab-servers-users → annex-unifi-group-nets-iot-research-servers-users",
        "annex-unifi-group-nets-lab → annex-unifi-group-nets-research",
      ],
      "the address groups named after it; a rule keeps the name the user gave it",
    );
  });

  it("the WireGuard server's network name: the objects named after it", async () => {
    const ids = assertRenamedWithoutLoss(base.annex!, await annexRenamed());
    assert.deepEqual(
      pairs(ids)
        .filter(([a, b]) => a.name !== b.name && a.name.includes("wireguard"))
        .map(([a, b]) => `${a.name} → ${b.name}`),
      ["annex-unifi-group-nets-wireguard → annex-unifi-group-nets-remote"],
    );
  });
});

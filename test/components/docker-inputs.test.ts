/**
 * Docker hosts and their containers as the providers keep them, on both fixture sites under
 * mocks: every Docker host guest provisioned (key, user data, a wait its provider depends
 * on), guests ignoring exactly their create-time inputs, no container put on a network twice
 * (network mode and networksAdvanced), every healthcheck duration in Go's form (the provider
 * reads them back with `.String()`), a healthcheck or tmpfs change replacing the container,
 * and a one-shot job that fails failing the up before anything that depends on it is created
 * (job-gate.program.ts).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import type { Plan, PlannedResource } from "../../src/cli/mock-runtime";
import { planStack } from "../../src/cli/offline";
import { goDuration } from "../../src/components/docker/args";
import { CONTAINER_REPLACED_ON } from "../../src/components/docker/service";
import { main } from "../../src/program";
import { GUEST_IGNORED_CHANGES } from "../../src/components/proxmox/guests";
import { byName, ofType, ROOT } from "../helpers/plan";
import { siteModel } from "../helpers/site";
import { ANNEX, HOME, pathOf, type StackFile } from "../helpers/sites";

const CONTAINER = "docker:index/container:Container";
const VM = "proxmoxve:index/vmLegacy:VmLegacy";
const CT = "proxmoxve:index/containerLegacy:ContainerLegacy";

/** The plan of a stack, and the replaceOnChanges of every container (a stack transformation). */
async function planWithOptions(site: StackFile) {
  const replaceOnChanges = new Map<string, string[]>();
  const { plan } = await planStack(ROOT, site.stack, pathOf(site), () => {
    pulumi.runtime.registerStackTransformation((args) => {
      if (args.type === CONTAINER) {
        replaceOnChanges.set(args.name, [...(args.opts.replaceOnChanges ?? [])]);
      }
      return undefined;
    });
    return main();
  });
  return { plan, replaceOnChanges };
}

for (const site of [HOME, ANNEX]) {
  const stack = site.stack;
  describe(`Docker containers of the ${stack} stack`, () => {
    let plan: Plan;
    let containers: PlannedResource[];
    let replaceOnChanges: Map<string, string[]>;
    before(async () => {
      ({ plan, replaceOnChanges } = await planWithOptions(site));
      containers = ofType(plan, CONTAINER);
      assert.ok(containers.length > (stack === "annex" ? 50 : 20), `${containers.length}`);
    });

    it("no container joins a network twice: networksAdvanced alone, or the host network", () => {
      for (const c of containers) {
        const mode = c.inputs.networkMode as string | undefined;
        const advanced = (c.inputs.networksAdvanced ?? []) as { name: string }[];
        if (mode !== undefined) {
          assert.equal(mode, "host", `${c.name}: network mode ${mode}`);
          assert.equal(advanced.length, 0, `${c.name}: host network and networksAdvanced`);
        }
        const names = advanced.map((n) => n.name);
        assert.equal(new Set(names).size, names.length, `${c.name} lists a network twice`);
      }
    });

    it("the aliases other containers resolve are declared on the networks they join", () => {
      const aliased = containers.filter((c) =>
        ((c.inputs.networksAdvanced ?? []) as { aliases: string[] }[]).some(
          (n) => n.aliases.length > 0,
        ),
      );
      assert.ok(aliased.length > 0);
      for (const c of aliased) assert.equal(c.inputs.networkMode, undefined, c.name);
    });

    it("every healthcheck duration is in Go's canonical form", () => {
      let checked = 0;
      for (const c of containers) {
        const hc = c.inputs.healthcheck as Record<string, unknown> | undefined;
        if (!hc) continue;
        for (const key of ["interval", "timeout", "startPeriod", "startInterval"]) {
          const value: unknown = hc[key];
          if (value === undefined) continue;
          assert.equal(typeof value, "string", `${c.name}.${key}`);
          assert.equal(goDuration(value as string), value, `${c.name}.healthcheck.${key}`);
          checked++;
        }
      }
      assert.ok(checked > 30, `only ${checked} durations`);
    });

    it("every Docker host guest has a key, its user data, and a wait its Docker provider depends on", () => {
      const model = siteModel(site);
      const guests = model.dockerHosts.filter((h) => h.kind === "guest");
      assert.equal(guests.length, stack === "home" ? 10 : 0);
      for (const host of guests) {
        const guest = model.proxmox!.guests.find((g) => g.name === host.name)!;
        assert.ok(guest.sshKeys.length > 0, `${host.name} has no key`);
        const data = byName(plan, `${stack}-proxmox-user-data-${host.name}`);
        const content = (data.inputs.sourceRaw as { data: string }).data;
        for (const key of guest.sshKeys) assert.ok(content.includes(JSON.stringify(key)));
        const vm = byName(plan, `${stack}-proxmox-guest-${host.name}`);
        assert.ok(vm.options.dependsOn.includes(`${data.type}::${data.name}`));
        const wait = byName(plan, `${stack}-proxmox-docker-ready-${host.name}`);
        assert.deepEqual(wait.options.dependsOn, [`${vm.type}::${vm.name}`]);
        const provider = byName(plan, `${stack}-services-host-${host.name}-provider`);
        assert.deepEqual(provider.options.dependsOn, [`${wait.type}::${wait.name}`]);
      }
    });

    it("every guest ignores exactly the create-time inputs of its kind", () => {
      for (const guest of [...ofType(plan, VM), ...ofType(plan, CT)]) {
        const kind = guest.type === VM ? "vm" : "lxc";
        assert.deepEqual(guest.options.ignoreChanges, [...GUEST_IGNORED_CHANGES[kind]], guest.name);
      }
      // The containers' list, as read in the provider (guests.ts): not the whole disk.
      assert.deepEqual(GUEST_IGNORED_CHANGES.lxc, [
        "disk.datastoreId",
        "operatingSystem",
        "initialization.userAccount",
        "features",
      ]);
    });

    it("a healthcheck or tmpfs change replaces the container (the provider's update ignores both)", () => {
      assert.equal(replaceOnChanges.size, containers.length);
      for (const [name, paths] of replaceOnChanges) {
        assert.deepEqual(paths, [...CONTAINER_REPLACED_ON], name);
      }
    });
  });
}

// The two programs run at once: the failed job's waits out its patience (a second) meanwhile.
describe("a one-shot job that fails fails the up", { concurrency: true }, () => {
  /** Runs test/components/job-gate.program.ts (its own process: a failed run leaves promises). */
  async function run(code: number): Promise<{
    status: number | null;
    report: { registered: string[]; outcome: string; carries: boolean; unhandled: string[] };
  }> {
    const child = await new Promise<{ status: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(
          process.execPath,
          [
            "--require",
            join(ROOT, "src", "boot", "register.js"),
            join(__dirname, "job-gate.program.ts"),
            String(code),
          ],
          { encoding: "utf8", env: { ...process.env, PULUMI_ERROR_OUTPUT_STRING: "true" } },
          (error, stdout, stderr) => {
            const status = error ? (typeof error.code === "number" ? error.code : null) : 0;
            resolve({ status, stdout, stderr });
          },
        );
      },
    );
    const line = child.stdout.split("\n").find((l) => l.startsWith("{"));
    assert.ok(line, `no report: ${child.stdout}${child.stderr}`);
    return { status: child.status, report: JSON.parse(line) as never };
  }

  it("exit code 0: the job gates its dependents, which are created", async () => {
    const { status, report } = await run(0);
    assert.equal(status, 0);
    assert.equal(report.outcome, "succeeded");
    assert.equal(report.carries, true, "the gate's resource is the job's container");
    assert.deepEqual(report.unhandled, []);
    assert.ok(report.registered.includes("app-server"), report.registered.join(", "));
  });

  it("another exit code: the program fails with a clear error, the dependent is never created", async () => {
    const { status, report } = await run(3);
    assert.notEqual(status, 0);
    const message =
      'job "migrate" on Docker host "servo" exited with code 3: read why with "docker logs migrate" ' +
      "on that host, fix it, then run it again with pulumi up --replace <the container's URN>";
    assert.equal(report.outcome, "never resolved");
    assert.ok(report.unhandled.length > 0);
    for (const reason of report.unhandled) assert.equal(reason, `RunError: ${message}`);
    assert.ok(report.registered.includes("app-migrate"));
    assert.ok(!report.registered.includes("app-server"), report.registered.join(", "));
  });
});

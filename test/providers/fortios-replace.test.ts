/**
 * Replacing a referenced object replaces what names it, in an order FortiOS accepts.
 *
 * A phase1 whose `type` changes (a peer's endpoint moves from a DNS name to an address)
 * must be deleted and created again: FortiOS refuses the change in place, and refuses to
 * delete a phase1 that its phase2, the policies through its tunnel and BGP still name (-23).
 * Pulumi does not replace dependents that only `dependsOn` the replaced resource
 * (pulumi#838, #2167); it does replace those whose inputs depend on it and whose provider
 * answers "replace" when those inputs are unknown. The FortiOS objects carry the URNs of
 * what they name in `referents` for that.
 *
 * `replay` below steps through an update as the engine does, from its own source
 * (pulumi/pulumi pkg/resource/deploy/step_generator.go, at commit 1b5949891b):
 * - a resource whose diff asks delete-before-replace (our provider does, same key) first
 *   gets its dependents that "require replacement" deleted, in reverse dependency order
 *   (the DBR branch of generateSteps, lines 2047-2128);
 * - a dependent requires replacement when an input with a property dependency on a resource
 *   already in the replace set, made unknown, makes its provider's Diff say replace
 *   (calculateDependentReplacements, lines 3268-3412: dependsOn alone never does);
 * - the replaced resources are then created again as the program registers them.
 * Each step is run against the emulator, which refuses what the device refuses.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { PATHS, mapSecrets } from "../../src/devices/fortios/tables";
import { cmdbObjects, planFortigate, type FortigatePlan } from "../../src/model/fortigate";
import {
  FortiosProvider,
  type CmdbInputs,
  type CmdbOutputs,
} from "../../src/providers/fortios/provider";
import { fortiosVersion } from "../../src/providers/fortios/resource";
import { UNKNOWN } from "../../src/providers/kit/values";
import { EMULATOR_TOKEN, startFortiGate, type FortiGateEmulator } from "../emulators/fortigate";
import { PEERINGS, extendedInput, peering } from "../model/fortigate-plan";

type Connection = Awaited<ReturnType<typeof startFortiGate>>["connection"];

interface Resource {
  readonly role: string;
  readonly inputs: CmdbInputs;
  /** Roles this resource comes after (dependsOn and referents alike). */
  readonly dependsOn: readonly string[];
  /** Roles `referents` depends on: its property dependencies. */
  readonly propertyDeps: readonly string[];
}

interface State {
  id: string;
  outs: CmdbOutputs;
  resource: Resource;
}

/** The plan's FortiOS objects as the program registers them (`referents` or not). */
function resourcesOf(plan: FortigatePlan, connection: Connection, referents: boolean): Resource[] {
  return cmdbObjects(plan).map((o) => {
    const deps = o.dependsOn.filter((d) => d !== "precheck");
    return {
      role: o.role,
      dependsOn: deps,
      propertyDeps: referents ? deps : [],
      inputs: {
        connection,
        path: o.spec.path,
        ...(o.spec.key !== undefined ? { key: o.spec.key } : {}),
        body: mapSecrets(o.spec.body, (name) => `value-of-${name}`) as Record<string, unknown>,
        secretFields: [...o.spec.secretFields],
        identity: [...o.spec.identity],
        mode: o.spec.mode,
        adopt: false,
        ...(o.spec.reset ? { reset: o.spec.reset } : {}),
        ...(referents
          ? {
              referents: Object.fromEntries(deps.map((d) => [d, `urn:pulumi:home::homelab::${d}`])),
            }
          : {}),
        version: fortiosVersion(),
      },
    };
  });
}

/** Resources that depend on `root`, directly or not, in dependency order (DependingOn). */
function dependingOn(state: Map<string, State>, root: string): State[] {
  const out: State[] = [];
  const reached = new Set([root]);
  for (const entry of state.values()) {
    if (entry.resource.dependsOn.some((d) => reached.has(d))) {
      reached.add(entry.resource.role);
      out.push(entry);
    }
  }
  return out;
}

/** One `pulumi up` of `desired` over `state`, step by step as the engine orders them. */
async function replay(
  provider: FortiosProvider,
  state: Map<string, State>,
  desired: readonly Resource[],
): Promise<string[]> {
  const steps: string[] = [];
  const deleted = new Set<string>();
  const remove = async (entry: State) => {
    await provider.delete(entry.id, entry.outs);
    deleted.add(entry.resource.role);
    steps.push(`delete ${entry.resource.role}`);
  };
  const create = async (resource: Resource) => {
    const created = await provider.create(resource.inputs);
    state.set(resource.role, { id: created.id, outs: created.outs!, resource });
    steps.push(`create ${resource.role}`);
  };
  for (const resource of desired) {
    const old = state.get(resource.role);
    if (!old || deleted.has(resource.role)) {
      deleted.delete(resource.role);
      await create(resource);
      continue;
    }
    const diff = await provider.diff(old.id, old.outs, resource.inputs);
    if (diff.replaces && diff.replaces.length > 0 && diff.deleteBeforeReplace) {
      // calculateDependentReplacements: property dependencies only, unknown → provider diff.
      const replaceSet = new Set([resource.role]);
      const toReplace: State[] = [];
      for (const dependent of dependingOn(state, resource.role)) {
        const props = dependent.resource.propertyDeps;
        if (!props.some((d) => replaceSet.has(d))) continue;
        const inputs = { ...dependent.resource.inputs, referents: UNKNOWN as never };
        const d = await provider.diff(dependent.id, dependent.outs, inputs);
        if (d.replaces && d.replaces.length > 0) {
          replaceSet.add(dependent.resource.role);
          toReplace.push(dependent);
        }
      }
      for (const dependent of [...toReplace].reverse())
        if (!deleted.has(dependent.resource.role)) await remove(dependent);
      await remove(old);
      deleted.delete(resource.role);
      await create(resource);
    } else if (diff.changes) {
      const updated = await provider.update(old.id, old.outs, resource.inputs);
      state.set(resource.role, { id: old.id, outs: updated.outs!, resource });
      steps.push(`update ${resource.role}`);
    } else {
      state.set(resource.role, { ...old, resource });
    }
  }
  return steps;
}

describe("replacing a referenced FortiOS object", () => {
  const emulators: FortiGateEmulator[] = [];
  after(async () => {
    for (const e of emulators) await e.stop();
  });

  /** Camille's endpoint moves from a DNS name to an address: its phase1 changes type. */
  const moved = () => {
    const input = extendedInput();
    const peerings = [PEERINGS[0]!, peering({ ...PEERINGS[1]!, remoteGateway: "192.0.2.77" })];
    return planFortigate({ ...input, federation: { ...input.federation!, peerings } });
  };

  const applied = async (referents: boolean) => {
    const started = await startFortiGate({ bgpRedistribute: true });
    emulators.push(started.emulator);
    const provider = new FortiosProvider({ backoffMs: 1 });
    await provider.configure({
      config: {
        get: (key: string) => (key === "homelab:fortigateApiToken" ? EMULATOR_TOKEN : undefined),
        require: () => EMULATOR_TOKEN,
      },
    });
    const state = new Map<string, State>();
    const before = planFortigate(extendedInput());
    await replay(provider, state, resourcesOf(before, started.connection, referents));
    return { ...started, provider, state };
  };

  it("deletes what names the phase1 first, then the phase1, and creates them all again (no -23)", async () => {
    const { emulator, provider, state, connection } = await applied(true);
    assert.equal(emulator.entry(PATHS.phase1, "fgn-camille")?.type, "ddns");
    const steps = await replay(provider, state, resourcesOf(moved(), connection, true));
    const deletes = steps.filter((s) => s.startsWith("delete")).map((s) => s.slice(7));
    assert.deepEqual(
      new Set(deletes),
      new Set([
        "policy-vpn-access",
        "policy-fgn-camille-in",
        "policy-fgn-camille-out",
        "bgp",
        "p2-fgn-camille",
        "tun-fgn-camille",
        "p1-fgn-camille",
      ]),
      "the phase1 and exactly what names it, its tunnel or them",
    );
    assert.equal(deletes.at(-1), "p1-fgn-camille", "the phase1 goes last");
    for (const role of deletes)
      assert.ok(steps.includes(`create ${role}`), `${role} is created again`);
    assert.equal(emulator.entry(PATHS.phase1, "fgn-camille")?.type, "static");
    assert.equal(emulator.entry(PATHS.phase1, "fgn-camille")?.["remote-gw"], "192.0.2.77");
    assert.equal(
      emulator.entry(PATHS.interface, "fgn-camille")?.ip,
      "172.31.254.2 255.255.255.255",
    );
    assert.equal((emulator.complex(PATHS.bgp).neighbor as unknown[]).length, 2);
    assert.equal(emulator.entry(PATHS.phase2, "fgn-camille")?.phase1name, "fgn-camille");
    // Converged: nothing left to do.
    const again = await replay(provider, state, resourcesOf(moved(), connection, true));
    assert.deepEqual(again, []);
  });

  it("with dependsOn alone (no referents), the engine deletes the phase1 while it is named: -23", async () => {
    const { emulator, provider, state, connection } = await applied(false);
    await assert.rejects(
      replay(provider, state, resourcesOf(moved(), connection, false)),
      /cannot delete vpn\.ipsec\/phase1-interface "fgn-camille" .* still used by other objects \(FortiOS error -23\)/,
    );
    assert.equal(emulator.entry(PATHS.phase1, "fgn-camille")?.type, "ddns", "nothing was replaced");
  });
});

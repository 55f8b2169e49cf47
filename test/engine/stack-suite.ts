/**
 * One example stack through the engine harness against its emulated device, as a user runs
 * it: a first preview, `up`, a preview that must show no change, previews whose values are
 * unknown (the first preview's, and every input of one object per kind in turn), refresh, a
 * provider code upgrade, destroy. Each test file runs it for one stack, with one plugin
 * process and one emulator for all its steps.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Deployment, DYNAMIC, typeOfUrn, type Goal, type ProgramRun } from "./deployment";
import { DynamicProviderPlugin, ROOT } from "./plugin";
import {
  Computed,
  containsComputed,
  isObject,
  plainStrings,
  text,
  type PropertyMap,
} from "./properties";
import { runStack, testStack, typesOf, type DeviceRoute, type TestStack } from "./stacks";

export interface Device {
  /** The connection fields that reach the emulator. */
  readonly route: DeviceRoute;
  /** What the device holds that the stack may create (compared before up and after destroy). */
  snapshot(goals: readonly Goal[]): unknown;
  /**
   * Changes by hand, on the device, a non-secret attribute of an object that has a secret;
   * returns its URN.
   */
  drift(goals: readonly Goal[]): string;
  stop(): Promise<void>;
}

export interface StackSuite {
  readonly stack: string;
  /** The stack file (absolute); default: the fixture site test/fixtures/sites/<stack>.yaml. */
  readonly file?: () => string;
  /** The device credentials by secret name. */
  readonly credentials: Record<string, string>;
  readonly device: () => Promise<Device>;
  /** Dynamic types the stack must have ("fortios:CmdbObject"). */
  readonly types: readonly string[];
  /**
   * When another file runs the same provider code through the per-kind steps (every input
   * unknown, a change by hand, a code upgrade): the types whose objects this file still
   * runs them for (the others' objects get the whole-stack steps only).
   * @default every type
   */
  readonly perKind?: readonly string[];
  /** Names of the objects the stack protects (destroy refuses them until unprotected). */
  readonly protected?: readonly string[];
}

/** Inputs the engine and the plugin add or that say nothing about the device. */
const NOT_DEVICE_INPUTS = new Set(["__provider"]);
/** Inputs whose unknown value must never let a preview say "no change". */
const SHAPING_INPUTS = ["body", "connection", "key", "path"];

/**
 * Unknown variants of `inputs`: with `topLevel`, each top-level input and each field of an
 * object input unknown in turn; else only each field of the body.
 */
export function unknownVariants(
  inputs: PropertyMap,
  topLevel: boolean,
): { what: string; inputs: PropertyMap }[] {
  const out: { what: string; inputs: PropertyMap }[] = [];
  for (const [key, value] of Object.entries(inputs)) {
    if (NOT_DEVICE_INPUTS.has(key) || (!topLevel && key !== "body")) continue;
    if (topLevel) out.push({ what: key, inputs: { ...inputs, [key]: new Computed() } });
    if (isObject(value) && !(value instanceof Computed)) {
      for (const field of Object.keys(value)) {
        const inner = { ...value, [field]: new Computed() };
        out.push({ what: `${key}.${field}`, inputs: { ...inputs, [key]: inner } });
      }
    }
  }
  return out;
}

/**
 * One goal per kind of object (per type and path: a CMDB table, a UniFi collection), each
 * with whether it is the first of its type and mode (whose every input is made unknown; the
 * others' body fields only).
 */
function representatives(goals: readonly Goal[]): { goal: Goal; topLevel: boolean }[] {
  const kinds = new Set<string>();
  const types = new Set<string>();
  const out: { goal: Goal; topLevel: boolean }[] = [];
  for (const goal of goals) {
    const type = `${typeOfUrn(goal.urn)} ${JSON.stringify(goal.inputs.mode ?? goal.inputs.kind)}`;
    const kind = `${type} ${JSON.stringify(goal.inputs.path)}`;
    if (kinds.has(kind)) continue;
    kinds.add(kind);
    out.push({ goal, topLevel: !types.has(type) });
    types.add(type);
  }
  return out;
}

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

export function describeStack(suite: StackSuite): void {
  let device: Device;
  let plugin: DynamicProviderPlugin;
  let stack: TestStack;
  let deployment: Deployment;
  let firstPreview: ProgramRun;
  let applied: ProgramRun;
  let factory: unknown;

  const perKind = (goal: Goal) =>
    !suite.perKind || suite.perKind.includes(typeOfUrn(goal.urn).slice(DYNAMIC.length));

  /** No secret value anywhere the engine stores or shows in clear. */
  const assertNoSecretInClear = () => {
    for (const entry of deployment.state.values()) {
      for (const [part, value] of [
        ["inputs", entry.inputs],
        ["outputs", entry.outputs],
      ] as const) {
        for (const s of plainStrings(value)) {
          for (const secret of stack.secretValues) {
            assert.ok(!s.text.includes(secret), `${entry.urn} ${part}.${s.path} holds a secret`);
          }
        }
      }
    }
    for (const secret of stack.secretValues) assert.ok(!plugin.stderr.includes(secret));
  };

  before(async () => {
    device = await suite.device();
    plugin = await DynamicProviderPlugin.start({ stack: suite.stack });
    stack = testStack(
      suite.stack,
      suite.credentials,
      suite.file?.() ?? join(ROOT, "test", "fixtures", "sites", `${suite.stack}.yaml`),
    );
    await plugin.configure(stack.config, stack.secretKeys);
    deployment = new Deployment(plugin);
  });
  after(async () => {
    await plugin?.stop();
    await device?.stop();
  });

  describe(`the ${suite.stack} stack through the plugin`, () => {
    it("starts the plugin with the test processes' V8 flags (speed only) before its script", () => {
      const flags = (process.env.HOMELAB_TEST_V8_FLAGS ?? "").split(/\s+/).filter(Boolean);
      assert.deepEqual(plugin.argv.slice(1, 1 + flags.length), flags);
      assert.match(plugin.argv[1 + flags.length]!, /cmd[\\/]dynamic-provider[\\/]index\.js$/);
    });

    it("previews: every object checks, with the unknowns of a first preview", async () => {
      firstPreview = await runStack(deployment, stack, "preview", device.route);
      assert.deepEqual(firstPreview.errors, []);
      assert.deepEqual(Object.keys(typesOf(firstPreview.goals)).sort(), [...suite.types].sort());
      for (const step of firstPreview.steps) {
        assert.deepEqual(step.failures, [], nameOf(step.urn));
        assert.equal(step.op, "create", nameOf(step.urn));
      }
      assert.equal(firstPreview.steps.length, firstPreview.goals.length);
      factory = device.snapshot(firstPreview.goals);
    });

    it("applies: every object is created on the device, no secret in clear", async () => {
      applied = await runStack(deployment, stack, "up", device.route);
      assert.deepEqual(
        applied.errors.map((e) => `${nameOf(e.urn)}: ${String(e.error)}`),
        [],
      );
      assert.equal(deployment.state.size, firstPreview.goals.length);
      for (const entry of deployment.state.values()) assert.notEqual(entry.id, "");
      assertNoSecretInClear();
    });

    it("previews again: no change anywhere", async () => {
      const steps = [];
      for (const goal of applied.goals) steps.push(await deployment.preview(goal));
      const changed = steps.filter((s) => s.op !== "same");
      assert.deepEqual(
        changed.map((s) => [nameOf(s.urn), s.op, s.diff]),
        [],
      );
    });

    it("previews the first preview's unknown values against the state", async (t) => {
      const unknown = firstPreview.goals.filter((goal) => containsComputed(goal.inputs));
      if (unknown.length === 0) {
        t.skip("no value of this stack's objects is unknown in a first preview");
        return;
      }
      for (const goal of unknown) {
        const step = await deployment.preview(goal);
        assert.deepEqual(step.failures, [], nameOf(goal.urn));
        assert.notEqual(step.op, "same", nameOf(goal.urn));
      }
    });

    it("checks and diffs every input of one object per kind made unknown in turn", async () => {
      for (const { goal, topLevel } of representatives(applied.goals.filter(perKind))) {
        const entry = deployment.state.get(goal.urn)!;
        for (const variant of unknownVariants(goal.inputs, topLevel)) {
          const what = `${nameOf(goal.urn)} with ${variant.what} unknown`;
          if (topLevel) {
            const fresh = await plugin.check(goal.urn, undefined, variant.inputs, true);
            assert.deepEqual(fresh.failures, [], `${what} (a new object)`);
          }
          const checked = await plugin.check(goal.urn, entry.inputs, variant.inputs, true);
          assert.deepEqual(checked.failures, [], what);
          const diff = await plugin.diff(
            goal.urn,
            entry.id,
            entry.inputs,
            entry.outputs,
            checked.inputs,
            true,
          );
          if (SHAPING_INPUTS.some((k) => variant.what === k || variant.what.startsWith(`${k}.`)))
            assert.notEqual(diff.changes, "none", what);
        }
      }
    });

    it("refreshes from the state alone: nothing drifted", async () => {
      assert.deepEqual(await deployment.refresh(), []);
      assertNoSecretInClear();
    });

    it("sees a change made by hand on refresh, and puts the device back, secrets kept secret", async (t) => {
      if (suite.perKind) {
        t.skip("another file runs it for this provider code");
        return;
      }
      const urn = device.drift(applied.goals);
      // A new command, a new plugin process: nothing the last one read is remembered.
      await plugin.stop();
      plugin = await DynamicProviderPlugin.start({ stack: suite.stack });
      await plugin.configure(stack.config, stack.secretKeys);
      deployment.plugin = plugin;
      assert.deepEqual(await deployment.refresh(), [urn]);
      assertNoSecretInClear();
      const goal = applied.goals.find((g) => g.urn === urn)!;
      assert.equal((await deployment.preview(goal)).op, "update");
      assert.equal((await deployment.up(goal)).op, "update");
      assert.equal((await deployment.preview(goal)).op, "same");
      assert.deepEqual(await deployment.refresh(), []);
      assertNoSecretInClear();
    });

    it("updates in place, never replaces, when the provider code changes (one object per kind)", async () => {
      // Whether a change replaces depends on the kind (a CMDB table, a UniFi collection).
      for (const { goal } of representatives(applied.goals.filter(perKind))) {
        const upgraded = {
          ...goal,
          inputs: { ...goal.inputs, version: `${text(goal.inputs.version)}-next` },
        };
        const preview = await deployment.preview(upgraded);
        assert.deepEqual([preview.op, preview.diff?.replaces], ["update", []], nameOf(goal.urn));
        assert.equal((await deployment.up(upgraded)).op, "update", nameOf(goal.urn));
        assert.equal((await deployment.preview(upgraded)).op, "same", nameOf(goal.urn));
      }
      assertNoSecretInClear();
    });

    it("destroys: what is not retained is deleted, what is stays on the device", async () => {
      const protectedOnes = [...deployment.state.values()].filter((e) => e.options.protect);
      assert.deepEqual(
        protectedOnes.map((e) => nameOf(e.urn)).sort(),
        [...(suite.protected ?? [])].sort(),
      );
      // The engine refuses to delete a protected object (step.go, deleteProtectedError) until
      // the owner runs `pulumi state unprotect`; retained objects are collected from both runs.
      const retained: Awaited<ReturnType<Deployment["destroy"]>> = [];
      if (protectedOnes.length > 0) {
        await assert.rejects(deployment.destroy(retained), /is protected: it cannot be deleted/);
        for (const entry of protectedOnes) {
          assert.ok(deployment.state.has(entry.urn), `${nameOf(entry.urn)} stays in the state`);
        }
        // What npm run bench does too before it times a destroy (bench/engine.ts).
        assert.deepEqual(
          deployment.unprotectAll(),
          protectedOnes.map((e) => e.urn),
        );
        assert.deepEqual(deployment.unprotectAll(), [], "none is left protected");
      }
      await deployment.destroy(retained);
      assert.equal(deployment.state.size, 0);
      for (const entry of retained) {
        const read = await plugin.read(entry.urn, entry.id, entry.outputs, entry.inputs);
        assert.equal(read.id, entry.id, `${nameOf(entry.urn)} is retained on delete`);
        // Gone with the stack, the user deletes it by hand (here, through its provider).
        await plugin.delete(entry.urn, entry.id, entry.inputs, entry.outputs);
      }
      assert.deepEqual(device.snapshot(applied.goals), factory);
      assert.equal(plugin.stderr, "", "the plugin reported nothing");
    });
  });
}

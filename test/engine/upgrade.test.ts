/**
 * An upgrade of the project as the engine runs it: the state holds objects created by the
 * provider code of a release (the `__provider` text stored with each of them, fixture
 * test/engine/released/<commit>.json.gz), the program now registers them with the new code.
 * One plugin process serves both (index.js getProvider caches each text, configures each
 * once): Check, Diff and Update run the new code on state the old code wrote, Read and Delete
 * of what the state still holds run the old code (their `__provider` is the state's). An
 * upgrade must update every object in place, never replace one.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { collectionPath } from "../../src/devices/unifi/api";
import { firewallGroupBody, networkBody } from "../../src/devices/unifi/bodies";
import { CmdbObject } from "../../src/providers/fortios/resource";
import { UnifiObject } from "../../src/providers/unifi/resources";
import { EMULATOR_TOKEN, startFortiGate, type FortiGateEmulator } from "../emulators/fortigate";
import { TEST_API_KEY, UnifiEmulator } from "../emulators/unifi";
import { Deployment, runProgram, typeOfUrn, type Goal } from "./deployment";
import { DynamicProviderPlugin } from "./plugin";
import { emulatorTls } from "./stacks";

/** The release whose state is upgraded: the base of this wave. */
const RELEASE = "a9cd8a1";

interface Released {
  readonly commit: string;
  readonly fortios: { readonly text: string; readonly version: string };
  readonly unifi: { readonly text: string; readonly version: string };
}

const released = JSON.parse(
  gunzipSync(readFileSync(join(__dirname, "released", `${RELEASE}.json.gz`))).toString("utf8"),
) as Released;

const CONFIG = {
  "homelab:fortigateApiToken": EMULATOR_TOKEN,
  "homelab:unifiApiKey": TEST_API_KEY,
};

let fortigate: FortiGateEmulator;
let unifi: UnifiEmulator;
let plugin: DynamicProviderPlugin;
let deployment: Deployment;
let current: Goal[];
let old: Goal[];

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

/** The goal as the release registered it: its provider text and version. */
function asReleased(goal: Goal): Goal {
  const code = typeOfUrn(goal.urn).includes("/fortios:") ? released.fortios : released.unifi;
  return {
    ...goal,
    inputs: { ...goal.inputs, __provider: code.text, version: code.version },
  };
}

before(async () => {
  const started = await startFortiGate();
  fortigate = started.emulator;
  unifi = new UnifiEmulator({ firewall: "legacy" });
  const controller = await unifi.start();
  plugin = await DynamicProviderPlugin.start();
  await plugin.configure(CONFIG, Object.keys(CONFIG));
  deployment = new Deployment(plugin);
  const fortios = { ...started.connection, tls: emulatorTls() };
  const connection = { controller, site: "default", auth: "apiKey" as const, tls: emulatorTls() };
  const run = await runProgram(deployment, "register", {
    project: plugin.project,
    stack: plugin.stack,
    config: CONFIG,
    secretKeys: Object.keys(CONFIG),
    program: async () => {
      for (const name of ["nas", "printer"]) {
        new CmdbObject(`addr-${name}`, {
          connection: fortios,
          path: "firewall/address",
          key: name,
          body: { name, type: "ipmask", subnet: `10.5.${name.length}.0 255.255.255.0` },
        });
      }
      new UnifiObject("net-cameras", {
        connection,
        path: collectionPath("default", "networkconf"),
        key: { name: "cameras" },
        body: networkBody({
          name: "cameras",
          purpose: "corporate",
          vlan: 70,
          gateway: "10.70.0.1",
          prefixLength: 24,
          isolated: true,
          internetAccess: false,
          igmpSnooping: false,
        }),
      });
      new UnifiObject("group-dns", {
        connection,
        path: collectionPath("default", "firewallgroup"),
        key: { name: "dns" },
        body: firewallGroupBody({ name: "dns", type: "port-group", members: ["53"] }),
      });
      return {};
    },
  });
  current = run.goals;
  old = current.map(asReleased);
});
after(async () => {
  await plugin.stop();
  await fortigate.stop();
  await unifi.stop();
});

describe(`an upgrade from ${RELEASE}, old and new provider code in one plugin process`, () => {
  it("the release's code creates the objects (the state an upgrade starts from)", async () => {
    assert.notEqual(released.fortios.text, current[0]!.inputs.__provider, "the code differs");
    for (const goal of old) assert.equal((await deployment.up(goal)).op, "create");
    assert.ok(fortigate.entry("firewall/address", "nas"));
    assert.ok(unifi.docs("networkconf").some((d) => d.name === "cameras"));
  });

  it("the new code previews an in-place update of each, with no failure", async () => {
    for (const goal of current) {
      const step = await deployment.preview(goal);
      assert.deepEqual(step.failures, [], nameOf(goal.urn));
      assert.equal(step.op, "update", nameOf(goal.urn));
      assert.deepEqual(step.diff?.replaces, [], nameOf(goal.urn));
    }
  });

  it("the release's code, in the same process, refreshes what the state holds: no drift", async () => {
    for (const entry of deployment.state.values())
      assert.equal(entry.outputs.__provider, entryText(entry.urn, "released"));
    assert.deepEqual(await deployment.refresh(), []);
  });

  it("the release's code deletes an object the program no longer has", async () => {
    const gone = deployment.state.get(current.find((g) => g.urn.endsWith("::addr-printer"))!.urn)!;
    await plugin.delete(gone.urn, gone.id, gone.inputs, gone.outputs);
    deployment.state.delete(gone.urn);
    assert.equal(fortigate.entry("firewall/address", "printer"), undefined);
  });

  it("the new code updates the others in place; then nothing changes", async () => {
    const kept = current.filter((g) => deployment.state.has(g.urn));
    for (const goal of kept) {
      assert.equal((await deployment.up(goal)).op, "update", nameOf(goal.urn));
      assert.equal(deployment.state.get(goal.urn)!.outputs.__provider, entryText(goal.urn, "new"));
    }
    for (const goal of kept) assert.equal((await deployment.preview(goal)).op, "same");
    assert.deepEqual(await deployment.refresh(), []);
    await deployment.destroy();
    assert.equal(plugin.stderr, "");
  });
});

function entryText(urn: string, which: "released" | "new"): string {
  if (which === "new") return current.find((g) => g.urn === urn)!.inputs.__provider as string;
  return typeOfUrn(urn).includes("/fortios:") ? released.fortios.text : released.unifi.text;
}

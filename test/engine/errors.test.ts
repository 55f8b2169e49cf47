/**
 * What a user reads when something goes wrong, as it reaches the engine from the plugin: the
 * device's refusal explained (FortiOS and UniFi, on create, update and delete), an
 * unreachable device on refresh, a credential the device refuses, and bad inputs as check
 * failures naming the property. Both providers run in one plugin process, as under the engine
 * (one `pulumi-nodejs` provider per stack). Never a credential in a message.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { collectionPath } from "../../src/devices/unifi/api";
import { networkBody, type NetworkSpec } from "../../src/devices/unifi/bodies";
import { CmdbObject } from "../../src/providers/fortios/resource";
import { UnifiObject } from "../../src/providers/unifi/resources";
import { EMULATOR_TOKEN, startFortiGate, type FortiGateEmulator } from "../emulators/fortigate";
import { TEST_API_KEY, UnifiEmulator } from "../emulators/unifi";
import { Deployment, runProgram, type Goal } from "./deployment";
import { DynamicProviderPlugin, EngineError } from "./plugin";
import { type PropertyMap } from "./properties";
import { emulatorTls } from "./stacks";

const CONFIG = {
  "homelab:fortigateApiToken": EMULATOR_TOKEN,
  "homelab:unifiApiKey": TEST_API_KEY,
};
const SECRETS = Object.keys(CONFIG);

let fortigate: FortiGateEmulator;
let fortigatePort: number;
let unifi: UnifiEmulator;
let unifiUrl: string;
let plugin: DynamicProviderPlugin;
let deployment: Deployment;

before(async () => {
  const started = await startFortiGate();
  fortigate = started.emulator;
  fortigatePort = started.connection.port;
  unifi = new UnifiEmulator({ firewall: "legacy" });
  unifiUrl = await unifi.start();
  plugin = await DynamicProviderPlugin.start();
  await plugin.configure(CONFIG, SECRETS);
  deployment = new Deployment(plugin);
});
after(async () => {
  await plugin.stop();
  await fortigate.stop();
  await unifi.stop();
});

const fortios = (overrides: Record<string, unknown> = {}) => ({
  host: "127.0.0.1",
  port: fortigatePort,
  vdom: "root",
  tls: emulatorTls(),
  timeoutMs: 2000,
  ...overrides,
});

/** A firewall address, by the project's resource class. */
function address(name: string, subnet: string, connection = fortios()): CmdbObject {
  return new CmdbObject(name, {
    connection,
    path: "firewall/address",
    key: name,
    body: { name, type: "ipmask", subnet },
  });
}

function network(name: string, vlan: number): NetworkSpec {
  return {
    name,
    purpose: "corporate",
    vlan,
    gateway: `10.9.${vlan}.1`,
    prefixLength: 24,
    isolated: false,
    internetAccess: true,
    igmpSnooping: false,
  };
}

/** The goals of resources made by the project's own resource classes. */
async function goals(program: () => void): Promise<Map<string, Goal>> {
  const run = await runProgram(deployment, "register", {
    project: plugin.project,
    stack: plugin.stack,
    config: CONFIG,
    secretKeys: SECRETS,
    program: async () => {
      program();
      return {};
    },
  });
  return new Map(run.goals.map((g) => [g.urn.slice(g.urn.lastIndexOf("::") + 2), g]));
}

async function failure(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof EngineError, String(error));
    for (const secret of Object.values(CONFIG)) assert.ok(!error.details.includes(secret));
    return error;
  }
  assert.fail("the call succeeded");
}

const withBody = (goal: Goal, body: PropertyMap): Goal => ({
  ...goal,
  inputs: { ...goal.inputs, body: { ...(goal.inputs.body as PropertyMap), ...body } },
});

describe("errors as the engine receives them", () => {
  it("FortiOS: a value the device refuses, on create", async () => {
    const { bad } = Object.fromEntries(
      await goals(() => {
        address("bad", "10.300.0.0 255.255.255.0");
      }),
    );
    const error = await failure(deployment.up(bad!));
    assert.match(
      error.details,
      /rejected POST firewall\/address \(FortiOS error -651\): the value "10\.300\.0\.0 255\.255\.255\.0" of subnet is invalid/,
    );
    assert.equal(fortigate.entry("firewall/address", "bad"), undefined);
  });

  it("FortiOS: a delete of an object still in use", async () => {
    const made = await goals(() => {
      address("used", "10.8.0.0 255.255.255.0");
      new CmdbObject("group", {
        connection: fortios(),
        path: "firewall/addrgrp",
        key: "group",
        body: { name: "group", member: [{ name: "used" }] },
      });
    });
    const used = await deployment.up(made.get("used")!);
    await deployment.up(made.get("group")!);
    const entry = used.entry;
    const error = await failure(plugin.delete(entry.urn, entry.id, entry.inputs, entry.outputs));
    assert.match(
      error.details,
      /cannot delete .*"used".*still used by other objects \(FortiOS error -23\)/,
    );
  });

  it("UniFi: a change the controller refuses, on update, with the controller's explanation", async () => {
    const made = await goals(() => {
      for (const [name, vlan] of [
        ["iot", 61],
        ["lab", 62],
      ] as const) {
        new UnifiObject(name, {
          connection: { controller: unifiUrl, site: "default", auth: "apiKey", tls: emulatorTls() },
          path: collectionPath("default", "networkconf"),
          key: { name },
          body: networkBody(network(name, vlan)),
        });
      }
    });
    await deployment.up(made.get("iot")!);
    await deployment.up(made.get("lab")!);
    const error = await failure(deployment.up(withBody(made.get("lab")!, { vlan: 61 })));
    assert.match(error.details, /the VLAN id is already used by another network/);
  });

  it("a device that does not answer, on refresh: which device, and what to check", async () => {
    const made = await goals(() => {
      address("gone", "10.7.0.0 255.255.255.0", fortios({ retries: 0 }));
    });
    const { entry } = await deployment.up(made.get("gone")!);
    const moved = {
      ...entry.outputs,
      connection: { ...(entry.outputs.connection as PropertyMap), port: 1 },
    };
    const error = await failure(plugin.read(entry.urn, entry.id, moved, entry.inputs));
    assert.match(error.details, /127\.0\.0\.1:1 failed after 1 attempt: connection refused/);
    // The plugin also prints a failed read with its stack (index.js:258): the engine shows it.
    const printed = /FortiosError: .*127\.0\.0\.1:1 failed after 1 attempt/;
    assert.match(await plugin.stderrMatching(printed), printed);
  });

  it("a credential the device refuses: the config key to set, never the value", async () => {
    const wrong = await DynamicProviderPlugin.start();
    try {
      await wrong.configure({ "homelab:fortigateApiToken": "not-the-token-5d2e" }, SECRETS);
      const { probe } = Object.fromEntries(
        await goals(() => {
          address("probe", "10.6.0.0 255.255.255.0");
        }),
      );
      const error = await failure(wrong.create(probe!.urn, probe!.inputs));
      assert.match(error.details, /refused the API token \(HTTP 401\).*homelab:fortigateApiToken/);
      assert.ok(!error.details.includes("not-the-token-5d2e"));
      assert.ok(!wrong.stderr.includes("not-the-token-5d2e"));
    } finally {
      await wrong.stop();
    }
  });

  it("bad inputs are check failures naming the property, not errors", async () => {
    const made = await goals(() => {
      new CmdbObject("path", {
        connection: fortios(),
        path: "Firewall Address",
        key: "x",
        body: { name: "x" },
      });
      new UnifiObject("field", {
        connection: { controller: unifiUrl, site: "default", auth: "apiKey", tls: emulatorTls() },
        path: collectionPath("default", "networkconf"),
        key: { name: "field" },
        body: { ...networkBody(network("field", 63)), vlan: "sixty-three" },
      });
    });
    for (const [name, property] of [
      ["path", "path"],
      ["field", "body.vlan"],
    ] as const) {
      const goal = made.get(name)!;
      const checked = await plugin.check(goal.urn, undefined, goal.inputs, false);
      assert.deepEqual(
        checked.failures.map((f) => f.property),
        [property],
        name,
      );
      assert.ok(checked.failures[0]!.reason.length > 10, checked.failures[0]!.reason);
    }
  });

  it("an explained error reaches the user without the serialized code's stack frames", async () => {
    // Check, diff, read and delete failures are also printed by the plugin with their stack
    // (index.js:156, 202, 258, 299), which the engine shows as diagnostics.
    assert.match(await plugin.stderrMatching(/FortiosError: /), /FortiosError: /);
    assert.doesNotMatch(plugin.stderr, /\n\s+at /);
  });
});

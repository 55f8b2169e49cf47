/**
 * The provider as Pulumi stores it (`__provider`): serialized without any credential, then
 * loaded in a fresh Node process that has never seen the project, where it performs CRUD
 * against the emulated console with the credential from configure() or the environment.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { collectionPath } from "../../../src/devices/unifi/api";
import { firewallGroupBody } from "../../../src/devices/unifi/bodies";
import { unifiProvider } from "../../../src/providers/unifi/resources";
import { DEVICE_FINGERPRINT } from "../../emulators/server";
import { TEST_API_KEY, TEST_PASSWORD } from "../../emulators/unifi";
import { emulatorProcess } from "../../emulators/unifi-process";
import { UnifiClient } from "../../../src/providers/unifi/client";
import {
  runInFreshProcess,
  serializeProvider,
  type SerializedProvider,
} from "../../helpers/serialize";
import { MiniEngine } from "../../helpers/engine";
import { WG_KEY } from "./harness";

// The console runs in its own process: the fresh process is started synchronously.
let url = "";
let stop = () => {};
before(async () => {
  ({ url, stop } = await emulatorProcess());
});
after(() => stop());

const SCRIPT = `
const inputs = JSON.parse(process.env.INPUTS);
const out = {};
if (process.env.CONFIGURE_KEY) {
  await provider.configure({ config: {
    get: (k) => (k === "homelab:unifiApiKey" ? process.env.CONFIGURE_KEY : undefined),
    require: (k) => { throw new Error("missing " + k); },
  } });
}
const checked = await provider.check({}, inputs);
out.failures = checked.failures || [];
const created = await provider.create(checked.inputs);
out.id = created.id;
out.createdOuts = created.outs;
const read = await provider.read(created.id, created.outs);
out.readSame = JSON.stringify(read.props) === JSON.stringify(created.outs);
const changed = { ...checked.inputs, body: { ...checked.inputs.body, group_members: ["443"] } };
out.diff = await provider.diff(created.id, created.outs, changed);
const updated = await provider.update(created.id, created.outs, changed);
out.updatedMembers = updated.outs.body.group_members;
out.existed = (await provider.read(created.id, updated.outs)).id === created.id;
await provider.delete(created.id, updated.outs);
console.log(JSON.stringify(out));
process.exit(0); // the client keeps its connections open for the next call
`;

/** The inputs of a port group on the emulated console. */
function groupInputs(name: string) {
  return {
    connection: {
      controller: url,
      site: "default",
      auth: "apiKey",
      tls: { fingerprint: DEVICE_FINGERPRINT },
    },
    path: collectionPath("default", "firewallgroup"),
    key: { name },
    body: firewallGroupBody({ name, type: "port-group", members: ["80"] }),
    kind: "object",
    adopt: false,
    version: "1",
  };
}

describe("serialized UniFi provider", () => {
  // Serialized once, after configure() ran in this process with every credential: the text
  // each test checks or runs in a fresh process is the one Pulumi would store then.
  let serialized: SerializedProvider;
  before(async () => {
    await new MiniEngine(unifiProvider).configure({
      "homelab:unifiApiKey": TEST_API_KEY,
      "homelab:unifiPassword": TEST_PASSWORD,
      "homelab:wireguardPrivateKey": WG_KEY,
    });
    serialized = await serializeProvider(unifiProvider);
  });

  it("contains no credential, even after configure() ran in this process", () => {
    assert.equal(serialized.containsSecrets, false);
    for (const secret of [TEST_API_KEY, TEST_PASSWORD, WG_KEY]) {
      assert.ok(!serialized.text.includes(secret), "a credential is in the serialized provider");
    }
    assert.ok(!/\bzod\b/.test(serialized.text), "no library object captured");
    // It is stored in the state of every UniFi object: 100.5 kB before the shared kit
    // (issue 15), 111.6 kB with it, 119.6 kB with the controller's own field patterns
    // verbatim, the defaults of fields it does not keep and the port checks (issue 12);
    // the budget leaves ~4%.
    assert.ok(serialized.text.length < 125_000, `${serialized.text.length} characters`);
  });

  it("fails from a fresh process with its message: no API key, and how to set one", () => {
    const run = runInFreshProcess(serialized, SCRIPT, {
      INPUTS: JSON.stringify(groupInputs("nokey")),
    });
    assert.equal(run.status, 3);
    assert.match(
      run.stderr,
      /^UnifiError: no UniFi API key: create one in the Network application/,
    );
  });

  for (const source of ["configure", "environment"] as const) {
    it(`does CRUD from a fresh process with the credential from ${source}`, async () => {
      const name = `serialized-${source}`;
      const inputs = groupInputs(name);
      const run = runInFreshProcess(serialized, SCRIPT, {
        INPUTS: JSON.stringify(inputs),
        ...(source === "configure"
          ? { CONFIGURE_KEY: TEST_API_KEY }
          : { UNIFI_API_KEY: TEST_API_KEY }),
      });
      assert.equal(run.status, 0, run.stderr);
      const out = JSON.parse(run.stdout) as {
        failures: unknown[];
        id: string;
        readSame: boolean;
        diff: { changes: boolean; replaces: string[] };
        updatedMembers: string[];
        existed: boolean;
      };
      assert.equal(out.existed, true);
      assert.deepEqual(out.failures, []);
      assert.match(out.id, /^[0-9a-f]{24}$/);
      assert.equal(out.readSame, true);
      assert.deepEqual(out.diff, { changes: true, replaces: [] });
      assert.deepEqual(out.updatedMembers, ["443"]);
      const client = new UnifiClient({
        connection: {
          controller: url,
          site: "default",
          auth: "apiKey",
          tls: { fingerprint: DEVICE_FINGERPRINT },
        },
        credentials: { apiKey: TEST_API_KEY },
      });
      const groups = await client.list(inputs.path);
      client.close();
      assert.deepEqual(
        groups.filter((g) => g.name === name),
        [],
        "created, then deleted",
      );
    });
  }
});

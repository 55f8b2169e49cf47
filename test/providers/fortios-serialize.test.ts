/**
 * The provider as Pulumi stores it (`__provider`, from `pulumi.runtime.serializeFunction`)
 * still performs CRUD against the emulator when evaluated in a fresh Node process (plain
 * node, no tsx, no project code), and its text contains no credential, even after this
 * process configured the very same provider instance with the token.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { MiniEngine } from "../helpers/engine";
import {
  runInFreshProcess,
  serializeProvider,
  type SerializedProvider,
} from "../helpers/serialize";
import { EMULATOR_TOKEN } from "../emulators/fortigate";
import { DEVICE_FINGERPRINT } from "../emulators/server";
import { FortiosClient, type FortiosConnection } from "../../src/providers/fortios/client";
import { fortiosProvider } from "../../src/providers/fortios/provider";
import { fortiosCheckProvider } from "../../src/providers/fortios/check";
import { PATHS } from "../../src/devices/fortios/tables";
import { PSK, inputsOf, samples } from "./fortios-fixtures";

let device: ChildProcess;
let connection: FortiosConnection & { port: number };
let client: FortiosClient;
let serialized: SerializedProvider;

/** Starts the emulator in its own process (this one blocks while the fresh process runs). */
async function startDeviceProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      "--require",
      join(__dirname, "..", "..", "src", "boot", "register.js"),
      join(__dirname, "..", "emulators", "fortigate-process.ts"),
    ],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    let buffer = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      if (buffer.includes("\n")) resolve(buffer.split("\n")[0]!);
    });
    child.once("exit", (code) => reject(new Error(`emulator process exited (${String(code)})`)));
  });
  return { child, url: (JSON.parse(line) as { url: string }).url };
}

before(async () => {
  const started = await startDeviceProcess();
  device = started.child;
  connection = {
    host: "127.0.0.1",
    port: Number(new URL(started.url).port),
    vdom: "root",
    tls: { fingerprint: DEVICE_FINGERPRINT },
    timeoutMs: 5000,
  };
  client = new FortiosClient(connection, { token: () => EMULATOR_TOKEN });
  // Configure the shared instance here first, and use it: if the token or a client lived on
  // the provider object, serializing it now would capture them.
  await new MiniEngine(fortiosProvider).configure({ "homelab:fortigateApiToken": EMULATOR_TOKEN });
  assert.equal(await fortiosProvider.client(connection).get(PATHS.address, "nosuch"), undefined);
  serialized = await serializeProvider(fortiosProvider);
});
after(() => {
  client.close();
  fortiosProvider.forget();
  device.stdin!.end();
});

/** Runs the deserialized provider on `inputs` in a fresh process: `phase` create or delete. */
const SCRIPT = `
const connection = JSON.parse(process.env.CONNECTION);
if (process.env.VIA_CONFIG) {
  await provider.configure({ config: {
    get: (key) => (key === "homelab:fortigateApiToken" ? process.env.VIA_CONFIG : undefined),
    require: (key) => { throw new Error(key); },
  } });
}
const out = {};
for (const input of JSON.parse(process.env.INPUTS)) {
  const news = { ...input, connection };
  if (process.env.PHASE === "create") {
    out[input.key + ":check"] = (await provider.check({}, news)).failures;
    const created = await provider.create(news);
    out[input.key + ":id"] = created.id;
    out[input.key + ":read"] = await provider.read(created.id, created.outs);
    const changed = { ...news, body: { ...news.body, comments: "changed from a fresh process" } };
    out[input.key + ":diff"] = await provider.diff(created.id, created.outs, changed);
    out[input.key + ":outs"] = (await provider.update(created.id, created.outs, changed)).outs;
  } else {
    await provider.delete("id", JSON.parse(process.env.OUTS)[input.key]);
  }
}
console.log(JSON.stringify(out));
process.exit(0);
`;

function inputs() {
  const pick = (name: string) => samples().find((s) => s.name === name)!.spec;
  return [inputsOf(pick("pl-out"), connection), inputsOf(pick("phase1"), connection)].map(
    ({ connection: _c, ...rest }) => rest,
  );
}

function fresh(phase: "create" | "delete", env: Record<string, string>, outs: unknown = {}) {
  return runInFreshProcess(serialized, SCRIPT, {
    CONNECTION: JSON.stringify(connection),
    INPUTS: JSON.stringify(inputs()),
    PHASE: phase,
    OUTS: JSON.stringify(outs),
    ...env,
  });
}

describe("serialized FortiOS provider", () => {
  it("contains no credential and no secret", () => {
    assert.equal(serialized.containsSecrets, false);
    assert.ok(serialized.text.length > 1000);
    assert.ok(
      !serialized.text.includes(EMULATOR_TOKEN),
      "the token is not in the serialized provider",
    );
    assert.ok(!serialized.text.includes(PSK));
    assert.match(
      serialized.text,
      /require\("(node:)?https"\)/,
      "built-ins are required, not inlined",
    );
  });

  it("stays small: it is stored in the state of every FortiOS object", () => {
    // 75.5 kB before the shared kit (issue 15), 82.4 kB with it, 90 kB with issue 12 (the
    // multi-value options of Fortinet's schema, lost answers to a GET, referents); the budget
    // leaves ~5%.
    assert.ok(serialized.text.length < 95_000, `${serialized.text.length} characters`);
  });

  for (const via of ["stack config (configure)", "environment (FORTIOS_API_TOKEN)"]) {
    it(`performs CRUD from a fresh Node process, token from the ${via}`, async () => {
      const env: Record<string, string> = via.startsWith("stack")
        ? { VIA_CONFIG: EMULATOR_TOKEN }
        : { FORTIOS_API_TOKEN: EMULATOR_TOKEN };
      const created = fresh("create", env);
      assert.equal(created.status, 0, created.stderr);
      const out = JSON.parse(created.stdout) as Record<string, unknown>;
      assert.deepEqual(out["fgn-baptiste:check"], []);
      assert.equal(out["fgn-baptiste:id"], "root/vpn.ipsec/phase1-interface/fgn-baptiste");
      const read = out["fgn-baptiste-out:read"] as { id: string; inputs?: unknown };
      assert.equal(read.id, "root/router/prefix-list/fgn-baptiste-out");
      assert.equal(read.inputs, undefined, "read back unchanged");
      assert.equal((out["fgn-baptiste:diff"] as { changes: boolean }).changes, true);
      const outs = out["fgn-baptiste:outs"] as { applied: { psksecret: string } };
      assert.match(outs.applied.psksecret, /^sha256:/);
      assert.ok(!created.stdout.includes(PSK) && !created.stderr.includes(EMULATOR_TOKEN));

      // The device has what the fresh process created and updated.
      const phase1 = await client.get(PATHS.phase1, "fgn-baptiste");
      assert.equal(phase1?.comments, "changed from a fresh process");
      assert.equal((await client.get(PATHS.interface, "fgn-baptiste"))?.type, "tunnel");
      assert.equal(
        (await client.get(PATHS.prefixList, "fgn-baptiste-out"))?.comments,
        "changed from a fresh process",
      );

      const deleted = fresh("delete", env, {
        "fgn-baptiste-out": out["fgn-baptiste-out:outs"],
        "fgn-baptiste": out["fgn-baptiste:outs"],
      });
      assert.equal(deleted.status, 0, deleted.stderr);
      assert.equal(await client.get(PATHS.phase1, "fgn-baptiste"), undefined);
      assert.equal(await client.get(PATHS.prefixList, "fgn-baptiste-out"), undefined);
    });
  }

  it("without any token, fails with the instruction to set one", () => {
    const run = fresh("create", {});
    assert.equal(run.status, 3);
    assert.match(
      run.stderr,
      /^FortiosError: no API token for FortiGate 127\.0\.0\.1:\d+: set it with "pulumi config set --secret homelab:fortigateApiToken"/,
    );
  });
});

describe("serialized FortiOS device check", () => {
  const CHECK = `
const connection = JSON.parse(process.env.CONNECTION);
await provider.configure({ config: {
  get: (key) => (key === "homelab:fortigateApiToken" ? process.env.TOKEN : undefined),
  require: (key) => { throw new Error(key); },
} });
const check = (members) => provider.check({}, {
  connection, aggregates: [{ name: "lan", members }], managementInterface: "lan", version: "v",
});
console.log(JSON.stringify({
  free: (await check(["internal1", "internal2"])).failures,
  missing: (await check(["internal1", "internal9"])).failures,
}));
process.exit(0);
`;

  it("reads the device from a fresh Node process, and carries no credential", async () => {
    await new MiniEngine(fortiosCheckProvider).configure({
      "homelab:fortigateApiToken": EMULATOR_TOKEN,
    });
    const check = await serializeProvider(fortiosCheckProvider);
    assert.equal(check.containsSecrets, false);
    assert.ok(!check.text.includes(EMULATOR_TOKEN));
    // 61 kB: the client and its transport (src/providers/http.ts) make most of it.
    assert.ok(check.text.length < 66_000, `${check.text.length} characters`);
    const run = runInFreshProcess(check, CHECK, {
      CONNECTION: JSON.stringify(connection),
      TOKEN: EMULATOR_TOKEN,
    });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { free: unknown[]; missing: { reason: string }[] };
    assert.deepEqual(out.free, []);
    assert.match(
      out.missing[0]!.reason,
      /port "internal9" does not exist on FortiGate 127\.0\.0\.1:\d+/,
    );
  });
});

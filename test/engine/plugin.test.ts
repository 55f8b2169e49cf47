/**
 * What the engine and the SDK's dynamic-provider plugin do to any dynamic provider, shown with
 * probe providers over gRPC (test/engine/plugin.ts starts the plugin as the engine does): how
 * it starts, what `configure` receives, how secrets and unknowns travel, that one process
 * serves several provider texts, how errors and results reach the engine. The device
 * providers are held to these facts in the other files of this folder.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { version as sdkVersion } from "@pulumi/pulumi/version";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { CheckRequest } from "@pulumi/pulumi/proto/provider_pb";
import { DynamicProviderPlugin, EngineError, ROOT, withSdkStrings } from "./plugin";
import { providerText, probe } from "./probe";
import { Computed, Secret, plainStrings, type PropertyMap } from "./properties";

const TOKEN = "probe-token-0f3c9a7d2b";
const PSK = "probe-psk-5e1d8c4b7a";
const SITE = JSON.stringify({ name: "probe", domains: ["probe.example"] });

let plugin: DynamicProviderPlugin;
let textA: string;
let textB: string;

before(async () => {
  [textA, textB] = await Promise.all([providerText(probe("A")), providerText(probe("B"))]);
  // The SDK's plugin exactly as the engine starts it (the stack files give it plugin-preload.js).
  plugin = await DynamicProviderPlugin.start({ preload: false });
});
after(() => plugin.stop());

const urn = (name: string) => plugin.urn("pulumi-nodejs:dynamic:Probe", name);
const create = (name: string, inputs: PropertyMap, text = textA) =>
  plugin.create(urn(name), { __provider: text, ...inputs });
const failure = async (promise: Promise<unknown>): Promise<EngineError> => {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof EngineError, String(error));
    return error;
  }
  assert.fail("the call succeeded");
};

describe("the harness's preload of the plugin processes (plugin-preload.js)", () => {
  it("codes strings with Node and leaves the SDK's closure serializer unloaded", () => {
    const script = `const pulumi = require("@pulumi/pulumi");
      const { BinaryWriter } = require("google-protobuf");
      const loaded = (name) => Object.keys(require.cache).some((p) => p.includes("/node_modules/" + name + "/"));
      console.log(JSON.stringify({
        sdk: typeof pulumi.dynamic.Resource,
        typescript: loaded("typescript"),
        nativeStrings: /Buffer\\.from/.test(BinaryWriter.prototype.writeString.toString()),
      }));`;
    const result = spawnSync(process.execPath, ["-e", script], {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        ...process.env,
        NODE_OPTIONS: `--require ${JSON.stringify(join(__dirname, "plugin-preload.js"))}`,
      },
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      sdk: "function",
      typescript: false,
      nativeStrings: true,
    });
  });
});

describe("the harness's protobuf strings", () => {
  const text = `exports.handler = __f0; // é → 😀 ${"x".repeat(5000)} \u0000 \uffff \u{10ffff}`;
  const message = () =>
    new CheckRequest()
      .setUrn("urn:pulumi:s::p::t::😀")
      .setNews(Struct.fromJavaScript({ __provider: text, empty: "", nested: { a: [text] } }));

  it("are the bytes the protobuf runtime's own encoder writes", () => {
    const ours = message().serializeBinary();
    assert.ok(ours.length > 10_000);
    assert.deepEqual(
      Buffer.from(ours),
      Buffer.from(withSdkStrings(() => message().serializeBinary())),
    );
  });

  it("are the text the protobuf runtime's own decoder reads", () => {
    const bytes = message().serializeBinary();
    const ours = CheckRequest.deserializeBinary(bytes);
    const sdks = withSdkStrings(() => CheckRequest.deserializeBinary(bytes));
    assert.equal(ours.getUrn(), "urn:pulumi:s::p::t::😀");
    assert.deepEqual(ours.getNews()!.toJavaScript(), sdks.getNews()!.toJavaScript());
    assert.equal(ours.getNews()!.toJavaScript().__provider, text);
    assert.equal(ours.getUrn(), sdks.getUrn());
  });
});

describe("the dynamic-provider plugin under the engine", () => {
  it("starts as the engine starts it: a port on stdout, no Handshake, the SDK's version", async () => {
    assert.deepEqual(plugin.argv.slice(0, -1), [
      process.execPath,
      require.resolve("@pulumi/pulumi/cmd/dynamic-provider"),
    ]);
    assert.ok(plugin.timings.startMs > 0);
    assert.equal(plugin.handshakeImplemented, false, "Handshake is UNIMPLEMENTED: fallback");
    assert.equal(plugin.version, sdkVersion);
    assert.equal(await plugin.checkConfig({}), "unimplemented");
  });

  it("is configured with the whole stack config: full keys, strings, secrets unwrapped there only", async () => {
    const protocol = await plugin.configure(
      { "homelab:fortigateApiToken": TOKEN, "homelab:site": SITE, "proxmoxve:endpoint": "x" },
      ["homelab:fortigateApiToken"],
    );
    assert.deepEqual(protocol, { acceptSecrets: false, supportsPreview: false });
    const { outputs } = await create("config", {});
    // Plain node in the project directory: Pulumi.yaml's nodeargs (the preload) are the program's.
    assert.deepEqual(outputs.execArgv, []);
    assert.equal(outputs.cwd, ROOT);
    assert.deepEqual(outputs.seen, {
      fullKey: TOKEN,
      // A short key is qualified with the project (PULUMI_NODEJS_PROJECT, from Pulumi.yaml).
      shortKey: TOKEN,
      site: SITE,
      configured: 1,
    });
  });

  it("sends secrets as plain values and marks secret again only same-named results", async () => {
    const news: PropertyMap = { __provider: textA, psk: new Secret(PSK), behave: "echo-secret" };
    const checked = await plugin.check(urn("secret"), undefined, news, false);
    assert.ok(checked.inputs.psk instanceof Secret, "check's echo is secret again (by name)");
    const { outputs } = await plugin.create(urn("secret"), checked.inputs);
    // The provider saw the value itself...
    assert.equal((outputs.inputs as PropertyMap).psk instanceof Secret, false);
    // ...and whatever it returns under another name than an input's is stored in clear: a
    // provider must never return a secret (ours keep salted hashes).
    const clear = plainStrings(outputs).filter((s) => s.text === PSK);
    assert.deepEqual(
      clear.map((s) => s.path),
      ["copy", "inputs.psk"],
    );
  });

  it("hands unknowns to check as the string sentinel, and calls no create in a preview", async () => {
    const news: PropertyMap = { __provider: textA, body: { ref: new Computed() } };
    const checked = await plugin.check(urn("unknown"), undefined, news, true);
    assert.ok((checked.inputs.body as PropertyMap).ref instanceof Computed);
    const creates = plugin.timings.calls.create?.length ?? 0;
    const preview = await plugin.create(urn("unknown"), checked.inputs, true);
    assert.equal(plugin.timings.calls.create?.length ?? 0, creates, "no Create RPC");
    assert.deepEqual(preview, { id: "", outputs: checked.inputs });
    // Outside a preview the engine leaves an unknown out of the request (rpc.go:171).
    const up = await plugin.check(urn("unknown"), undefined, news, false);
    assert.deepEqual(up.inputs.body, {});
  });

  it("serves several provider texts in one process, each deserialized and configured once", async () => {
    const a = await create("a1", {});
    const b = await create("b1", {}, textB);
    const a2 = await create("a2", {});
    assert.equal(a.outputs.marker, "A");
    assert.equal(b.outputs.marker, "B");
    assert.equal((b.outputs.seen as PropertyMap).fullKey, TOKEN, "B was configured too");
    assert.equal((a2.outputs.seen as PropertyMap).configured, 1);
    assert.equal((b.outputs.seen as PropertyMap).configured, 1);
    assert.equal(a.outputs.processes, b.outputs.processes, "one process");
    assert.equal(Number(a2.outputs.writes), Number(b.outputs.writes) + 1, "one globalThis");
  });

  it("passes a thrown error's message to the engine, and nothing useful when it has none", async () => {
    const lost = await failure(create("lost", { behave: "message-lost" }));
    assert.equal(lost.details, "", "an Error whose message was not set reaches the engine empty");
    const thrown = await failure(create("string", { behave: "not-an-error" }));
    assert.equal(thrown.details, "undefined", "a thrown non-Error reaches the engine as such");
    const check = await failure(
      plugin.check(urn("check"), undefined, { __provider: textA, behave: "check-throws" }, true),
    );
    assert.equal(check.details, "probe A refuses to check");
    const printed = /Error: probe A refuses to check: Error: probe A refuses to check\n\s+at /;
    assert.match(await plugin.stderrMatching(printed), printed);
  });

  it("fails a result holding undefined after the provider wrote", async () => {
    const before = Number((await create("count", {})).outputs.writes);
    const error = await failure(create("undefined", { behave: "undefined" }));
    assert.match(error.details, /Unexpected struct type/);
    const after = Number((await create("count2", {})).outputs.writes);
    assert.equal(after, before + 2, "the failed create had written");
  });
});

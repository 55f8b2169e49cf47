/**
 * The deferral of the Pulumi SDK's closure modules (src/boot/defer-closure.js). The first
 * test FAILS when an SDK upgrade moves or changes those modules: the guard then leaves the
 * SDK alone (every process pays for them again), so fix DEFERRED or drop the deferral.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import "@pulumi/pulumi";

const { deferAutomation, deferClosureModules, AUTOMATION, DEFERRED } =
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JavaScript module
  require("../../src/boot/defer-closure.js") as {
    deferClosureModules: (from?: string) => { deferred?: string[]; skipped?: string };
    deferAutomation: (from?: string) => { deferred?: string[]; skipped?: string };
    DEFERRED: Record<string, string[]>;
    AUTOMATION: { consumer: string; line: string; module: string; esModule: string };
  };

const ROOT = join(__dirname, "..", "..");
const SDK = dirname(require.resolve("@pulumi/pulumi/package.json"));

/** Runs a script with the .ts hook, with or without the deferral; prints JSON. */
function node(script: string, defer: boolean): unknown {
  const boot = defer
    ? `require("./src/boot/register.js");`
    : `require("./src/boot/typescript.js").register();`;
  const result = spawnSync(process.execPath, ["-e", boot + script], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

const LOADED = `const loaded = (name) => Object.keys(require.cache).some((p) => p.includes("/node_modules/" + name + "/"));`;

/** `make()`, the first time it is asked for. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/** What the guards find in this SDK, in a process that has not loaded it. */
const found = once(
  () =>
    node(
      `const boot = require("./src/boot/defer-closure.js");
      console.log(JSON.stringify({
        closure: boot.deferClosureModules(process.cwd()),
        automation: boot.deferAutomation(process.cwd()),
      }))`,
      false,
    ) as { closure: unknown; automation: unknown },
);

/**
 * One process with the deferrals, one without: what loads when (both snapshots taken right
 * after the SDK loads), what the Automation API's first use gives, then what serializing
 * gives.
 */
const SCRIPT = `${LOADED}
  const pulumi = require("@pulumi/pulumi");
  const before = {
    typescript: loaded("typescript"), arborist: loaded("@npmcli/arborist"),
    automation: Object.keys(require.cache).filter((p) => p.includes("/@pulumi/pulumi/automation/") && !require.cache[p].deferredStandIn).length,
    execa: loaded("execa"),
  };
  const namespace = pulumi.automation;
  const keys = Object.keys(namespace).sort();
  const realAutomation = require("@pulumi/pulumi/automation");
  const automation = {
    before: { automation: before.automation, execa: before.execa },
    keys, esModule: namespace.__esModule,
    same: keys.every((k) => namespace[k] === realAutomation[k]),
    workspace: typeof namespace.LocalWorkspace.create, has: "LocalWorkspace" in namespace,
    after: loaded("execa"),
  };
  const { fortiosProvider } = require("./src/providers/fortios/provider.ts");
  const { unifiProvider } = require("./src/providers/unifi/resources.ts");
  Promise.all([() => 42, () => fortiosProvider, () => unifiProvider].map((f) =>
    pulumi.runtime.serializeFunction(f, { allowSecrets: true }).then((s) => s.text),
  )).then((texts) => console.log(JSON.stringify({
    before: { typescript: before.typescript, arborist: before.arborist },
    after: loaded("typescript"), texts,
    real: require.cache[require.resolve("@pulumi/pulumi/runtime/closure/serializeClosure")].exports.serializeFunction.toString().includes("serializeJavaScriptText"),
    automation,
  })));`;
interface Run {
  before: { typescript: boolean; arborist: boolean };
  after: boolean;
  texts: string[];
  real: boolean;
  automation: Record<string, unknown>;
}
const runs = once(() => ({
  deferred: node(SCRIPT, true) as Run,
  eager: node(SCRIPT, false) as Run,
}));

describe("deferring the SDK's closure modules", () => {
  it("finds both modules where this SDK version keeps them, with the expected exports", () => {
    assert.deepEqual(found().closure, {
      deferred: Object.keys(DEFERRED).map((file) => join(SDK, file)),
    });
  });

  it('require("@pulumi/pulumi") then loads neither TypeScript nor arborist; the first serialization does', () => {
    const { deferred, eager } = runs();
    assert.deepEqual(deferred.before, { typescript: false, arborist: false });
    assert.equal(deferred.after, true);
    assert.equal(deferred.real, true, "the real module replaced the stand-in");
    assert.match(deferred.texts[0]!, /\(\) => 42/);
    assert.deepEqual(eager.before, { typescript: true, arborist: true }, "the SDK loads them");
  });

  it("serializes our dynamic providers to the same text, byte for byte", () => {
    const { deferred, eager } = runs();
    assert.equal(deferred.texts.length, 3);
    assert.ok(deferred.texts.slice(1).every((t) => t.length > 10_000));
    assert.deepEqual(deferred.texts, eager.texts);
  });

  it("does nothing once the SDK is loaded (this file imports it)", () => {
    assert.deepEqual(deferClosureModules(ROOT), { skipped: "the SDK is already loaded" });
  });

  it("does nothing when a module moved or exports something else", () => {
    /** A copy of the SDK's package.json and runtime/closure files under a fresh root. */
    const fakeSdk = (edit: (files: Record<string, string>) => void): string => {
      const root = mkdtempSync(join(tmpdir(), "fake-sdk-"));
      const sdk = join(root, "node_modules", "@pulumi", "pulumi");
      mkdirSync(join(sdk, "runtime", "closure"), { recursive: true });
      cpSync(join(SDK, "package.json"), join(sdk, "package.json"));
      const files: Record<string, string> = {};
      for (const file of Object.keys(DEFERRED)) files[file] = readFileSync(join(SDK, file), "utf8");
      edit(files);
      for (const [file, text] of Object.entries(files)) writeFileSync(join(sdk, file), text);
      return root;
    };
    const serialize = "runtime/closure/serializeClosure.js";
    const moved = fakeSdk((files) => delete files[serialize]);
    assert.match(deferClosureModules(moved).skipped ?? "", /serializeClosure\.js not found$/);
    const more = fakeSdk((files) => (files[serialize] += "\nexports.extra = extra;\n"));
    assert.match(
      deferClosureModules(more).skipped ?? "",
      /exports extra, serializeFunction, serializeFunctionAsync, expected serializeFunction, serializeFunctionAsync$/,
    );
    const notFunction = fakeSdk(
      (files) =>
        (files[serialize] = files[serialize]!.replace(
          "async function serializeFunction(",
          "const serializeFunction = async function (",
        )),
    );
    assert.match(
      deferClosureModules(notFunction).skipped ?? "",
      /serializeFunction is not a function declaration$/,
    );
  });
});

describe("deferring the SDK's Automation API", () => {
  it("finds it where this SDK version keeps it, imported as expected", () => {
    assert.deepEqual(found().automation, { deferred: [join(SDK, AUTOMATION.module)] });
  });

  it('require("@pulumi/pulumi") loads none of it; its first use loads the real module', () => {
    const deferred = runs().deferred.automation;
    const eager = runs().eager.automation;
    assert.deepEqual(deferred.before, { automation: 0, execa: false });
    assert.ok((eager.before as { automation: number }).automation > 5, "the SDK loads it");
    assert.ok((deferred.keys as string[]).includes("LocalWorkspace"));
    assert.deepEqual(deferred.keys, eager.keys);
    assert.deepEqual(
      [deferred.esModule, deferred.same, deferred.workspace, deferred.has, deferred.after],
      [true, true, "function", true, true],
    );
  });

  it("does nothing once the SDK is loaded, or when the SDK imports it otherwise", () => {
    assert.deepEqual(deferAutomation(ROOT), { skipped: "the SDK is already loaded" });
    const root = mkdtempSync(join(tmpdir(), "fake-sdk-"));
    const sdk = join(root, "node_modules", "@pulumi", "pulumi");
    mkdirSync(join(sdk, "automation"), { recursive: true });
    cpSync(join(SDK, "package.json"), join(sdk, "package.json"));
    const index = readFileSync(join(SDK, AUTOMATION.consumer), "utf8");
    writeFileSync(join(sdk, AUTOMATION.module), readFileSync(join(SDK, AUTOMATION.module)));
    writeFileSync(join(sdk, AUTOMATION.consumer), index.replace(AUTOMATION.line, ""));
    assert.match(deferAutomation(root).skipped ?? "", /index\.js does not have const automation/);
    writeFileSync(join(sdk, AUTOMATION.consumer), index);
    assert.deepEqual(deferAutomation(root), { deferred: [join(sdk, AUTOMATION.module)] });
  });
});

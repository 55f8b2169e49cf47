/**
 * `npm run plan`: in process (one plan of home, one of annex), and once as a subprocess.
 * `--json` shows, for each FortiOS object, its CMDB path, key and the exact JSON body that
 * would be sent, secrets as "[secret]".
 */
// test: own process (it checks that a plan never loads the closure serializer; test/helpers/batch.js)
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { UNSERIALIZED_PROVIDER } from "../../src/cli/mock-runtime";
import { planStack } from "../../src/cli/offline";
import { main } from "../../src/cli/plan";
import { evaluateFromRuntime } from "../../src/program";
import { runCli, runMain, type CliResult } from "../helpers/cli";
import { ANNEX, HOME, ROOT, pathOf, variant } from "../helpers/sites";

/** `--stack <name> --config <the fixture>` */
const args = (site: typeof HOME) => ["--stack", site.stack, "--config", pathOf(site)];

let home: CliResult;
before(async () => {
  home = await runMain(main, [...args(HOME), "--json"]);
});

describe("npm run plan", () => {
  it("--json prints exactly one JSON document in the documented shape", () => {
    assert.equal(home.status, 0, home.stderr);
    const plan = JSON.parse(home.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(plan), ["stack", "project", "resources", "outputs", "guardrails"]);
    assert.equal(plan.stack, "home");
    assert.equal(plan.project, "homelab");
    const resources = plan.resources as Record<string, unknown>[];
    assert.ok(resources.length >= 2);
    for (const resource of resources) {
      assert.deepEqual(Object.keys(resource), [
        "type",
        "name",
        "parent",
        "custom",
        "provider",
        "inputs",
        "options",
      ]);
      assert.deepEqual(Object.keys(resource.options as object), [
        "protect",
        "retainOnDelete",
        "deleteBeforeReplace",
        "ignoreChanges",
        "dependsOn",
        "aliases",
      ]);
      // Every custom resource but a provider has one; components and providers have none.
      const type = resource.type as string;
      const hasProvider = resource.custom === true && !type.startsWith("pulumi:providers:");
      assert.equal(resource.provider !== null, hasProvider, `${type} ${String(resource.name)}`);
    }
    const providerOf = (type: string, name: string) =>
      resources.find((r) => r.type === type && r.name === name)?.provider;
    // Explicit providers by "type::name"; a default one says so.
    assert.deepEqual(providerOf("docker:index/volume:Volume", "home-services-immich-volume-db"), {
      ref: "pulumi:providers:docker::home-services-host-immich-provider",
      default: false,
    });
    assert.deepEqual(
      providerOf(
        "random:index/randomPassword:RandomPassword",
        "home-services-generated-immich-db-password",
      ),
      { ref: "pulumi:providers:random::default", default: true },
    );
    assert.deepEqual(
      providerOf("pulumi-nodejs:dynamic/fortios:CmdbObject", "home-fortigate-addr-net-lan"),
      { ref: "pulumi:providers:pulumi-nodejs::default", default: true },
    );
    // Nothing is renamed in the example stacks: the only aliases are the ones the provider
    // packages declare for types they renamed (Cloudflare's record, Proxmox's TF-named types).
    const aliased = resources.filter((r) => (r.options as { aliases: string[] }).aliases.length);
    assert.deepEqual([...new Set(aliased.map((r) => r.type as string))].sort(), [
      "cloudflare:index/dnsRecord:DnsRecord",
      "proxmoxve:sdn/vnet:Vnet",
      "proxmoxve:sdn/zone/simple:Simple",
      "proxmoxve:storage/pbs:Pbs",
    ]);
    const stack = resources.find((r) => r.type === "pulumi:pulumi:Stack");
    assert.equal(stack?.parent, null);
    const root = resources.find((r) => r.type === "homelab:index:Homelab");
    assert.equal(root?.name, "home");
    assert.equal(root?.parent, "pulumi:pulumi:Stack::homelab-home");
    const outputs = plan.outputs as { federationPeers: string[] };
    assert.deepEqual(outputs.federationPeers, ["baptiste", "camille", "dorian", "estelle"]);
  });

  it("--json: every FortiOS object has its path, key (complex objects: none) and body", () => {
    const plan = JSON.parse(home.stdout) as {
      resources: { type: string; name: string; inputs: Record<string, unknown> }[];
    };
    const objects = plan.resources.filter(
      (r) => r.type === "pulumi-nodejs:dynamic/fortios:CmdbObject",
    );
    assert.ok(objects.length > 40);
    for (const o of objects) {
      assert.match(o.inputs.path as string, /^[a-z.]+\/[a-z0-9-]+$/, o.name);
      assert.ok(o.inputs.body && typeof o.inputs.body === "object", o.name);
      if (o.inputs.path === "router/bgp") assert.equal(o.inputs.key, undefined);
      else assert.ok(["string", "number"].includes(typeof o.inputs.key), o.name);
    }
    const phase1 = objects.find((o) => o.name === "home-fortigate-p1-fgn-baptiste")!;
    assert.equal(phase1.inputs.key, "fgn-baptiste");
    assert.equal((phase1.inputs.body as Record<string, unknown>).psksecret, "[secret]");
    assert.ok(!home.stdout.includes("offline-placeholder-psk"), "no PSK placeholder in clear");
  });

  it("prints a tree with counts per type and names the secrets a real run needs", async () => {
    const result = await runMain(main, args(ANNEX));
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^Plan for stack "annex" of project homelab: \d+ resources/);
    assert.match(result.stdout, /└─ pulumi:pulumi:Stack {2}homelab-annex/);
    assert.match(
      result.stdout,
      /Resources by type:\n(\s+\d+ {2}\S+\n)*\s+1 {2}homelab:index:Homelab\n/,
    );
    assert.match(result.stdout, /homelab:unifiApiKey, homelab:wireguardPrivateKey/);
  });

  it("invalid config: the report on stderr, exit 1, nothing on stdout", async () => {
    const broken = variant(HOME, (text) =>
      text
        .replace("powered: false", "powerd: false")
        .replace("node: pve1\n        vmid: 105", "node: pve2\n        vmid: 105"),
    );
    const result = await runMain(main, ["--stack", "home", "--config", broken.file, "--json"]);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /^Invalid configuration: 1 problem/);
    assert.ok(result.stderr.includes(`${broken.file}:`), result.stderr);
    assert.match(
      result.stderr,
      /\.yaml:\d+:\d+ {2}homelab:proxmox\.nodes\[1\]\.powerd\n {4}unknown key "powerd": did you mean "powered"\?/,
    );
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
  });

  it("usage errors exit 2 with the usage text", async () => {
    const result = await runMain(main, []);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--stack is required\n\nusage: npm run plan/);
    const missing = await runMain(main, ["--stack", "no/such"]);
    assert.equal(missing.status, 2);
    assert.match(
      missing.stderr,
      /^--stack: unknown stack "no\/such" \(no Pulumi\.no\/such\.yaml\): /,
    );
    const file = await runMain(main, ["--stack", "home", "--config", "nowhere.yaml"]);
    assert.equal(file.status, 1);
    assert.match(
      file.stderr,
      /nowhere\.yaml {2}\(top level\)\n {4}cannot read nowhere\.yaml: file not found/,
    );
  });

  it("serializes no dynamic provider, and leaves the SDK's serializer working", async () => {
    const loaded = () => Object.keys(require.cache).some((p) => p.includes("/typescript/"));
    assert.equal(loaded(), false, "the closure serializer (with TypeScript) never loaded");
    const provider = { create: async () => ({ id: "x" }) };
    const serialized = await pulumi.runtime.serializeFunction(() => provider);
    assert.notEqual(serialized.text, UNSERIALIZED_PROVIDER);
    // (The .ts hook minifies whitespace: `async()=>({id:"x"})`.)
    assert.match(serialized.text, /return async ?\(\) ?=> ?\(\{ ?id: ?"x" ?\}\);/);
    assert.equal(loaded(), true);
  });

  it("validates the stack once: the program gets the site the plan validated", async () => {
    let seen: unknown;
    const { loaded } = await planStack(ROOT, ANNEX.stack, pathOf(ANNEX), async () => {
      seen = (await evaluateFromRuntime()).loaded;
      return {};
    });
    assert.equal(seen, loaded);
  });

  it("as a subprocess, as npm runs it: the same document", () => {
    const result = runCli("plan", [...args(HOME), "--json"]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, "");
    assert.equal(result.stdout, home.stdout);
  });
});

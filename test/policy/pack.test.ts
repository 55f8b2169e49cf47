/**
 * The policy pack (policy/) started and spoken to as the Pulumi CLI does it: the Node.js
 * language host runs `@pulumi/pulumi/cmd/run-policy-pack <engine> <pack dir>` in the pack's
 * directory (pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go RunPlugin: analyzer plugins
 * get the program directory last and run there), reads the port it prints, and calls the
 * Analyzer service (proto/pulumi/analyzer.proto) with the SDK's own stubs: Analyze for each
 * resource's inputs before its step, AnalyzeStack once at the end. No engine runs here: the
 * address passed is never dialled unless the pack logs an error.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as rpc from "@pulumi/pulumi/proto/analyzer_pb";
import { marshal, Secret, type PropertyMap } from "../engine/properties";

const ROOT = join(__dirname, "..", "..");
const PACK = join(ROOT, "policy");
const FORTIOS = "pulumi-nodejs:dynamic/fortios:CmdbObject";

let child: ChildProcess;
let client: AnalyzerClient;
let stderr = "";

before(async () => {
  const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK] });
  child = spawn(process.execPath, [runner, "127.0.0.1:1", PACK], {
    cwd: PACK,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const line = /^(\d+)\n/.exec(out);
      if (line) resolve(Number(line[1]));
    });
    child.on("exit", (code) => reject(new Error(`the pack exited (${String(code)}): ${stderr}`)));
  });
  client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

after(() => {
  client?.close();
  child?.kill();
});

/** One unary call, as a promise. */
function call<Res>(
  send: (callback: (error: grpc.ServiceError | null, response: Res) => void) => unknown,
): Promise<Res> {
  return new Promise((resolve, reject) =>
    send((error, response) => (error ? reject(error) : resolve(response))),
  );
}

const urnOf = (type: string, name: string) => `urn:pulumi:home::homelab::${type}::${name}`;

interface Resource {
  readonly type: string;
  readonly name: string;
  readonly props: PropertyMap;
  readonly protect?: boolean;
}

function options(r: Resource): rpc.AnalyzerResourceOptions {
  return new rpc.AnalyzerResourceOptions().setProtect(r.protect ?? false);
}

/** The properties as the engine sends them to an analyzer (secrets kept, marked). */
function struct(props: PropertyMap): Struct {
  return Struct.fromJavaScript(marshal(props, { keepSecrets: true, keepUnknowns: true }));
}

interface Diagnostic {
  readonly policy: string;
  readonly level: string;
  readonly message: string;
  readonly urn: string;
}

function diagnostics(response: rpc.AnalyzeResponse): Diagnostic[] {
  return response.getDiagnosticsList().map((d) => ({
    policy: d.getPolicyname(),
    level: d.getEnforcementlevel() === rpc.EnforcementLevel.MANDATORY ? "mandatory" : "advisory",
    message: d.getMessage(),
    urn: d.getUrn(),
  }));
}

async function analyze(r: Resource): Promise<Diagnostic[]> {
  const request = new rpc.AnalyzeRequest()
    .setType(r.type)
    .setName(r.name)
    .setUrn(urnOf(r.type, r.name))
    .setProperties(struct(r.props))
    .setOptions(options(r));
  return diagnostics(await call((cb) => client.analyze(request, cb)));
}

async function analyzeStack(resources: readonly Resource[]): Promise<Diagnostic[]> {
  const request = new rpc.AnalyzeStackRequest().setResourcesList(
    resources.map((r) =>
      new rpc.AnalyzerResource()
        .setType(r.type)
        .setName(r.name)
        .setUrn(urnOf(r.type, r.name))
        .setProperties(struct(r.props))
        .setOptions(options(r)),
    ),
  );
  return diagnostics(await call((cb) => client.analyzeStack(request, cb)));
}

const connection = { host: "172.24.0.1", port: 443, vdom: "root" };

function bgp(neighbors: PropertyMap[]): Resource {
  return {
    type: FORTIOS,
    name: "home-fortigate-bgp",
    props: { path: "router/bgp", connection, body: { as: "4200000001", neighbor: neighbors } },
  };
}

const filtered = {
  ip: "172.31.254.3",
  description: "Camille",
  "prefix-list-in": "fgn-camille-in",
  "prefix-list-out": "fgn-camille-out",
};

function vip(port: number, target: string): Resource {
  return {
    type: FORTIOS,
    name: `home-fortigate-vip-pub-${port}`,
    props: {
      path: "firewall/vip",
      key: `pub-${port}`,
      connection,
      body: {
        name: `pub-${port}`,
        portforward: "enable",
        extport: String(port),
        mappedip: [{ range: target }],
      },
    },
  };
}

describe("the policy pack, as the Pulumi CLI runs it", () => {
  it("describes itself: its name and each policy with its level", async () => {
    const info = await call<rpc.AnalyzerInfo>((cb) => client.getAnalyzerInfo(new Empty(), cb));
    assert.equal(info.getName(), "homelab-guard-rails");
    const policies = info
      .getPoliciesList()
      .map((p) => [
        p.getName(),
        p.getEnforcementlevel() === rpc.EnforcementLevel.MANDATORY ? "mandatory" : "advisory",
      ]);
    assert.deepEqual(policies, [
      ["stateful-retained", "mandatory"],
      ["bgp-filtered", "mandatory"],
      ["public-behind-proxy", "mandatory"],
    ]);
  });

  it("bgp-filtered: a neighbor without an outbound filter is a mandatory violation; filtered both ways is none", async () => {
    const found = await analyze(
      bgp([
        filtered,
        { ip: "172.31.254.7", description: "Dorian", "prefix-list-in": "fgn-dorian-in" },
      ]),
    );
    assert.equal(found.length, 1, stderr);
    assert.equal(found[0]!.policy, "bgp-filtered");
    assert.equal(found[0]!.level, "mandatory");
    // A resource policy's diagnostic carries no URN: the engine reports it on the resource.
    assert.match(
      found[0]!.message,
      /\nBGP neighbor 172\.31\.254\.7 \(Dorian\) has no outbound filter/,
    );
    assert.deepEqual(
      await analyze(
        bgp([
          filtered,
          { ...filtered, ip: "172.31.254.7", "route-map-out": "x", "prefix-list-out": "" },
        ]),
      ),
      [],
    );
  });

  it("stateful-retained: an unprotected guest is refused; a volume's retainOnDelete is invisible to a pack, so it is not judged", async () => {
    const guest = {
      type: "proxmoxve:index/vmLegacy:VmLegacy",
      name: "home-proxmox-guest-pihole",
      props: { vmId: 103, nodeName: "pve1" },
    };
    const found = await analyze(guest);
    assert.deepEqual(
      found.map((d) => [d.policy, d.level]),
      [["stateful-retained", "mandatory"]],
    );
    assert.match(
      found[0]!.message,
      /\nhome-proxmox-guest-pihole holds a Proxmox guest and its disks but is not protected/,
    );
    assert.deepEqual(await analyze({ ...guest, protect: true }), []);
    assert.deepEqual(
      await analyze({
        type: "docker:index/volume:Volume",
        name: "home-services-pihole-volume-etc",
        props: { name: "pihole-etc" },
      }),
      [],
    );
  });

  it("a secret input reaches the pack unwrapped and no message quotes it", async () => {
    const psk = "correct horse battery staple";
    const phase1: Resource = {
      type: FORTIOS,
      name: "home-fortigate-p1-fgn-camille",
      props: {
        path: "vpn.ipsec/phase1-interface",
        key: "fgn-camille",
        connection,
        body: { psksecret: new Secret(psk) },
        secretFields: ["psksecret"],
      },
    };
    assert.deepEqual(await analyze(phase1), []);
    assert.doesNotMatch(stderr, /correct horse/);
  });

  it("public-behind-proxy: at the end of the run, a port forward to anything but the proxy is a violation naming it", async () => {
    const forwards = [vip(443, "10.128.0.10"), vip(80, "10.128.0.10"), vip(8080, "10.128.0.42")];
    for (const r of forwards) await analyze(r);
    // AnalyzeStack gets outputs: our provider keeps `applied`, not `body`; the pack judges
    // the inputs it saw.
    const outputs = forwards.map((r) => ({ ...r, props: { path: "firewall/vip", applied: {} } }));
    const found = await analyzeStack(outputs);
    assert.deepEqual(
      found.map((d) => [d.policy, d.level, d.urn]),
      [["public-behind-proxy", "mandatory", urnOf(FORTIOS, "home-fortigate-vip-pub-8080")]],
    );
    assert.match(
      found[0]!.message,
      /\nforwards WAN port 8080 to 10\.128\.0\.42, not to the reverse proxy \(10\.128\.0\.10\)/,
    );
    assert.deepEqual(await analyzeStack(outputs.slice(0, 2)), []);
  });
});

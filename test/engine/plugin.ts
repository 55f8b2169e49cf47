/**
 * The Node.js dynamic-provider plugin (`pulumi-resource-pulumi-nodejs`) started and spoken to
 * as the Pulumi engine does it, with the SDK's own generated gRPC stubs. Every behaviour cites
 * the engine at tag v3.248.0 (the pinned SDK's release) or the SDK's plugin,
 * node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js ("index.js" below).
 *
 * Start (sdk/go/common/resource/plugin/provider_plugin.go:173-289, plugin.go:252-447):
 * - the binary is sdk/nodejs/dist/pulumi-resource-pulumi-nodejs, a shell script that runs
 *   `node $(require.resolve('@pulumi/pulumi/cmd/dynamic-provider')) $@` (resolved from the
 *   project directory): no tsx, no project nodeargs;
 * - its working directory is the project's (ctx.Pwd, plugin.go:305 → ExecPlugin cmd.Dir);
 * - its only argument is the engine's address (provider_plugin.go:282, plugin.go:728-744
 *   without tracing or log flow);
 * - its environment is the engine's plus PULUMI_RUNTIME_<OPTION> for each runtime option of
 *   Pulumi.yaml, PULUMI_NODEJS_PROJECT and PULUMI_PROJECT, and PULUMI_CONFIG holding the
 *   config of the `pulumi-nodejs` namespace as JSON (provider_plugin.go:240-256,
 *   pkg/host/host.go:390-403);
 * - the engine reads one line from stdout, the port (plugin.go:375-431; index.js:424), dials
 *   127.0.0.1:<port> and calls Handshake, which this plugin does not implement: the engine
 *   then falls back to learning the protocol from Configure (provider_plugin.go:358-386);
 *   then GetPluginInfo (pkg/host/host.go:405).
 *
 * Calls (provider_plugin.go, the line ranges per method below): the `pulumi-nodejs` default
 * provider gets CheckConfig (UNIMPLEMENTED here: the engine keeps the config as it is,
 * 677-691) and Configure with the whole stack config (pkg/resource/deploy/target.go:46-72:
 * for dynamic providers every key, full name kept, secure values as secrets, all values
 * strings). The Configure answer (index.js:111: acceptSecrets false, no preview support)
 * decides how every later request is marshalled: secrets are sent as plain values and marked
 * secret again on the way back by name (annotateSecrets), and Create/Update are not called in
 * a preview.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
// The SDK's own stubs and the gRPC and protobuf runtimes they are built on (one copy each in
// node_modules: the SDK's dependencies).
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as rpc from "@pulumi/pulumi/proto/provider_pb";
import { parse } from "yaml";
import { ownType, parseUrn } from "../../src/lib/urn";
import {
  annotateSecrets,
  containsComputed,
  marshal,
  Secret,
  unmarshalMap,
  type PropertyMap,
} from "./properties";

export const ROOT = join(__dirname, "..", "..");

/**
 * The engine is written in Go; this harness plays it with the SDK's JavaScript protobuf
 * runtime, whose string codec copies a string one character at a time: each request and
 * answer carries the provider's text (about 100 KB) one to three times. The harness and the
 * plugin it starts encode and decode strings with Node (native-strings.js: the same bytes,
 * the same text; plugin.test.ts compares them and runs the plugin without it). The plugin's
 * preload (plugin-preload.js) also leaves the SDK's closure serializer unloaded: the plugin
 * never serializes.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain JS module the plugin process preloads too
const { withSdkStrings } = require("./native-strings") as {
  withSdkStrings: <T>(code: () => T) => T;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain JS module: the plugin process's preload
const { PLUGIN_PRELOAD } = require("./plugin-preload") as { PLUGIN_PRELOAD: string };
export { withSdkStrings };

function partsOf(urn: string) {
  const parts = parseUrn(urn);
  if (!parts) throw new Error(`not a URN: ${urn}`);
  return parts;
}
/** The name and own type the engine sends beside the URN (urn.Name(), urn.Type()). */
const nameOf = (urn: string) => partsOf(urn).name;
const typeOf = (urn: string) => ownType(partsOf(urn).qualifiedType);

/** A resource request with the URN, and the name and type the engine sends beside it. */
function named<R extends { setUrn(v: string): R; setName(v: string): R; setType(v: string): R }>(
  request: R,
  urn: string,
): R {
  return request.setUrn(urn).setName(nameOf(urn)).setType(typeOf(urn));
}

/** A failed call as the engine sees it (rpcerror.Convert: the status code and its message). */
export class EngineError extends Error {
  constructor(
    readonly method: string,
    readonly code: grpc.status,
    readonly details: string,
  ) {
    super(`${method}: ${grpc.status[code] ?? code}: ${details}`);
  }
}

export interface CheckResult {
  readonly inputs: PropertyMap;
  readonly failures: { property: string; reason: string }[];
}

export interface DiffResult {
  readonly changes: "unknown" | "none" | "some";
  readonly replaces: string[];
  readonly deleteBeforeReplace: boolean;
}

export interface ReadResult {
  readonly id: string;
  readonly outputs: PropertyMap;
  readonly inputs?: PropertyMap;
}

/** What the engine learns from Configure (index.js:96-113). */
export interface Protocol {
  readonly acceptSecrets: boolean;
  readonly supportsPreview: boolean;
}

export interface PluginOptions {
  /** The project directory (Pulumi.yaml). @default the repository root */
  readonly root?: string;
  /** The stack (for URNs). @default "test" */
  readonly stack?: string;
  /**
   * Whether the plugin runs with the harness's preload (plugin-preload.js: Node's protobuf
   * strings, as the harness's, and the SDK's closure serializer unloaded); false runs the
   * SDK's plugin exactly as the engine starts it.
   * @default true
   */
  readonly preload?: boolean;
}

/** Milliseconds per call, by method. */
export interface Timings {
  /** Spawn until the port is printed. */
  startMs: number;
  /** Spawn until Handshake has answered (the engine's "plugin came alive"). */
  readyMs: number;
  readonly calls: Record<string, number[]>;
}

function runtimeEnv(root: string): Record<string, string> {
  const project = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as {
    name: string;
    runtime: string | { options?: Record<string, unknown> };
  };
  const env: Record<string, string> = {
    PULUMI_NODEJS_PROJECT: project.name,
    PULUMI_PROJECT: project.name,
    PULUMI_CONFIG: "{}",
  };
  const options = typeof project.runtime === "object" ? (project.runtime.options ?? {}) : {};
  for (const [key, value] of Object.entries(options)) {
    env[`PULUMI_RUNTIME_${key.toUpperCase()}`] = String(value);
  }
  return env;
}

/** NODE_OPTIONS with `file` preloaded (after what the environment already has). */
function preload(file: string): string {
  return [process.env.NODE_OPTIONS, `--require ${JSON.stringify(file)}`].filter(Boolean).join(" ");
}

/** The engine's own gRPC server, whose address the plugin gets as its argument. */
async function engineServer(): Promise<{ server: grpc.Server; address: string }> {
  const server = new grpc.Server();
  server.addService(EngineService, {});
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { server, address: `127.0.0.1:${port}` };
}

type Unary<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: Partial<grpc.CallOptions>,
  callback: (error: grpc.ServiceError | null, response: Res) => void,
) => grpc.ClientUnaryCall;

export class DynamicProviderPlugin {
  /** What the plugin wrote to stderr (the engine shows it as diagnostics). */
  stderr = "";
  readonly timings: Timings = { startMs: 0, readyMs: 0, calls: {} };
  protocol?: Protocol;
  /** Whether the plugin answered Handshake (UNIMPLEMENTED: falls back to Configure). */
  handshakeImplemented?: boolean;
  /** The plugin's version, asked right after it came alive (pkg/host/host.go:405). */
  version?: string;
  private readonly urnPrefix: string;

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: ResourceProviderClient,
    private readonly engine: grpc.Server,
    readonly project: string,
    readonly stack: string,
  ) {
    this.urnPrefix = `urn:pulumi:${stack}::${project}::`;
    child.stderr!.on("data", (chunk: Buffer) => (this.stderr += chunk.toString("utf8")));
  }

  /**
   * The plugin's stderr once it matches `pattern`: the plugin writes a failed call's stack
   * to stderr and answers over gRPC, two pipes, so the answer can arrive first. Waits at most
   * `timeoutMs`, then returns what there is (the caller's assertion shows it).
   */
  async stderrMatching(pattern: RegExp, timeoutMs = 5_000): Promise<string> {
    const until = performance.now() + timeoutMs;
    while (!pattern.test(this.stderr) && performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.stderr;
  }

  /** Starts the plugin as the engine does and waits until it answers (Handshake). */
  static async start(options: PluginOptions = {}): Promise<DynamicProviderPlugin> {
    const root = options.root ?? ROOT;
    const env = runtimeEnv(root);
    const { server, address } = await engineServer();
    const began = performance.now();
    const script = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [root] });
    // The V8 flags of the test processes (HOMELAB_TEST_V8_FLAGS, scripts/run-tests.mjs): speed
    // only, as the preload. None outside the runner (npm run bench) or without the preload.
    const flags =
      options.preload === false
        ? []
        : (process.env.HOMELAB_TEST_V8_FLAGS ?? "").split(/\s+/).filter(Boolean);
    const child = spawn(process.execPath, [...flags, script, address], {
      cwd: root,
      env: {
        ...process.env,
        ...env,
        ...(options.preload === false ? {} : { NODE_OPTIONS: preload(PLUGIN_PRELOAD) }),
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      const onData = (chunk: Buffer) => {
        out += chunk.toString("utf8");
        const newline = out.indexOf("\n");
        if (newline < 0) return;
        child.stdout.off("data", onData);
        const text = out.slice(0, newline).trim();
        if (/^\d+$/.test(text)) resolve(Number(text));
        else reject(new Error(`the plugin wrote an invalid port to stdout: ${text}`));
      };
      child.stdout.on("data", onData);
      child.once("exit", (code) =>
        reject(new Error(`could not read plugin: exit status ${String(code)}: ${stderr}`)),
      );
    });
    const startMs = performance.now() - began;
    const client = new ResourceProviderClient(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    );
    const plugin = new DynamicProviderPlugin(
      child,
      client,
      server,
      env.PULUMI_PROJECT!,
      options.stack ?? "test",
    );
    plugin.stderr = stderr;
    plugin.timings.startMs = startMs;
    await plugin.handshake(address, root);
    plugin.timings.readyMs = performance.now() - began;
    plugin.version = await plugin.pluginInfo();
    return plugin;
  }

  urn(type: string, name: string): string {
    return `${this.urnPrefix}${type}::${name}`;
  }

  private async call<Req, Res>(method: string, request: Req): Promise<Res> {
    const fn = (this.client as unknown as Record<string, Unary<Req, Res>>)[method]!;
    const began = performance.now();
    try {
      return await new Promise<Res>((resolve, reject) => {
        fn.call(
          this.client,
          request,
          new grpc.Metadata(),
          { deadline: Date.now() + 60_000 },
          (error, response) =>
            error ? reject(new EngineError(method, error.code, error.details)) : resolve(response),
        );
      });
    } finally {
      (this.timings.calls[method] ??= []).push(performance.now() - began);
    }
  }

  /** provider_plugin.go:262-278, 358-386: UNIMPLEMENTED is the fallback to Configure. */
  private async handshake(engineAddress: string, root: string): Promise<void> {
    const request = new rpc.ProviderHandshakeRequest()
      .setEngineAddress(engineAddress)
      .setRootDirectory(root)
      .setProgramDirectory(root)
      .setConfigureWithUrn(true)
      .setSupportsViews(true)
      .setSupportsRefreshBeforeUpdate(true)
      .setInvokeWithPreview(true);
    try {
      await this.call("handshake", request);
      this.handshakeImplemented = true;
    } catch (error) {
      if (!(error instanceof EngineError) || error.code !== grpc.status.UNIMPLEMENTED) throw error;
      this.handshakeImplemented = false;
    }
  }

  /** The plugin's version (pkg/host/host.go:405). */
  async pluginInfo(): Promise<string> {
    const info = await this.call<Empty, { getVersion(): string }>("getPluginInfo", new Empty());
    return info.getVersion();
  }

  /** provider_plugin.go:649-691: UNIMPLEMENTED keeps the config as it is. */
  async checkConfig(config: PropertyMap): Promise<"unimplemented" | "checked"> {
    const urn = this.urn("pulumi:providers:pulumi-nodejs", "default");
    const request = new rpc.CheckRequest()
      .setUrn(urn)
      .setName("default")
      .setType("pulumi:providers:pulumi-nodejs")
      .setOlds(Struct.fromJavaScript({}))
      .setNews(Struct.fromJavaScript(marshal(config, { keepSecrets: false, keepUnknowns: true })));
    try {
      await this.call("checkConfig", request);
      return "checked";
    } catch (error) {
      if (error instanceof EngineError && error.code === grpc.status.UNIMPLEMENTED)
        return "unimplemented";
      throw error;
    }
  }

  /**
   * The default `pulumi-nodejs` provider configured with the stack config (full keys → string
   * values; `secretKeys` are secure values): target.go:46-72 builds the inputs,
   * provider_plugin.go:1022-1131 sends them (`variables` keyed `pulumi-nodejs:config:<key>`
   * without secrets, `args` with secrets kept).
   */
  async configure(config: Record<string, string>, secretKeys: readonly string[] = []) {
    const inputs: PropertyMap = {};
    for (const [key, value] of Object.entries(config)) {
      inputs[key] = secretKeys.includes(key) ? new Secret(value) : value;
    }
    await this.checkConfig(inputs);
    const request = new rpc.ConfigureRequest()
      .setUrn(this.urn("pulumi:providers:pulumi-nodejs", "default"))
      .setName("default")
      .setType("pulumi:providers:pulumi-nodejs")
      .setId("1b5c6a5e-7d3f-4c56-9a0e-3f2b8c7d6e10")
      .setAcceptsecrets(true)
      .setAcceptresources(true)
      .setSendsOldInputs(true)
      .setSendsOldInputsToDelete(true)
      .setArgs(Struct.fromJavaScript(marshal(inputs, { keepSecrets: true, keepUnknowns: true })));
    const variables = request.getVariablesMap();
    for (const [key, value] of Object.entries(config)) {
      if (key !== "version") variables.set(`pulumi-nodejs:config:${key}`, value);
    }
    const response = await this.call<rpc.ConfigureRequest, rpc.ConfigureResponse>(
      "configure",
      request,
    );
    this.protocol = {
      acceptSecrets: response.getAcceptsecrets(),
      supportsPreview: response.getSupportspreview(),
    };
    return this.protocol;
  }

  private get keepSecrets(): boolean {
    if (!this.protocol) throw new Error("the engine configures the provider before any call");
    return this.protocol.acceptSecrets;
  }

  private struct(map: PropertyMap, keepUnknowns: boolean): Struct {
    return Struct.fromJavaScript(marshal(map, { keepSecrets: this.keepSecrets, keepUnknowns }));
  }

  /** provider_plugin.go:1134-1245; `olds` undefined for a new resource (sent as {}). */
  async check(
    urn: string,
    olds: PropertyMap | undefined,
    news: PropertyMap,
    preview: boolean,
  ): Promise<CheckResult> {
    const request = named(new rpc.CheckRequest(), urn)
      .setOlds(this.struct(olds ?? {}, preview))
      .setNews(this.struct(news, preview));
    const response = await this.call<rpc.CheckRequest, rpc.CheckResponse>("check", request);
    const raw = response.getInputs()?.toJavaScript() ?? {};
    const inputs = unmarshalMap(raw, { keepUnknowns: preview });
    if (!this.keepSecrets) annotateSecrets(inputs, news);
    const failures = response
      .getFailuresList()
      .map((f) => ({ property: f.getProperty(), reason: f.getReason() }));
    return { inputs, failures };
  }

  /** provider_plugin.go:1248-1361 (the plugin's diff reads `olds`, the old outputs). */
  async diff(
    urn: string,
    id: string,
    oldInputs: PropertyMap,
    oldOutputs: PropertyMap,
    newInputs: PropertyMap,
    preview: boolean,
  ): Promise<DiffResult> {
    const request = named(new rpc.DiffRequest().setId(id), urn)
      .setOldInputs(this.struct(oldInputs, preview))
      .setOlds(this.struct(oldOutputs, preview))
      .setNews(this.struct(newInputs, preview));
    const response = await this.call<rpc.DiffRequest, rpc.DiffResponse>("diff", request);
    const changes = response.getChanges();
    return {
      changes:
        changes === rpc.DiffResponse.DiffChanges.DIFF_NONE
          ? "none"
          : changes === rpc.DiffResponse.DiffChanges.DIFF_SOME
            ? "some"
            : "unknown",
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    };
  }

  /**
   * provider_plugin.go:1364-1483. In a preview a provider without preview support is not
   * called: its outputs are the inputs (1391-1406).
   */
  async create(
    urn: string,
    properties: PropertyMap,
    preview = false,
  ): Promise<{ id: string; outputs: PropertyMap }> {
    if (preview && !this.protocol?.supportsPreview) return { id: "", outputs: properties };
    const request = named(new rpc.CreateRequest(), urn)
      .setProperties(this.struct(properties, preview))
      .setPreview(preview);
    const response = await this.call<rpc.CreateRequest, rpc.CreateResponse>("create", request);
    const id = response.getId();
    if (id === "" && !preview)
      throw new EngineError("create", grpc.status.UNKNOWN, `plugin returned empty ID for ${urn}`);
    const outputs = unmarshalMap(response.getProperties()?.toJavaScript() ?? {}, {
      keepUnknowns: preview,
    });
    if (!this.keepSecrets) annotateSecrets(outputs, properties);
    return { id, outputs };
  }

  /** provider_plugin.go:1487-1630: the old inputs are sent too (the plugin ignores them). */
  async read(
    urn: string,
    id: string,
    state: PropertyMap,
    inputs: PropertyMap | undefined,
  ): Promise<ReadResult> {
    const request = named(new rpc.ReadRequest().setId(id), urn).setProperties(
      this.struct(state, false),
    );
    if (inputs) request.setInputs(this.struct(inputs, false));
    const response = await this.call<rpc.ReadRequest, rpc.ReadResponse>("read", request);
    const outputs = unmarshalMap(response.getProperties()?.toJavaScript() ?? {}, {
      keepUnknowns: false,
    });
    const rawInputs = response.getInputs()?.toJavaScript();
    const newInputs = rawInputs ? unmarshalMap(rawInputs, { keepUnknowns: false }) : undefined;
    if (!this.keepSecrets) {
      annotateSecrets(newInputs, inputs);
      annotateSecrets(outputs, state);
    }
    return { id: response.getId(), outputs, inputs: newInputs };
  }

  /** provider_plugin.go:1633-1781 (not called in a preview without preview support). */
  async update(
    urn: string,
    id: string,
    oldInputs: PropertyMap,
    oldOutputs: PropertyMap,
    newInputs: PropertyMap,
    preview = false,
  ): Promise<{ outputs: PropertyMap }> {
    if (preview && !this.protocol?.supportsPreview) return { outputs: newInputs };
    if (containsComputed(newInputs) && !preview)
      throw new Error(`${urn}: an update never carries unknowns`);
    const request = named(new rpc.UpdateRequest().setId(id), urn)
      .setOlds(this.struct(oldOutputs, false))
      .setOldInputs(this.struct(oldInputs, false))
      .setNews(this.struct(newInputs, preview))
      .setPreview(preview);
    const response = await this.call<rpc.UpdateRequest, rpc.UpdateResponse>("update", request);
    const outputs = unmarshalMap(response.getProperties()?.toJavaScript() ?? {}, {
      keepUnknowns: preview,
    });
    if (!this.keepSecrets) annotateSecrets(outputs, newInputs);
    return { outputs };
  }

  /** provider_plugin.go:1784-1864. */
  async delete(urn: string, id: string, inputs: PropertyMap, outputs: PropertyMap): Promise<void> {
    const request = named(new rpc.DeleteRequest().setId(id), urn)
      .setProperties(this.struct(outputs, false))
      .setOldInputs(this.struct(inputs, false));
    await this.call("delete", request);
  }

  /** The plugin process's command line: node, its options, the plugin's script, the engine. */
  get argv(): readonly string[] {
    return this.child.spawnargs;
  }

  /** Ends the plugin process (the engine kills its plugins when the deployment ends). */
  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
      this.child.kill();
      await exited;
    }
    await new Promise<void>((resolve) => this.engine.tryShutdown(() => resolve()));
  }
}

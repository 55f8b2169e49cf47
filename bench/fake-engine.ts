/**
 * A stand-in for the Pulumi engine's two gRPC services a Node.js program talks to (the
 * resource monitor and the engine), enough to run the real program the way the nodejs
 * language host starts it (`node <nodeargs> @pulumi/pulumi/cmd/run --monitor ... <main>`,
 * sdk/nodejs/cmd/pulumi-language-nodejs/main.go, constructArguments) and to time its
 * start-up: every registration is answered at once with a URN, an id and its inputs as
 * outputs, every provider function with its arguments plus an id.
 */
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import * as monitorRpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as monitorProto from "@pulumi/pulumi/proto/resource_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";

/** Features the real engine has that need no callback server here. */
const FEATURES = new Set([
  "secrets",
  "resourceReferences",
  "outputValues",
  "deletedWith",
  "aliasSpecs",
]);

export interface Registration {
  readonly type: string;
  readonly name: string;
  /** ms since `FakeEngine.start`. */
  readonly at: number;
  /** CPU time the program had used then, ms (when known). */
  readonly cpu?: number;
}

type Unary = (
  call: { request: unknown },
  callback: (error: unknown, response?: unknown) => void,
) => void;

/** A handler answering every method of a service with an empty response. */
function emptyHandlers(service: grpc.ServiceDefinition): Record<string, Unary> {
  const handlers: Record<string, Unary> = {};
  for (const [name, method] of Object.entries(service)) {
    const Response = (method as unknown as { responseType: new () => unknown }).responseType;
    handlers[name] = (_call, callback) => callback(null, new Response());
  }
  return handlers;
}

export class FakeEngine {
  readonly registrations: Registration[] = [];
  /** Messages the program logged ("<severity>: <message>"). */
  readonly log: string[] = [];
  private readonly server = new grpc.Server();
  private started = process.hrtime.bigint();
  private root = "";
  private waiters: { test: (r: Registration) => boolean; resolve: (r: Registration) => void }[] =
    [];

  constructor(
    private readonly stack: string,
    private readonly project: string,
  ) {}

  /** Starts both services on one localhost port; returns "127.0.0.1:<port>". */
  async listen(): Promise<string> {
    const monitor = emptyHandlers(monitorRpc.ResourceMonitorService);
    monitor.supportsFeature = (call, callback) => {
      const request = call.request as monitorProto.SupportsFeatureRequest;
      const response = new monitorProto.SupportsFeatureResponse();
      response.setHassupport(FEATURES.has(request.getId()));
      callback(null, response);
    };
    monitor.registerResource = (call, callback) => {
      const request = call.request as monitorProto.RegisterResourceRequest;
      const type = request.getType();
      const name = request.getName();
      let qualified = type;
      if (request.getParent()) {
        const parentType = request.getParent().split("::")[2] ?? "";
        qualified = `${parentType}$${type}`;
      }
      const response = new monitorProto.RegisterResourceResponse();
      response.setUrn(`urn:pulumi:${this.stack}::${this.project}::${qualified}::${name}`);
      if (request.getCustom()) response.setId(`${name}-id`);
      const object = request.getObject();
      if (object) response.setObject(object);
      callback(null, response);
      this.record({ type, name, at: this.elapsed(), cpu: this.cpu() });
    };
    monitor.invoke = (call, callback) => {
      const request = call.request as monitorProto.ResourceInvokeRequest;
      const response = new providerProto.InvokeResponse();
      const args = request.getArgs()?.toJavaScript() ?? {};
      // Every function this program calls (a zone lookup) reads an id.
      response.setReturn(Struct.fromJavaScript({ ...args, id: "fake-id" }));
      callback(null, response);
    };
    const engine = emptyHandlers(engineRpc.EngineService);
    engine.log = (call, callback) => {
      const request = call.request as engineProto.LogRequest;
      this.log.push(`${request.getSeverity()}: ${request.getMessage()}`);
      callback(null, new Empty());
    };
    engine.getRootResource = (_call, callback) => {
      const response = new engineProto.GetRootResourceResponse();
      response.setUrn(this.root);
      callback(null, response);
    };
    engine.setRootResource = (call, callback) => {
      this.root = (call.request as engineProto.SetRootResourceRequest).getUrn();
      callback(null, new engineProto.SetRootResourceResponse());
    };
    this.server.addService(
      monitorRpc.ResourceMonitorService,
      monitor as grpc.UntypedServiceImplementation,
    );
    this.server.addService(engineRpc.EngineService, engine as grpc.UntypedServiceImplementation);
    const port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    return `127.0.0.1:${port}`;
  }

  /** Marks time zero (call right before starting the program). */
  start(): void {
    this.started = process.hrtime.bigint();
  }

  /** How to read the program's CPU time so far (recorded with every registration). */
  cpu: () => number | undefined = () => undefined;

  elapsed(): number {
    return Number(process.hrtime.bigint() - this.started) / 1e6;
  }

  /** Resolves with the first registration (from now or before) that passes `test`. */
  first(test: (r: Registration) => boolean): Promise<Registration> {
    const seen = this.registrations.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  private record(registration: Registration): void {
    this.registrations.push(registration);
    this.waiters = this.waiters.filter((w) => {
      if (!w.test(registration)) return true;
      w.resolve(registration);
      return false;
    });
  }

  close(): void {
    this.server.forceShutdown();
  }
}

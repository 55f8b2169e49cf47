/**
 * Runs the real program under Pulumi's mock runtime and records every resource registration
 * (type, name, parent, inputs, options) and the stack outputs. Used by `npm run plan` and by
 * the component tests. Secrets are never recorded: they print as "[secret]".
 */
import * as pulumi from "@pulumi/pulumi";
import { identityOf, type AliasSpec, type Identity } from "../lib/aliases";
import { formatUrn, ownType, parseUrn, STACK_TYPE, urnToRef } from "../lib/urn";
import { computedOutputs, mockCall } from "./mock-outputs";
import { SECRET_MARK } from "./plan-marks";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface PlannedOptions {
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly ignoreChanges: string[];
  /** Explicit `dependsOn`, as "type::name". */
  readonly dependsOn: string[];
  /**
   * The former URNs it answers to, as the engine derives them from its own aliases and its
   * ancestors' (src/lib/aliases.ts); empty when nothing was renamed.
   */
  readonly aliases: string[];
}

/** The provider of a custom resource. */
export interface PlannedProvider {
  /** "type::name" of the provider resource ("pulumi:providers:<package>::default" for a default one). */
  readonly ref: string;
  /**
   * A default provider: the engine makes it from the stack's configuration (and names it
   * `default_<version>`; the plan leaves the version out).
   */
  readonly default: boolean;
}

export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  /** Parent as "type::name", or null for the stack itself. */
  readonly parent: string | null;
  readonly custom: boolean;
  /**
   * Its provider; null for components, provider resources and the stack (absent from plans
   * made before the field existed).
   */
  readonly provider?: PlannedProvider | null;
  /** Inputs as sent to the engine; secrets are "[secret]", unknowns "[unknown]". */
  readonly inputs: { [key: string]: Json };
  readonly options: PlannedOptions;
}

export interface Plan {
  readonly stack: string;
  readonly project: string;
  readonly resources: PlannedResource[];
  readonly outputs: { [key: string]: Json };
}

export const SECRET = SECRET_MARK;
export const UNKNOWN = "[unknown]";

/**
 * The engine's wire format (sdk/nodejs/runtime/rpc.ts): the key of the signature that marks
 * a special value, the signatures, and the value of an unknown. Taken from the SDK, never
 * copied; a test checks they are still exported, and `unwire` fails loudly if not.
 */
export const WIRE = {
  sigKey: pulumi.runtime.specialSigKey,
  secret: pulumi.runtime.specialSecretSig,
  resource: pulumi.runtime.specialResourceSig,
  asset: pulumi.runtime.specialAssetSig,
  archive: pulumi.runtime.specialArchiveSig,
  output: pulumi.runtime.specialOutputValueSig,
  unknown: pulumi.runtime.unknownValue,
} as const;

function checkWire(): void {
  for (const [name, value] of Object.entries(WIRE as Record<string, unknown>)) {
    if (typeof value !== "string" || value === "") {
      throw new Error(
        `this @pulumi/pulumi version no longer exports the wire constant ${name} (runtime.special*Sig, runtime.unknownValue): update src/cli/mock-runtime.ts`,
      );
    }
  }
}

/** Inputs that carry serialized provider code, not configuration. */
const HIDDEN_INPUTS = new Set(["__provider"]);

/** Converts a value in wire format to plain JSON with secrets and unknowns masked. */
export function unwire(value: unknown): Json {
  if (value === WIRE.unknown) return UNKNOWN;
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(unwire);
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    const sig = record[WIRE.sigKey];
    if (sig === WIRE.secret) return SECRET;
    if (sig === WIRE.resource)
      return typeof record.urn === "string" ? urnToRef(record.urn) : UNKNOWN;
    if (sig === WIRE.output) {
      if (record.secret === true) return SECRET;
      return "value" in record ? unwire(record.value) : UNKNOWN;
    }
    if (sig === WIRE.asset || sig === WIRE.archive) {
      const source = [record.path, record.uri].find((s): s is string => typeof s === "string");
      const what = source ?? (typeof record.text === "string" ? "<text>" : "<assets>");
      return `[${sig === WIRE.asset ? "asset" : "archive"} ${what}]`;
    }
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(record).sort()) out[key] = unwire(record[key]);
    return out;
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "string")
    return value;
  return typeof value === "bigint" ? value.toString() : null;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): { toJavaScript(): unknown } | undefined;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDeletebeforereplace(): boolean;
  getIgnorechangesList(): string[];
  getProvider(): string;
  getAliasesList(): AliasMessage[];
}

/** An alias in a registration (proto `pulumirpc.Alias`: a URN or a spec). */
interface AliasMessage {
  getUrn(): string;
  getSpec():
    | {
        getName(): string;
        getType(): string;
        getStack(): string;
        getProject(): string;
        getParenturn(): string;
        getNoparent(): boolean;
      }
    | undefined;
}

interface OutputsRequest {
  getUrn(): string;
  getOutputs(): { toJavaScript(): unknown } | undefined;
}

type Callback = (err: unknown, response: unknown) => void;

export interface Monitor {
  registerResource(req: RegisterRequest, callback: Callback): unknown;
  registerResourceOutputs(req: OutputsRequest, callback: Callback): unknown;
}

interface Recorded {
  type: string;
  name: string;
  parentUrn: string;
  custom: boolean;
  inputs: { [key: string]: Json };
  protect: boolean;
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  ignoreChanges: string[];
  /** The provider reference ("<urn>::<id>"), "" for none. */
  provider: string;
  aliases: AliasSpec[];
}

export interface MockRunOptions {
  readonly project: string;
  readonly stack: string;
  /** Full config keys ("homelab:site") to string values (objects as JSON). */
  readonly config: Record<string, string>;
  /** Config keys holding secrets. */
  readonly secretKeys: readonly string[];
  /**
   * Runs after the config is set and before the stack starts: validation belongs here, so a
   * configuration error rejects cleanly instead of failing inside the stack's promise chains.
   */
  readonly preflight?: () => unknown;
  /** The program (returns stack outputs). */
  readonly program: () => Record<string, unknown> | Promise<Record<string, unknown>>;
}

/** What the mocks answer for a resource: its inputs, and the outputs of mock-outputs.ts. */
export function echoResource(args: pulumi.runtime.MockResourceArgs): {
  id: string | undefined;
  state: Record<string, unknown>;
} {
  const inputs = args.inputs as Record<string, unknown>;
  return {
    id: args.custom ? `${args.name}-id` : undefined,
    state: { ...inputs, ...computedOutputs(args.type, args.name, inputs) },
  };
}

/**
 * Sets the SDK's mocks (resources answered by `newResource`, functions by mock-outputs.ts)
 * and the config, runs the preflight, and returns the mock monitor, for a wrapper to watch
 * the registrations. `preview`: the SDK runs as in `pulumi preview` (unknown outputs).
 */
export async function mockMonitor(
  options: MockRunOptions,
  newResource: pulumi.runtime.Mocks["newResource"] = echoResource,
  preview = false,
): Promise<Monitor> {
  await pulumi.runtime.setMocks(
    {
      newResource,
      call: (args) => mockCall(args.token, args.inputs as Record<string, unknown>),
    },
    options.project,
    options.stack,
    preview,
  );
  pulumi.runtime.setAllConfig(options.config, [...options.secretKeys]);
  await options.preflight?.();
  return pulumi.runtime.getMonitor() as unknown as Monitor;
}

/** Runs `program` under mocks and returns what it would register. */
export async function runUnderMocks(options: MockRunOptions): Promise<Plan> {
  checkWire();
  const recorded: Recorded[] = [];
  const explicitDeps: { resource: pulumi.Resource; deps: unknown }[] = [];
  let stackOutputs: unknown = {};

  const monitor = await mockMonitor(options);
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    recorded.push({
      type: req.getType(),
      name: req.getName(),
      parentUrn: req.getParent(),
      custom: req.getCustom(),
      inputs: (unwire(req.getObject()?.toJavaScript() ?? {}) as { [key: string]: Json }) ?? {},
      protect: req.getProtect(),
      retainOnDelete: req.getRetainondelete(),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      ignoreChanges: req.getIgnorechangesList(),
      provider: req.getProvider(),
      aliases: req.getAliasesList().map(aliasSpec),
    });
    return register(req, callback);
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, callback) => {
    if (parseUrn(req.getUrn())?.qualifiedType === STACK_TYPE) {
      stackOutputs = req.getOutputs()?.toJavaScript() ?? {};
    }
    return registerOutputs(req, callback);
  };

  // The SDK captures `new Error().stack` for every promise it creates (leak debugging) and
  // every resource (source positions): a plan shows neither, and formatting those stacks
  // (through the .ts files' source maps) is most of the evaluation time. HOMELAB_DEBUG_STACKS=1
  // keeps them, for debugging the program itself.
  // Each resource's source position and stack are captured apart (Resource.callsites, with
  // no limit on the frames): a plan shows them neither.
  const stackTraceLimit = Error.stackTraceLimit;
  const debugStacks = Boolean(process.env.HOMELAB_DEBUG_STACKS);
  if (!debugStacks) Error.stackTraceLimit = 0;
  const restoreCallsites = debugStacks ? () => {} : skipCallsites();
  const restoreSerializer = skipProviderSerialization();
  try {
    await runProgram(options, explicitDeps);
    await waitForRegistrations();
  } finally {
    restoreSerializer();
    restoreCallsites();
    Error.stackTraceLimit = stackTraceLimit;
  }

  // Resolve explicit dependsOn to "type::name".
  const urnOf = (resource: pulumi.Resource) =>
    new Promise<string>((resolve) => resource.urn.apply((urn) => resolve(urn)));
  const depsByUrn = new Map<string, string[]>();
  for (const { resource, deps } of explicitDeps) {
    const resources = await explicitResources(deps);
    const refs = await Promise.all(resources.map(async (d) => urnToRef(await urnOf(d))));
    depsByUrn.set(await urnOf(resource), refs.sort());
  }

  const project = options.project;
  const identities = engineIdentities(options.stack, project, recorded);
  const resources: PlannedResource[] = recorded.map((r, i) => {
    const urn = urnFor(options.stack, project, r);
    const inputs: { [key: string]: Json } = {};
    for (const [key, value] of Object.entries(r.inputs)) {
      if (!HIDDEN_INPUTS.has(key)) inputs[key] = value;
    }
    return {
      type: r.type,
      name: r.name,
      parent: r.parentUrn ? urnToRef(r.parentUrn) : null,
      custom: r.custom,
      provider: providerOf(r),
      inputs,
      options: {
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
        deleteBeforeReplace: r.deleteBeforeReplace,
        ignoreChanges: r.ignoreChanges,
        dependsOn: depsByUrn.get(urn) ?? [],
        aliases: [...identities[i]!.aliases].sort(),
      },
    };
  });
  return {
    stack: options.stack,
    project,
    resources,
    outputs: unwire(stackOutputs) as { [key: string]: Json },
  };
}

/** What a dynamic resource's `__provider` input holds in a mock run (the plan hides it). */
export const UNSERIALIZED_PROVIDER = "[provider code: not serialized by a mock run]";

/**
 * A dynamic resource serializes its provider's code (Pulumi's closure serializer, about a
 * quarter of a plan's time) into the `__provider` input, which the plan hides: while the
 * program runs under mocks, the SDK's serializer (`runtime/closure/serializeClosure`, which
 * `dynamic/index.js` requires at each call) answers a placeholder instead, on the next turn
 * of the event loop as the real one (which waits on the V8 inspector) answers after the
 * program's other work: resources register in the same order. What the real serializer
 * makes of our providers is tested in test/providers (fortios-serialize, unifi/serialize).
 *
 * The SDK keeps each provider's serialization, per provider object, for the rest of the
 * process (`dynamic/index.js` serializeProvider, providerCache, unless the options'
 * `cacheDynamicProviders` is false). Under mocks that cache is off: it would keep the
 * placeholder for a later real serialization in the same process, and a second plan, whose
 * providers' answers were already there, registered the dynamic resources earlier than the
 * first (a plan's order depended on what the process had planned before).
 * Returns the function that puts the serializer and the cache back.
 */
function skipProviderSerialization(): () => void {
  const path = require.resolve("@pulumi/pulumi/runtime/closure/serializeClosure");
  const closure = require.cache[path]?.exports as { serializeFunction?: unknown } | undefined;
  if (!closure || typeof closure.serializeFunction !== "function") return () => {};
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's internal store
  const state = require("@pulumi/pulumi/runtime/state") as {
    getStore?: () => { settings?: { options?: { cacheDynamicProviders?: unknown } } };
  };
  const options = state.getStore?.().settings?.options;
  if (typeof options?.cacheDynamicProviders !== "boolean") return () => {};
  const cacheDynamicProviders = options.cacheDynamicProviders;
  options.cacheDynamicProviders = false;
  const serializeFunction = closure.serializeFunction;
  const placeholder = {
    text: UNSERIALIZED_PROVIDER,
    exportName: "handler",
    containsSecrets: false,
  };
  closure.serializeFunction = () =>
    new Promise((resolve) => setImmediate(() => resolve(placeholder)));
  return () => {
    closure.serializeFunction = serializeFunction;
    options.cacheDynamicProviders = cacheDynamicProviders;
  };
}

/**
 * The SDK's `Resource.callsites` (resource.js at v3.248.0) formats a whole stack, every frame,
 * for each resource, to send the engine its source position and stack trace; the mock
 * monitor drops both. While the program runs under mocks it answers no frames, as for a
 * frame without a position (the SDK then sends neither). Returns the function that puts it
 * back; does nothing when the SDK has no such static method.
 */
function skipCallsites(): () => void {
  const resource = pulumi.Resource as unknown as { callsites?: () => unknown[] };
  const callsites = resource.callsites;
  if (typeof callsites !== "function") return () => {};
  resource.callsites = () => [];
  return () => {
    resource.callsites = callsites;
  };
}

/** Runs the program inside the stack, recording explicit dependsOn through a transformation. */
async function runProgram(
  options: MockRunOptions,
  explicitDeps: { resource: pulumi.Resource; deps: unknown }[],
): Promise<void> {
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      if (args.opts.dependsOn !== undefined) {
        explicitDeps.push({ resource: args.resource, deps: args.opts.dependsOn });
      }
      return undefined;
    });
    return options.program();
  });
}

/**
 * The resources named by a `dependsOn` option (resources, arrays, promises, outputs), as the
 * SDK gathers them (runtime/dependsOn.js, gatherExplicitDependencies, at v3.248.0): an
 * Output gives the resources of its value and its own (a one-shot job's gate: the job's
 * container). Never wraps resources in `pulumi.output`: an Output whose value holds
 * resources makes the SDK walk the whole resource graph (containsUnknowns) when it resolves.
 */
async function explicitResources(deps: unknown): Promise<pulumi.Resource[]> {
  if (pulumi.Resource.isInstance(deps)) return [deps];
  if (Array.isArray(deps)) return (await Promise.all(deps.map(explicitResources))).flat();
  if (deps instanceof Promise) return explicitResources(await deps);
  if (pulumi.Output.isInstance(deps)) {
    const value = await new Promise<unknown>((resolve) => deps.apply((v) => resolve(v)));
    const own = [...(await outputResources(deps))];
    return [...(await explicitResources(value)), ...(await explicitResources(own))];
  }
  return [];
}

/** The resources an Output carries (the SDK's output.getAllResources, not in its typings). */
async function outputResources(output: pulumi.Output<unknown>): Promise<Set<pulumi.Resource>> {
  const impl = output as unknown as {
    allResources?: () => Promise<Set<pulumi.Resource>>;
    resources?: () => Set<pulumi.Resource>;
  };
  if (typeof impl.allResources === "function") return impl.allResources();
  if (typeof impl.resources === "function") return impl.resources();
  throw new Error(
    "this @pulumi/pulumi version's Outputs have neither allResources nor resources: update src/cli/mock-runtime.ts",
  );
}

/**
 * Waits until every registration the program started has reached the monitor. The SDK's
 * queue drain is exported but internal; the pinned SDK version has it (a test runs it).
 */
async function waitForRegistrations(): Promise<void> {
  const wait = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  if (typeof wait !== "function") {
    throw new Error(
      "this @pulumi/pulumi version has no runtime.waitForRPCs: update src/cli/mock-runtime.ts",
    );
  }
  await wait();
}

/** An alias of a registration request, read from its proto message. */
function aliasSpec(message: AliasMessage): AliasSpec {
  const spec = message.getSpec();
  if (!spec) return { urn: message.getUrn() };
  return {
    name: spec.getName(),
    type: spec.getType(),
    project: spec.getProject(),
    stack: spec.getStack(),
    parentUrn: spec.getParenturn(),
    noParent: spec.getNoparent(),
  };
}

/**
 * The provider of a registration: the explicit one it names (a reference is
 * "<provider URN>::<provider id>"), else, for a custom resource, its package's default one.
 */
function providerOf(r: Recorded): PlannedProvider | null {
  if (r.provider) {
    return { ref: urnToRef(r.provider.slice(0, r.provider.lastIndexOf("::"))), default: false };
  }
  if (!r.custom || r.type.startsWith("pulumi:providers:")) return null;
  return { ref: `pulumi:providers:${r.type.split(":")[0] ?? r.type}::default`, default: true };
}

/**
 * Each registration's URN and former URNs as the engine computes them (the mock monitor's
 * URNs qualify a type with its parent's own type only, and it ignores aliases): registrations
 * arrive parents first.
 */
function engineIdentities(stack: string, project: string, recorded: Recorded[]): Identity[] {
  const byMockUrn = new Map<string, Identity>();
  return recorded.map((r) => {
    const identity = identityOf({
      type: r.type,
      name: r.name,
      project,
      stack,
      parent: r.parentUrn ? byMockUrn.get(r.parentUrn) : undefined,
      aliases: r.aliases,
      identityOf: (urn) => byMockUrn.get(urn),
    });
    byMockUrn.set(urnFor(stack, project, r), identity);
    return identity;
  });
}

/** The URN the mock monitor gives a recorded registration (same rule as MockMonitor.newUrn). */
function urnFor(stack: string, project: string, r: Recorded): string {
  // The mock monitor qualifies a type with its parent's own type only (the engine would
  // prefix all the ancestors' types).
  const parentType = r.parentUrn ? ownType(parseUrn(r.parentUrn)?.qualifiedType ?? "") : "";
  const qualifiedType = r.parentUrn ? `${parentType}$${r.type}` : r.type;
  return formatUrn({ stack, project, qualifiedType, name: r.name });
}

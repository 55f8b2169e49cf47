/**
 * The engine's side of a deployment over the dynamic-provider plugin: the steps it takes for
 * each resource the program registers (pkg/resource/deploy/step_generator.go at v3.248.0),
 * the state it keeps (inputs as checked, outputs as the provider returned them, secrets
 * marked again), refresh and destroy.
 *
 * - Check always comes first, with the old inputs when the resource exists
 *   (step_generator.go:1190-1232), unknowns allowed only in a preview (1159).
 * - Diff is always asked for an existing resource (step_generator.go:2694-2750; diffResource
 *   2773-2800): no changes → same (the new inputs are kept with the old outputs), replaces →
 *   replace (delete first when the provider says so), otherwise update.
 * - A preview never creates nor updates through this plugin (no preview support): the
 *   program gets the inputs back as outputs, so every output the provider computes (an
 *   object's id) is unknown to the resources that use it (provider_plugin.go:1391-1406,
 *   1663-1678).
 * - Refresh is Read with the old outputs and inputs; an empty id drops the resource; inputs
 *   returned replace the stored ones. Destroy deletes in reverse order of creation.
 */
import * as pulumi from "@pulumi/pulumi";
import { echoResource, mockMonitor, type MockRunOptions } from "../../src/cli/mock-runtime";
import { formatUrn, ownType, parseUrn, STACK_TYPE } from "../../src/lib/urn";
import { type DynamicProviderPlugin, EngineError, type DiffResult } from "./plugin";
import { fromProgramMap, reveal, type PropertyMap } from "./properties";

export const DYNAMIC = "pulumi-nodejs:dynamic/";

/** The resource options the engine acts on itself (the provider never sees them). */
export interface ResourceOptions {
  /** Destroy refuses to delete it (step.go:614-618). */
  readonly protect?: boolean;
  /** Destroy drops it from the state without Delete (step.go:630-631). */
  readonly retainOnDelete?: boolean;
  /** A replacement deletes first, whatever the provider says (step_generator.go:1922-1925). */
  readonly deleteBeforeReplace?: boolean;
  readonly ignoreChanges?: readonly string[];
}

export interface StateEntry {
  readonly urn: string;
  id: string;
  inputs: PropertyMap;
  outputs: PropertyMap;
  options: ResourceOptions;
}

export type Operation = "create" | "same" | "update" | "replace";

export interface Step {
  readonly urn: string;
  readonly op: Operation;
  /** The inputs as checked (what a preview shows). */
  readonly inputs: PropertyMap;
  readonly failures: { property: string; reason: string }[];
  readonly diff?: DiffResult;
}

/** A resource as the program registered it (inputs as the engine keeps them). */
export interface Goal {
  readonly urn: string;
  readonly inputs: PropertyMap;
  readonly options?: ResourceOptions;
}

export class CheckFailed extends Error {
  constructor(
    readonly urn: string,
    readonly failures: { property: string; reason: string }[],
  ) {
    super(`${urn}: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  }
}

export class Deployment {
  readonly state = new Map<string, StateEntry>();
  /** Creation order (dependencies before dependents), for destroy. */
  private readonly created: string[] = [];

  /** The plugin process of the current command (a new `pulumi` command starts a new one). */
  constructor(public plugin: DynamicProviderPlugin) {}

  private async checkAndDiff(goal: Goal, preview: boolean) {
    const old = this.state.get(goal.urn);
    const checked = await this.plugin.check(goal.urn, old?.inputs, goal.inputs, preview);
    if (!old || checked.failures.length > 0) return { old, checked };
    const diff = await this.plugin.diff(
      goal.urn,
      old.id,
      old.inputs,
      old.outputs,
      checked.inputs,
      preview,
    );
    return { old, checked, diff };
  }

  private static operation(diff: DiffResult | undefined): Operation {
    if (!diff) return "create";
    if (diff.replaces.length > 0) return "replace";
    return diff.changes === "none" ? "same" : "update";
  }

  /** `pulumi preview` of one resource: Check, and Diff when it exists. */
  async preview(goal: Goal): Promise<Step & { outputs: PropertyMap; id?: string }> {
    const { old, checked, diff } = await this.checkAndDiff(goal, true);
    const step = {
      urn: goal.urn,
      op: Deployment.operation(diff),
      inputs: checked.inputs,
      failures: checked.failures,
      diff,
    };
    if (old && step.op === "same") return { ...step, id: old.id, outputs: old.outputs };
    const outputs =
      old && step.op === "update"
        ? (
            await this.plugin.update(
              goal.urn,
              old.id,
              old.inputs,
              old.outputs,
              checked.inputs,
              true,
            )
          ).outputs
        : (await this.plugin.create(goal.urn, checked.inputs, true)).outputs;
    return { ...step, id: step.op === "update" ? old?.id : undefined, outputs };
  }

  /** `pulumi up` of one resource. Check failures fail the step. */
  async up(goal: Goal): Promise<Step & { entry: StateEntry }> {
    if (goal.options?.ignoreChanges?.length)
      throw new Error(`${goal.urn}: ignoreChanges is not played by this harness`);
    const { old, checked, diff } = await this.checkAndDiff(goal, false);
    if (checked.failures.length > 0) throw new CheckFailed(goal.urn, checked.failures);
    const op = Deployment.operation(diff);
    const step = { urn: goal.urn, op, inputs: checked.inputs, failures: [], diff };
    const options = goal.options ?? {};
    if (old && op === "same") {
      Object.assign(old, { inputs: checked.inputs, options });
      return { ...step, entry: old };
    }
    if (old && op === "update") {
      const { outputs } = await this.plugin.update(
        goal.urn,
        old.id,
        old.inputs,
        old.outputs,
        checked.inputs,
      );
      Object.assign(old, { inputs: checked.inputs, outputs, options });
      return { ...step, entry: old };
    }
    const deleteFirst = options.deleteBeforeReplace === true || diff?.deleteBeforeReplace === true;
    if (old && deleteFirst) await this.remove(old, true);
    const { id, outputs } = await this.plugin.create(goal.urn, checked.inputs);
    if (old && !deleteFirst) await this.remove(old, true);
    const entry: StateEntry = { urn: goal.urn, id, inputs: checked.inputs, outputs, options };
    this.state.set(goal.urn, entry);
    this.created.push(goal.urn);
    return { ...step, entry };
  }

  /** A delete step (step.go:595-660); a replacement deletes even what is protected or kept. */
  private async remove(entry: StateEntry, replacing = false): Promise<void> {
    if (!replacing && entry.options.protect)
      throw new Error(`${entry.urn} is protected: it cannot be deleted`);
    if (replacing || !entry.options.retainOnDelete)
      await this.plugin.delete(entry.urn, entry.id, entry.inputs, entry.outputs);
    this.state.delete(entry.urn);
  }

  /** `pulumi state unprotect <urn>`: the state keeps the object, without its protect flag. */
  unprotect(urn: string): void {
    const entry = this.state.get(urn);
    if (!entry) throw new Error(`${urn} is not in the state`);
    entry.options = { ...entry.options, protect: false };
  }

  /**
   * `pulumi state unprotect --all`: every protected object of the state unprotected, as its
   * owner does before a destroy; their URNs.
   */
  unprotectAll(): string[] {
    const urns = [...this.state.values()].filter((e) => e.options.protect).map((e) => e.urn);
    for (const urn of urns) this.unprotect(urn);
    return urns;
  }

  /** `pulumi refresh`: the URNs whose outputs or inputs changed (gone ones included). */
  async refresh(): Promise<string[]> {
    const changed: string[] = [];
    await Promise.all(
      [...this.state.values()].map(async (entry) => {
        const read = await this.plugin.read(entry.urn, entry.id, entry.outputs, entry.inputs);
        if (read.id === "") {
          this.state.delete(entry.urn);
          changed.push(entry.urn);
          return;
        }
        const same =
          read.id === entry.id &&
          JSON.stringify(reveal(read.outputs)) === JSON.stringify(reveal(entry.outputs)) &&
          (read.inputs === undefined ||
            JSON.stringify(reveal(read.inputs)) === JSON.stringify(reveal(entry.inputs)));
        if (!same) changed.push(entry.urn);
        Object.assign(entry, {
          id: read.id,
          outputs: read.outputs,
          inputs: read.inputs ?? entry.inputs,
        });
      }),
    );
    return changed.sort();
  }

  /**
   * `pulumi destroy`: deletes every resource, dependents first; those retained on delete
   * leave the state only (returned).
   */
  async destroy(retained: StateEntry[] = []): Promise<StateEntry[]> {
    for (const urn of [...this.created].reverse()) {
      const entry = this.state.get(urn);
      if (!entry) continue;
      if (entry.options.retainOnDelete) retained.push(entry);
      await this.remove(entry);
    }
    this.created.length = 0;
    return retained;
  }
}

export interface ProgramRun {
  /** Every dynamic resource's step, in the order the steps finished. */
  readonly steps: Step[];
  /** Every dynamic resource as registered. */
  readonly goals: Goal[];
  /** Errors of steps (a failed step fails the deployment after the others ran). */
  readonly errors: { urn: string; error: unknown }[];
}

/** What `npm run plan` runs under mocks, and how the engine gets a dynamic resource's inputs. */
export interface ProgramOptions extends MockRunOptions {
  /** The inputs of a dynamic resource as the engine gets them, before the steps. */
  readonly route?: (goal: Goal) => Goal;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getObject(): { toJavaScript(): unknown } | undefined;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDeletebeforereplace(): boolean;
  getIgnorechangesList(): string[];
}
interface Monitor {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: RegisterRequest, callback: (err: unknown, res: unknown) => void): unknown;
}

/**
 * Runs `program` with this deployment as its engine: the SDK registers resources with a
 * resource monitor, here the SDK's mock monitor, whose answers for dynamic resources come
 * from the steps above over the plugin (others echo their inputs); `register` only collects
 * what the program registers (answered as in a preview, without the plugin). The registered inputs are
 * taken from the request the SDK sends (secrets and unknowns in wire format), as the engine
 * takes them.
 */
export async function runProgram(
  deployment: Deployment,
  mode: "preview" | "up" | "register",
  options: ProgramOptions,
): Promise<ProgramRun> {
  const goals: Goal[] = [];
  const steps: Step[] = [];
  const errors: ProgramRun["errors"] = [];
  const registered = new Map<string, Goal>();
  const preview = mode !== "up";
  const newResource = async (args: pulumi.runtime.MockResourceArgs) => {
    if (!args.type.startsWith(DYNAMIC)) return echoResource(args);
    const goal = registered.get(`${args.type}::${args.name}`)!;
    goals.push(goal);
    if (mode === "register")
      return { id: undefined, state: reveal(goal.inputs) as Record<string, unknown> };
    try {
      const step = preview ? await deployment.preview(goal) : await deployment.up(goal);
      steps.push(step);
      const outputs = "entry" in step ? step.entry.outputs : step.outputs;
      const id = "entry" in step ? step.entry.id : step.id;
      return { id, state: reveal(outputs) as Record<string, unknown> };
    } catch (error) {
      errors.push({ urn: goal.urn, error });
      throw error instanceof EngineError || error instanceof CheckFailed
        ? new Error(error.message)
        : error;
    }
  };
  const monitor = (await mockMonitor(options, newResource, preview)) as unknown as Monitor;
  const register = monitor.registerResource.bind(monitor);
  // The engine's URNs qualify a type with all its ancestors' types but the stack's (the mock
  // monitor only with the parent's): the mock's URN of each resource → its qualified type.
  const qualified = new Map<string, string>();
  monitor.registerResource = (req, callback) => {
    const type = req.getType();
    const parentType = qualified.get(req.getParent());
    const qualifiedType = parentType ? `${parentType}$${type}` : type;
    if (type !== STACK_TYPE)
      qualified.set(monitor.newUrn(req.getParent(), type, req.getName()), qualifiedType);
    if (type.startsWith(DYNAMIC)) {
      const urn = formatUrn({
        stack: options.stack,
        project: options.project,
        qualifiedType,
        name: req.getName(),
      });
      const wire = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
      const goal = {
        urn,
        inputs: fromProgramMap(wire),
        options: {
          protect: req.getProtect(),
          retainOnDelete: req.getRetainondelete(),
          deleteBeforeReplace: req.getDeletebeforereplace(),
          ignoreChanges: req.getIgnorechangesList(),
        },
      };
      registered.set(`${type}::${req.getName()}`, options.route ? options.route(goal) : goal);
    }
    return register(req, callback);
  };
  // As in src/cli/mock-runtime.ts: the SDK's leak-debugging stacks are most of the time.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    await pulumi.runtime.runInPulumiStack(async () => options.program());
    const wait = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
    await wait?.();
  } catch (error) {
    if (errors.length === 0) throw error;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  return { steps, goals, errors };
}

/** The own type of a URN ("pulumi-nodejs:dynamic/unifi:Network"). */
export function typeOfUrn(urn: string): string {
  return ownType(parseUrn(urn)?.qualifiedType ?? "");
}

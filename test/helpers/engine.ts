/**
 * A small in-process stand-in for the Pulumi engine driving one dynamic provider, with the
 * call order of the Node.js dynamic-provider host (sdk/nodejs/cmd/dynamic-provider):
 * `check(olds, news)`, `diff(id, oldOutputs, news)`, `create(inputs)`,
 * `update(id, oldOutputs, news)`, `delete(id, outputs)`, `read(id, outputs)` whose returned
 * `inputs` replace the stored inputs (refresh). Lets provider tests run preview/up/refresh
 * cycles against an emulator quickly: idempotency, drift, fault convergence. There is no
 * parallelism: resources are processed in the given order (dependencies first), deletions
 * in reverse.
 *
 * It is not the wire: the provider runs unserialized in this process, values pass as they
 * are (no Struct encoding, no secret stripping and re-marking, no unknown sentinels from the
 * engine), and `configure` gets a hand-made config. test/engine/ is the engine-faithful
 * harness (the real plugin process, over gRPC).
 */
import type * as pulumi from "@pulumi/pulumi";

type Props = Record<string, unknown>;

export interface Desired {
  /** Logical name (unique). */
  readonly name: string;
  readonly inputs: Props;
}

export interface StateEntry {
  id: string;
  outs: Props;
  inputs: Props;
}

export type Operation = "create" | "update" | "replace" | "same" | "delete";

export interface Step {
  readonly name: string;
  readonly op: Operation;
}

export class MiniEngine {
  readonly state = new Map<string, StateEntry>();

  constructor(private readonly provider: pulumi.dynamic.ResourceProvider) {}

  /** What the engine passes to `configure`: the stack config (namespace:key → value). */
  async configure(config: Record<string, string>): Promise<void> {
    await this.provider.configure?.({
      config: {
        get: (key: string) => config[key.includes(":") ? key : `homelab:${key}`],
        require: (key: string) => {
          const full = key.includes(":") ? key : `homelab:${key}`;
          const value = config[full];
          if (value === undefined) throw new Error(`Missing required configuration key: ${full}`);
          return value;
        },
      },
    });
  }

  private async check(name: string, news: Props): Promise<Props> {
    if (!this.provider.check) return news;
    const olds = this.state.get(name)?.inputs ?? {};
    const result = await this.provider.check(olds, news);
    if (result.failures && result.failures.length > 0) {
      throw new Error(
        `check failed for ${name}: ${result.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`,
      );
    }
    return (result.inputs as Props | undefined) ?? news;
  }

  private async diff(entry: StateEntry, inputs: Props): Promise<Operation> {
    if (!this.provider.diff) return "update";
    const result = await this.provider.diff(entry.id, entry.outs, inputs);
    if (result.replaces && result.replaces.length > 0) return "replace";
    return result.changes === false ? "same" : "update";
  }

  /** check + diff only, like `pulumi preview` (inputs may contain unknowns). */
  async preview(desired: readonly Desired[]): Promise<Step[]> {
    const steps: Step[] = [];
    for (const d of desired) {
      const inputs = await this.check(d.name, d.inputs);
      const entry = this.state.get(d.name);
      steps.push({ name: d.name, op: entry ? await this.diff(entry, inputs) : "create" });
    }
    for (const name of this.state.keys()) {
      if (!desired.some((d) => d.name === name)) steps.push({ name, op: "delete" });
    }
    return steps;
  }

  /**
   * `pulumi up`: creates, updates, replaces (create before delete unless the provider asks
   * otherwise), deletes what is no longer desired. Stops at the first error, like the engine
   * with its default settings; what succeeded before stays in state.
   */
  async up(desired: readonly Desired[]): Promise<Step[]> {
    const steps: Step[] = [];
    for (const d of desired) {
      const inputs = await this.check(d.name, d.inputs);
      const entry = this.state.get(d.name);
      if (!entry) {
        const created = await this.provider.create(inputs);
        this.state.set(d.name, {
          id: created.id,
          outs: (created.outs as Props | undefined) ?? {},
          inputs,
        });
        steps.push({ name: d.name, op: "create" });
        continue;
      }
      const op = await this.diff(entry, inputs);
      if (op === "same") {
        entry.inputs = inputs;
        steps.push({ name: d.name, op });
      } else if (op === "update") {
        if (!this.provider.update) throw new Error(`${d.name}: provider has no update`);
        const updated = await this.provider.update(entry.id, entry.outs, inputs);
        this.state.set(d.name, {
          id: entry.id,
          outs: (updated.outs as Props | undefined) ?? {},
          inputs,
        });
        steps.push({ name: d.name, op });
      } else {
        const diff = await this.provider.diff!(entry.id, entry.outs, inputs);
        if (diff.deleteBeforeReplace) await this.provider.delete?.(entry.id, entry.outs);
        const created = await this.provider.create(inputs);
        if (!diff.deleteBeforeReplace) await this.provider.delete?.(entry.id, entry.outs);
        this.state.set(d.name, {
          id: created.id,
          outs: (created.outs as Props | undefined) ?? {},
          inputs,
        });
        steps.push({ name: d.name, op });
      }
    }
    const gone = [...this.state.keys()]
      .filter((name) => !desired.some((d) => d.name === name))
      .reverse();
    for (const name of gone) {
      const entry = this.state.get(name)!;
      await this.provider.delete?.(entry.id, entry.outs);
      this.state.delete(name);
      steps.push({ name, op: "delete" });
    }
    return steps;
  }

  /**
   * `pulumi refresh`: reads every resource; an empty id means it is gone from the device and
   * it leaves the state. Returns the names whose outputs or inputs changed.
   */
  async refresh(): Promise<string[]> {
    const changed: string[] = [];
    for (const [name, entry] of [...this.state.entries()]) {
      if (!this.provider.read) continue;
      const result = await this.provider.read(entry.id, entry.outs);
      if (!result.id) {
        this.state.delete(name);
        changed.push(name);
        continue;
      }
      const outs = (result.props as Props | undefined) ?? {};
      const inputs = (result.inputs as Props | undefined) ?? entry.inputs;
      if (
        JSON.stringify(outs) !== JSON.stringify(entry.outs) ||
        JSON.stringify(inputs) !== JSON.stringify(entry.inputs)
      ) {
        changed.push(name);
      }
      this.state.set(name, { id: result.id, outs, inputs });
    }
    return changed;
  }

  /**
   * Runs `up` until it succeeds (like a user re-running after transient failures), at most
   * `attempts` times; returns how many runs it took.
   */
  async converge(desired: readonly Desired[], attempts = 10): Promise<number> {
    let lastError: unknown;
    for (let run = 1; run <= attempts; run++) {
      try {
        await this.up(desired);
        return run;
      } catch (error) {
        lastError = error;
      }
    }
    throw new Error(`did not converge in ${attempts} runs: ${String(lastError)}`);
  }
}

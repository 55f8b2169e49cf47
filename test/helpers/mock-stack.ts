/**
 * Runs the real program of a stack under the mock runtime (as `npm run plan` does) and keeps
 * what the plan alone does not show: the root component instance (to await its outputs) and
 * the resource options each resource was registered with (explicit provider, replacement
 * trigger), captured by a stack transformation.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Plan, PlannedResource } from "../../src/cli/mock-runtime";
import { offlinePlaceholder, planStack } from "../../src/cli/offline";
import { Homelab } from "../../src/components/homelab";
import { runtimeSecrets } from "../../src/components/secrets";
import type { SiteModel } from "../../src/model";
import { evaluateFromRuntime } from "../../src/program";
import { urnToRef } from "../../src/lib/urn";
import { ROOT, pathOf, type StackFile } from "./sites";

export { ROOT };

export interface CapturedOptions {
  readonly type: string;
  readonly name: string;
  readonly provider?: pulumi.ProviderResource;
  readonly replacementTrigger?: unknown;
}

export interface MockStack {
  readonly plan: Plan;
  readonly homelab: Homelab;
  readonly model: SiteModel;
  readonly options: CapturedOptions[];
  /** Placeholder values the offline secrets were given (none may appear in the plan). */
  readonly secretValues: string[];
  /** The planned resource of a type and name; throws when absent. */
  resource(type: string, name: string): PlannedResource;
  /** Planned resources of a type. */
  ofType(type: string): PlannedResource[];
}

export async function runMockStack(site: StackFile): Promise<MockStack> {
  const options: CapturedOptions[] = [];
  let homelab: Homelab | undefined;
  let model: SiteModel | undefined;
  const { plan, loaded } = await planStack(ROOT, site.stack, pathOf(site), async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      options.push({
        type: args.type,
        name: args.name,
        provider: args.opts.provider,
        replacementTrigger: (args.opts as pulumi.CustomResourceOptions).replacementTrigger,
      });
      return undefined;
    });
    const site = await evaluateFromRuntime();
    model = site.model;
    homelab = new Homelab(model.config.site.name, {
      model,
      secrets: runtimeSecrets(site.loaded.secrets.map((s) => s.name)),
    });
    return {};
  });
  const ofType = (type: string) => plan.resources.filter((r) => r.type === type);
  return {
    plan,
    homelab: homelab!,
    model: model!,
    options,
    secretValues: loaded.secrets.map((s) => offlinePlaceholder(s.name)),
    ofType,
    resource(type, name) {
      const found = plan.resources.find((r) => r.type === type && r.name === name);
      if (!found) throw new Error(`no ${type} named ${name} in the plan`);
      return found;
    },
  };
}

/** Awaits an Output's value (fails the test if it never resolves). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** "type::name" of a resource, as plans reference it. */
export async function refOf(resource: pulumi.Resource): Promise<string> {
  return urnToRef(await valueOf(resource.urn));
}

/**
 * The pack's policies: adapters from what the engine gives a policy pack (@pulumi/policy's
 * ResourceValidationArgs and StackValidationArgs) to the pure guard rails of src/policies.
 *
 * What a pack sees (pulumi pkg/resource/deploy/step_generator.go, proto AnalyzerResource,
 * @pulumi/policy server.js and deserialize.js): each resource's new inputs, before the
 * engine diffs it, with `protect`, `deleteBeforeReplace`, its parent and provider; at the
 * end, every resource the run registered (their outputs). Not the old state, not the step
 * (create, update, replace, delete), not the resources a change deletes, not
 * `retainOnDelete`, and secrets unwrapped (no way to tell a secret from plain text). The
 * change policies and no-plain-secret therefore run offline (`npm run plan-diff`, `npm run
 * plan`), and stateful-retained checks in the pack only what `protect` shows (guests).
 */
import type {
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { POLICIES, type GuardResource, type Violation } from "../src/policies";
import { bgpFiltered, publicBehindProxy, statefulRetained } from "../src/policies/state";

type Resource = Pick<ResourceValidationArgs, "type" | "name" | "props" | "opts">;

/** A resource as the pure policies see it; retainOnDelete is not given to a pack. */
export function guardOf(resource: Resource): GuardResource {
  return {
    type: resource.type,
    name: resource.name,
    inputs: resource.props,
    protect: resource.opts.protect,
  };
}

function report(
  violations: readonly Violation[],
  reportViolation: (message: string, urn?: string) => void,
  urnOf?: (name: string) => string | undefined,
): void {
  for (const v of violations)
    reportViolation(v.message, v.resource === undefined ? undefined : urnOf?.(v.resource));
}

/**
 * A policy over one resource. It also keeps the resource's inputs as the engine gave them
 * (by URN) for the stack policy, whose StackValidationArgs hold outputs instead: our device
 * providers keep the applied attributes there, not `body`.
 */
function resourcePolicy(
  info: { name: string; level: "mandatory" | "advisory"; description: string },
  check: (resources: readonly GuardResource[]) => Violation[],
  inputs: Map<string, GuardResource>,
): ResourceValidationPolicy {
  return {
    name: info.name,
    description: info.description,
    enforcementLevel: info.level,
    validateResource: (args, reportViolation) => {
      const resource = guardOf(args);
      inputs.set(args.urn, resource);
      report(check([resource]), reportViolation);
    },
  };
}

/** The pack's policies; `inputs` is where the resource policies keep what they saw. */
export function packPolicies(
  inputs: Map<string, GuardResource> = new Map(),
): (ResourceValidationPolicy | StackValidationPolicy)[] {
  const behindProxy: StackValidationPolicy = {
    name: POLICIES.publicBehindProxy.name,
    description: POLICIES.publicBehindProxy.description,
    enforcementLevel: POLICIES.publicBehindProxy.level,
    validateStack: (args: StackValidationArgs, reportViolation) => {
      const resources = args.resources.map((r: PolicyResource) => inputs.get(r.urn) ?? guardOf(r));
      const urns = new Map(args.resources.map((r) => [r.name, r.urn]));
      report(publicBehindProxy(resources), reportViolation, (name) => urns.get(name));
    },
  };
  return [
    resourcePolicy(POLICIES.statefulRetained, statefulRetained, inputs),
    resourcePolicy(POLICIES.bgpFiltered, bgpFiltered, inputs),
    behindProxy,
  ];
}

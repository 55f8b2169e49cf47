/** A planned resource as a plan document holds it, for tests of the plan diff and reports. */
import type { Json, PlannedResource } from "../../src/cli/mock-runtime";

/** A resource with default options (nothing protected, no dependencies), `options` over them. */
export function planned(
  type: string,
  name: string,
  parent: string | null,
  inputs: { [key: string]: Json } = {},
  options: Partial<PlannedResource["options"]> = {},
): PlannedResource {
  return {
    type,
    name,
    parent,
    custom: !type.startsWith("homelab:") && type !== "pulumi:pulumi:Stack",
    inputs,
    options: {
      protect: false,
      retainOnDelete: false,
      deleteBeforeReplace: false,
      ignoreChanges: [],
      dependsOn: [],
      aliases: [],
      ...options,
    },
  };
}

/**
 * Loading and validating the federation registry (`stacks/federation.yaml`).
 */
import type { Problem } from "./errors";
import { registrySchema, type Registry } from "./federation";
import { Problems, checkUnique, unknownReference } from "./validate";
import { zodProblems } from "./errors";

/** Cross-field rules of the registry. */
export function validateRegistry(registry: Registry, file: string): Problem[] {
  const out = new Problems(file);
  checkUnique(
    out,
    registry.members,
    (m) => m.id,
    (i) => ["members", i, "id"],
    "member id",
  );
  const ids = registry.members.map((m) => m.id);
  if (registry.topology !== "full-mesh") {
    registry.topology.pairs.forEach((pair, i) => {
      pair.forEach((id, k) => {
        if (!ids.includes(id))
          out.add(["topology", "pairs", i, k], unknownReference("member", id, ids));
      });
      if (pair[0] === pair[1])
        out.add(["topology", "pairs", i], `a member cannot peer with itself ("${pair[0]}")`);
    });
  }
  return out.list;
}

/** Parses and validates a registry value (already read from YAML). */
export function parseRegistry(
  value: unknown,
  file: string,
): { registry?: Registry; problems: Problem[] } {
  const result = registrySchema.safeParse(value, { reportInput: true });
  if (!result.success) return { problems: zodProblems(result.error, file, []) };
  return { registry: result.data, problems: validateRegistry(result.data, file) };
}

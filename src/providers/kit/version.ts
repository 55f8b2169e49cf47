/**
 * The `version` input of every device-provider resource: a hash of the provider's code.
 *
 * A dynamic provider's code is stored in each resource's state and only rewritten when the
 * resource's inputs change; so the inputs carry a version of the code, and a change of
 * provider code changes every resource's inputs and Pulumi stores the new code. The files
 * hashed are not a list kept by hand: they are what the provider module loads, read from
 * Node's module graph (the serialized provider carries every module it imports, and only
 * those). Computed by the program, never inside the provider: this module is not imported
 * by any provider module.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { sep } from "node:path";

/** The SHA-256 of the files' contents (in the order of their sorted paths), shortened. */
export function sourceVersion(files: readonly string[]): string {
  const hash = createHash("sha256");
  for (const file of [...files].sort()) hash.update(readFileSync(file));
  return hash.digest("hex").slice(0, 16);
}

/**
 * The project's source files a loaded module runs: its own file and those it imports,
 * transitively, outside node_modules (packages are not the provider's code: their version
 * is in the lock file). Throws when the module is not loaded (its graph would be empty).
 */
export function loadedSources(path: string): string[] {
  const entry = require.cache[path];
  if (!entry) throw new Error(`${path} is not loaded: import the provider module first`);
  const files = new Set<string>();
  const walk = (module: NodeJS.Module): void => {
    if (files.has(module.filename) || module.filename.includes(`${sep}node_modules${sep}`)) return;
    files.add(module.filename);
    for (const child of module.children) walk(child);
  };
  walk(entry);
  return [...files].sort();
}

const versions: Record<string, string> = {};

/** The version of the provider whose module is at `path` (computed once per process). */
export function providerVersion(path: string): string {
  return (versions[path] ??= sourceVersion(loadedSources(path)));
}

/**
 * The providers' `version` input hashes exactly the code the provider runs: the files its
 * module loads (Node's module graph), checked here against the relative imports the sources
 * declare, so a provider cannot import a file its version ignores.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { fortiosVersion, PROVIDER_MODULE as FORTIOS } from "../../src/providers/fortios/resource";
import { loadedSources, sourceVersion } from "../../src/providers/kit/version";
import { providerVersion, PROVIDER_MODULE as UNIFI } from "../../src/providers/unifi/resources";

const ROOT = join(__dirname, "..", "..");

/**
 * The project files `file` imports at run time, transitively: relative `import`/`export …
 * from` statements, except type-only ones (TypeScript erases those).
 */
function declaredImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  const statement = /^(import|export)\s+(type\s+)?([^;]*?)\s+from\s+"(\.{1,2}\/[^"]+)";/gm;
  for (const [, , typeOnly, clause, target] of text.matchAll(statement)) {
    const names = /\{([^}]*)\}/.exec(clause ?? "")?.[1];
    const allTypes =
      names !== undefined &&
      !/^\s*\*/.test(clause ?? "") &&
      names
        .split(",")
        .map((n) => n.trim())
        .filter(Boolean)
        .every((n) => n.startsWith("type "));
    if (typeOnly || allTypes) continue;
    declaredImports(resolve(dirname(file), `${target ?? ""}.ts`), seen);
  }
  return seen;
}

const rel = (files: Iterable<string>) => [...files].map((f) => relative(ROOT, f)).sort();

describe("provider versions", () => {
  for (const [name, module, version] of [
    ["FortiOS", FORTIOS, fortiosVersion],
    ["UniFi", UNIFI, providerVersion],
  ] as const) {
    it(`${name}: hashes every file the provider module loads, and only those`, () => {
      const loaded = rel(loadedSources(module));
      assert.deepEqual(loaded, rel(declaredImports(module)));
      assert.ok(loaded.includes("src/providers/http.ts"));
      assert.ok(loaded.includes("src/providers/kit/session.ts"));
      assert.ok(loaded.includes("src/lib/canonical-json.ts"));
      for (const programSide of ["kit/version.ts", "resource.ts", "resources.ts", "bodies.ts"])
        assert.ok(
          !loaded.some((f) => f.endsWith(programSide)),
          `${programSide} is not provider code`,
        );
      assert.equal(version(), sourceVersion(loadedSources(module)));
      assert.match(version(), /^[0-9a-f]{16}$/);
    });
  }

  it("the two providers share the kit's files", () => {
    const fortios = new Set(rel(loadedSources(FORTIOS)));
    const shared = rel(loadedSources(UNIFI)).filter((f) => fortios.has(f));
    assert.deepEqual(
      shared.filter((f) => f.startsWith("src/providers/kit/")),
      ["crud.ts", "errors.ts", "secrets.ts", "session.ts", "values.ts"].map(
        (f) => `src/providers/kit/${f}`,
      ),
    );
  });

  it("refuses a module that is not loaded", () => {
    assert.throws(() => loadedSources(join(ROOT, "src", "nothing.ts")), /is not loaded/);
  });
});

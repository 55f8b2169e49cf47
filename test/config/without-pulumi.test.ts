/**
 * `npm run check` validates without the Pulumi SDK: loading and checking every stack of a
 * project (here, the fixture sites: load, validate, model) never loads `@pulumi/pulumi`,
 * which only the program and the offline plan need. Each probe runs in a fresh process, so the module cache is clean.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fixtureProject } from "../helpers/sites";

const ROOT = join(__dirname, "..", "..");

/** Requires `module` (after running `run`, if given) and lists the loaded modules. */
function loadedModules(module: string, run = ""): string[] {
  const script = `
    const loaded = require(${JSON.stringify(join(ROOT, module))});
    ${run}
    // The preload's stand-ins for deferred SDK modules are not the SDK (defer-closure.js).
    process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((p) => !require.cache[p].deferredStandIn)));
  `;
  const result = spawnSync(
    process.execPath,
    ["--require", join(ROOT, "src", "boot", "register.js"), "-e", script],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as string[];
}

const isSdk = (path: string) => path.includes(`${join("node_modules", "@pulumi", "pulumi")}`);

describe("checking without the Pulumi SDK", () => {
  it("npm run check loads, validates and models every stack without @pulumi/pulumi", () => {
    const modules = loadedModules(
      "src/cli/check.ts",
      `const { sites, problems } = loaded.checkProject(${JSON.stringify(fixtureProject())});
       if (problems.length > 0 || sites.length < 2) throw new Error("check did not pass");`,
    );
    // The probe sees the modules the check loaded: the loader and the model among them.
    for (const file of ["src/config/load.ts", "src/evaluate.ts", "src/model/index.ts"]) {
      assert.ok(modules.includes(join(ROOT, file)), `${file} was not loaded`);
    }
    assert.deepEqual(modules.filter(isSdk), []);
  });

  it("the program does load it (the probe can see the SDK)", () => {
    assert.ok(loadedModules("src/program.ts").some(isSdk));
  });
});

/**
 * The project's own stacks and registry, checked generically: whatever `Pulumi.*.yaml` the
 * repository holds (the examples, or a user's sites once they replaced them) validates and
 * plans offline, and every peering of `stacks/federation.yaml` has sheets that agree with
 * both members' derivations. Nothing here knows what the stacks contain: adding a site,
 * removing the examples or appending a registry member leaves these tests green as long as
 * the configuration is valid (test/examples/clone.test.ts proves it on a copy). Every other
 * test reads its own fixtures (test/fixtures/sites); test/structure/generic-only.test.ts
 * holds the suite to that.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { REGISTRY_FILE, checkProject, main as check } from "../../src/cli/check";
import { stackNames } from "../../src/cli/common";
import { planStack } from "../../src/cli/offline";
import { parseRegistry } from "../../src/config/registry";
import { readYaml } from "../../src/config/yaml";
import { runMain } from "../helpers/cli";
import { validator } from "../helpers/schema";
import { checkEverySheet } from "../helpers/sheets";
import { ROOT } from "../helpers/sites";

const stacks = stackNames(ROOT);
const hasRegistry = existsSync(join(ROOT, REGISTRY_FILE));

describe(`the project's stacks (${stacks.join(", ") || "none"})`, () => {
  it("npm run check passes: every stack validates with its registry", async () => {
    const { problems, sites } = checkProject(ROOT);
    assert.deepEqual(problems, [], "npm run check prints them");
    assert.deepEqual(
      sites.map((s) => s.stack),
      stacks,
    );
    const result = await runMain(check, []);
    assert.equal(result.status, 0, result.stderr);
    for (const stack of stacks)
      assert.match(result.stdout, new RegExp(`^ok  Pulumi\\.${stack}\\.`, "m"));
  });

  for (const stack of stacks) {
    it(`${stack} plans offline: the site's root component and its outputs`, async () => {
      const { plan, loaded } = await planStack(ROOT, stack);
      const root = plan.resources.find((r) => r.type === "homelab:index:Homelab");
      assert.equal(root?.name, loaded.config.site.name);
      assert.equal(root?.parent, `pulumi:pulumi:Stack::homelab-${stack}`);
      assert.deepEqual(plan.outputs.federationPeers, loaded.peers);
    });
  }

  it("every stack file and the registry validate against the JSON Schemas (editors)", () => {
    const stackSchema = validator("stacks/schema/stack.schema.json");
    for (const stack of stacks) {
      const text = readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
      assert.equal(stackSchema(parse(text)), true, JSON.stringify(stackSchema.errors, null, 2));
    }
    if (!hasRegistry) return;
    const registrySchema = validator("stacks/schema/federation.schema.json");
    const text = readFileSync(join(ROOT, REGISTRY_FILE), "utf8");
    assert.equal(registrySchema(parse(text)), true, JSON.stringify(registrySchema.errors));
  });
});

describe(`the project's registry (${hasRegistry ? REGISTRY_FILE : "none"})`, () => {
  it("every peering's sheets, both ways, agree with both members' derivations", () => {
    if (!hasRegistry) return;
    const yaml = readYaml(join(ROOT, REGISTRY_FILE), REGISTRY_FILE);
    const { registry, problems } = parseRegistry(yaml.value, REGISTRY_FILE);
    assert.deepEqual(problems, []);
    checkEverySheet({ root: ROOT, registry: registry!, registryFile: REGISTRY_FILE });
  });
});

import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ROOT, runCli } from "../helpers/cli";

describe("npm run plan", () => {
  it("--json prints exactly one JSON document in the documented shape", () => {
    const result = runCli("plan", ["--stack", "home", "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const plan = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(plan), ["stack", "project", "resources", "outputs"]);
    assert.equal(plan.stack, "home");
    assert.equal(plan.project, "homelab");
    const resources = plan.resources as Record<string, unknown>[];
    assert.ok(resources.length >= 2);
    for (const resource of resources) {
      assert.deepEqual(Object.keys(resource), [
        "type",
        "name",
        "parent",
        "custom",
        "inputs",
        "options",
      ]);
      assert.deepEqual(Object.keys(resource.options as object), [
        "protect",
        "retainOnDelete",
        "deleteBeforeReplace",
        "ignoreChanges",
        "dependsOn",
      ]);
    }
    const stack = resources.find((r) => r.type === "pulumi:pulumi:Stack");
    assert.equal(stack?.parent, null);
    const root = resources.find((r) => r.type === "homelab:index:Homelab");
    assert.equal(root?.name, "home");
    assert.equal(root?.parent, "pulumi:pulumi:Stack::homelab-home");
    const outputs = plan.outputs as { federationPeers: string[] };
    assert.deepEqual(outputs.federationPeers, ["baptiste", "camille", "dorian", "estelle"]);
  });

  it("prints a tree with counts per type and names the secrets a real run needs", () => {
    const result = runCli("plan", ["--stack", "annex"]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^Plan for stack "annex" of project homelab: \d+ resources/);
    assert.match(result.stdout, /└─ pulumi:pulumi:Stack {2}homelab-annex/);
    assert.match(
      result.stdout,
      /Resources by type:\n(\s+\d+ {2}\S+\n)*\s+1 {2}homelab:index:Homelab\n/,
    );
    assert.match(result.stdout, /homelab:unifiApiKey, homelab:wireguardPrivateKey/);
  });

  it("invalid config: the report on stderr, exit 1, nothing on stdout", () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-"));
    const file = join(dir, "Pulumi.broken.yaml");
    const text = readFileSync(join(ROOT, "Pulumi.home.yaml"), "utf8")
      .replace("powered: false", "powerd: false")
      .replace("node: pve1\n        vmid: 105", "node: pve2\n        vmid: 105");
    writeFileSync(file, text);
    const result = runCli("plan", ["--stack", "home", "--config", file, "--json"]);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /^Invalid configuration: 1 problem/);
    assert.match(
      result.stderr,
      /Pulumi\.broken\.yaml:\d+:\d+ {2}homelab:proxmox\.nodes\[1\]\.powerd\n {4}unknown key "powerd": did you mean "powered"\?/,
    );
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
  });

  it("usage errors exit 2 with the usage text", () => {
    const result = runCli("plan", []);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--stack is required\n\nusage: npm run plan/);
    const missing = runCli("plan", ["--stack", "nosuch"]);
    assert.equal(missing.status, 1);
    assert.match(
      missing.stderr,
      /Pulumi\.nosuch\.yaml {2}\(top level\)\n {4}cannot read Pulumi\.nosuch\.yaml: file not found/,
    );
  });
});

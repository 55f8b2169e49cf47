/**
 * `npm run plan -- --stack home --json` shows, for each FortiOS object, its CMDB path, key
 * and the exact JSON body that would be sent, secrets as "[secret]".
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCli } from "../helpers/cli";

describe("npm run plan --json: FortiOS objects", () => {
  it("every FortiOS object has its path, key (complex objects: none) and body", () => {
    const result = runCli("plan", ["--stack", "home", "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const plan = JSON.parse(result.stdout) as {
      resources: { type: string; name: string; inputs: Record<string, unknown> }[];
    };
    const objects = plan.resources.filter(
      (r) => r.type === "pulumi-nodejs:dynamic/fortios:CmdbObject",
    );
    assert.ok(objects.length > 40);
    for (const o of objects) {
      assert.match(o.inputs.path as string, /^[a-z.]+\/[a-z0-9-]+$/, o.name);
      assert.ok(o.inputs.body && typeof o.inputs.body === "object", o.name);
      if (o.inputs.path === "router/bgp") assert.equal(o.inputs.key, undefined);
      else assert.ok(["string", "number"].includes(typeof o.inputs.key), o.name);
    }
    const phase1 = objects.find((o) => o.name === "home-fortigate-p1-fgn-baptiste")!;
    assert.equal(phase1.inputs.key, "fgn-baptiste");
    assert.equal((phase1.inputs.body as Record<string, unknown>).psksecret, "[secret]");
    assert.ok(!result.stdout.includes("offline-placeholder-psk"), "no PSK placeholder in clear");
  });
});

/**
 * The program as the Pulumi engine runs it: config comes from the runtime (as the engine
 * passes it), there is no offline context, so every secret must be set and encrypted.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { runUnderMocks } from "../src/cli/mock-runtime";
import { loadOffline, PROJECT } from "../src/cli/offline";
import { isConfigSecret } from "../src/config/runtime-source";
import { evaluateFromRuntime, main } from "../src/program";
import { fixtureProject } from "./helpers/sites";

/** A project holding the fixture sites (the engine runs the program in its directory). */
const PROJECT_DIR = fixtureProject();

async function run(config: Record<string, string>, secretKeys: string[]) {
  const previous = process.cwd();
  process.chdir(PROJECT_DIR); // the engine runs the program in the project directory
  try {
    return await runUnderMocks({
      project: PROJECT,
      stack: "home",
      config,
      secretKeys,
      preflight: evaluateFromRuntime,
      program: main,
    });
  } finally {
    process.chdir(previous);
  }
}

async function runError(config: Record<string, string>, secretKeys: string[]): Promise<Error> {
  try {
    await run(config, secretKeys);
  } catch (error) {
    assert.ok(pulumi.RunError.isInstance(error), `expected a RunError, got ${String(error)}`);
    return error;
  }
  assert.fail("the program ran without error");
}

describe("program under the engine's config", () => {
  const home = loadOffline(PROJECT_DIR, "home");

  it("runs when every secret is set as a secret", async () => {
    const plan = await run(home.config, home.secretKeys);
    assert.ok(plan.resources.some((r) => r.type === "homelab:index:Homelab" && r.name === "home"));
    assert.deepEqual(plan.outputs.federationPeers, ["baptiste", "camille", "dorian", "estelle"]);
  });

  it("names each missing secret with the command that sets it (RunError: no stack trace)", async () => {
    const config = { ...home.config };
    delete config["homelab:proxmoxApiToken"];
    delete config["homelab:psk-dorian"];
    const error = await runError(
      config,
      home.secretKeys.filter((k) => k !== "homelab:proxmoxApiToken" && k !== "homelab:psk-dorian"),
    );
    assert.match(error.message, /^Invalid configuration: 2 problems/);
    assert.match(
      error.message,
      /Pulumi\.home\.yaml:\d+:\d+ {2}homelab:proxmoxApiToken\n {4}secret is not set \(Proxmox VE API token secret .*\)\. Set it with:\n {4}pulumi config set --secret homelab:proxmoxApiToken --stack home\n/,
    );
    assert.match(error.message, /pulumi config set --secret homelab:psk-dorian --stack home/);
  });

  it("rejects a secret the engine passes in plain text", async () => {
    const error = await runError(
      home.config,
      home.secretKeys.filter((k) => k !== "homelab:fortigateApiToken"),
    );
    assert.match(
      error.message,
      /homelab:fortigateApiToken\n {4}is stored in plain text, but it is a secret/,
    );
  });

  it("rejects a section that carries an encrypted value", async () => {
    const error = await runError(home.config, [...home.secretKeys, "homelab:proxmox"]);
    assert.match(
      error.message,
      /homelab:proxmox\n {4}holds an encrypted value, but secrets cannot live inside a section/,
    );
  });

  it("refuses a site network outside its federation member's prefixes (pulumi preview)", async () => {
    const fortigate = home.config["homelab:fortigate"]!;
    assert.ok(fortigate.includes('"pool":"172.26.0.0/24"'));
    const error = await runError(
      { ...home.config, "homelab:fortigate": fortigate.replace("172.26.0.0/24", "172.30.9.0/24") },
      home.secretKeys,
    );
    assert.match(error.message, /^Invalid configuration: 1 problem\n/);
    assert.match(
      error.message,
      /homelab:fortigate\.dialupVpn\n {4}172\.30\.9\.0\/24 \(network "vpn"\) is outside the prefixes member "alexis" owns in test\/fixtures\/sites\/federation\.yaml \(172\.24\.0\.0\/14, 10\.128\.0\.0\/10\)/,
    );
  });

  it("reads secret-ness from the runtime", () => {
    pulumi.runtime.setAllConfig({ "homelab:a": "x", "homelab:b": "y" }, ["homelab:a"]);
    assert.equal(isConfigSecret("homelab:a"), true);
    assert.equal(isConfigSecret("homelab:b"), false);
  });
});

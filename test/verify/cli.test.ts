/**
 * `npm run verify` as a command: its usage (a real subprocess, as npm starts it) and an
 * invalid stack file (the report on stderr, exit 1, nothing on stdout, no device asked).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { main } from "../../src/cli/verify";
import { runCli, runMain } from "../helpers/cli";

describe("npm run verify", () => {
  it("--help prints the usage with the credentials it reads; no --stack is a usage error", () => {
    const help = runCli("verify", ["--help"]);
    assert.equal(help.status, 0);
    assert.match(
      help.stdout,
      /FORTIOS_API_TOKEN, UNIFI_API_KEY or UNIFI_PASSWORD,\nPROXMOX_VE_API_TOKEN/,
    );
    const bare = runCli("verify", []);
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /^--stack is required/);
  });

  it("an invalid stack file: the report, exit 1, nothing on stdout", async () => {
    const dir = mkdtempSync(join(tmpdir(), "verify-cli-"));
    try {
      const file = join(dir, "Pulumi.bad.yaml");
      writeFileSync(file, "config:\n  homelab:site:\n    name: bad\n    colour: blue\n");
      const run = await runMain((argv) => main(argv, {}), ["--stack", "bad", "--config", file]);
      assert.equal(run.status, 1);
      assert.equal(run.stdout, "");
      assert.match(run.stderr, /^Invalid configuration/);
      assert.match(run.stderr, /unknown key "colour"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

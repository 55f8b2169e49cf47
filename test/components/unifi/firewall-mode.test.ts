/**
 * Which firewall generation a run configures: pinned modes ask nothing; `auto` asks the
 * controller in a real run (version, zones, static DNS) and assumes zone-based offline; a
 * controller that cannot be asked ends the run with the way out.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { resolveFirewallMode } from "../../../src/components/unifi/firewall-mode";
import { unifiSchema } from "../../../src/config/unifi";
import { DEVICE_FINGERPRINT } from "../../emulators/server";
import { TEST_API_KEY, TEST_PASSWORD } from "../../emulators/unifi";
import { useConsoles } from "../../emulators/unifi-fixtures";

const controller = useConsoles();

const config = (
  url: string,
  mode: "auto" | "zone" | "legacy",
  extra: Record<string, unknown> = {},
) =>
  unifiSchema.parse({
    controller: url,
    tls: { fingerprint: DEVICE_FINGERPRINT },
    firewall: { mode },
    ...extra,
  });

const secrets = (values: Record<string, string>) => (name: string) => values[name];

describe("firewall mode resolution", () => {
  it("asks nothing when the mode is pinned, or offline", async () => {
    const { emulator, url } = await controller({});
    for (const mode of ["zone", "legacy"] as const) {
      const decision = await resolveFirewallMode(config(url, mode), {
        offline: false,
        secret: secrets({}),
      });
      assert.deepEqual([decision.mode, decision.source], [mode, "configured"]);
    }
    const assumed = await resolveFirewallMode(config(url, "auto"), { offline: true });
    assert.deepEqual([assumed.mode, assumed.source], ["zone", "assumed"]);
    assert.equal(emulator.server.count(), 0);
  });

  it("detects the legacy firewall of Network 8, and of a Network 9 console not yet migrated", async () => {
    for (const options of [
      { version: "8.6.9" },
      { version: "9.5.21", firewall: "legacy" as const },
    ]) {
      const { url } = await controller(options);
      const decision = await resolveFirewallMode(config(url, "auto"), {
        offline: false,
        secret: secrets({ unifiApiKey: TEST_API_KEY }),
      });
      assert.deepEqual(
        [decision.mode, decision.source, decision.version],
        ["legacy", "detected", options.version],
      );
      assert.match(
        decision.message,
        /detected \(UniFi Network [\d.]+ does not run the zone-based firewall\)/,
      );
    }
  });

  it("detects the zone-based firewall and the static DNS API, with a local admin too", async () => {
    const { url, emulator } = await controller({ staticDns: false });
    const decision = await resolveFirewallMode(
      config(url, "auto", { auth: "password", username: "admin" }),
      {
        offline: false,
        secret: secrets({ unifiPassword: TEST_PASSWORD }),
      },
    );
    assert.deepEqual(
      [decision.mode, decision.source, decision.staticDns],
      ["zone", "detected", false],
    );
    assert.equal(emulator.logins, 1);
    assert.equal(emulator.server.writes() - 1, 0, "only the login was a POST");
  });

  it("ends the run with the fix when the controller cannot be asked, without the key", async () => {
    const { url } = await controller({});
    const wrong = "wrong-key-0123456789abcdef";
    await assert.rejects(
      resolveFirewallMode(config(url, "auto"), {
        offline: false,
        secret: secrets({ unifiApiKey: wrong }),
      }),
      (error: Error) => {
        assert.ok(pulumi.RunError.isInstance(error));
        assert.match(
          error.message,
          /^homelab:unifi\.firewall\.mode is auto, but the controller could not be asked which firewall it runs: .*the API key was rejected \(HTTP 401\)/,
        );
        assert.match(
          error.message,
          /\nFix the connection, or set homelab:unifi\.firewall\.mode to zone \(Network 9\+ with the zone-based firewall\) or legacy\.$/,
        );
        assert.ok(!error.message.includes(wrong));
        return true;
      },
    );
    await assert.rejects(
      resolveFirewallMode(config("https://127.0.0.1:1", "auto"), {
        offline: false,
        secret: secrets({ unifiApiKey: TEST_API_KEY }),
      }),
      /could not be asked which firewall it runs: .*connection refused/,
    );
  });
});

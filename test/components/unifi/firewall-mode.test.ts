/**
 * Which firewall generation a run configures: a real run asks the controller whatever the
 * mode (version, zones, legacy rules, static DNS; GETs only): `auto` takes what it runs, a
 * pinned mode is checked (a mismatch is a problem at firewall.mode); offline nothing is
 * asked and the assumptions are said; a controller that cannot be asked ends the run with
 * the way out.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { resolveFirewallMode } from "../../../src/components/unifi/firewall-mode";
import { decideFirewallMode } from "../../../src/model/unifi/firewall-mode";
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
  it("asks nothing offline, and says what it assumes", async () => {
    const { emulator, url } = await controller({});
    for (const mode of ["zone", "legacy", "auto"] as const) {
      const decision = await resolveFirewallMode(config(url, mode), { offline: true });
      assert.deepEqual(decision, decideFirewallMode(mode));
      assert.ok(decision.assumptions.length > 0, mode);
    }
    assert.equal(emulator.server.count(), 0);
  });

  it("checks a pinned mode against the console, with GETs only, before anything is written", async () => {
    const zone = await controller({});
    const legacy = await controller({ version: "9.5.21", firewall: "legacy" });
    legacy.emulator.insert("firewallrule", {
      name: "UI allow printers",
      ruleset: "LAN_IN",
      rule_index: 2000,
      action: "accept",
    });
    const ask = (url: string, mode: "zone" | "legacy") =>
      resolveFirewallMode(config(url, mode), {
        offline: false,
        secret: secrets({ unifiApiKey: TEST_API_KEY }),
      });
    const fine = await ask(legacy.url, "legacy");
    assert.deepEqual(
      [fine.mode, fine.source, fine.mismatch, fine.assumptions, fine.legacyRules],
      [
        "legacy",
        "configured",
        undefined,
        [],
        [{ ruleset: "LAN_IN", index: 2000, name: "UI allow printers" }],
      ],
    );
    const wrong = await ask(zone.url, "legacy");
    assert.match(
      wrong.mismatch ?? "",
      /^firewall\.mode is legacy, but the console \(UniFi Network 9\.5\.21\) runs the zone-based firewall: it refuses every legacy rule \(api\.err\.FirewallRuleIndexOutOfRange\)/,
    );
    assert.equal(wrong.legacyRules, undefined);
    assert.match(
      (await ask(legacy.url, "zone")).mismatch ?? "",
      /runs the legacy LAN_IN\/WAN_IN firewall/,
    );
    assert.equal((await ask(zone.url, "zone")).mismatch, undefined);
    for (const { emulator } of [zone, legacy]) {
      assert.equal(emulator.server.writes(), 0);
      assert.ok(emulator.server.count() > 0);
    }
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
    await assert.rejects(
      resolveFirewallMode(config("https://127.0.0.1:1", "legacy"), {
        offline: false,
        secret: secrets({ unifiApiKey: TEST_API_KEY }),
      }),
      (error: Error) => {
        assert.ok(pulumi.RunError.isInstance(error));
        assert.match(
          error.message,
          /^homelab:unifi\.firewall\.mode is legacy, but the controller could not be asked, before anything is written, whether it runs that firewall and which rule indexes are free: .*connection refused.*\nFix the connection \(every write of the run would need it too\)\.$/s,
        );
        return true;
      },
    );
  });
});

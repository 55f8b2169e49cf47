/**
 * Which firewall generation a run configures: a real run asks the controller whatever the
 * mode (version, zones, legacy rules, static DNS; GETs only): `auto` takes what it runs, a
 * pinned mode is checked (a mismatch is a problem at firewall.mode); offline nothing is
 * asked and the assumptions are said; a controller that cannot be asked ends the run with
 * the way out.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { resolveFirewallMode } from "../../../src/components/unifi/firewall-mode";
import { decideFirewallMode } from "../../../src/model/unifi/firewall-mode";
import { ConfigError, formatPath } from "../../../src/config/errors";
import { stackFileSource } from "../../../src/config/load";
import { evaluateSiteWith } from "../../../src/evaluate";
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

describe("before any write, in the program's evaluation", () => {
  /** A stack file for a console at `url` with the firewall mode pinned. */
  function stackFile(url: string, mode: "legacy" | "zone"): string {
    const file = join(mkdtempSync(join(tmpdir(), "unifi-mode-")), "Pulumi.t.yaml");
    writeFileSync(
      file,
      [
        "config:",
        "  homelab:site: { name: t }",
        "  homelab:unifi:",
        `    controller: ${url}`,
        `    tls: { fingerprint: "${DEVICE_FINGERPRINT}" }`,
        "    networks:",
        "      - { name: servers, vlan: 10, cidr: 10.0.10.0/24, gateway: 10.0.10.1 }",
        "      - { name: users, vlan: 30, cidr: 10.0.30.0/24, gateway: 10.0.30.1 }",
        "    firewall:",
        `      mode: ${mode}`,
        "      allow:",
        "        - { from: users, to: servers, protocol: tcp, ports: [443] }",
        "",
      ].join("\n"),
    );
    return file;
  }

  const evaluate = (file: string) =>
    evaluateSiteWith(
      stackFileSource(file, "t", "Pulumi.t.yaml"),
      { root: process.cwd(), requireSecrets: false },
      async (loaded) => ({
        unifiFirewall: await resolveFirewallMode(loaded.config.unifi!, {
          offline: false,
          secret: secrets({ unifiApiKey: TEST_API_KEY }),
        }),
      }),
    );

  it("stops at firewall.mode, with its line, when the console runs the other firewall", async () => {
    const { url, emulator } = await controller({});
    await assert.rejects(evaluate(stackFile(url, "legacy")), (error: Error) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.deepEqual(
        error.problems.map((p) => [p.file, p.line, formatPath(p.path)]),
        [["Pulumi.t.yaml", 10, "homelab:unifi.firewall.mode"]],
      );
      assert.match(error.message, /runs the zone-based firewall: it refuses every legacy rule/);
      return true;
    });
    assert.equal(emulator.server.writes(), 0);
  });

  it("gives the rules indexes the console's 11 LAN_IN rules leave free (the seed console)", async () => {
    const { url, emulator } = await controller({ version: "9.5.21", firewall: "legacy" });
    for (let i = 0; i < 11; i++) {
      emulator.insert("firewallrule", {
        name: `UI rule ${i + 1}`,
        ruleset: "LAN_IN",
        rule_index: 2000 + i,
        action: "accept",
      });
    }
    const { model } = await evaluate(stackFile(url, "legacy"));
    const rules = model.unifi!.objects.filter((o) => o.kind === "FirewallRule");
    const indexes = rules.map((r) => (r.spec as { index: number }).index);
    assert.equal(indexes.length, 3);
    for (const index of indexes) assert.ok(index > 2010 && index <= 2999, String(index));
    assert.equal(Math.min(...indexes), 2011, "established/related right after the console's");
  });
});

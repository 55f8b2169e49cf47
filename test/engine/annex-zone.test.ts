/**
 * The annex stack with `firewall.mode: zone` (its objects on a zone-based console: zone
 * lookups, policies and their order) through the SDK's dynamic-provider plugin, spoken to as
 * the engine does, against a zone-based UniFi console emulator: test/engine/stack-suite.ts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_API_KEY } from "../emulators/unifi";
import { ANNEX, pathOf } from "../helpers/sites";
import { unifiDevice } from "./unifi-device";
import { describeStack } from "./stack-suite";

describeStack({
  stack: "annex",
  file: () => {
    const text = readFileSync(pathOf(ANNEX), "utf8");
    const zone = text.replace(/mode: legacy.*\n/, "mode: zone\n");
    assert.notEqual(zone, text, "the annex fixture pins firewall.mode: legacy");
    const file = join(mkdtempSync(join(tmpdir(), "annex-zone-")), "Pulumi.annex.yaml");
    writeFileSync(file, zone);
    return file;
  },
  credentials: { unifiApiKey: TEST_API_KEY },
  types: [
    "unifi:DnsRecord",
    "unifi:FirewallGroup",
    "unifi:FirewallPolicy",
    "unifi:FirewallPolicyOrder",
    "unifi:FirewallZone",
    "unifi:Network",
    "unifi:PortForward",
    "unifi:WireGuardServer",
  ],
  // annex.test.ts runs the per-kind steps for the objects both firewall modes share.
  perKind: ["unifi:FirewallPolicy", "unifi:FirewallPolicyOrder", "unifi:FirewallZone"],
  device: () => unifiDevice({ firewall: "zone" }),
});

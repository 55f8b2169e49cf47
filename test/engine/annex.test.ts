/**
 * The annex stack (seed 001, UniFi, legacy firewall rules) through the SDK's dynamic-provider
 * plugin, spoken to as the engine does, against a legacy-firewall UniFi console emulator:
 * test/engine/stack-suite.ts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { TEST_API_KEY } from "../emulators/unifi";
import { ANNEX, pathOf } from "../helpers/sites";
import { unifiDevice } from "./unifi-device";
import { describeStack } from "./stack-suite";

describeStack({
  stack: "annex",
  credentials: { unifiApiKey: TEST_API_KEY },
  types: [
    "unifi:DnsRecord",
    "unifi:FirewallGroup",
    "unifi:FirewallRule",
    "unifi:Network",
    "unifi:PortForward",
    "unifi:WireGuardServer",
  ],
  device: () => {
    // The console must run the firewall the fixture pins, or the program stops at preview.
    assert.match(readFileSync(pathOf(ANNEX), "utf8"), /\n {4}firewall:\n {6}mode: legacy\b/);
    return unifiDevice({ firewall: "legacy" });
  },
});

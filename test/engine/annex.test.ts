/**
 * The annex stack (seed 001, UniFi, legacy firewall rules) through the SDK's dynamic-provider
 * plugin, spoken to as the engine does, against a legacy-firewall UniFi console emulator:
 * test/engine/stack-suite.ts.
 */
import { TEST_API_KEY } from "../emulators/unifi";
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
  device: () => unifiDevice({ firewall: "legacy" }),
});

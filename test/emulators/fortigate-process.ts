/**
 * The FortiGate emulator in a process of its own, for tests whose own process blocks (the
 * serialization round trip runs the provider with spawnSync). Prints one JSON line
 * `{ "url": ... }` on stdout once listening; stops when its stdin closes.
 */
import { FortiGateEmulator } from "./fortigate";

const emulator = new FortiGateEmulator();
void emulator.start().then((url) => {
  process.stdout.write(`${JSON.stringify({ url })}\n`);
});
process.stdin.resume();
process.stdin.on("end", () => {
  void emulator.stop().then(() => process.exit(0));
});

/** An emulated UniFi console as a device of test/engine/stack-suite.ts. */
import { parseCollectionPath } from "../../src/devices/unifi/api";
import { UnifiEmulator, type UnifiEmulatorOptions } from "../emulators/unifi";
import { text, type PropertyMap } from "./properties";
import { emulatorTls } from "./stacks";
import type { Device } from "./stack-suite";

export async function unifiDevice(options: UnifiEmulatorOptions): Promise<Device> {
  const emulator = new UnifiEmulator(options);
  const url = await emulator.start();
  return {
    route: { connection: { controller: url, tls: emulatorTls() } },
    // The ids of every collection the stack writes to.
    snapshot: (goals) => {
      const collections = new Set(
        goals.map((g) => parseCollectionPath(text(g.inputs.path))?.collection ?? ""),
      );
      return [...collections]
        .filter((c) => c !== "" && !c.endsWith("batch-reorder"))
        .sort()
        .map((c) => [
          c,
          emulator
            .docs(c)
            .map((d) => d._id)
            .sort(),
        ]);
    },
    // The WireGuard server's port (the object whose private key the controller returns).
    drift: (goals) => {
      const goal = goals.find((g) =>
        Object.keys(g.inputs.body as PropertyMap).some((k) => k.startsWith("x_")),
      )!;
      const name = text(((g) => (g.inputs.body as PropertyMap).name)(goal));
      emulator.find("networkconf", (d) => d.name === name)!.local_port = 51999;
      return goal.urn;
    },
    stop: () => emulator.stop(),
  };
}

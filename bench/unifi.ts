/**
 * The UniFi provider against the emulated console with 50 ms of latency per request:
 * refreshing 100 objects (requests made, wall time; with the reads sharing one list request
 * per collection, and without, for scale) and applying them again unchanged (writes: 0).
 */
import { collectionPath } from "../src/devices/unifi/api";
import { firewallGroupBody, networkBody } from "../src/devices/unifi/bodies";
import { UnifiProvider, type ObjectOutputs } from "../src/providers/unifi/provider";
import { DEVICE_FINGERPRINT } from "../test/emulators/server";
import { TEST_API_KEY, UnifiEmulator } from "../test/emulators/unifi";
import { MiniEngine, type Desired } from "../test/helpers/engine";
import { unifiProvider } from "../src/providers/unifi/resources";
import { serializedSize } from "./provider-size";
import { time, type BenchSuite, type Figure } from "./types";

const OBJECTS = 100;
const LATENCY_MS = 50;

function desired(url: string): Desired[] {
  const connection = {
    controller: url,
    site: "default",
    auth: "apiKey",
    tls: { fingerprint: DEVICE_FINGERPRINT },
  };
  const object = (
    name: string,
    collection: "networkconf" | "firewallgroup",
    body: Record<string, unknown>,
  ): Desired => ({
    name,
    inputs: {
      connection,
      path: collectionPath("default", collection),
      key: { name: String(body.name) },
      body,
      kind: "object",
      adopt: false,
      version: "bench",
    },
  });
  return Array.from({ length: OBJECTS }, (_, i) =>
    i % 2 === 0
      ? object(
          `net-${i}`,
          "networkconf",
          networkBody({
            name: `vlan${100 + i}`,
            purpose: "corporate",
            vlan: 100 + i,
            gateway: `10.1.${i}.1`,
            prefixLength: 24,
            dhcp: { start: `10.1.${i}.100`, stop: `10.1.${i}.200`, dns: [], leaseSeconds: 86400 },
            isolated: false,
            internetAccess: true,
            igmpSnooping: false,
          }),
        )
      : object(
          `group-${i}`,
          "firewallgroup",
          firewallGroupBody({
            name: `ports ${i}`,
            type: "port-group",
            members: [String(1000 + i)],
          }),
        ),
  );
}

export const unifiSuite: BenchSuite = {
  name: `UniFi provider: ${OBJECTS} objects, ${LATENCY_MS} ms per request`,
  async run(): Promise<Figure[]> {
    const emulator = new UnifiEmulator();
    const url = await emulator.start();
    const engine = async (provider: UnifiProvider) => {
      const e = new MiniEngine(provider);
      await e.configure({ "homelab:unifiApiKey": TEST_API_KEY });
      return e;
    };
    const figures: Figure[] = [];
    try {
      const first = await engine(new UnifiProvider());
      const site = desired(url);
      await first.up(site);
      emulator.server.setLatency(LATENCY_MS);

      /** Refresh with the engine's parallel reads; a fresh provider, fresh log. */
      const refresh = async (label: string, provider: UnifiProvider, parallel: boolean) => {
        const e = await engine(provider);
        for (const [name, entry] of first.state) e.state.set(name, { ...entry });
        emulator.server.resetLog();
        let changed = 0;
        const wall = await time(async () => {
          if (parallel) {
            const entries = [...e.state.entries()];
            const reads = await Promise.all(
              entries.map(([, s]) => provider.read(s.id, s.outs as unknown as ObjectOutputs)),
            );
            changed = reads.filter((r) => !r.id || r.inputs !== undefined).length;
          } else {
            changed = (await e.refresh()).length;
          }
        });
        if (changed !== 0) throw new Error(`${label}: ${changed} objects changed`);
        figures.push({
          name: label,
          value: Math.round(wall),
          unit: "ms",
          detail: {
            requests: emulator.server.count(),
            objects: OBJECTS,
            "max in flight": emulator.server.maxInFlight,
          },
        });
      };
      await refresh(
        "refresh, parallel reads (as the engine), shared list per collection",
        new UnifiProvider(),
        true,
      );
      await refresh(
        "refresh, sequential reads, shared list per collection",
        new UnifiProvider(),
        false,
      );
      await refresh(
        "refresh, parallel reads, one list per read (no sharing, for scale)",
        new UnifiProvider({ readCacheMs: 0 }),
        true,
      );

      const again = await engine(new UnifiProvider());
      for (const [name, entry] of first.state) again.state.set(name, { ...entry });
      emulator.server.resetLog();
      const wall = await time(() => again.up(site));
      figures.push({
        name: "apply with no change: writes",
        value: emulator.server.writes(),
        unit: "writes",
        detail: { requests: emulator.server.count(), "wall ms": Math.round(wall) },
      });
      if (emulator.server.writes() !== 0)
        throw new Error("an unchanged apply wrote to the console");
      figures.push(
        await serializedSize(
          "serialized provider (stored in every resource's state)",
          unifiProvider,
        ),
      );
      return figures;
    } finally {
      await emulator.stop();
    }
  },
};

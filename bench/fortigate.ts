/**
 * The FortiOS provider against the emulator with 50 ms of latency per request (a small
 * FortiGate over a LAN or a VPN): 100 objects across five tables.
 *
 * - refresh of the 100 objects, sequentially (as the test engine does) and all at once (as
 *   `pulumi refresh` does), with one read per object and with the table listings the
 *   provider shares between reads (its default);
 * - a no-change apply of the same 100 objects (writes: must be 0);
 * - the initial apply, for scale.
 */
import { MiniEngine, type Desired } from "../test/helpers/engine";
import { EMULATOR_TOKEN, startFortiGate } from "../test/emulators/fortigate";
import { FortiosProvider, fortiosProvider } from "../src/providers/fortios/provider";
import { fortiosVersion } from "../src/providers/fortios/resource";
import {
  addressGroup,
  firewallAddress,
  firewallPolicy,
  prefixList,
  staticRoute,
  type CmdbSpec,
} from "../src/devices/fortios/tables";
import { serializedSize } from "./provider-size";
import { time, type BenchSuite, type Figure } from "./types";

const LATENCY_MS = 50;

/** 100 objects: 40 addresses, 20 groups, 20 static routes, 10 prefix lists, 10 policies. */
function objects(): CmdbSpec[] {
  const specs: CmdbSpec[] = [];
  for (let i = 0; i < 40; i++)
    specs.push(firewallAddress({ name: `net-${i}`, type: "ipmask", subnet: `10.${i}.0.0/16` }));
  for (let i = 0; i < 20; i++)
    specs.push(
      addressGroup({ name: `grp-${i}`, member: [{ name: `net-${i}` }, { name: `net-${i + 20}` }] }),
    );
  for (let i = 0; i < 20; i++)
    specs.push(
      staticRoute({
        "seq-num": 10000 + i,
        dst: `10.${100 + i}.0.0/16`,
        gateway: "192.0.2.1",
        device: "wan1",
        comment: `route ${i}`,
      }),
    );
  for (let i = 0; i < 10; i++)
    specs.push(
      prefixList({
        name: `pl-${i}`,
        rule: [{ id: 1, action: "permit", prefix: `10.${i}.0.0/16`, le: 32 }],
      }),
    );
  for (let i = 0; i < 10; i++)
    specs.push(
      firewallPolicy({
        policyid: 20000 + i,
        name: `policy-${i}`,
        srcintf: [{ name: "internal3" }],
        dstintf: [{ name: "wan1" }],
        srcaddr: [{ name: `grp-${i}` }],
        dstaddr: [{ name: "all" }],
        service: [{ name: "ALL" }],
        schedule: "always",
        action: "accept",
        nat: "enable",
      }),
    );
  return specs;
}

export const fortigateSuite: BenchSuite = {
  name: `FortiOS provider, emulator with ${LATENCY_MS} ms latency, 100 objects`,
  async run(): Promise<Figure[]> {
    const { emulator, connection } = await startFortiGate();
    const figures: Figure[] = [];
    try {
      const desired: Desired[] = objects().map((spec, i) => ({
        name: `o${i}`,
        inputs: {
          connection,
          path: spec.path,
          key: spec.key,
          body: spec.body,
          secretFields: [...spec.secretFields],
          identity: [...spec.identity],
          mode: spec.mode,
          adopt: false,
          version: fortiosVersion(),
        },
      }));
      const engine = async (provider: FortiosProvider) => {
        const e = new MiniEngine(provider);
        await e.configure({ "homelab:fortigateApiToken": EMULATOR_TOKEN });
        return e;
      };
      emulator.server.setLatency(LATENCY_MS);

      const first = await engine(new FortiosProvider());
      emulator.server.resetLog();
      const createMs = await time(() => first.up(desired));
      figures.push({
        name: "initial apply (100 creates)",
        value: createMs,
        unit: "ms",
        detail: { requests: emulator.server.count(), writes: emulator.server.writes() },
      });

      const refresh = async (label: string, provider: FortiosProvider, parallel: boolean) => {
        const e = await engine(provider);
        for (const [name, entry] of first.state) e.state.set(name, { ...entry });
        emulator.server.resetLog();
        let changed = 0;
        const wall = await time(async () => {
          if (parallel) {
            const results = await Promise.all(
              [...e.state.values()].map((s) => provider.read(s.id, s.outs as never)),
            );
            changed = results.filter((r) => r.inputs !== undefined || r.id === "").length;
          } else changed = (await e.refresh()).length;
        });
        if (changed !== 0) throw new Error(`${label}: refresh reported ${changed} changes`);
        figures.push({
          name: label,
          value: wall,
          unit: "ms",
          detail: {
            requests: emulator.server.count(),
            "max in flight": emulator.server.maxInFlight,
          },
        });
      };
      await refresh(
        "refresh, one read per object, sequential",
        new FortiosProvider({ readCacheMs: 0 }),
        false,
      );
      await refresh(
        "refresh, one read per object, all at once",
        new FortiosProvider({ readCacheMs: 0 }),
        true,
      );
      await refresh(
        "refresh, shared table listings (default), sequential",
        new FortiosProvider(),
        false,
      );
      await refresh(
        "refresh, shared table listings (default), all at once",
        new FortiosProvider(),
        true,
      );

      const again = await engine(new FortiosProvider());
      for (const [name, entry] of first.state) again.state.set(name, { ...entry });
      emulator.server.resetLog();
      const noChangeMs = await time(() => again.up(desired));
      figures.push({
        name: "no-change apply of the 100 objects: writes",
        value: emulator.server.writes(),
        unit: "writes",
        detail: { requests: emulator.server.count(), "wall ms": Math.round(noChangeMs) },
      });
      if (emulator.server.writes() !== 0) throw new Error("a no-change apply wrote to the device");
      figures.push(
        await serializedSize(
          "serialized provider (stored in every resource's state)",
          fortiosProvider,
        ),
      );
    } finally {
      await emulator.stop();
    }
    return figures;
  },
};

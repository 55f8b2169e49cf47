/**
 * The device providers under Pulumi's real provider host (test/engine/): the SDK's
 * dynamic-provider plugin started as the engine starts it, and the example stacks deployed
 * through it against the emulators (no latency added).
 *
 * - plugin start: spawn until the port is printed, and until it answers (median of 3);
 * - per stack (home: FortiOS, annex: UniFi): the first preview (the program and a Check per
 *   object, concurrent as the engine runs them), `up` (Check and Create), refresh (Read, all
 *   at once), then one object after the other: a no-change preview (Check and Diff), a read,
 *   an update (the provider code changed), destroy (Delete); wall time each;
 * - each RPC's median over the one-after-the-other steps of both stacks (concurrent calls
 *   queue in the plugin's single thread, so their times are not a call's; creates only run
 *   concurrently, in `up`: its wall time per object stands for them).
 */
import { EMULATOR_TOKEN, startFortiGate } from "../test/emulators/fortigate";
import { TEST_API_KEY } from "../test/emulators/unifi";
import { Deployment } from "../test/engine/deployment";
import { DynamicProviderPlugin } from "../test/engine/plugin";
import { emulatorTls, runStack, testStack, type DeviceRoute } from "../test/engine/stacks";
import { unifiDevice } from "../test/engine/unifi-device";
import { pathOf } from "../test/helpers/sites";
import { median, time, type BenchSuite, type Figure } from "./types";

async function starts(): Promise<Figure[]> {
  const port: number[] = [];
  const ready: number[] = [];
  for (let i = 0; i < 3; i++) {
    const plugin = await DynamicProviderPlugin.start();
    port.push(plugin.timings.startMs);
    ready.push(plugin.timings.readyMs);
    await plugin.stop();
  }
  return [
    { name: "plugin start: port printed", value: median(port), unit: "ms" },
    { name: "plugin start: answering (Handshake)", value: median(ready), unit: "ms" },
  ];
}

async function deploy(
  name: string,
  credentials: Record<string, string>,
  device: () => Promise<{ route: DeviceRoute; stop(): Promise<void> }>,
  calls: Record<string, number[]>,
): Promise<Figure[]> {
  const emulated = await device();
  const route = emulated.route;
  const plugin = await DynamicProviderPlugin.start({ stack: name });
  try {
    // The suite's copy of the example site (test/fixtures/sites), so figures stay comparable.
    const stack = testStack(
      name,
      credentials,
      pathOf({ stack: name, file: `test/fixtures/sites/${name}.yaml` }),
    );
    await plugin.configure(stack.config, stack.secretKeys);
    const deployment = new Deployment(plugin);
    let objects = 0;
    const preview = await time(async () => {
      objects = (await runStack(deployment, stack, "preview", route)).goals.length;
    });
    let goals: Awaited<ReturnType<typeof runStack>>["goals"] = [];
    const up = await time(async () => {
      goals = (await runStack(deployment, stack, "up", route)).goals;
    });
    const refresh = await time(() => deployment.refresh());
    for (const method of Object.keys(plugin.timings.calls)) delete plugin.timings.calls[method];
    const again = await time(async () => {
      for (const goal of goals) await deployment.preview(goal);
    });
    const reads = await time(async () => {
      for (const e of deployment.state.values())
        await plugin.read(e.urn, e.id, e.outputs, e.inputs);
    });
    const update = await time(async () => {
      for (const goal of goals)
        await deployment.up({ ...goal, inputs: { ...goal.inputs, version: "next" } });
    });
    // What the engine refuses to delete until `pulumi state unprotect` (the FortiGate's API
    // interface): unprotected first, as its owner would, outside the timing.
    deployment.unprotectAll();
    const destroy = await time(() => deployment.destroy());
    for (const [method, times] of Object.entries(plugin.timings.calls))
      (calls[method] ??= []).push(...times);
    const detail = { objects };
    return [
      { name: `${name}: first preview (program + Check)`, value: preview, unit: "ms", detail },
      { name: `${name}: up (program + Check + Create)`, value: up, unit: "ms", detail },
      { name: `${name}: refresh (Read, all at once)`, value: refresh, unit: "ms", detail },
      { name: `${name}: no-change preview (Check + Diff)`, value: again, unit: "ms", detail },
      { name: `${name}: read one by one`, value: reads, unit: "ms", detail },
      {
        name: `${name}: update one by one (Check + Diff + Update)`,
        value: update,
        unit: "ms",
        detail,
      },
      { name: `${name}: destroy (Delete)`, value: destroy, unit: "ms", detail },
    ];
  } finally {
    await plugin.stop();
    await emulated.stop();
  }
}

export const engineSuite: BenchSuite = {
  name: "engine (the SDK's dynamic-provider plugin over gRPC, example stacks on emulators)",
  async run() {
    const calls: Record<string, number[]> = {};
    const figures = [
      ...(await starts()),
      ...(await deploy(
        "home",
        { fortigateApiToken: EMULATOR_TOKEN },
        async () => {
          const { emulator, connection } = await startFortiGate();
          return {
            route: {
              connection: { host: connection.host, port: connection.port, tls: emulatorTls() },
            },
            stop: () => emulator.stop(),
          };
        },
        calls,
      )),
      ...(await deploy(
        "annex",
        { unifiApiKey: TEST_API_KEY },
        () => unifiDevice({ firewall: "legacy" }),
        calls,
      )),
    ];
    for (const method of ["check", "diff", "create", "read", "update", "delete"]) {
      const times = calls[method];
      if (times?.length)
        figures.push({
          name: `${method} (median per call)`,
          value: median(times),
          unit: "ms",
          detail: { calls: times.length, max: Math.round(Math.max(...times)) },
        });
    }
    return figures;
  },
};

/**
 * The home stack (seed 000, FortiGate) through the SDK's dynamic-provider plugin, spoken to as
 * the engine does, against the FortiGate emulator: test/engine/stack-suite.ts.
 */
import assert from "node:assert/strict";
import { EMULATOR_TOKEN, startFortiGate } from "../emulators/fortigate";
import { typeOfUrn } from "./deployment";
import { text, type PropertyMap } from "./properties";
import { emulatorTls } from "./stacks";
import { describeStack } from "./stack-suite";

describeStack({
  stack: "home",
  credentials: { fortigateApiToken: EMULATOR_TOKEN },
  types: ["fortios:CmdbObject", "fortios:DeviceCheck"],
  protected: ["home-fortigate-if-lan"],
  device: async () => {
    const { emulator, connection } = await startFortiGate();
    return {
      route: { connection: { host: connection.host, port: connection.port, tls: emulatorTls() } },
      // Table keys per CMDB path, and the complex objects (router/bgp) as stored.
      snapshot: (goals) => {
        const paths = [
          ...new Set(
            goals
              .filter((g) => typeOfUrn(g.urn) === "fortios:CmdbObject")
              .map((g) => ({ path: text(g.inputs.path), table: "key" in g.inputs }))
              .map((p) => JSON.stringify(p)),
          ),
        ].sort();
        return paths.map((text) => {
          const { path, table } = JSON.parse(text) as { path: string; table: boolean };
          return [path, table ? emulator.keys(path).sort() : emulator.complex(path)];
        });
      },
      drift: (goals) => {
        const goal = goals.find(
          (g) =>
            Array.isArray(g.inputs.secretFields) &&
            g.inputs.secretFields.length > 0 &&
            "comments" in (g.inputs.body as PropertyMap),
        );
        assert.ok(goal, "the stack has an object with a secret and a comment to change by hand");
        emulator.entry(text(goal.inputs.path), text(goal.inputs.key))!.comments = "changed by hand";
        return goal.urn;
      },
      stop: () => emulator.stop(),
    };
  },
});

/** What the engine sends for each FortiOS object of a FortiGate plan (secrets as their names). */
import { mapSecrets } from "../../src/devices/fortios/tables";
import { cmdbObjects, type FortigatePlan } from "../../src/model/fortigate";
import { fortiosVersion } from "../../src/providers/fortios/resource";
import type { startFortiGate } from "../emulators/fortigate";
import type { Desired } from "./engine";

export type Connection = Awaited<ReturnType<typeof startFortiGate>>["connection"];

export function desiredOf(plan: FortigatePlan, connection: Connection): Desired[] {
  return cmdbObjects(plan).map((o) => ({
    name: o.role,
    inputs: {
      connection,
      path: o.spec.path,
      ...(o.spec.key !== undefined ? { key: o.spec.key } : {}),
      body: mapSecrets(o.spec.body, (name) => `value-of-${name}`),
      secretFields: [...o.spec.secretFields],
      identity: [...o.spec.identity],
      mode: o.spec.mode,
      adopt: false,
      ...(o.spec.reset ? { reset: o.spec.reset } : {}),
      ...(o.spec.fallback ? { fallback: o.spec.fallback } : {}),
      version: fortiosVersion(),
    },
  }));
}

/**
 * The FortiGate device check (`pulumi-nodejs:dynamic/fortios:DeviceCheck`): a read-only
 * resource that writes nothing, whose `check` reads the device and refuses what would make a
 * run fail part-way. Pulumi calls `check` for every resource at preview and at the start of
 * every `up`, before any step of it; the plan puts this resource first and every FortiOS
 * object after it (`dependsOn`), so nothing is written when it fails.
 *
 * What it checks:
 * - each aggregate the plan creates (and the device does not have yet with the same ports):
 *   its member ports exist, are physical, carry no address, and belong to no hardware switch
 *   (`system/virtual-switch`: on a factory FortiGate 60E, internal1-7 are the `internal`
 *   switch), software switch (`system/switch-interface`) or other aggregate: FortiOS
 *   refuses such a member (-651), after the objects before it were written;
 * - the API address: when it is the address of an interface this stack creates and the
 *   device cannot be reached, the first run has to reach it another way (bootstrap).
 *
 * Runs inside the serialized provider (plain data, no module-level objects).
 */
import type * as pulumi from "@pulumi/pulumi";
import { configureSession } from "../kit/session";
import { containsUnknown } from "../kit/values";
import {
  fortigateOf,
  type FortiosClient,
  type FortiosConnection,
  type FortiosObject,
} from "./client";
import { FortiosError } from "./failures";
import type { DeviceCheckSpec } from "../../devices/fortios/checks";

export interface DeviceCheckInputs extends DeviceCheckSpec {
  readonly connection: FortiosConnection;
  readonly version: string;
}

const NO_ADDRESS = ["", "0.0.0.0 0.0.0.0", "0.0.0.0/0"];

/** Names in a member table (`[{ name }]` or `[{ "interface-name" }]`). */
function memberNames(value: unknown, key: string): string[] {
  return Array.isArray(value)
    ? value.flatMap((m: unknown) =>
        m !== null && typeof m === "object" && typeof (m as FortiosObject)[key] === "string"
          ? [(m as FortiosObject)[key] as string]
          : [],
      )
    : [];
}

/** A table's entries; [] when this FortiOS (or model) has no such table. */
async function listOrNone(client: FortiosClient, path: string): Promise<FortiosObject[]> {
  try {
    return await client.list(path);
  } catch (error) {
    if (error instanceof FortiosError && error.kind === "not-found") return [];
    throw error;
  }
}

/** Where each port already belongs: "the hardware switch "internal"", … */
async function portOwners(client: FortiosClient): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  for (const sw of await listOrNone(client, "system/virtual-switch"))
    for (const port of memberNames(sw.port, "name"))
      owners.set(port, `the hardware switch "${String(sw.name)}"`);
  for (const sw of await listOrNone(client, "system/switch-interface"))
    for (const port of memberNames(sw.member, "interface-name"))
      owners.set(port, `the software switch "${String(sw.name)}"`);
  return owners;
}

/** What is wrong with the aggregates the plan creates (one reason per aggregate). */
export async function aggregateProblems(
  client: FortiosClient,
  spec: DeviceCheckSpec,
): Promise<string[]> {
  const problems: string[] = [];
  let owners: Map<string, string> | undefined;
  let interfaces: FortiosObject[] | undefined;
  for (const aggregate of spec.aggregates) {
    const existing = await client.get("system/interface", aggregate.name);
    const built = memberNames(existing?.member, "interface-name");
    if (
      existing?.type === "aggregate" &&
      aggregate.members.every((m) => built.includes(m)) &&
      built.length === aggregate.members.length
    )
      continue;
    owners ??= await portOwners(client);
    interfaces ??= await client.list("system/interface");
    const reasons: string[] = [];
    const switched = new Map<string, string[]>();
    for (const member of aggregate.members) {
      if (built.includes(member)) continue;
      const port = interfaces.find((i) => i.name === member);
      if (!port) {
        reasons.push(`port "${member}" does not exist on ${client.device}`);
        continue;
      }
      if (port.type !== "physical") {
        reasons.push(`"${member}" is a ${String(port.type)} interface, not a physical port`);
        continue;
      }
      const owner =
        owners.get(member) ??
        interfaces
          .filter(
            (i) =>
              i.name !== aggregate.name &&
              (i.type === "aggregate" || i.type === "redundant") &&
              memberNames(i.member, "interface-name").includes(member),
          )
          .map((i) => `the ${String(i.type)} "${String(i.name)}"`)[0];
      if (owner) switched.set(owner, [...(switched.get(owner) ?? []), member]);
      else if (typeof port.ip === "string" && !NO_ADDRESS.includes(port.ip))
        reasons.push(`port "${member}" has the address ${port.ip}: remove it first`);
    }
    for (const [owner, ports] of switched) {
      const hardware = owner.startsWith("the hardware switch");
      const name = owner.replace(/^.*"(.*)"$/, "$1");
      reasons.push(
        `${ports.join(" and ")} ${ports.length === 1 ? "is a port" : "are ports"} of ${owner}, and an aggregate cannot take a switch's ports. ${
          hardware
            ? `Take them out of it first (config system virtual-switch / edit "${name}" / config port / delete ${ports.join(" / delete ")}), after moving off "${name}" what uses it (its address, its DHCP server, the factory Internet policy): homelab:fortigate.internet replaces that policy.`
            : `Take them out of it first (remove them from its members).`
        }`,
      );
    }
    if (reasons.length > 0)
      problems.push(
        `aggregate "${aggregate.name}" cannot be built on ${client.device} from ${aggregate.members.join(", ")}: ${reasons.join("; ")}. Nothing was written.`,
      );
  }
  return problems;
}

export class FortiosCheckProvider implements pulumi.dynamic.ResourceProvider {
  async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    configureSession(this, request.config);
  }

  private client(connection: FortiosConnection): FortiosClient {
    return fortigateOf(this, connection, { readCacheMs: 0 }).client;
  }

  async check(
    _olds: DeviceCheckInputs,
    news: DeviceCheckInputs,
  ): Promise<pulumi.dynamic.CheckResult<DeviceCheckInputs>> {
    // At preview, inputs may not be known yet: the check runs when they are.
    if (containsUnknown(news)) return { inputs: news, failures: [] };
    const client = this.client(news.connection);
    try {
      const problems = await aggregateProblems(client, news);
      return {
        inputs: news,
        failures: problems.map((reason) => ({ property: "aggregates", reason })),
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const unreachable = error instanceof FortiosError && error.kind === "transport";
      const bootstrap =
        unreachable && news.managementInterface !== undefined
          ? ` The API address ${news.connection.host} is the address of interface "${news.managementInterface}", which this stack creates: a FortiGate that does not have it yet cannot be reached there. For the first run, set homelab:fortigate.host to an address the FortiGate already has (the factory 192.168.1.99 on "internal", or the WAN), or create "${news.managementInterface}" by hand and set adopt: true.`
          : "";
      return {
        inputs: news,
        failures: [
          {
            property: "connection",
            reason: `the FortiGate could not be checked before any write: ${message}${bootstrap}`,
          },
        ],
      };
    }
  }

  async diff(
    _id: string,
    olds: DeviceCheckInputs,
    news: DeviceCheckInputs,
  ): Promise<pulumi.dynamic.DiffResult> {
    return { changes: JSON.stringify(olds) !== JSON.stringify(news) };
  }

  async create(inputs: DeviceCheckInputs): Promise<pulumi.dynamic.CreateResult<DeviceCheckInputs>> {
    return { id: `${inputs.connection.host}/device-check`, outs: inputs };
  }

  async update(
    _id: string,
    _olds: DeviceCheckInputs,
    news: DeviceCheckInputs,
  ): Promise<pulumi.dynamic.UpdateResult<DeviceCheckInputs>> {
    return { outs: news };
  }

  async read(
    id: string,
    props: DeviceCheckInputs,
  ): Promise<pulumi.dynamic.ReadResult<DeviceCheckInputs>> {
    return { id, props };
  }

  async delete(): Promise<void> {}
}

/** The one instance every DeviceCheck uses. */
export const fortiosCheckProvider = new FortiosCheckProvider();

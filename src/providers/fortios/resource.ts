/**
 * `CmdbObject` (`pulumi-nodejs:dynamic/fortios:CmdbObject`): one FortiOS CMDB table entry or
 * complex object, managed by the shared `fortiosProvider`. The inputs are what the offline
 * plan shows: the CMDB `path`, the mkey `key` and the exact JSON `body` that would be sent
 * (secret values stay secret Outputs inside it and print as "[secret]").
 */
import * as pulumi from "@pulumi/pulumi";
import { providerVersion } from "../kit/version";
import type { AggregateCheck } from "../../devices/fortios/checks";
import type { Fallback } from "../../devices/fortios/tables";
import { fortiosCheckProvider } from "./check";
import type { FortiosConnection } from "./client";
import { fortiosProvider, type CmdbMode } from "./provider";

/** The provider's module: its code and what it imports make every object's `version`. */
export const PROVIDER_MODULE = require.resolve("./provider");
/** The device check's provider module. */
export const CHECK_MODULE = require.resolve("./check");

/** The provider code version (SHA-256 of its sources), computed once per program run. */
export function fortiosVersion(): string {
  return providerVersion(PROVIDER_MODULE);
}

export interface CmdbObjectArgs {
  /** How to reach the FortiGate (never the token). */
  readonly connection: pulumi.Input<FortiosConnection>;
  /**
   * CMDB path.
   * @example "firewall/address"
   */
  readonly path: string;
  /**
   * The entry's mkey; absent for a complex object (router/bgp).
   * @example "net-lan"
   */
  readonly key?: string | number;
  /** The exact JSON sent to the device (CLI attribute names, with hyphens). */
  readonly body: pulumi.Input<Record<string, pulumi.Input<unknown>>>;
  /**
   * Top-level attributes of `body` that are secrets (compared by salted hash).
   * @default []
   */
  readonly secretFields?: readonly string[];
  /**
   * Attributes that must match before an existing entry with the same key is adopted.
   * @default []
   */
  readonly identity?: readonly string[];
  /**
   * `update-only` for objects FortiOS creates itself (physical ports, tunnel interfaces).
   * @default "create-update-delete"
   */
  readonly mode?: CmdbMode;
  /**
   * Take over an entry that already exists (PUT instead of failing).
   * @default false
   */
  readonly adopt?: boolean;
  /** Body PUT to a complex object when this resource is deleted. @default tables emptied, attributes reset */
  readonly reset?: Record<string, unknown>;
  /**
   * What to send instead to a FortiOS whose own schema of `path` lacks an attribute (asked
   * in `check`, before any write).
   * @default none
   * @example { missing: "redistribute", body: { as: "65001", network: [] } }
   */
  readonly fallback?: Fallback;
  /**
   * The URNs of the objects this one names, by role: a dependency of an input on them, so
   * that the engine replaces this object when one of them is replaced delete-before-create.
   * @default {}
   * @example { "p1-fgn-baptiste": p1.urn }
   */
  readonly referents?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export class CmdbObject extends pulumi.dynamic.Resource {
  declare readonly path: pulumi.Output<string>;
  declare readonly key: pulumi.Output<string | number | undefined>;
  /** The managed attributes as applied (secrets as salted hashes). */
  declare readonly applied: pulumi.Output<Record<string, unknown>>;
  /** Whether an existing object was taken over. */
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: CmdbObjectArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      fortiosProvider,
      name,
      {
        connection: args.connection,
        path: args.path,
        key: args.key,
        body: args.body,
        secretFields: args.secretFields ?? [],
        identity: args.identity ?? [],
        mode: args.mode ?? "create-update-delete",
        adopt: args.adopt ?? false,
        reset: args.reset,
        ...(args.fallback ? { fallback: args.fallback } : {}),
        referents: args.referents ?? {},
        version: fortiosVersion(),
        applied: undefined,
        adopted: undefined,
      },
      opts,
      "fortios",
      "CmdbObject",
    );
  }
}

export interface DeviceCheckArgs {
  /** How to reach the FortiGate (never the token). */
  readonly connection: pulumi.Input<FortiosConnection>;
  /**
   * Aggregates the plan creates, with the ports each takes.
   * @example [{ name: "lan", members: ["internal1", "internal2"] }]
   */
  readonly aggregates: readonly AggregateCheck[];
  /**
   * The interface this stack creates that holds the API address, if any.
   * @default none
   * @example "lan"
   */
  readonly managementInterface?: string;
}

/**
 * `DeviceCheck` (`pulumi-nodejs:dynamic/fortios:DeviceCheck`): reads the FortiGate in its
 * `check`, at preview and before any write of an update, and refuses what would fail
 * part-way (src/providers/fortios/check.ts). Writes nothing.
 */
export class DeviceCheck extends pulumi.dynamic.Resource {
  constructor(name: string, args: DeviceCheckArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      fortiosCheckProvider,
      name,
      {
        connection: args.connection,
        aggregates: args.aggregates,
        ...(args.managementInterface !== undefined
          ? { managementInterface: args.managementInterface }
          : {}),
        version: providerVersion(CHECK_MODULE),
      },
      opts,
      "fortios",
      "DeviceCheck",
    );
  }
}

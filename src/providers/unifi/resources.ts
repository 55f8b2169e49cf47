/**
 * UniFi resources: the generic object resource and typed helpers (networks, the WireGuard
 * server, firewall groups, legacy rules, zone-based policies and their order, zones, port
 * forwards, static DNS records). Every one uses the single shared UniFi provider; its type
 * token is `pulumi-nodejs:dynamic/unifi:<Type>`.
 *
 * Inputs `path`, `key` and `body` are exactly what the controller gets, so plans show them;
 * a secret inside the body (the WireGuard private key) stays a secret Output there.
 */
import * as pulumi from "@pulumi/pulumi";
import { providerVersion as sourceVersionOf } from "../kit/version";
import { collectionPath, type Collection } from "../../devices/unifi/api";
import {
  dnsRecordBody,
  firewallGroupBody,
  legacyRuleBody,
  networkBody,
  policyBody,
  policyOrderBody,
  portForwardBody,
  wireguardBody,
  type DnsRecordSpec,
  type FirewallGroupSpec,
  type LegacyRuleSpec,
  type NetworkSpec,
  type PolicySpec,
  type PortForwardSpec,
  type WireGuardSpec,
} from "../../devices/unifi/bodies";
import type { UnifiConnection } from "./client";
import { UnifiProvider, type ObjectKind } from "./provider";

/** The one provider instance of every UniFi resource (its serialization is cached). */
export const unifiProvider = new UnifiProvider();

/** The provider's module: its code and what it imports make every object's `version`. */
export const PROVIDER_MODULE = require.resolve("./provider");

/** The provider code version (computed once per process). */
export function providerVersion(): string {
  return sourceVersionOf(PROVIDER_MODULE);
}

/** UniFi resource types (the part after `pulumi-nodejs:dynamic/unifi:`). */
export type UnifiType =
  | "Object"
  | "Network"
  | "WireGuardServer"
  | "FirewallGroup"
  | "FirewallRule"
  | "FirewallZone"
  | "FirewallPolicy"
  | "FirewallPolicyOrder"
  | "PortForward"
  | "DnsRecord";

export const UNIFI_TYPES: readonly UnifiType[] = [
  "Object",
  "Network",
  "WireGuardServer",
  "FirewallGroup",
  "FirewallRule",
  "FirewallZone",
  "FirewallPolicy",
  "FirewallPolicyOrder",
  "PortForward",
  "DnsRecord",
];

/** The full type token of a UniFi resource type. */
export function unifiTypeToken(type: UnifiType): string {
  return `pulumi-nodejs:dynamic/unifi:${type}`;
}

export interface UnifiObjectArgs {
  /** Controller, site, auth mode and TLS trust (no credential). */
  readonly connection: pulumi.Input<UnifiConnection>;
  /**
   * Collection path.
   * @example "/proxy/network/api/s/default/rest/networkconf"
   */
  readonly path: pulumi.Input<string>;
  /**
   * Natural key: how the object is found (and adopted) on the controller.
   * @example { name: "servers" }
   */
  readonly key: pulumi.Input<Record<string, pulumi.Input<string | number>>>;
  /** The body sent to the controller (may hold Outputs: other objects' ids, secrets). */
  readonly body: pulumi.Input<Record<string, unknown>>;
  /**
   * object: created and managed; lookup: owned by the controller, only found; ordering: the
   * order of zone-based policies.
   * @default "object"
   */
  readonly kind?: ObjectKind;
  /**
   * Take over an object that already exists with the same key.
   * @default false
   */
  readonly adopt?: pulumi.Input<boolean>;
}

/** Any UniFi object: `pulumi-nodejs:dynamic/unifi:Object` (or a typed helper's type). */
export class UnifiObject extends pulumi.dynamic.Resource {
  /** The controller's id of the object (internal: for references between objects). */
  declare readonly objectId: pulumi.Output<string>;
  declare readonly path: pulumi.Output<string>;
  declare readonly key: pulumi.Output<Record<string, string | number>>;

  constructor(
    name: string,
    args: UnifiObjectArgs,
    opts?: pulumi.CustomResourceOptions,
    type: UnifiType = "Object",
  ) {
    super(
      unifiProvider,
      name,
      {
        connection: args.connection,
        path: args.path,
        key: args.key,
        body: args.body,
        kind: args.kind ?? "object",
        adopt: args.adopt ?? false,
        version: providerVersion(),
        objectId: undefined,
      },
      opts,
      "unifi",
      type,
    );
  }
}

/** Common arguments of the typed helpers. */
export interface TypedArgs<S> {
  readonly connection: UnifiConnection;
  /** What the object is. */
  readonly spec: S;
  /**
   * Take over an existing object with the same key.
   * @default false
   */
  readonly adopt?: boolean;
}

function typed(
  connection: UnifiConnection,
  collection: Collection,
  key: Record<string, pulumi.Input<string | number>>,
  body: Record<string, unknown>,
  adopt: boolean | undefined,
  kind?: ObjectKind,
): UnifiObjectArgs {
  return { connection, path: collectionPath(connection.site, collection), key, body, adopt, kind };
}

const byName = (spec: { readonly name: string }) => ({ name: spec.name });

/** A resource class for objects made from a spec: found by `key`, sent as `body`. */
function typedResource<S>(
  type: UnifiType,
  collection: Collection,
  key: (spec: S) => Record<string, pulumi.Input<string | number>>,
  body: (spec: S) => Record<string, unknown>,
) {
  return class extends UnifiObject {
    constructor(name: string, args: TypedArgs<S>, opts?: pulumi.CustomResourceOptions) {
      const { connection, spec, adopt } = args;
      super(name, typed(connection, collection, key(spec), body(spec), adopt), opts, type);
    }
  };
}

/** A VLAN network (`rest/networkconf`), found by name. */
export const UnifiNetwork = typedResource<NetworkSpec>(
  "Network",
  "networkconf",
  byName,
  networkBody,
);

/** An address or port group (`rest/firewallgroup`), found by name. */
export const UnifiFirewallGroup = typedResource<FirewallGroupSpec>(
  "FirewallGroup",
  "firewallgroup",
  byName,
  firewallGroupBody,
);

/** A legacy firewall rule (`rest/firewallrule`), found by ruleset and name. */
export const UnifiFirewallRule = typedResource<LegacyRuleSpec<pulumi.Input<string>>>(
  "FirewallRule",
  "firewallrule",
  (spec) => ({ ruleset: spec.ruleset, name: spec.name }),
  legacyRuleBody,
);

/** A zone-based firewall policy (v2 `firewall-policies`), found by name. */
export const UnifiFirewallPolicy = typedResource<PolicySpec<pulumi.Input<string>>>(
  "FirewallPolicy",
  "firewall-policies",
  byName,
  policyBody,
);

/** A port forward (`rest/portforward`), found by name. */
export const UnifiPortForward = typedResource<PortForwardSpec<pulumi.Input<string>>>(
  "PortForward",
  "portforward",
  byName,
  portForwardBody,
);

/** A static DNS record (v2 `static-dns`), found by name and record type. */
export const UnifiDnsRecord = typedResource<DnsRecordSpec>(
  "DnsRecord",
  "static-dns",
  (spec) => ({ key: spec.name, record_type: spec.type }),
  dnsRecordBody,
);

/** The WireGuard server network; its private key is a secret Output inside the body. */
export class UnifiWireGuardServer extends UnifiObject {
  constructor(
    name: string,
    args: TypedArgs<WireGuardSpec> & { readonly privateKey: pulumi.Input<string> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    const { connection, spec } = args;
    const body = wireguardBody(spec, pulumi.secret(args.privateKey));
    super(
      name,
      typed(connection, "networkconf", byName(spec), body, args.adopt),
      opts,
      "WireGuardServer",
    );
  }
}

/** A firewall zone the controller owns (v2 `firewall/zone`), found by its zone key. */
export class UnifiFirewallZone extends UnifiObject {
  constructor(
    name: string,
    args: { readonly connection: UnifiConnection; readonly zoneKey: string },
    opts?: pulumi.CustomResourceOptions,
  ) {
    const key = { zone_key: args.zoneKey };
    super(
      name,
      typed(args.connection, "firewall/zone", key, {}, false, "lookup"),
      opts,
      "FirewallZone",
    );
  }
}

/** The order of our policies from one zone to another (v2 `batch-reorder`). */
export class UnifiFirewallPolicyOrder extends UnifiObject {
  constructor(
    name: string,
    args: {
      readonly connection: UnifiConnection;
      readonly sourceZone: pulumi.Input<string>;
      readonly destinationZone: pulumi.Input<string>;
      /** Policy ids, first to last. */
      readonly policies: readonly pulumi.Input<string>[];
    },
    opts?: pulumi.CustomResourceOptions,
  ) {
    const { connection, sourceZone, destinationZone, policies } = args;
    const key = { source_zone_id: sourceZone, destination_zone_id: destinationZone };
    const body = policyOrderBody(sourceZone, destinationZone, policies);
    super(
      name,
      typed(connection, "firewall-policies/batch-reorder", key, body, false, "ordering"),
      opts,
      "FirewallPolicyOrder",
    );
  }
}

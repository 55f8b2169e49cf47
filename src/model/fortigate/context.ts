/**
 * What the steps of the FortiGate plan share: the config, the topology (interface addresses
 * parsed once), the site's networks by name, the plan being built (referents before
 * referrers), the firewall addresses of local networks (planned when first named), and the
 * policies the steps ask for, planned last because they refer to everything else.
 */
import type { FortigateConfig } from "../../config/fortigate";
import type { SiteNetwork } from "../../config/networks";
import { PlanBuilder } from "../../devices/plan";
import type { DeviceCheckSpec } from "../../devices/fortios/checks";
import {
  addressGroup,
  firewallAddress,
  type CmdbSpec,
  type NameRef,
  type PolicyBody,
} from "../../devices/fortios/tables";
import { dottedMask, formatIPv4, type Prefix } from "../../lib/net";
import type { FortigateObject, FortigatePlanInput, PeeringIntent, SiteNames } from ".";
import type { InternalZone } from "../internal-dns";
import type { PublishIntent } from "../publish";
import { parsedAddress, type FortigateTopology } from "./topology";

/** The role of the device check (`<component>-precheck`). */
export const CHECK_ROLE = "precheck";

/** Characters a role keeps; anything else becomes "-" ("10.0.0.0/8" → "10.0.0.0-8"). */
export function roleName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, "-");
}

/** The role of the firewall address (or group) named `name`. */
export function addressRole(name: string): string {
  return roleName(`addr-${name}`);
}

/** 172.24.0.1, 24 → "172.24.0.1 255.255.255.0" (the device's own spelling). */
export function ipMask(address: number, length: number): string {
  return `${formatIPv4(address)} ${dottedMask(length)}`;
}

/** The device's spelling of a prefix ("10.128.0.0 255.255.255.0"). */
export function prefixMask(prefix: Prefix): string {
  return ipMask(prefix.network, prefix.length);
}

/** The device's spelling of a prefix written "10.128.0.0/24". */
export function cidrMask(cidr: string): string {
  const { address, length } = parsedAddress(cidr);
  return ipMask(address, length);
}

/** A member table naming these objects (`[{ name: "lan" }]`). */
export function names(list: readonly string[]): NameRef[] {
  return list.map((name) => ({ name }));
}

/** A value valid config guarantees; its absence is a bug of the plan, not of the config. */
export function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`internal error: ${what} is missing`);
  return value;
}

/** A firewall policy a step asks for; ids are allocated when every policy is known. */
export interface PolicyIntent {
  readonly name: string;
  readonly body: Omit<PolicyBody, "policyid" | "name">;
  /** Roles of what it names (undefined: nothing in this plan makes it). */
  readonly deps: readonly (string | undefined)[];
}

/** This site's side of the federation, when both the config and the registry give one. */
export interface FederationSide {
  /** The WAN interface the tunnels use. */
  readonly wan: string;
  /** Local networks reachable from and to the federation. */
  readonly networks: readonly string[];
  readonly asn: number;
  readonly routerId: string;
  readonly peerings: readonly PeeringIntent[];
}

export class FortigateContext {
  readonly fg: FortigateConfig;
  readonly topology: FortigateTopology;
  /** Every network of the site. */
  readonly networks: readonly SiteNetwork[];
  readonly federation?: FederationSide;
  /** The reverse proxy to publish on the WAN. */
  readonly publish?: PublishIntent;
  /** The internal names, when the FortiGate serves them. */
  readonly dns?: InternalZone;
  /** The internal domain and who serves it. */
  readonly names?: SiteNames;
  /** The peerings the FortiGate carries (none when the site is not a member). */
  readonly peerings: readonly PeeringIntent[];
  readonly policies: PolicyIntent[];
  private readonly plan: PlanBuilder<FortigateObject>;
  private readonly networkByName: ReadonlyMap<string, SiteNetwork>;

  constructor(input: FortigatePlanInput, topology: FortigateTopology) {
    this.fg = input.config;
    this.topology = topology;
    this.networks = input.networks;
    this.publish = input.publish;
    this.dns = input.dns;
    this.names = input.names;
    const side = input.config.federation;
    this.federation =
      side && input.federation
        ? { wan: side.interface, networks: side.networks, ...input.federation }
        : undefined;
    this.peerings = this.federation?.peerings ?? [];
    this.policies = [];
    this.plan = new PlanBuilder("FortiGate");
    this.networkByName = new Map(input.networks.map((n) => [n.name, n]));
  }

  get objects(): readonly FortigateObject[] {
    return this.plan.objects;
  }

  /**
   * Plans an object after `dependsOn` (undefined entries are skipped) and after the device
   * check, if there is one; returns its role.
   */
  add(role: string, spec: CmdbSpec, dependsOn: readonly (string | undefined)[] = []): string {
    const name = roleName(role);
    const deps = [
      ...new Set([
        ...(this.plan.has(CHECK_ROLE) ? [CHECK_ROLE] : []),
        ...dependsOn.filter((d): d is string => d !== undefined),
      ]),
    ];
    this.plan.add({ role: name, kind: "CmdbObject", spec, dependsOn: deps });
    return name;
  }

  /** Plans the device check, first: every object planned after it waits for it. */
  addCheck(spec: DeviceCheckSpec): string {
    this.plan.add({ role: CHECK_ROLE, kind: "DeviceCheck", spec, dependsOn: [] });
    return CHECK_ROLE;
  }

  has(role: string): boolean {
    return this.plan.has(roleName(role));
  }

  /** Plans the firewall address `name` of one subnet (in the device's spelling). */
  addAddress(name: string, subnet: string, comment: string): string {
    return this.add(`addr-${name}`, firewallAddress({ name, type: "ipmask", subnet, comment }));
  }

  /** The object that makes interface `name` exist (or be configured), if this plan has one. */
  interfaceRole(name: string): string | undefined {
    for (const role of [`tun-${name}`, `p1-${name}`, `if-${name}`])
      if (this.has(role)) return roleName(role);
    return undefined;
  }

  /**
   * The firewall address of a local network ("net-<name>"): one address for one prefix, a
   * group of addresses for several, planned when first named.
   */
  addressOf(network: string): string {
    const name = `net-${network}`;
    const role = `addr-${name}`;
    if (this.has(role)) return name;
    const prefixes = this.networkByName.get(network)?.prefixes ?? [];
    if (prefixes.length === 0) throw new Error(`internal error: network ${network} has no prefix`);
    const address = (part: string, prefix: Prefix) =>
      this.addAddress(part, prefixMask(prefix), `network ${network}`);
    const [only] = prefixes;
    if (only && prefixes.length === 1) {
      address(name, only);
      return name;
    }
    const parts = prefixes.map((prefix, i) => {
      const part = `${name}-${i}`;
      return { name: part, role: address(part, prefix) };
    });
    this.add(
      role,
      addressGroup({
        name,
        member: names(parts.map((p) => p.name)),
        comment: `network ${network}`,
      }),
      parts.map((p) => p.role),
    );
    return name;
  }

  /** The interfaces leading to these site networks (none for a network nothing reaches). */
  interfacesOf(networks: readonly string[]): string[] {
    const found = new Set<string>();
    for (const name of networks) {
      const network = this.networkByName.get(name);
      for (const i of (network && this.topology.interfacesForNetwork(network)) ?? []) found.add(i);
    }
    return [...found].sort();
  }
}

/**
 * The zone-based firewall (Network 9+) of the gateway: policies between the controller's
 * zones (looked up, never created). Inter-VLAN default deny per pair of zones: allow
 * established/related first, then the explicit allows (split per zone pair when their
 * networks sit in several zones), then block.
 *
 * Order: the controller appends each new policy to the end of its zone pair and ignores an
 * index sent with it (ubiquiti-community/terraform-provider-unifi CHANGELOG.md:46, #348). So
 * a pair's block depends on the pair's allows (`dependsOn`): it is created after every one
 * of them exists, and never at all when one of them fails, so even a partial apply never
 * leaves the block above an allow. A batch-reorder object per zone pair then states the
 * order (an allow added later is appended below the block until it runs).
 */
import { allowRuleName, networkNamesOf, type AllowRule } from "../../config/unifi";
import type { PolicySpec, PolicyTarget } from "../../devices/unifi/bodies";
import type { Ref } from "../../devices/plan";
import type { PublishIntent } from "../publish";
import type { UnifiPlanInput } from ".";
import {
  gatewayNetworks,
  portForwards,
  publishSources,
  type Builder,
  type GatewayZone,
} from "./common";
import { portsText, slug } from "./names";

type ZoneKey = GatewayZone | "external";

/** What a policy says besides its zones and networks. */
type PolicyRule = Omit<
  PolicySpec<Ref>,
  "sourceZone" | "destinationZone" | "destinationZoneKey" | "source" | "destination"
>;

/** The policies of one (source zone, destination zone) pair, in order. */
interface ZonePair {
  readonly src: ZoneKey;
  readonly dst: ZoneKey;
  readonly policies: Ref[];
  /** Roles of the pair's allows: its block is created after them. */
  readonly allows: string[];
}

/** The zones, and the policies planned so far per (source zone, destination zone). */
class ZonePolicies {
  private readonly zones = new Map<ZoneKey, Ref>();
  private readonly pairs = new Map<string, ZonePair>();
  private readonly zoneByNetwork: ReadonlyMap<string, ZoneKey>;
  /** Every network the console routes. */
  readonly all: readonly string[];

  constructor(
    private readonly b: Builder,
    networks: readonly { name: string; zone: ZoneKey }[],
    private readonly netRefs: ReadonlyMap<string, Ref>,
  ) {
    this.zoneByNetwork = new Map(networks.map((n) => [n.name, n.zone]));
    this.all = networks.map((n) => n.name);
    for (const n of networks) this.zone(n.zone);
  }

  /** The controller's zone `key`, looked up once. */
  zone(key: ZoneKey): Ref {
    let ref = this.zones.get(key);
    if (!ref) {
      ref = this.b.add({ role: `zone-${key}`, kind: "FirewallZone", spec: { zoneKey: key } });
      this.zones.set(key, ref);
    }
    return ref;
  }

  /** The zone of a routed network (allows name routed networks only). */
  zoneOf(network: string): ZoneKey {
    const key = this.zoneByNetwork.get(network);
    if (!key) throw new Error(`internal error: network ${network} is not routed by the gateway`);
    return key;
  }

  /** Adds a policy between the networks `from` of zone `src` and `to` of zone `dst`. */
  add(
    src: ZoneKey,
    dst: ZoneKey,
    role: string,
    rule: PolicyRule,
    from: readonly string[] = this.all,
    to: readonly string[] = this.all,
  ): void {
    const id = `${src}-${dst}`;
    let pair = this.pairs.get(id);
    if (!pair) {
      pair = { src, dst, policies: [], allows: [] };
      this.pairs.set(id, pair);
    }
    const ref = this.b.add(
      {
        role: `policy-${slug(role)}`,
        kind: "FirewallPolicy",
        spec: {
          ...rule,
          sourceZone: this.zone(src),
          destinationZone: this.zone(dst),
          destinationZoneKey: dst,
          source: this.target(from, src),
          destination: this.target(to, dst),
        },
      },
      rule.action === "ALLOW" ? [] : [...pair.allows],
    );
    if (rule.action === "ALLOW") pair.allows.push(ref.ref);
    pair.policies.push(ref);
  }

  /** One batch-reorder object per zone pair, in the order its policies were added. */
  addOrders(): void {
    for (const { src, dst, policies } of this.pairs.values()) {
      this.b.add({
        role: `order-${src}-${dst}`,
        kind: "FirewallPolicyOrder",
        spec: { sourceZone: this.zone(src), destinationZone: this.zone(dst), policies },
      });
    }
  }

  /** The networks of `names` that sit in zone `key`, by id. */
  private target(names: readonly string[], key: ZoneKey): PolicyTarget<Ref> {
    const networks = names
      .filter((n) => this.zoneByNetwork.get(n) === key)
      .map((n) => {
        const ref = this.netRefs.get(n);
        if (!ref) throw new Error(`internal error: network ${n} is not planned`);
        return ref;
      });
    return { kind: "networks", networks };
  }
}

/** Zone pairs the deny covers: traffic between two different networks of the site. */
function denyPairs(networks: readonly { name: string; zone: ZoneKey }[]): [ZoneKey, ZoneKey][] {
  const keys = [...new Set(networks.map((n) => n.zone))];
  const count = (key: ZoneKey) => networks.filter((n) => n.zone === key).length;
  return keys.flatMap((src) =>
    keys
      .filter((dst) => !(src === dst && count(src) < 2) && count(src) > 0 && count(dst) > 0)
      .map((dst): [ZoneKey, ZoneKey] => [src, dst]),
  );
}

/** An explicit allow: one policy per pair of zones its networks sit in. */
function allow(policies: ZonePolicies, rule: AllowRule): void {
  const name = allowRuleName(rule);
  const from = networkNamesOf(rule.from);
  const to = networkNamesOf(rule.to);
  const srcZones = [...new Set(from.map((n) => policies.zoneOf(n)))];
  const dstZones = [...new Set(to.map((n) => policies.zoneOf(n)))];
  const split = srcZones.length * dstZones.length > 1;
  const ports = rule.ports ? { ports: portsText(rule.ports) } : {};
  for (const src of srcZones) {
    for (const dst of dstZones) {
      const policyName = split ? `${name} (${src} to ${dst})` : name;
      const spec = { name: policyName, action: "ALLOW" as const, protocol: rule.protocol };
      policies.add(src, dst, policyName, { ...spec, ...ports }, from, to);
    }
  }
}

/** The reverse proxy from its WAN sources: a policy from the external zone, port forwards. */
function publishProxy(b: Builder, policies: ZonePolicies, publish: PublishIntent): void {
  const source = publishSources(publish, b);
  const external = policies.zone("external");
  const internal = policies.zone("internal");
  b.add({
    role: `policy-${slug(`allow ${publish.host} from ${publish.sourceName}`)}`,
    kind: "FirewallPolicy",
    spec: {
      name: `homelab allow ${publish.host} from ${publish.sourceName}`,
      action: "ALLOW",
      protocol: "tcp",
      sourceZone: external,
      destinationZone: internal,
      destinationZoneKey: "internal",
      source: source ? { kind: "addressGroup", group: source } : { kind: "any" },
      destination: { kind: "addresses", addresses: [publish.address] },
      ports: portsText(publish.ports),
    },
  });
  portForwards(publish, source, b);
}

export function zoneFirewall(
  input: UnifiPlanInput,
  b: Builder,
  netRefs: ReadonlyMap<string, Ref>,
): void {
  const { config, publish } = input;
  const networks = gatewayNetworks(config);
  const policies = new ZonePolicies(b, networks, netRefs);
  const deny = config.firewall.interVlan === "deny" && networks.length > 1;
  const denied = deny ? denyPairs(networks) : [];
  for (const [src, dst] of denied) {
    policies.add(src, dst, `established related ${src} ${dst}`, {
      name: `homelab allow established/related ${src} to ${dst}`,
      action: "ALLOW",
      protocol: "all",
      establishedRelated: true,
    });
  }
  for (const rule of config.firewall.allow) allow(policies, rule);
  for (const [src, dst] of denied) {
    policies.add(src, dst, `deny inter-vlan ${src} ${dst}`, {
      name: `homelab deny inter-VLAN ${src} to ${dst}`,
      action: "BLOCK",
      protocol: "all",
    });
  }
  if (deny) policies.addOrders();
  if (publish) publishProxy(b, policies, publish);
}

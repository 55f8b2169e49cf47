/**
 * What both firewall generations plan alike: the plan builder, the networks the console
 * routes, an address group per distinct set of networks and a port group per distinct port
 * list (shared between rules), and the WAN exposure of the reverse proxy (its source group
 * and port forwards).
 */
import type { UnifiConfig } from "../../config/unifi";
import type { SiteNetwork } from "../../config/networks";
import { PlanBuilder, type Ref } from "../../devices/plan";
import { formatPrefix } from "../../lib/net";
import type { PublishIntent } from "../publish";
import type { UnifiIntent, UnifiPlanInput } from ".";
import { groupName, portsText, slug } from "./names";

type WithoutDependencies<T> = T extends unknown ? Omit<T, "dependsOn"> : never;

/**
 * Collects the plan; objects refer to each other by `{ ref }`, and name `dependsOn` only to
 * be created after objects whose ids they do not hold (a zone pair's block after its allows).
 */
export class Builder {
  private readonly plan = new PlanBuilder<UnifiIntent>("UniFi");
  readonly objects = this.plan.objects;
  has(role: string): boolean {
    return this.plan.has(role);
  }
  add(intent: WithoutDependencies<UnifiIntent>, dependsOn: readonly string[] = []): Ref {
    return this.plan.add({ ...intent, dependsOn });
  }
}

/** The controller's zones a gateway network sits in (zone-based firewall). */
export type GatewayZone = "internal" | "hotspot" | "vpn";

/**
 * The networks the console routes: VLANs (not vlan-only ones) then the WireGuard pool, each
 * with the zone the zone-based firewall puts it in: a guest network in the Hotspot zone (it
 * keeps `purpose: guest` only there: ubiquiti-community/terraform-provider-unifi
 * CHANGELOG.md:34, #276), the WireGuard server in the Vpn zone, the others in Internal.
 */
export function gatewayNetworks(config: UnifiConfig): { name: string; zone: GatewayZone }[] {
  return [
    ...config.networks
      .filter((n) => n.purpose !== "vlan-only")
      .map((n) => ({
        name: n.name,
        zone: n.purpose === "guest" ? ("hotspot" as const) : ("internal" as const),
      })),
    ...(config.wireguard ? [{ name: config.wireguard.name, zone: "vpn" as const }] : []),
  ];
}

function prefixesOf(networks: readonly SiteNetwork[], names: readonly string[]): string[] {
  return names.flatMap((name) =>
    (networks.find((n) => n.name === name)?.prefixes ?? []).map(formatPrefix),
  );
}

/** An address group per distinct set of networks, a port group per distinct port list. */
export function groups(input: UnifiPlanInput, b: Builder) {
  const allNames = gatewayNetworks(input.config).map((n) => n.name);
  const addressGroup = (names: readonly string[]): Ref => {
    const sorted = [...new Set(names)].sort();
    const every = sorted.length === allNames.length && allNames.every((n) => sorted.includes(n));
    const name = every ? groupName("site networks", []) : groupName("nets", sorted);
    const role = `group-${slug(name.replace(/^homelab /, ""))}`;
    if (!b.has(role)) {
      b.add({
        role,
        kind: "FirewallGroup",
        spec: {
          name,
          type: "address-group",
          members: prefixesOf(input.networks, every ? allNames : sorted),
        },
      });
    }
    return { ref: role };
  };
  const portGroup = (ports: readonly (number | string)[]): Ref => {
    const text = portsText(ports);
    const name = groupName("ports", [text]);
    const role = `group-${slug(`ports ${text}`)}`;
    if (!b.has(role)) {
      b.add({
        role,
        kind: "FirewallGroup",
        spec: { name, type: "port-group", members: ports.map(String) },
      });
    }
    return { ref: role };
  };
  return { addressGroup, portGroup, allNames };
}

/** The address group of the WAN sources allowed to reach the proxy. */
export function publishSources(publish: PublishIntent, b: Builder): Ref | undefined {
  if (publish.sources === "any") return undefined;
  const name = groupName(publish.sourceName, []);
  return b.add({
    role: `group-${slug(publish.sourceName)}`,
    kind: "FirewallGroup",
    spec: { name, type: "address-group", members: [...publish.sources] },
  });
}

export function portForwards(publish: PublishIntent, source: Ref | undefined, b: Builder): void {
  for (const port of publish.ports) {
    b.add({
      role: `forward-${port}`,
      kind: "PortForward",
      spec: {
        name: `homelab ${publish.host} ${port}`,
        wanInterface: "wan",
        port,
        forwardTo: publish.address,
        forwardPort: port,
        protocol: "tcp",
        sourceGroup: source,
      },
    });
  }
}

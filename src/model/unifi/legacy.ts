/**
 * The legacy firewall (LAN_IN/WAN_IN rules) of the gateway. Inter-VLAN default deny: allow
 * established/related first, then the explicit allows, then drop everything between the
 * site's networks. Rule indexes are unique per ruleset and the controller refuses a move
 * onto a used index, so allows get stable indexes derived from their names (2001-2998,
 * probing on collision): adding or removing one never renumbers the others. Their relative
 * order does not matter (they all accept).
 */
import type { LegacyRuleSpec } from "../../devices/unifi/bodies";
import type { Ref } from "../../devices/plan";
import type { UnifiPlanInput } from ".";
import { groups, portForwards, publishSources, type Builder } from "./common";
import { allowRuleName, networkNamesOf } from "../../config/unifi";
import { LEGACY_DENY_INDEX, LEGACY_FIRST_INDEX, legacyAllowIndexes, slug } from "./names";

export function legacyFirewall(input: UnifiPlanInput, b: Builder): void {
  const { config, publish } = input;
  const firewall = config.firewall;
  const g = groups(input, b);
  const deny = firewall.interVlan === "deny" && g.allNames.length > 1;
  const site = deny ? g.addressGroup(g.allNames) : undefined;
  const rules: { role: string; spec: LegacyRuleSpec<Ref> }[] = [];
  if (deny) {
    rules.push({
      role: "lan-in-established-related",
      spec: {
        name: "homelab allow established/related",
        ruleset: "LAN_IN",
        index: LEGACY_FIRST_INDEX,
        action: "accept",
        protocol: "all",
        establishedRelated: true,
      },
    });
  }
  const names = firewall.allow.map(allowRuleName);
  const indexes = legacyAllowIndexes(names);
  firewall.allow.forEach((rule, i) => {
    const name = names[i]!;
    rules.push({
      role: `lan-in-${slug(name)}`,
      spec: {
        name,
        ruleset: "LAN_IN",
        index: indexes[i]!,
        action: "accept",
        protocol: rule.protocol,
        srcAddressGroup: g.addressGroup(networkNamesOf(rule.from)),
        dstAddressGroup: g.addressGroup(networkNamesOf(rule.to)),
        dstPortGroup: rule.ports ? g.portGroup(rule.ports) : undefined,
      },
    });
  });
  if (deny && site) {
    rules.push({
      role: "lan-in-deny-inter-vlan",
      spec: {
        name: "homelab deny inter-VLAN",
        ruleset: "LAN_IN",
        index: LEGACY_DENY_INDEX,
        action: "drop",
        protocol: "all",
        srcAddressGroup: site,
        dstAddressGroup: site,
      },
    });
  }
  for (const rule of rules) b.add({ role: rule.role, kind: "FirewallRule", spec: rule.spec });
  if (publish) {
    const source = publishSources(publish, b);
    const ports = g.portGroup(publish.ports);
    b.add({
      role: `wan-in-${slug(`allow ${publish.host} from ${publish.sourceName}`)}`,
      kind: "FirewallRule",
      spec: {
        name: `homelab allow ${publish.host} from ${publish.sourceName}`,
        ruleset: "WAN_IN",
        index: LEGACY_FIRST_INDEX,
        action: "accept",
        protocol: "tcp",
        srcAddressGroup: source,
        dstAddress: publish.address,
        dstPortGroup: ports,
      },
    });
    portForwards(publish, source, b);
  }
}

/**
 * The legacy firewall (LAN_IN/WAN_IN rules) of the gateway. Inter-VLAN default deny: allow
 * established/related first, then the explicit allows, then drop everything between the
 * site's networks. Rule indexes are unique per ruleset and the console's own rules already
 * hold some (the seed console has 11 LAN_IN rules), so ours are taken from the indexes the
 * console leaves free, read before any write (indexes.ts); offline, the block is assumed
 * free and the plan says so. The allows' relative order does not matter (they all accept).
 */
import type { LegacyRuleSpec } from "../../devices/unifi/bodies";
import type { Ref } from "../../devices/plan";
import type { UnifiPlanInput } from ".";
import { groups, portForwards, publishSources, type Builder } from "./common";
import { allowRuleName, networkNamesOf } from "../../config/unifi";
import { legacyRuleIndexes, type RulesetIndexes, type RulesetNames } from "./indexes";
import { slug } from "./names";

const ESTABLISHED = "homelab allow established/related";
const DENY = "homelab deny inter-VLAN";

/** Plans the legacy rules; returns the problems (rules that find no free index). */
export function legacyFirewall(input: UnifiPlanInput, b: Builder): string[] {
  const { config, publish } = input;
  const consoleRules = input.firewall.legacyRules;
  const problems: string[] = [];
  const indexesOf = (names: RulesetNames): RulesetIndexes | undefined => {
    const result = legacyRuleIndexes(names, consoleRules);
    if ("problem" in result) problems.push(result.problem);
    return "indexes" in result ? result.indexes : undefined;
  };
  const firewall = config.firewall;
  const g = groups(input, b);
  const deny = firewall.interVlan === "deny" && g.allNames.length > 1;
  const names = firewall.allow.map(allowRuleName);
  const lanIn = indexesOf({
    ruleset: "LAN_IN",
    first: deny ? ESTABLISHED : undefined,
    allows: names,
    last: deny ? DENY : undefined,
  });
  const publishName = publish && `homelab allow ${publish.host} from ${publish.sourceName}`;
  const wanIn = publishName
    ? indexesOf({ ruleset: "WAN_IN", first: publishName, allows: [] })
    : undefined;
  if (!lanIn || (publishName && !wanIn)) return problems;

  const site = deny ? g.addressGroup(g.allNames) : undefined;
  const rules: { role: string; spec: LegacyRuleSpec<Ref> }[] = [];
  if (lanIn.first !== undefined) {
    rules.push({
      role: "lan-in-established-related",
      spec: {
        name: ESTABLISHED,
        ruleset: "LAN_IN",
        index: lanIn.first,
        action: "accept",
        protocol: "all",
        establishedRelated: true,
      },
    });
  }
  firewall.allow.forEach((rule, i) => {
    const name = names[i]!;
    rules.push({
      role: `lan-in-${slug(name)}`,
      spec: {
        name,
        ruleset: "LAN_IN",
        index: lanIn.allows[i]!,
        action: "accept",
        protocol: rule.protocol,
        srcAddressGroup: g.addressGroup(networkNamesOf(rule.from)),
        dstAddressGroup: g.addressGroup(networkNamesOf(rule.to)),
        dstPortGroup: rule.ports ? g.portGroup(rule.ports) : undefined,
      },
    });
  });
  if (lanIn.last !== undefined && site) {
    rules.push({
      role: "lan-in-deny-inter-vlan",
      spec: {
        name: DENY,
        ruleset: "LAN_IN",
        index: lanIn.last,
        action: "drop",
        protocol: "all",
        srcAddressGroup: site,
        dstAddressGroup: site,
      },
    });
  }
  for (const rule of rules) b.add({ role: rule.role, kind: "FirewallRule", spec: rule.spec });
  if (publish && publishName && wanIn?.first !== undefined) {
    const source = publishSources(publish, b);
    const ports = g.portGroup(publish.ports);
    b.add({
      role: `wan-in-${slug(`allow ${publish.host} from ${publish.sourceName}`)}`,
      kind: "FirewallRule",
      spec: {
        name: publishName,
        ruleset: "WAN_IN",
        index: wanIn.first,
        action: "accept",
        protocol: "tcp",
        srcAddressGroup: source,
        dstAddress: publish.address,
        dstPortGroup: ports,
      },
    });
    portForwards(publish, source, b);
  }
  return problems;
}

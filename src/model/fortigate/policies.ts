/**
 * Step, last: the firewall policies the other steps asked for. They refer to interfaces,
 * addresses, groups, VIPs and tunnels, so they come after all of them (and are deleted
 * first); their ids derive from their names.
 */
import { firewallPolicy } from "../../devices/fortios/tables";
import type { FortigateContext } from "./context";
import { idsOf } from "./topology";

export function planPolicies(ctx: FortigateContext): void {
  const identity = (name: string) => `policy:${name}`;
  const idOf = idsOf(
    ctx.policies.map((p) => identity(p.name)),
    ctx.fg.idBase,
  );
  for (const policy of ctx.policies) {
    ctx.add(
      `policy-${policy.name}`,
      firewallPolicy({ policyid: idOf(identity(policy.name)), name: policy.name, ...policy.body }),
      policy.deps,
    );
  }
}

/**
 * The guard-rail policies: name, level and what each needs to see. `stack` policies look at
 * the resources a run registers (the policy pack under `pulumi preview`/`up`, and `npm run
 * plan`); `change` policies compare the stack before and after a change, which only the
 * offline path can (`npm run plan-diff`): a policy pack validates the new inputs of each
 * resource before the engine diffs it and never sees the old state, the step (create,
 * update, replace, delete) or the resources a change deletes.
 */
import type { Level } from "./types";

export interface PolicyInfo {
  readonly name: string;
  readonly level: Level;
  readonly description: string;
  /** `stack`: one stack's resources; `change`: two plans. */
  readonly sees: "stack" | "change";
  /** Where it runs: the pack, the offline tools, or both (with what the pack cannot see). */
  readonly runs: string;
}

export const POLICIES = {
  noStatefulLoss: {
    name: "no-stateful-loss",
    level: "mandatory",
    description:
      "No delete or replace of a protected or stateful resource (guests, volumes, disks, DNS records, storages, generated secrets, UniFi networks) unless homelab:guardrails.allow names it for this change.",
    sees: "change",
    runs: "plan-diff (the engine's own `protect` also stops a protected resource at `pulumi up`)",
  },
  noEdgeReplace: {
    name: "no-edge-replace",
    level: "mandatory",
    description:
      "No replace of the FortiGate's BGP object, a federation tunnel (phase1, phase2, its interface) or the interface the API is reached through unless homelab:guardrails.allow.replace names it.",
    sees: "change",
    runs: "plan-diff",
  },
  maintenanceOnly: {
    name: "maintenance-only",
    level: "mandatory",
    description:
      "No restart or replace of the guest or container serving the site's DNS or the reverse proxy unless homelab:guardrails.allow.maintenance is true.",
    sees: "change",
    runs: "plan-diff",
  },
  dnsChangeLimit: {
    name: "dns-change-limit",
    level: "mandatory",
    description:
      "At most homelab:guardrails.maxDnsChanges (default 5) DNS records added, changed or removed in one change, unless allow.dnsChanges is true.",
    sees: "change",
    runs: "plan-diff",
  },
  unusedOptIn: {
    name: "unused-opt-in",
    level: "advisory",
    description:
      "An opt-in in homelab:guardrails.allow that the change does not use: remove it, so that it cannot let a later change through.",
    sees: "change",
    runs: "plan-diff",
  },
  statefulRetained: {
    name: "stateful-retained",
    level: "mandatory",
    description:
      "Every resource holding data (guest, volume, disk, DNS record) is protected or retainOnDelete.",
    sees: "stack",
    runs: "plan and the pack (the pack sees `protect` only: Pulumi does not pass retainOnDelete to a pack)",
  },
  bgpFiltered: {
    name: "bgp-filtered",
    level: "mandatory",
    description:
      "Every BGP neighbor has an inbound and an outbound filter (prefix list or route map).",
    sees: "stack",
    runs: "plan and the pack",
  },
  publicBehindProxy: {
    name: "public-behind-proxy",
    level: "mandatory",
    description:
      "Every WAN port forward goes to the reverse proxy (the target of port 443), and every public DNS record points at the same origin.",
    sees: "stack",
    runs: "plan and the pack",
  },
  noPlainSecret: {
    name: "no-plain-secret",
    level: "mandatory",
    description:
      "No secret in a plain input: device secret fields, secret-named inputs and secret-named environment variables are Pulumi secrets.",
    sees: "stack",
    runs: "plan only (a pack sees secrets unwrapped: @pulumi/policy deserialize.js)",
  },
} as const satisfies Record<string, PolicyInfo>;

export const POLICY_LIST: readonly PolicyInfo[] = Object.values(POLICIES);

/** How to opt in, for messages. */
export function optInHint(list: "replace" | "delete", name: string): string {
  return `to allow it for this change, add ${name} to homelab:guardrails.allow.${list} in the stack file (and remove it once applied)`;
}

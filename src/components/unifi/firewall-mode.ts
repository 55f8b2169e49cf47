/**
 * Resolves which firewall generation the UniFi gateway gets, before any resource exists:
 * the resource types and names differ (`unifi:FirewallRule` `*-lan-in-*` versus
 * `unifi:FirewallPolicy` `*-policy-*`), so the decision must be made by the program, where
 * the plan shows it, not hidden inside the provider.
 *
 * - Real run (preview or update), whatever the mode: the program asks the controller once,
 *   with the stack's credential and GETs only, before any resource exists: its version,
 *   whether it runs the zone-based firewall, its legacy rules (their indexes are in the way of
 *   ours), static DNS. `auto` takes what it runs; a pinned mode it does not run fails the
 *   preview (a model problem at firewall.mode), so nothing is half-applied.
 * - Offline: `auto` assumes the zone-based firewall; a pinned mode is not checked and the
 *   legacy rule indexes are assumed free. Each assumption is a warning of the plan.
 */
import * as pulumi from "@pulumi/pulumi";
import type { UnifiConfig } from "../../config/unifi";
import { unifiConnection } from "../../model/unifi";
import { decideFirewallMode, type FirewallModeDecision } from "../../model/unifi/firewall-mode";
import { UnifiClient } from "../../providers/unifi/client";
import { detectController } from "../../providers/unifi/detect";

export interface ResolveOptions {
  /** Offline plan: never contact the controller. */
  readonly offline: boolean;
  /** PEM text of tls.ca, read when the site loaded (`LoadedSite.certificates.unifi`). */
  readonly ca?: string;
  /** The stack secret `homelab:<name>`, in plain text (a real run only). */
  readonly secret?: (name: string) => string | undefined;
}

export async function resolveFirewallMode(
  config: UnifiConfig,
  options: ResolveOptions,
): Promise<FirewallModeDecision> {
  const configured = config.firewall.mode;
  if (options.offline) return decideFirewallMode(configured);
  const secret = options.secret ?? ((name: string) => pulumi.runtime.getConfig(`homelab:${name}`));
  const client = new UnifiClient({
    connection: unifiConnection(config, options.ca),
    credentials: {
      apiKey: config.auth === "apiKey" ? secret("unifiApiKey") : undefined,
      password: config.auth === "password" ? secret("unifiPassword") : undefined,
    },
    retries: 2,
  });
  try {
    return decideFirewallMode(configured, await detectController(client));
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new pulumi.RunError(
      configured === "auto"
        ? `homelab:unifi.firewall.mode is auto, but the controller could not be asked which firewall it runs: ${cause}\nFix the connection, or set homelab:unifi.firewall.mode to zone (Network 9+ with the zone-based firewall) or legacy.`
        : `homelab:unifi.firewall.mode is ${configured}, but the controller could not be asked, before anything is written, whether it runs that firewall${configured === "legacy" ? " and which rule indexes are free" : ""}: ${cause}\nFix the connection (every write of the run would need it too).`,
    );
  } finally {
    client.close();
  }
}

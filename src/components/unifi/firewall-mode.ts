/**
 * Resolves which firewall generation the UniFi gateway gets, before any resource exists:
 * the resource types and names differ (`unifi:FirewallRule` `*-lan-in-*` versus
 * `unifi:FirewallPolicy` `*-policy-*`), so the decision must be made by the program, where
 * the plan shows it, not hidden inside the provider.
 *
 * - `zone` / `legacy`: as configured; nothing is asked.
 * - `auto`, real run: the program asks the controller (version, zones, static DNS) with the
 *   stack's credential, once per run.
 * - `auto`, offline: the zone-based firewall is assumed, and the plan says so.
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
  if (configured !== "auto" || options.offline) return decideFirewallMode(configured);
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
    return decideFirewallMode("auto", await detectController(client));
  } catch (error) {
    throw new pulumi.RunError(
      `homelab:unifi.firewall.mode is auto, but the controller could not be asked which firewall it runs: ${error instanceof Error ? error.message : String(error)}\nFix the connection, or set homelab:unifi.firewall.mode to zone (Network 9+ with the zone-based firewall) or legacy.`,
    );
  } finally {
    client.close();
  }
}

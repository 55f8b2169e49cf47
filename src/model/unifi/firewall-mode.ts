/**
 * Which firewall generation the gateway gets (pure): the configured one, or for `auto` what
 * the controller runs; decided by the program before the model (src/components/unifi/
 * firewall-mode.ts asks the controller), because the two generations are different
 * resources.
 */

export type FirewallMode = "zone" | "legacy";

/** The firewall generation a run configures, and why (shown in plans and stack outputs). */
export interface FirewallModeDecision {
  readonly mode: FirewallMode;
  /** configured: pinned in the config; detected: asked the controller; assumed: offline guess. */
  readonly source: "configured" | "detected" | "assumed";
  /** Whether static DNS records can be created (v2 API; assumed when not detected). */
  readonly staticDns: boolean;
  /** Network application version, when detected. */
  readonly version?: string;
  /** One line for people. */
  readonly message: string;
}

const MODE_TEXT: Record<FirewallMode, string> = {
  zone: "zone-based firewall policies (Network 9+)",
  legacy: "legacy LAN_IN/WAN_IN firewall rules",
};

/**
 * Which firewall generation to configure: the configured one; for `auto`, what the
 * controller runs (`facts`, asked by a real run) or, offline, the zone-based firewall (the
 * default of current controllers), saying it is an assumption.
 */
export function decideFirewallMode(
  configured: "auto" | FirewallMode,
  facts?: {
    readonly version?: string;
    readonly zoneBasedFirewall: boolean;
    readonly staticDns: boolean;
  },
): FirewallModeDecision {
  if (configured !== "auto") {
    return {
      mode: configured,
      source: "configured",
      staticDns: facts?.staticDns ?? true,
      version: facts?.version,
      message: `UniFi firewall: ${MODE_TEXT[configured]}, as configured (homelab:unifi.firewall.mode: ${configured})`,
    };
  }
  if (!facts) {
    return {
      mode: "zone",
      source: "assumed",
      staticDns: true,
      message: `UniFi firewall: ${MODE_TEXT.zone}, ASSUMED: firewall.mode is auto and an offline plan cannot ask the controller (a real run detects it). Set homelab:unifi.firewall.mode to zone or legacy to plan exactly what will be applied`,
    };
  }
  const mode: FirewallMode = facts.zoneBasedFirewall ? "zone" : "legacy";
  const version = facts.version ? `UniFi Network ${facts.version}` : "the controller";
  return {
    mode,
    source: "detected",
    staticDns: facts.staticDns,
    version: facts.version,
    message: `UniFi firewall: ${MODE_TEXT[mode]}, detected (${version} ${facts.zoneBasedFirewall ? "runs" : "does not run"} the zone-based firewall)`,
  };
}

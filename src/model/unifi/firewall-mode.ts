/**
 * Which firewall generation the gateway gets (pure): the configured one, or for `auto` what
 * the controller runs; decided by the program before the model (src/components/unifi/
 * firewall-mode.ts asks the controller), because the two generations are different
 * resources. A real run asks the controller even when the mode is pinned: a pinned mode the
 * console does not run fails the preview (a zone-based console refuses every legacy rule with
 * `api.err.FirewallRuleIndexOutOfRange`, ubiquiti-community/terraform-provider-unifi#169,
 * after the networks, groups and port forwards were written). Offline, what could not be
 * asked is assumed, and said.
 */
import type { ConsoleRule } from "./indexes";

export type FirewallMode = "zone" | "legacy";

/** What a real run learns from the controller before anything is written. */
export interface ControllerFacts {
  /** Network application version ("9.5.21"), when the controller says. */
  readonly version?: string;
  /** The zone-based firewall is active (legacy rules are refused). */
  readonly zoneBasedFirewall: boolean;
  readonly staticDns: boolean;
  /** The console's legacy rules (read when it runs the legacy firewall). */
  readonly legacyRules?: readonly ConsoleRule[];
}

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
  /** The pinned mode is not what the console runs: the problem, for the config key. */
  readonly mismatch?: string;
  /** The console's legacy rules, read before any write; undefined when not read (offline). */
  readonly legacyRules?: readonly ConsoleRule[];
  /** What the plan assumes because the controller was not asked (warnings of the plan). */
  readonly assumptions: readonly string[];
}

const MODE_TEXT: Record<FirewallMode, string> = {
  zone: "zone-based firewall policies (Network 9+)",
  legacy: "legacy LAN_IN/WAN_IN firewall rules",
};

const INDEXES_ASSUMED =
  "UniFi legacy rules: indexes 2000-2999 of LAN_IN and WAN_IN are ASSUMED free: an offline plan cannot read the console's ruleset (a real preview reads it, takes the free indexes and names a rule in the way)";

function versionText(facts: { readonly version?: string }): string {
  return facts.version ? `UniFi Network ${facts.version}` : "the controller";
}

/** Why a pinned mode is refused by the console that runs the other one. */
function mismatchOf(configured: FirewallMode, facts: ControllerFacts): string | undefined {
  const runs: FirewallMode = facts.zoneBasedFirewall ? "zone" : "legacy";
  if (runs === configured) return undefined;
  const version = versionText(facts);
  return configured === "legacy"
    ? `firewall.mode is legacy, but the console (${version}) runs the zone-based firewall: it refuses every legacy rule (api.err.FirewallRuleIndexOutOfRange) after the networks, groups and port forwards would have been written. Set homelab:unifi.firewall.mode to zone (or auto)`
    : `firewall.mode is zone, but the console (${version}) runs the legacy LAN_IN/WAN_IN firewall and has no zones to put policies between. Set homelab:unifi.firewall.mode to legacy (or auto), or upgrade the console to the zone-based firewall first (Settings > Security > Traffic & Firewall Rules)`;
}

/**
 * Which firewall generation to configure: the configured one (checked against `facts`, asked
 * by a real run); for `auto`, what the controller runs or, offline, the zone-based firewall
 * (the default of current controllers), saying it is an assumption.
 */
export function decideFirewallMode(
  configured: "auto" | FirewallMode,
  facts?: ControllerFacts,
): FirewallModeDecision {
  if (configured !== "auto") {
    const assumptions = facts
      ? []
      : [
          `UniFi firewall: firewall.mode ${configured} is NOT CHECKED against the console: an offline plan cannot ask it (a real preview does, and stops when the console runs the other firewall)`,
          ...(configured === "legacy" ? [INDEXES_ASSUMED] : []),
        ];
    return {
      mode: configured,
      source: "configured",
      staticDns: facts?.staticDns ?? true,
      version: facts?.version,
      message: `UniFi firewall: ${MODE_TEXT[configured]}, as configured (homelab:unifi.firewall.mode: ${configured})${facts ? `; ${versionText(facts)} runs it` : ""}`,
      mismatch: facts ? mismatchOf(configured, facts) : undefined,
      legacyRules: facts?.legacyRules,
      assumptions,
    };
  }
  if (!facts) {
    const message = `UniFi firewall: ${MODE_TEXT.zone}, ASSUMED: firewall.mode is auto and an offline plan cannot ask the controller (a real run detects it). Set homelab:unifi.firewall.mode to zone or legacy to plan exactly what will be applied`;
    return { mode: "zone", source: "assumed", staticDns: true, message, assumptions: [message] };
  }
  const mode: FirewallMode = facts.zoneBasedFirewall ? "zone" : "legacy";
  return {
    mode,
    source: "detected",
    staticDns: facts.staticDns,
    version: facts.version,
    message: `UniFi firewall: ${MODE_TEXT[mode]}, detected (${versionText(facts)} ${facts.zoneBasedFirewall ? "runs" : "does not run"} the zone-based firewall)`,
    legacyRules: facts.legacyRules,
    assumptions: [],
  };
}

/**
 * UniFi API errors in plain language: what the controller's `api.err.*` (classic) and v2
 * error codes mean and how to fix the cause. Runs inside the serialized provider.
 */
import { DeviceError, type DeviceErrorOptions } from "../kit/errors";

/** Explanation of each code we know, keyed without the `api.err.` prefix. */
const EXPLANATIONS: Readonly<Record<string, string>> = {
  LoginRequired:
    "the controller wants a login: the session expired or the credentials were not accepted",
  UserNotAuthenticated:
    "the controller wants a login: the session expired or the credentials were not accepted",
  NoPermission:
    "the account or API key may read but not change this: give the admin the Network application's full management role (or create the API key as such an admin)",
  NoSiteContext:
    "the site does not exist on this controller: use the site's short name (e.g. default), not its description",
  IdInvalid: "the object does not exist (any more) on the controller",
  NotFound: "the object or endpoint does not exist on the controller",
  Invalid: "the controller rejected the request body",
  InvalidObject: "the controller rejected the request body",
  InvalidPayload:
    "the controller rejected the request body (a field does not match the controller's rules, or is unknown to this controller version)",
  VlanUsed:
    "the VLAN id is already used by another network on the controller (or vlan_enabled/vlan disagree): choose another VLAN id, or set adopt: true to take over the existing network",
  SubnetOverlapped:
    "the subnet overlaps a network that already exists on the controller: choose a free subnet, or set adopt: true to take over the existing network",
  InvalidDHCPRange:
    "the DHCP range is outside the network's subnet or starts after it ends: fix dhcp.range",
  IncorrectIPSubnetSpec:
    "ip_subnet must be the gateway address with the prefix length (10.0.10.1/24), not the network address (10.0.10.0/24)",
  WireguardMissingPrivateKey:
    "a WireGuard server needs its private key (the controller does not generate one): set it with wg genkey | pulumi config set --secret homelab:wireguardPrivateKey",
  FirewallGroupExisted:
    "a firewall group with this name already exists on the controller: set adopt: true to take it over, or rename or delete the existing group",
  FirewallGroupTypeExists:
    "a firewall rule may use at most one group of each type (address, port) on each side",
  FirewallRuleIndexExisted:
    "another rule of the same ruleset already has this rule_index (rule indexes are unique per ruleset): move or delete that rule",
  FirewallRuleIndexOutOfRange:
    "the controller refuses legacy firewall rules: it runs the zone-based firewall (Network 9+ after the upgrade), so set homelab:unifi.firewall.mode to zone (or auto)",
  MissingFirewallPolicySourceMatchingTargetType:
    "a zone-based policy source other than ANY needs matching_target_type (SPECIFIC or OBJECT)",
  EmptyFirewallDestinationIps:
    "a zone-based policy destination of type IP needs its addresses (ips) or an address group",
  PortForwardOverlaps: "another port forward already uses this WAN port",
  IncorrectMultiportFwdPort:
    "a port forward of a port list or range can only forward to the same ports (dst_port and fwd_port must match)",
  StaticDnsRecordAlreadyExists: "a static DNS record with this name and type already exists",
  StaticDnsRecordNotFound: "the static DNS record does not exist",
  StaticDnsRecordInvalidParameters: "the static DNS record is invalid",
  AUTHENTICATION_FAILED_INVALID_CREDENTIALS:
    "the username or password was rejected: check homelab:unifi.username and the secret homelab:unifiPassword (a local admin; cloud accounts with MFA cannot log in here)",
  AUTHENTICATION_FAILED_LIMIT_REACHED:
    "the console refuses logins for a while (too many attempts): wait a minute and retry; an API key (auth: apiKey) avoids logins altogether",
};

/** The code without its `api.err.` prefix. */
export function shortCode(code: string): string {
  return withoutPrefix(code);
}

// Not named shortCode: serialized, a method's own name inside it stands for the method, so
// the getter below would not find a module function of that name (a ReferenceError).
function withoutPrefix(code: string): string {
  return code.startsWith("api.err.") ? code.slice("api.err.".length) : code;
}

/** Plain-language meaning of a controller error code, if we know it. */
export function explainCode(code: string): string | undefined {
  return EXPLANATIONS[shortCode(code)];
}

export type UnifiErrorKind =
  /** The controller answered with an error. */
  | "api"
  /** Credentials missing or rejected. */
  | "auth"
  /** The object or path does not exist. */
  | "notFound"
  /** No usable answer (network, timeout, TLS): a POST may or may not have been applied. */
  | "transport";

export interface UnifiErrorOptions extends DeviceErrorOptions<UnifiErrorKind> {
  /** Controller error code ("api.err.VlanUsed", "AUTHENTICATION_FAILED_…"). */
  readonly code?: string;
}

/** A failed UniFi API call; the message is plain language and free of credentials. */
export class UnifiError extends DeviceError<UnifiErrorKind> {
  readonly code?: string;

  constructor(message: string, options: UnifiErrorOptions) {
    super("UnifiError", message, options);
    this.code = options.code;
  }

  /** The controller-side code without its prefix, or undefined. */
  get shortCode(): string | undefined {
    return this.code === undefined ? undefined : withoutPrefix(this.code);
  }
}

/** True for "this object is not there": `api.err.IdInvalid`, `api.err.NotFound`, HTTP 404. */
export function isNotFound(error: unknown): boolean {
  return error instanceof UnifiError && error.kind === "notFound";
}

/**
 * FortiOS's answers in plain language: `FortiosError` (never holding the token), the response
 * envelope, and every failure turned into a message that names the object, the cause (the
 * FortiOS error code, the CLI's own words) and the fix.
 *
 * Runs inside the serialized dynamic provider: plain data and functions at module level.
 */
import { redact, type HttpError, type HttpResponse, type Method } from "../http";
import { DeviceError, type DeviceErrorOptions } from "../kit/errors";
export type FortiosErrorKind =
  | "auth" // 401/403/429: token, trusted hosts, access profile, lockout
  | "not-found" // 404 / -3
  | "exists" // -5 / -15: POST of a key that exists
  | "invalid" // -651 and other validation codes, 400, 424
  | "in-use" // -23: delete of a referenced object
  | "method" // 405
  | "device" // any other FortiOS error code, or 5xx after the retries
  | "transport" // network, timeout, TLS (from HttpClient)
  | "config"; // no token configured

export interface FortiosErrorOptions extends DeviceErrorOptions<FortiosErrorKind> {
  readonly method: Method;
  /** CMDB path ("firewall/address"). */
  readonly path: string;
  readonly key?: string | number;
  /** FortiOS internal error code (negative), when the envelope had one. */
  readonly code?: number;
  /** The CLI's own message (`cli_error`), when given. */
  readonly cliError?: string;
  /** The transport failure, when the request got no answer. */
  readonly transport?: HttpError;
}

/** A failed FortiOS request, explained. Carries no credential. */
export class FortiosError extends DeviceError<FortiosErrorKind> {
  declare readonly method: Method;
  readonly key?: string | number;
  readonly code?: number;
  readonly cliError?: string;
  readonly transport?: HttpError;

  constructor(message: string, options: FortiosErrorOptions) {
    super("FortiosError", message, options);
    this.key = options.key;
    this.code = options.code;
    this.cliError = options.cliError;
    this.transport = options.transport;
  }

  /** The same error with each of `secrets` replaced by "[redacted]" in its texts. */
  redacted(secrets: readonly string[]): FortiosError {
    const { kind, method, path, key, status, code, cliError, transport } = this;
    return new FortiosError(redact(this.message, secrets), {
      kind,
      method,
      path,
      key,
      status,
      code,
      cliError: cliError === undefined ? undefined : redact(cliError, secrets),
      transport,
    });
  }
}

/** The response envelope (§5 of the reference); every field optional. */
export interface Envelope {
  readonly http_method?: string;
  readonly status?: string;
  readonly http_status?: number;
  readonly error?: number;
  readonly cli_error?: string;
  readonly results?: unknown;
  readonly mkey?: string | number;
  readonly vdom?: string;
  readonly path?: string;
  readonly name?: string;
  readonly revision?: string;
  readonly revision_changed?: boolean;
  readonly version?: string;
  readonly build?: number;
}

/** The envelope of a response, if its body is one (a JSON object; arrays: the first). */
export function envelopeOf(response: Pick<HttpResponse, "json">): Envelope | undefined {
  const json: unknown = Array.isArray(response.json) ? response.json[0] : response.json;
  if (json === null || typeof json !== "object" || Array.isArray(json)) return undefined;
  return json;
}

/** Known FortiOS error codes: [code, meaning, what to do]. */
const ERROR_CODES: readonly (readonly [number, string, string])[] = [
  [
    -1,
    "a value is too long or too short",
    "shorten the value (names of interfaces are at most 15 characters, most other names 35 or 79)",
  ],
  [-3, "the entry does not exist", "check the name; it may have been deleted on the device"],
  [
    -4,
    "the table is full (maximum number of entries reached)",
    "remove unused entries on the device",
  ],
  [-5, "an entry with this key already exists", ""],
  [
    -7,
    "the value conflicts with the system settings",
    "check the related system settings on the device",
  ],
  [-8, "an IP address is invalid", "write addresses as A.B.C.D"],
  [-9, "a netmask is invalid", "use a contiguous netmask (or a prefix length)"],
  [
    -14,
    "permission denied",
    "give the API admin's access profile read-write access to this part of the configuration",
  ],
  [-15, "a duplicate entry exists", ""],
  [
    -23,
    "the entry is still used by other objects",
    "remove the references first (policies, routes, address groups, phase2 tunnels, BGP)",
  ],
  [-33, "a MAC address is invalid", "write MAC addresses as 00:11:22:33:44:55"],
  [
    -37,
    "permission denied",
    "give the API admin's access profile read-write access to this part of the configuration",
  ],
  [-50, "a value is in an invalid format", "check the value's format"],
  [-56, "an empty value is not allowed", "set the missing value"],
  [-61, "a value is not as expected", "check the value"],
  [-72, "a value exceeds the maximum number of characters", "shorten the value"],
  [-117, "a tunnel interface with an ip needs a remote-ip", "set ip and remote-ip together"],
  [-118, "a tunnel interface with a remote-ip needs an ip", "set ip and remote-ip together"],
  [
    -158,
    "a VLAN interface needs a valid VLAN id",
    "set vlanid (1-4094); tunnel interfaces cannot be created directly, they come with their phase1",
  ],
  [
    -163,
    "an address and an address group have the same name",
    "address and group names share one namespace: rename one",
  ],
  [
    -506,
    "the interface address overlaps another interface's subnet",
    "use a subnet no other interface has",
  ],
  [-520, "the MTU of a VLAN cannot exceed its parent's", "lower the VLAN MTU"],
  [
    -521,
    "the VLAN id of an interface cannot be changed once created",
    "delete and recreate the VLAN interface",
  ],
  [
    -522,
    "the VLAN id or parent of an interface cannot be changed once created",
    "delete and recreate the VLAN interface",
  ],
  [-553, "the name conflicts with an interface, VDOM or zone", "choose another name"],
  [-650, "an integer value is out of range", "check the allowed range of the field"],
  [
    -651,
    "a value is invalid",
    "check the spelling of options, the format of addresses, and that referenced objects exist",
  ],
];

/** First line of a `cli_error`, or "" ("node_check_object fail! for name x"). */
function cliSummary(cliError: string | undefined): string {
  const lines = (cliError ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("Command fail"));
  return lines.join("; ");
}

/**
 * The field and value a -651 `cli_error` names: "node_check_object fail! for name homeNetwork"
 * → { field: "name", value: "homeNetwork" }.
 */
export function invalidField(
  cliError: string | undefined,
): { field: string; value: string } | undefined {
  const match = /fail!? for (\S+) (.+?)\s*(?:\n|$)/.exec(cliError ?? "");
  if (!match) return undefined;
  return { field: match[1] ?? "", value: (match[2] ?? "").replace(/^'|'$/g, "") };
}

/** "firewall/address "lan"" or "router/bgp". */
export function describeObject(path: string, key?: string | number): string {
  return key === undefined ? path : `${path} ${JSON.stringify(String(key))}`;
}

export interface FailureContext {
  readonly method: Method;
  readonly path: string;
  readonly key?: string | number;
  /** "FortiGate 192.0.2.1". */
  readonly device: string;
  readonly vdom: string;
}

/** Turns a non-2xx answer into a FortiosError (message in plain language). */
export function describeFailure(response: HttpResponse, context: FailureContext): FortiosError {
  const { method, path, key, device, vdom } = context;
  const envelope = envelopeOf(response);
  const status = envelope?.http_status ?? response.status;
  const code = typeof envelope?.error === "number" ? envelope.error : undefined;
  const cliError = typeof envelope?.cli_error === "string" ? envelope.cli_error : undefined;
  const what = describeObject(path, key);
  const make = (kind: FortiosErrorKind, message: string) =>
    new FortiosError(message, {
      kind,
      method,
      path,
      key,
      status: response.status,
      code,
      cliError,
    });
  const cli = cliSummary(cliError);
  const cliPart = cli ? ` FortiOS says: ${cli}.` : "";

  if (response.status === 401) {
    return make(
      "auth",
      `${device} refused the API token (HTTP 401). Either the token is wrong (set homelab:fortigateApiToken to the key shown by "execute api-user generate-key <admin>"), or this machine is not a trusted host of the REST API admin: its trusthost list (config system api-user > edit <admin> > config trusthost) must contain the address the FortiGate sees for this machine.`,
    );
  }
  if (response.status === 403) {
    return make(
      "auth",
      `${device} denied ${method} ${what} (HTTP 403). The REST API admin is not allowed to do this: its access profile (accprofile) needs ${method === "GET" ? "read" : "read-write"} permission for this part of the configuration, the admin must have access to VDOM "${vdom}", and this machine's address must be in the admin's trusted hosts (config trusthost).`,
    );
  }
  if (response.status === 429) {
    return make(
      "auth",
      `${device} temporarily blocks this machine after too many failed authentications (HTTP 429): wait a few minutes, then check homelab:fortigateApiToken.`,
    );
  }
  if (response.status === 405) {
    return make(
      "method",
      `${device} does not allow ${method} on ${what} (HTTP 405): ${key === undefined ? "complex objects such as router/bgp can only be read and updated (PUT), never created or deleted" : "this table does not support this operation"}.`,
    );
  }
  if (response.status === 404 || code === -3) {
    return make(
      "not-found",
      key === undefined
        ? `${device} has no ${path} in VDOM "${vdom}" (HTTP 404): check fortigate.vdom, and that this FortiOS version has this table.`
        : `${what} does not exist on ${device} in VDOM "${vdom}" (HTTP ${status}${code !== undefined ? `, FortiOS error ${code}` : ""}).`,
    );
  }
  if (response.status === 400) {
    return make(
      "invalid",
      `${device} could not process ${method} ${what} (HTTP 400: bad request).${cliPart}`,
    );
  }
  if (response.status === 413) {
    return make(
      "invalid",
      `${device} refused ${method} ${what}: the request is too large (HTTP 413).`,
    );
  }
  if (response.status === 424) {
    return make(
      "invalid",
      `${device} refused ${method} ${what} (HTTP 424: a duplicate, a missing required attribute or an invalid value).${cliPart}`,
    );
  }
  if (code !== undefined) {
    const known = ERROR_CODES.find(([c]) => c === code);
    if (code === -5 || code === -15) {
      return make("exists", `${what} already exists on ${device} (FortiOS error ${code}).`);
    }
    if (code === -23) {
      return make(
        "in-use",
        `cannot delete ${what} on ${device}: it is still used by other objects (FortiOS error -23). Remove the references first (policies, routes, address groups, phase2 tunnels, BGP neighbors); objects managed by this stack are deleted in dependency order.${cliPart}`,
      );
    }
    if (code === -651) {
      const field = invalidField(cliError);
      const named = field ? ` the value "${field.value}" of ${field.field} is invalid:` : "";
      return make(
        "invalid",
        `${device} rejected ${method} ${what} (FortiOS error -651):${named || " a value is invalid:"} check the spelling of options, the format of addresses, and that every referenced object (interface, address, prefix list, phase1) exists.${cliPart}`,
      );
    }
    if (code === -14 || code === -37) {
      return make(
        "auth",
        `${device} denied ${method} ${what} (FortiOS error ${code}: permission denied): give the REST API admin's access profile (accprofile) read-write permission for this part of the configuration.${cliPart}`,
      );
    }
    const meaning = known
      ? `${known[1]}${known[2] ? `: ${known[2]}` : ""}`
      : "see the FortiOS error code list";
    return make(
      "invalid",
      `${device} rejected ${method} ${what} (HTTP ${status}, FortiOS error ${code}: ${meaning}).${cliPart}`,
    );
  }
  if (response.status >= 500) {
    return make(
      "device",
      `${device} failed to answer ${method} ${what} (HTTP ${response.status}${response.status === 500 ? " without a FortiOS error code" : ""}) after the retries: the device may be overloaded or restarting; run again later.`,
    );
  }
  return make(
    "device",
    `${device} answered ${method} ${what} with an unexpected HTTP ${response.status}.${cliPart}`,
  );
}

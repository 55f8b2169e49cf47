/**
 * FortiOS REST (CMDB) client: `Authorization: Bearer <token>` (never `access_token` in the URL),
 * the `vdom` query parameter, mkey escaping, the response envelope, and every failure turned
 * into a plain-language `FortiosError` that names the object, the cause and the fix, and never
 * contains the token.
 *
 * Transport (TLS trust, timeouts, retries with backoff, requests in flight) is the shared
 * `HttpClient`; this module only tells it which answers are worth retrying: 502/503/504, and a
 * 500 WITHOUT a FortiOS error code (an overloaded httpsd). A 500 that carries an `error` code is
 * the CMDB's real answer (duplicate, invalid value, in use...) and is never retried.
 *
 * Runs inside the serialized dynamic provider: no module-level library objects here (plain
 * arrays and objects only; no Map/Set/RegExp constants).
 */
import {
  HttpClient,
  HttpError,
  redact,
  type HttpResponse,
  type Method,
  type TlsTrust,
} from "../http";
import { DeviceError, type DeviceErrorOptions } from "../kit/errors";
import { credentialOf, deviceOf, type Device } from "../kit/session";

/** Environment variable holding the token when the stack config does not. */
export const TOKEN_ENV = "FORTIOS_API_TOKEN";

/** Where and how to reach a FortiGate. Never holds the token. */
export interface FortiosConnection {
  /** Management address or DNS name. */
  readonly host: string;
  /** HTTPS admin port. @default 443 */
  readonly port?: number;
  /** VDOM every request targets. @default "root" */
  readonly vdom?: string;
  readonly tls: TlsTrust;
  /** Per attempt, in milliseconds. @default 15000 */
  readonly timeoutMs?: number;
  /** Extra attempts after the first. @default 4 */
  readonly retries?: number;
  /** Requests in flight at most. @default 4 */
  readonly maxInFlight?: number;
}

export interface FortiosClientOptions {
  /** The API token, read when a request is made (never stored in a message). */
  readonly token: () => string | undefined;
  /** Injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Base of the retry backoff in milliseconds. @default 250 */
  readonly backoffMs?: number;
}

/** A FortiOS object as JSON (attribute names are the CLI names, with hyphens). */
export type FortiosObject = Record<string, unknown>;

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

/**
 * Retry classification for FortiOS: 502/503/504 always; a 500 only when it carries no FortiOS
 * error code (the CMDB did not answer; an overloaded httpsd); a 429 only with `Retry-After`
 * (a rate limit saying when to come back; without it, 429 is the failed-login lockout, which
 * retrying makes worse). How long to wait is the transport's (src/providers/http.ts).
 */
export function isRetryable(response: HttpResponse): boolean {
  if (response.status === 502 || response.status === 503 || response.status === 504) return true;
  if (response.status === 500) return typeof envelopeOf(response)?.error !== "number";
  if (response.status === 429) return response.headers["retry-after"] !== undefined;
  return false;
}

/** GETs of one object answered 200 without it, before the answer counts as lost. */
const GET_ATTEMPTS = 3;

/** What is wrong with a 200 answer that should hold one object ("" when nothing is). */
function malformedAnswer(response: HttpResponse, envelope: Envelope | undefined): string {
  if (response.text.trim() === "") return "an empty body";
  if (response.json === undefined) return "a body that is not JSON (cut short?)";
  const results = envelope?.results;
  const object: unknown = Array.isArray(results) ? results[0] : results;
  if (object === null || typeof object !== "object" || Array.isArray(object))
    return "no object in its results";
  return "";
}

/**
 * A mkey as a URL path segment: every byte but letters, digits and `-_.~` percent-encoded (as
 * Ansible's `quote(safe="")`), so "10.0.0.0/24" is one segment ("10.0.0.0%2F24").
 */
export function escapeMkey(key: string | number): string {
  const text = String(key);
  if (text === "." || text === "..") return text.replace(/\./g, "%2E");
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** "/api/v2/cmdb/firewall/address/10.0.0.0%2F24". */
export function cmdbUrlPath(path: string, key?: string | number): string {
  const base = `/api/v2/cmdb/${path}`;
  return key === undefined ? base : `${base}/${escapeMkey(key)}`;
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

export class FortiosClient {
  readonly http: HttpClient;
  readonly vdom: string;
  readonly device: string;

  constructor(
    readonly connection: FortiosConnection,
    private readonly options: FortiosClientOptions,
  ) {
    const port = connection.port ?? 443;
    this.vdom = connection.vdom ?? "root";
    this.device = `FortiGate ${connection.host}${port === 443 ? "" : `:${port}`}`;
    this.http = new HttpClient({
      baseUrl: `https://${connection.host}:${port}`,
      tls: connection.tls,
      timeoutMs: connection.timeoutMs,
      retries: connection.retries,
      maxInFlight: connection.maxInFlight,
      backoffMs: options.backoffMs,
      secrets: () => {
        const token = options.token();
        return token ? [token] : [];
      },
      isRetryable,
      label: this.device,
      sleep: options.sleep,
      random: options.random,
    });
  }

  /** Requests made, retries and requests per method (for the benchmark). */
  get stats() {
    return this.http.stats;
  }

  private async send(
    method: Method,
    path: string,
    key: string | number | undefined,
    query: Record<string, string | undefined>,
    body?: unknown,
  ): Promise<{ response: HttpResponse; envelope?: Envelope }> {
    const token = this.options.token();
    if (!token) {
      throw new FortiosError(
        `no API token for ${this.device}: set it with "pulumi config set --secret homelab:fortigateApiToken" (the key shown once by "execute api-user generate-key <admin>"), or in the environment variable FORTIOS_API_TOKEN.`,
        { kind: "config", method, path, key },
      );
    }
    let response: HttpResponse;
    try {
      response = await this.http.request({
        method,
        path: cmdbUrlPath(path, key),
        query: { vdom: this.vdom, ...query },
        headers: { authorization: `Bearer ${token}` },
        body,
      });
    } catch (error) {
      if (error instanceof HttpError) {
        throw new FortiosError(redact(error.message, [token]), {
          kind: "transport",
          method,
          path,
          key,
          transport: error,
        });
      }
      throw error;
    }
    const envelope = envelopeOf(response);
    if (response.status < 200 || response.status >= 300 || envelope?.status === "error") {
      const failure = describeFailure(response, {
        method,
        path,
        key,
        device: this.device,
        vdom: this.vdom,
      });
      throw failure.redacted([token]);
    }
    return { response, envelope };
  }

  private unexpected(method: Method, path: string, key: string | number | undefined, what: string) {
    return new FortiosError(
      `${this.device} answered ${method} ${describeObject(path, key)} with ${what}: is this a FortiGate REST API (FortiOS 7.x)?`,
      { kind: "device", method, path, key },
    );
  }

  /**
   * Every object of a table. `filter`: one FortiOS filter expression ("name==lan"; commas
   * inside it are ORs, e.g. "name==a,name==b").
   */
  async list(path: string, options: { filter?: string } = {}): Promise<FortiosObject[]> {
    const { envelope } = await this.send("GET", path, undefined, { filter: options.filter });
    const results = envelope?.results;
    if (!Array.isArray(results))
      throw this.unexpected("GET", path, undefined, "no list of results");
    return results as FortiosObject[];
  }

  /**
   * One object of a table, or undefined when it does not exist (404, or FortiOS error -3).
   * A 200 that does not hold the object (empty, cut short, no results) is not "absent": it
   * is asked again, and then fails as a lost answer, so that no caller takes a lost answer
   * for a missing object (and POSTs a duplicate).
   */
  async get(path: string, key: string | number): Promise<FortiosObject | undefined> {
    for (let attempt = 1; ; attempt++) {
      let answer: { response: HttpResponse; envelope?: Envelope };
      try {
        answer = await this.send("GET", path, key, {});
      } catch (error) {
        if (error instanceof FortiosError && error.kind === "not-found") return undefined;
        throw error;
      }
      const wrong = malformedAnswer(answer.response, answer.envelope);
      if (wrong === "") {
        // FortiOS answers an array of one; some notes claim an object: accept both.
        const results = answer.envelope?.results;
        return (Array.isArray(results) ? results[0] : results) as FortiosObject;
      }
      if (attempt >= GET_ATTEMPTS) {
        throw new FortiosError(
          `${this.device} answered GET ${describeObject(path, key)} with HTTP 200 but ${wrong}, ${GET_ATTEMPTS} times: the answers were lost on the way (whether the object exists is unknown, so nothing was changed). Run again; if it persists, check what sits between this machine and the FortiGate (a proxy, an overloaded httpsd).`,
          { kind: "device", method: "GET", path, key, status: answer.response.status },
        );
      }
      await this.pause(attempt);
    }
  }

  /** Whether the device's schema of `path` has the attribute `name` (`?action=schema`). */
  async schemaHas(path: string, name: string): Promise<boolean> {
    const children = (await this.schema(path)).children;
    return children !== null && typeof children === "object" && name in children;
  }

  /** The device's schema of a table or complex object (`?action=schema`). */
  async schema(path: string): Promise<FortiosObject> {
    const { envelope } = await this.send("GET", path, undefined, { action: "schema" });
    const results = envelope?.results;
    if (results === null || typeof results !== "object" || Array.isArray(results))
      throw this.unexpected("GET", path, undefined, "no schema");
    return results as FortiosObject;
  }

  private pause(attempt: number): Promise<void> {
    const ms = (this.options.backoffMs ?? 250) * 2 ** (attempt - 1);
    return this.options.sleep
      ? this.options.sleep(ms)
      : new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** A complex object (router/bgp): always exists. */
  async getComplex(path: string): Promise<FortiosObject> {
    const { envelope } = await this.send("GET", path, undefined, {});
    const results = envelope?.results;
    const object: unknown = Array.isArray(results) ? results[0] : results;
    if (object === null || typeof object !== "object")
      throw this.unexpected("GET", path, undefined, "no object");
    return object as FortiosObject;
  }

  /** POST a new table entry; resolves with the key the device reports (or undefined). */
  async create(path: string, body: FortiosObject): Promise<string | number | undefined> {
    const { envelope } = await this.send("POST", path, undefined, {}, body);
    return envelope?.mkey;
  }

  /** PUT (partial update) of a table entry, or of a complex object when `key` is undefined. */
  async update(path: string, key: string | number | undefined, body: FortiosObject): Promise<void> {
    await this.send("PUT", path, key, {}, body);
  }

  /** DELETE a table entry; false when it did not exist. */
  async delete(path: string, key: string | number): Promise<boolean> {
    try {
      await this.send("DELETE", path, key, {});
      return true;
    } catch (error) {
      if (error instanceof FortiosError && error.kind === "not-found") return false;
      throw error;
    }
  }

  /** Moves an entry of an ordered table (firewall/policy) before or after another. */
  async move(
    path: string,
    key: string | number,
    where: { readonly before: string | number } | { readonly after: string | number },
  ): Promise<void> {
    const query =
      "before" in where
        ? { action: "move", before: String(where.before) }
        : { action: "move", after: String(where.after) };
    await this.send("PUT", path, key, query);
  }

  /** Closes idle connections. */
  close(): void {
    this.http.close();
  }
}

/**
 * The FortiGate of `connection` as `provider` sees it in this process: one client (its token
 * read from what the provider's `configure` received, or FORTIOS_API_TOKEN) and its table
 * listings, kept `readCacheMs`.
 */
export function fortigateOf(
  provider: object,
  connection: FortiosConnection,
  options: { readonly backoffMs?: number; readonly readCacheMs: number },
): Device<FortiosClient, FortiosObject> {
  return deviceOf(
    provider,
    connection,
    () =>
      new FortiosClient(connection, {
        token: () => credentialOf(provider, "fortigateApiToken", TOKEN_ENV),
        backoffMs: options.backoffMs,
      }),
    options.readCacheMs,
  );
}

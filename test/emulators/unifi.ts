/**
 * An in-process UniFi OS console (UDM Pro) running the UniFi Network application, on top of
 * the shared EmulatorServer (HTTPS, latency, seeded faults, request log).
 *
 * What it reproduces (see the UniFi API reference, emulator notes):
 * - UniFi OS paths: `/api/auth/login|logout` at the root, the Network application behind
 *   `/proxy/network` (classic `/api/s/{site}/rest/*`, `/api/self/sites`, `stat/sysinfo`, and
 *   the v2 API `/v2/api/site/{site}/*`).
 * - Both auth modes: `X-API-KEY`, or a session cookie from a login with its CSRF token, which
 *   every write must carry (403, empty body, without it); 401 without credentials; bad logins
 *   403 with the v2-style body; a login limit answering 429.
 * - The classic envelope (`data` always an array; errors `{meta: {rc: "error", msg:
 *   "api.err.X"}}`, a soft failure with HTTP 200 for an unknown site) and the v2 bare JSON with
 *   `{code, message, errorCode}` errors; DELETE of v2 policies answers 204.
 * - Validation of every classic write against the controller's own field definitions, all
 *   their fields (test/emulators/unifi-fields.json, extracted from Network 9.5.21 by
 *   scripts/unifi-fields.mjs), of v2 writes against the documented v2 shapes
 *   (src/devices/unifi/fields.ts), and the semantic checks: VlanUsed, SubnetOverlapped,
 *   IncorrectIPSubnetSpec, InvalidDHCPRange, WireguardMissingPrivateKey, FirewallGroupExisted,
 *   FirewallGroupTypeExists, FirewallRuleIndexExisted, FirewallRuleIndexOutOfRange (legacy
 *   rules on a zone-based console), IncorrectMultiportFwdPort, the v2 policy target checks, a
 *   policy's networks in its zone, FirewallPolicyCreateRespondTrafficPolicyNotAllowed.
 * - The zone-based firewall's order and return traffic: a new policy goes to the end of its
 *   zone pair (an index sent is ignored), a policy asking for return traffic has a predefined
 *   "(Return)" companion on the reverse pair, kept in step on update and delete.
 * - Answers as consoles give them: a Network 9 site not upgraded to the zone-based firewall
 *   answers its zone and policy lists with 200 [] (Network 8: 404) and
 *   `site-feature-migration` without ZONE_BASED_FIREWALL; fields a console does not keep
 *   (the WireGuard server's `wireguard_*`) are dropped.
 * - Scripted faults beyond the server's: damaged 200 answers (cut, empty, envelope without
 *   data) after the request was applied, 429 with Retry-After before it is.
 * - PUT merges into the stored document then validates the whole (classic); v2 PUT needs the
 *   full object with its `_id`. Duplicate network and port-forward names are accepted.
 * - What the controller fills or rewrites: `_id`, `site_id`, a network's `firewall_zone_id`
 *   (and the zone's `network_ids`), `wireguard_id`, `local_port` stored as a string, v2
 *   policy `index` and `port` as a string, predefined "Allow Port Forward" policies.
 * - Secrets are returned in clear on read (`x_*` fields), as a real controller does.
 */
import { randomBytes } from "node:crypto";
import {
  fieldViolations,
  formatViolation,
  ruleViolations,
  type FieldRule,
} from "../../src/devices/unifi/fields";
import type { ClassicCollection } from "../../src/devices/unifi/api";
import CONTROLLER_FIELDS from "./unifi-fields.json";
import {
  containsAddress,
  overlaps,
  parseAddressWithPrefix,
  parseIPv4,
  parsePrefix,
  parseRange,
  maskOf,
  type Prefix,
} from "../../src/lib/net";
import {
  EmulatorServer,
  type EmulatorRequest,
  type EmulatorResponse,
  type ServerOptions,
} from "./server";

export type Doc = Record<string, unknown> & { _id: string };

export interface UnifiEmulatorOptions {
  /** API key with full rights. @default TEST_API_KEY */
  readonly apiKey?: string;
  /** API key that may read but not write. */
  readonly readOnlyApiKey?: string;
  /** Local admins: username → password. @default { admin: TEST_PASSWORD } */
  readonly users?: Readonly<Record<string, string>>;
  /** Network application version. @default "9.5.21" */
  readonly version?: string;
  /** Firewall generation. @default "zone" from version 9 on, "legacy" before */
  readonly firewall?: "zone" | "legacy";
  /** Whether the v2 static DNS API exists. @default true */
  readonly staticDns?: boolean;
  /** Logins accepted before the console answers 429. */
  readonly loginLimit?: number;
  /** Sites (short name, description). @default [{ name: "default", desc: "Default" }] */
  readonly sites?: readonly { name: string; desc: string }[];
  /** Answer classic PUTs with `data: []` (as some UDM SE firmware does). */
  readonly emptyPutAnswer?: boolean;
  /** Answer classic POSTs with `data: []` too. */
  readonly emptyPostAnswer?: boolean;
  /** Fields each collection does not keep (dropped on store). @default DEFAULT_FORGETS */
  readonly forgets?: Readonly<Record<string, readonly string[]>>;
  /**
   * Misbehaviours seen on throttled or misconfigured consoles: a login answered 200 without
   * a session, sessions refused right after login, session writes refused (403, empty).
   */
  readonly quirks?: {
    readonly loginWithoutSession?: boolean;
    readonly refuseSessions?: boolean;
    readonly refuseSessionWrites?: boolean;
  };
  readonly server?: ServerOptions;
}

export const TEST_API_KEY = "unifi-test-key-5b1f2c9a7e3d4f60a8b9";
export const TEST_PASSWORD = "correct horse battery staple";

const PREFIX = ["proxy", "network"];

/**
 * The controller's own field definitions of the classic collections (Network 9.5.21 ace.jar
 * api/fields/*.json, extracted by scripts/unifi-fields.mjs): every classic write is checked
 * against them, every field of them, not against the provider's subset.
 */
const CLASSIC_RULES = CONTROLLER_FIELDS.collections as unknown as Record<
  ClassicCollection,
  Record<string, FieldRule>
>;

/**
 * Fields a console does not keep by default: a WireGuard server as the 9.5.21 capture has
 * it (lexfrei/go-unifi dig/api-responses/api-networkconf.json) holds no `wireguard_*` field,
 * only `l2tp_interface` / `l2tp_local_wan_ip` (UNCERTAIN whether an API-made one keeps them).
 */
const DEFAULT_FORGETS: Readonly<Record<string, readonly string[]>> = {
  networkconf: ["wireguard_interface", "wireguard_local_wan_ip"],
};

/** A scripted misbehaviour of the next matching requests. */
interface Scripted {
  readonly methods?: readonly string[];
  readonly path?: RegExp;
  times: number;
}

/**
 * What the controller answers for `create_allow_respond: true` where it generates no
 * return-traffic companion: on a BLOCK or REJECT (liambeeton/unifig docs/adr/0022), ICMP
 * (terraform-provider-unifi CHANGELOG #259), into the External zone (unifig docs/adr/0030,
 * terrifi#107). The message is the controller's as unifig recorded it.
 */
const RESPOND_NOT_ALLOWED = "api.err.FirewallPolicyCreateRespondTrafficPolicyNotAllowed";

interface Session {
  readonly username: string;
  readonly csrf: string;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: { field: string; pattern: string },
  ) {
    super(message);
  }
}

const fail = (
  status: number,
  code: string,
  message = code,
  field?: { field: string; pattern: string },
): never => {
  throw new ApiError(status, code, message, field);
};

function classicOk(data: unknown[]): EmulatorResponse {
  return { status: 200, body: { meta: { rc: "ok" }, data } };
}

function classicError(error: ApiError): EmulatorResponse {
  const msg = `api.err.${error.code}`;
  const data = error.field
    ? [{ meta: { rc: "error", msg }, validationError: error.field, rc: "error", msg }]
    : [];
  return { status: error.status, body: { meta: { rc: "error", msg }, data } };
}

function v2Error(error: ApiError): EmulatorResponse {
  return {
    status: error.status,
    body: {
      code: error.code,
      message: error.message,
      errorCode: error.status,
      ...(error.field ? { details: { invalid_fields: [error.field.field] } } : {}),
    },
  };
}

/** Text of a stored value ("10" for 10, JSON for objects). */
function str(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return `${value}`;
  return JSON.stringify(value) ?? "";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function cookieToken(header: string | undefined): string | undefined {
  return /(?:^|;\s*)TOKEN=([^;]+)/.exec(header ?? "")?.[1];
}

/** Whether two policies are of the same (source zone, destination zone) pair. */
function samePair(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const zone = (p: Record<string, unknown>, side: "source" | "destination") => {
    const end = p[side];
    return isObject(end) ? end.zone_id : undefined;
  };
  return (
    zone(a, "source") === zone(b, "source") && zone(a, "destination") === zone(b, "destination")
  );
}

function truthy(value: unknown): boolean {
  return value === true || value === "true";
}

/** "10.0.10.1/24" → the prefix and the address, or undefined. */
function subnetOf(value: unknown): { prefix: Prefix; address: number } | undefined {
  if (typeof value !== "string") return undefined;
  const parsed = parseAddressWithPrefix(value);
  if (!parsed) return undefined;
  return {
    prefix: { network: (parsed.address & maskOf(parsed.length)) >>> 0, length: parsed.length },
    address: parsed.address,
  };
}

export class UnifiEmulator {
  readonly server: EmulatorServer;
  readonly version: string;
  readonly firewall: "zone" | "legacy";
  /** Successful logins so far. */
  logins = 0;
  private readonly sessions = new Map<string, Session>();
  private readonly store = new Map<string, Map<string, Doc>>();
  private readonly siteIds = new Map<string, string>();
  private counter = 0;
  private wireguardIds = 0;
  private readonly truncations: (Scripted & { kind: "cut" | "empty" | "no-data" })[] = [];
  private readonly rateLimits: (Scripted & { retryAfter: string })[] = [];

  constructor(private readonly options: UnifiEmulatorOptions = {}) {
    this.version = options.version ?? "9.5.21";
    const major = Number(this.version.split(".")[0]);
    this.firewall = options.firewall ?? (major >= 9 ? "zone" : "legacy");
    this.server = new EmulatorServer((request) => this.handle(request), options.server);
    for (const site of this.sites) this.seed(site.name);
  }

  private get sites(): readonly { name: string; desc: string }[] {
    return this.options.sites ?? [{ name: "default", desc: "Default" }];
  }

  start(): Promise<string> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** A new 24-hex object id (deterministic sequence). */
  newId(): string {
    this.counter++;
    return `6650c0de${this.counter.toString(16).padStart(16, "0")}`;
  }

  private collection(site: string, name: string): Map<string, Doc> {
    const key = `${site}/${name}`;
    let map = this.store.get(key);
    if (!map) {
      map = new Map();
      this.store.set(key, map);
    }
    return map;
  }

  /** The stored objects of a collection, live (tests edit them to simulate out-of-band changes). */
  docs(collection: string, site = "default"): Doc[] {
    return [...this.collection(site, collection).values()];
  }

  /** The first stored object matching. */
  find(collection: string, match: (doc: Doc) => boolean, site = "default"): Doc | undefined {
    return this.docs(collection, site).find(match);
  }

  /** Stores an object as if created in the controller's UI (no validation). */
  insert(collection: string, doc: Record<string, unknown>, site = "default"): Doc {
    const stored: Doc = { ...clone(doc), _id: this.newId(), site_id: this.siteIds.get(site) };
    this.collection(site, collection).set(stored._id, stored);
    if (collection === "networkconf" && this.firewall === "zone") this.assignZone(site, stored);
    return stored;
  }

  /** Deletes an object behind the provider's back. */
  remove(collection: string, id: string, site = "default"): void {
    this.collection(site, collection).delete(id);
  }

  /** Forgets every session (as when the console restarts or the tokens expire). */
  expireSessions(): void {
    this.sessions.clear();
  }

  private seed(site: string): void {
    const siteId = randomBytes(12).toString("hex");
    this.siteIds.set(site, siteId);
    const networks = this.collection(site, "networkconf");
    const lan: Doc = {
      _id: this.newId(),
      site_id: siteId,
      name: "Default",
      purpose: "corporate",
      networkgroup: "LAN",
      ip_subnet: "192.168.1.1/24",
      dhcpd_enabled: true,
      dhcpd_start: "192.168.1.6",
      dhcpd_stop: "192.168.1.254",
      attr_no_delete: true,
      attr_hidden_id: "LAN",
      enabled: true,
    };
    const wan: Doc = {
      _id: this.newId(),
      site_id: siteId,
      name: "Internet 1",
      purpose: "wan",
      wan_networkgroup: "WAN",
      wan_type: "dhcp",
      attr_no_delete: true,
      attr_hidden_id: "WAN",
      enabled: true,
    };
    networks.set(lan._id, lan);
    networks.set(wan._id, wan);
    if (this.firewall !== "zone") return;
    const zones = this.collection(site, "firewall/zone");
    const zone = (name: string, key: string, ids: string[], noEdit: boolean): Doc => {
      const doc: Doc = {
        _id: this.newId(),
        attr_no_edit: noEdit,
        default_zone: true,
        name,
        network_ids: ids,
        zone_key: key,
      };
      zones.set(doc._id, doc);
      return doc;
    };
    const internal = zone("Internal", "internal", [lan._id], false);
    const external = zone("External", "external", [wan._id], true);
    const gateway = zone("Gateway", "gateway", [], true);
    zone("Vpn", "vpn", [], true);
    zone("Hotspot", "hotspot", [], false);
    zone("Dmz", "dmz", [], false);
    lan.firewall_zone_id = internal._id;
    wan.firewall_zone_id = external._id;
    const policies = this.collection(site, "firewall-policies");
    const predefined = (name: string, src: Doc, dst: Doc, action: string, index: number) => {
      const doc: Doc = {
        _id: this.newId(),
        name,
        action,
        enabled: true,
        index,
        predefined: true,
        protocol: "all",
        ip_version: "BOTH",
        connection_state_type: "ALL",
        schedule: { mode: "ALWAYS" },
        source: { zone_id: src._id, matching_target: "ANY", port_matching_type: "ANY" },
        destination: { zone_id: dst._id, matching_target: "ANY", port_matching_type: "ANY" },
      };
      policies.set(doc._id, doc);
    };
    predefined("Allow All Traffic", internal, internal, "ALLOW", 2147483647);
    predefined("Block All Traffic", external, internal, "BLOCK", 2147483647);
    predefined("Allow Return Traffic", external, internal, "ALLOW", 30000);
    predefined("Allow All Traffic", internal, gateway, "ALLOW", 2147483647);
  }

  private zoneByKey(site: string, key: string): Doc | undefined {
    return this.docs("firewall/zone", site).find((z) => z.zone_key === key);
  }

  /** On the zone-based firewall, a new network joins its purpose's zone. */
  private assignZone(site: string, doc: Doc): void {
    const key =
      doc.purpose === "guest"
        ? "hotspot"
        : doc.purpose === "remote-user-vpn"
          ? "vpn"
          : doc.purpose === "wan"
            ? "external"
            : "internal";
    const zone = this.zoneByKey(site, key);
    if (!zone) return;
    doc.firewall_zone_id = zone._id;
    const ids = (zone.network_ids as string[] | undefined) ?? [];
    if (!ids.includes(doc._id)) zone.network_ids = [...ids, doc._id];
  }

  private unassignZone(site: string, id: string): void {
    for (const zone of this.docs("firewall/zone", site)) {
      const ids = (zone.network_ids as string[] | undefined) ?? [];
      if (ids.includes(id)) zone.network_ids = ids.filter((x) => x !== id);
    }
  }

  // ---- scripted faults ------------------------------------------------------------------

  /**
   * The next `times` matching answers of 200 arrive damaged, after the request was handled
   * (a write IS applied): cut in the middle ("cut"), empty ("empty"), or a classic envelope
   * without its data ("no-data").
   */
  truncate(kind: "cut" | "empty" | "no-data", match: Omit<Scripted, "times"> = {}, times = 1) {
    this.truncations.push({ ...match, kind, times });
  }

  /**
   * The next `times` matching requests are refused with 429 and `Retry-After` (seconds),
   * before anything is applied, as consoles rate-limit API-key clients (go-unifi
   * unifi/ratelimit_data_test.go; commit aaaaf03 "retry rate-limited (429) requests for
   * API-key auth, honoring Retry-After").
   */
  rateLimit(retryAfter: string, match: Omit<Scripted, "times"> = {}, times = 1) {
    this.rateLimits.push({ ...match, retryAfter, times });
  }

  private take<T extends Scripted>(list: T[], request: EmulatorRequest): T | undefined {
    const found = list.find(
      (x) =>
        x.times > 0 &&
        (!x.methods || x.methods.includes(request.method)) &&
        (!x.path || x.path.test(request.rawPath)),
    );
    if (found) found.times--;
    return found;
  }

  // ---- HTTP ---------------------------------------------------------------------------

  private async handle(request: EmulatorRequest): Promise<EmulatorResponse> {
    const limited = this.take(this.rateLimits, request);
    if (limited) return { status: 429, headers: { "retry-after": limited.retryAfter }, body: "" };
    const response = await this.respond(request);
    const damaged = response.status === 200 ? this.take(this.truncations, request) : undefined;
    if (!damaged) return response;
    const text =
      damaged.kind === "no-data"
        ? JSON.stringify({ meta: { rc: "ok" } })
        : damaged.kind === "empty"
          ? ""
          : JSON.stringify(response.body).slice(
              0,
              Math.floor(JSON.stringify(response.body).length / 2),
            );
    return { status: 200, headers: { "content-type": "application/json" }, body: text };
  }

  private async respond(request: EmulatorRequest): Promise<EmulatorResponse> {
    const s = request.segments;
    if (s.length === 0 && request.method === "GET") {
      return { status: 200, body: "<html>UniFi OS</html>" };
    }
    if (s[0] === "api" && s[1] === "auth") {
      if (s[2] === "login" && request.method === "POST") return this.login(request);
      if (s[2] === "logout" && request.method === "POST") {
        const token = cookieToken(request.headers.cookie);
        const session = token ? this.sessions.get(token) : undefined;
        if (!session || request.headers["x-csrf-token"] !== session.csrf)
          return { status: 403, body: "" };
        this.sessions.delete(token!);
        return { status: 200, body: {} };
      }
      return { status: 404, body: "" };
    }
    if (s[0] !== PREFIX[0] || s[1] !== PREFIX[1]) return { status: 404, body: "" };
    const rest = s.slice(2);
    const v2 = rest[0] === "v2";
    const denied = this.authorize(request, v2);
    if (denied) return denied;
    try {
      if (v2) return this.v2(request, rest.slice(1));
      return this.classic(request, rest);
    } catch (error) {
      if (error instanceof ApiError) return v2 ? v2Error(error) : classicError(error);
      throw error;
    }
  }

  private login(request: EmulatorRequest): EmulatorResponse {
    const limit = this.options.loginLimit;
    if (limit !== undefined && this.logins >= limit) {
      return {
        status: 429,
        body: {
          code: "AUTHENTICATION_FAILED_LIMIT_REACHED",
          message: "Too many failed login attempts",
          errorCode: 429,
        },
      };
    }
    const body = isObject(request.body) ? request.body : {};
    const users = this.options.users ?? { admin: TEST_PASSWORD };
    const username = typeof body.username === "string" ? body.username : "";
    if (!(username in users) || users[username] !== body.password) {
      return {
        status: 403,
        body: {
          code: "AUTHENTICATION_FAILED_INVALID_CREDENTIALS",
          message: "Invalid username or password",
          errorCode: 403,
        },
      };
    }
    this.logins++;
    if (this.options.quirks?.loginWithoutSession) return { status: 200, body: { username } };
    const csrf = randomBytes(16).toString("hex");
    const header = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
    const payload = Buffer.from(JSON.stringify({ userId: username, csrfToken: csrf })).toString(
      "base64url",
    );
    const token = `${header}.${payload}.${randomBytes(16).toString("base64url")}`;
    this.sessions.set(token, { username, csrf });
    return {
      status: 200,
      headers: {
        "set-cookie": `TOKEN=${token}; path=/; samesite=strict; secure; httponly`,
        "x-csrf-token": csrf,
      },
      body: { username, isOwner: username === "admin" },
    };
  }

  /** Undefined when the request may proceed, else the refusal. */
  private authorize(request: EmulatorRequest, v2: boolean): EmulatorResponse | undefined {
    const key = request.headers["x-api-key"];
    const write = request.method !== "GET";
    const unauthorized: EmulatorResponse = v2
      ? {
          status: 401,
          body: {
            code: "api.err.UserNotAuthenticated",
            message: "User not authenticated",
            errorCode: 401,
          },
        }
      : { status: 401, body: { meta: { rc: "error", msg: "api.err.LoginRequired" }, data: [] } };
    if (typeof key === "string") {
      if (key === (this.options.apiKey ?? TEST_API_KEY)) return undefined;
      if (this.options.readOnlyApiKey !== undefined && key === this.options.readOnlyApiKey) {
        if (!write) return undefined;
        return v2
          ? v2Error(new ApiError(403, "api.err.NoPermission", "No permission"))
          : classicError(new ApiError(403, "NoPermission", "No permission"));
      }
      return unauthorized;
    }
    const token = cookieToken(request.headers.cookie);
    const session = token ? this.sessions.get(token) : undefined;
    if (!session || this.options.quirks?.refuseSessions) return unauthorized;
    if (write && request.headers["x-csrf-token"] !== session.csrf) return { status: 403, body: "" };
    if (write && this.options.quirks?.refuseSessionWrites) return { status: 403, body: "" };
    return undefined;
  }

  private site(name: string | undefined): string {
    if (!name || !this.sites.some((s) => s.name === name)) {
      // Observed as a "soft" failure: HTTP 200 with rc "error".
      throw new ApiError(200, "NoSiteContext", "NoSiteContext");
    }
    return name;
  }

  private classic(request: EmulatorRequest, s: string[]): EmulatorResponse {
    const method = request.method;
    if (s[0] === "status" && method === "GET") {
      return {
        status: 200,
        body: { meta: { rc: "ok", server_version: this.version, up: true }, data: [] },
      };
    }
    if (s[0] === "api" && s[1] === "self" && s[2] === "sites" && method === "GET") {
      return classicOk(
        this.sites.map((site) => ({
          _id: this.siteIds.get(site.name),
          name: site.name,
          desc: site.desc,
        })),
      );
    }
    if (s[0] !== "api" || s[1] !== "s") fail(404, "NotFound");
    const site = this.site(s[2]);
    if (s[3] === "stat" && s[4] === "sysinfo" && method === "GET") {
      return classicOk([
        { version: this.version, name: "UDM Pro", hostname: "udm-pro", timezone: "UTC" },
      ]);
    }
    if (s[3] !== "rest" || s.length < 5 || s.length > 6) fail(404, "NotFound");
    const collection = s[4] as ClassicCollection;
    if (!(collection in CLASSIC_RULES)) fail(404, "NotFound");
    const id = s[5];
    const docs = this.collection(site, collection);
    if (id === undefined) {
      if (method === "GET") return classicOk([...docs.values()].map(clone));
      if (method === "POST") {
        const created = clone(this.create(site, collection, request.body));
        return classicOk(this.options.emptyPostAnswer ? [] : [created]);
      }
      return fail(404, "NotFound");
    }
    const doc = docs.get(id);
    if (!doc) return fail(400, "IdInvalid");
    if (method === "GET") return classicOk([clone(doc)]);
    if (method === "PUT") {
      const updated = this.update(site, collection, doc, request.body);
      return classicOk(this.options.emptyPutAnswer ? [] : [clone(updated)]);
    }
    if (method === "DELETE") {
      if (doc.attr_no_delete === true) fail(400, "Invalid", "this object cannot be deleted");
      docs.delete(id);
      if (collection === "networkconf") this.unassignZone(site, id);
      if (collection === "portforward") this.removeForwardPolicy(site, id);
      return classicOk([]);
    }
    return fail(404, "NotFound");
  }

  private validateFields(collection: ClassicCollection, body: Record<string, unknown>): void {
    const violation = ruleViolations(CLASSIC_RULES[collection], body)[0];
    if (violation) {
      const rule = CLASSIC_RULES[collection][violation.field.split(/[.[]/)[0]!];
      fail(400, "InvalidPayload", formatViolation(violation), {
        field: violation.field,
        pattern: typeof rule === "string" ? rule : violation.expected,
      });
    }
  }

  private create(site: string, collection: ClassicCollection, body: unknown): Doc {
    if (!isObject(body)) return fail(400, "InvalidPayload", "the body must be a JSON object");
    if ("_id" in body) fail(400, "InvalidPayload", "a new object has no _id");
    this.validateFields(collection, body);
    const doc: Doc = { ...clone(body), _id: this.newId(), site_id: this.siteIds.get(site) };
    this.checkSemantics(site, collection, doc);
    this.normalize(collection, doc);
    if (collection === "networkconf") {
      if (doc.purpose === "remote-user-vpn" && doc.vpn_type === "wireguard-server") {
        doc.wireguard_id = ++this.wireguardIds;
      }
      if (this.firewall === "zone") this.assignZone(site, doc);
    }
    this.collection(site, collection).set(doc._id, doc);
    if (collection === "portforward") this.addForwardPolicy(site, doc);
    return doc;
  }

  private update(site: string, collection: ClassicCollection, doc: Doc, body: unknown): Doc {
    if (!isObject(body)) return fail(400, "InvalidPayload", "the body must be a JSON object");
    if (body._id !== undefined && body._id !== doc._id) fail(400, "IdInvalid");
    if (doc.attr_no_edit === true) fail(400, "Invalid", "this object cannot be changed");
    const incoming = Object.fromEntries(
      Object.entries(body).filter(([k]) => k !== "_id" && k !== "site_id"),
    );
    // A full-object PUT sends back what the controller stored, including fields it set itself
    // or knows and we have no rule for: those are accepted unchanged; the rest is validated.
    const rules = CLASSIC_RULES[collection];
    const checked = Object.fromEntries(
      Object.entries(incoming).filter(
        ([k, v]) => k in rules || JSON.stringify(v) !== JSON.stringify(doc[k]),
      ),
    );
    this.validateFields(collection, checked);
    const merged: Doc = { ...clone(doc), ...clone(incoming), _id: doc._id, site_id: doc.site_id };
    this.checkSemantics(site, collection, merged);
    this.normalize(collection, merged);
    this.collection(site, collection).set(doc._id, merged);
    return merged;
  }

  /** Rewrites the controller applies to what it stores, and the fields it does not keep. */
  private normalize(collection: string, doc: Doc): void {
    if (collection === "networkconf" && typeof doc.local_port === "number") {
      doc.local_port = str(doc.local_port);
    }
    for (const field of (this.options.forgets ?? DEFAULT_FORGETS)[collection] ?? []) {
      delete doc[field];
    }
  }

  private checkSemantics(site: string, collection: ClassicCollection, doc: Doc): void {
    const others = this.docs(collection, site).filter((d) => d._id !== doc._id);
    if (collection === "networkconf") this.checkNetwork(doc, others);
    if (collection === "firewallgroup") this.checkGroup(doc, others);
    if (collection === "firewallrule") this.checkRule(site, doc, others);
    if (collection === "portforward") this.checkForward(site, doc);
  }

  private checkNetwork(doc: Doc, others: Doc[]): void {
    if (typeof doc.name !== "string" || doc.name === "")
      fail(400, "InvalidPayload", "name is required");
    const purpose = doc.purpose;
    if (typeof purpose !== "string") fail(400, "InvalidPayload", "purpose is required");
    const lanLike = ["corporate", "guest", "vlan-only"].includes(purpose as string);
    if (lanLike) {
      if (!truthy(doc.vlan_enabled) && doc.vlan !== undefined && doc.vlan !== "") {
        fail(400, "VlanUsed", "vlan given with vlan_enabled false");
      }
      const vlanOf = (d: Doc) =>
        truthy(d.vlan_enabled) && d.vlan !== undefined && d.vlan !== "" ? str(d.vlan) : "1";
      const mine = vlanOf(doc);
      const clash = others.find(
        (d) => ["corporate", "guest", "vlan-only"].includes(str(d.purpose)) && vlanOf(d) === mine,
      );
      if (clash) fail(400, "VlanUsed", `VLAN ${mine} is used by ${str(clash.name)}`);
    }
    const needsSubnet = ["corporate", "guest", "remote-user-vpn"].includes(purpose as string);
    if (needsSubnet) {
      if (doc.ip_subnet === undefined)
        fail(400, "InvalidPayload", "ip_subnet is required", { field: "ip_subnet", pattern: "" });
      const subnet = subnetOf(doc.ip_subnet);
      if (!subnet)
        return fail(400, "InvalidPayload", "ip_subnet", { field: "ip_subnet", pattern: "" });
      const broadcast = (subnet.prefix.network | ~maskOf(subnet.prefix.length)) >>> 0;
      if (
        subnet.prefix.length < 31 &&
        (subnet.address === subnet.prefix.network || subnet.address === broadcast)
      ) {
        fail(400, "IncorrectIPSubnetSpec");
      }
      for (const other of others) {
        const theirs = subnetOf(other.ip_subnet);
        if (theirs && overlaps(theirs.prefix, subnet.prefix)) {
          fail(400, "SubnetOverlapped", `overlaps ${str(other.name)}`);
        }
      }
      if (truthy(doc.dhcpd_enabled)) {
        const start = parseIPv4(str(doc.dhcpd_start ?? ""));
        const stop = parseIPv4(str(doc.dhcpd_stop ?? ""));
        if (
          start === undefined ||
          stop === undefined ||
          start > stop ||
          !containsAddress(subnet.prefix, start) ||
          !containsAddress(subnet.prefix, stop)
        ) {
          fail(400, "InvalidDHCPRange");
        }
      }
    }
    if (purpose === "remote-user-vpn" && doc.vpn_type === "wireguard-server") {
      if (typeof doc.x_wireguard_private_key !== "string" || doc.x_wireguard_private_key === "") {
        fail(400, "WireguardMissingPrivateKey");
      }
    }
  }

  private checkGroup(doc: Doc, others: Doc[]): void {
    if (typeof doc.name !== "string") fail(400, "InvalidPayload", "name is required");
    if (others.some((d) => d.name === doc.name)) fail(400, "FirewallGroupExisted");
    if (typeof doc.group_type !== "string") fail(400, "InvalidPayload", "group_type is required");
    const members = Array.isArray(doc.group_members) ? doc.group_members : [];
    members.forEach((member, i) => {
      const text = str(member);
      const ok =
        doc.group_type === "port-group"
          ? /^\d{1,5}(-\d{1,5})?$/.test(text) &&
            text.split("-").every((p) => Number(p) >= 1 && Number(p) <= 65535)
          : doc.group_type === "address-group"
            ? parseIPv4(text) !== undefined ||
              parsePrefix(text) !== undefined ||
              parseRange(text) !== undefined
            : true;
      if (!ok) {
        fail(400, "InvalidPayload", `group member ${text}`, {
          field: `group_members[${i}]`,
          pattern: str(doc.group_type),
        });
      }
    });
  }

  private checkRule(site: string, doc: Doc, others: Doc[]): void {
    if (this.firewall === "zone") fail(400, "FirewallRuleIndexOutOfRange");
    for (const field of ["name", "ruleset", "rule_index", "action"]) {
      if (doc[field] === undefined) fail(400, "InvalidPayload", `${field} is required`);
    }
    const clash = others.find(
      (d) => d.ruleset === doc.ruleset && str(d.rule_index) === str(doc.rule_index),
    );
    if (clash)
      fail(
        400,
        "FirewallRuleIndexExisted",
        `rule_index ${str(doc.rule_index)} is used by ${str(clash.name)}`,
      );
    const groups = this.collection(site, "firewallgroup");
    for (const side of ["src_firewallgroup_ids", "dst_firewallgroup_ids"]) {
      const ids = Array.isArray(doc[side]) ? (doc[side] as unknown[]) : [];
      const types = new Set<string>();
      for (const id of ids) {
        const group = groups.get(str(id));
        if (!group)
          fail(400, "InvalidPayload", `${side}: no firewall group ${str(id)}`, {
            field: side,
            pattern: "",
          });
        const type = str(group!.group_type);
        if (types.has(type)) fail(400, "FirewallGroupTypeExists");
        types.add(type);
      }
    }
  }

  private checkForward(site: string, doc: Doc): void {
    if (typeof doc.name !== "string" || doc.name === "")
      fail(400, "InvalidPayload", "name is required");
    for (const field of ["fwd", "dst_port", "proto"]) {
      if (doc[field] === undefined) fail(400, "InvalidPayload", `${field} is required`);
    }
    const dst = str(doc.dst_port);
    const fwd = str(doc.fwd_port ?? dst);
    if (/[,-]/.test(dst) && fwd !== dst) fail(400, "IncorrectMultiportFwdPort");
    if (truthy(doc.src_limiting_enabled) && doc.src_limiting_type === "firewall_group") {
      const group = this.collection(site, "firewallgroup").get(str(doc.src_firewall_group_id));
      if (!group || group.group_type !== "address-group") {
        fail(400, "InvalidPayload", "src_firewall_group_id must name an address group", {
          field: "src_firewall_group_id",
          pattern: "",
        });
      }
    }
  }

  /** On the zone-based firewall, each port forward has a predefined policy. */
  private addForwardPolicy(site: string, forward: Doc): void {
    if (this.firewall !== "zone") return;
    const external = this.zoneByKey(site, "external");
    const internal = this.zoneByKey(site, "internal");
    if (!external || !internal) return;
    const doc: Doc = {
      _id: this.newId(),
      name: `Allow Port Forward ${str(forward.name)}`,
      action: "ALLOW",
      enabled: true,
      index: 20000 + this.counter,
      predefined: true,
      origin_type: "port_forward",
      origin_id: forward._id,
      protocol: str(forward.proto),
      ip_version: "IPV4",
      connection_state_type: "ALL",
      schedule: { mode: "ALWAYS" },
      source: { zone_id: external._id, matching_target: "ANY", port_matching_type: "ANY" },
      destination: {
        zone_id: internal._id,
        matching_target: "IP",
        matching_target_type: "SPECIFIC",
        ips: [str(forward.fwd)],
        port_matching_type: "SPECIFIC",
        port: str(forward.fwd_port ?? forward.dst_port),
      },
    };
    this.collection(site, "firewall-policies").set(doc._id, doc);
  }

  private removeForwardPolicy(site: string, forwardId: string): void {
    const policies = this.collection(site, "firewall-policies");
    for (const doc of [...policies.values()])
      if (doc.origin_id === forwardId) policies.delete(doc._id);
  }

  // ---- v2 ------------------------------------------------------------------------------

  private v2(request: EmulatorRequest, s: string[]): EmulatorResponse {
    if (s[0] !== "api" || s[1] !== "site") fail(404, "api.err.NotFound", "Not found");
    const siteName = s[2];
    if (!siteName || !this.sites.some((x) => x.name === siteName)) {
      fail(400, "api.err.InvalidSite", "Site does not exist");
    }
    const site = siteName!;
    const resource = s.slice(3);
    const method = request.method;
    const head = resource.join("/");
    const major = Number(this.version.split(".")[0]);
    if (head === "site-feature-migration" && major >= 9 && method === "GET") {
      const migrated = this.firewall === "zone";
      return {
        status: 200,
        body: migrated ? [{ _id: this.siteIds.get(site), feature: "ZONE_BASED_FIREWALL" }] : [],
      };
    }
    if (head.startsWith("firewall/zone") || head.startsWith("firewall-policies")) {
      if (this.firewall !== "zone") {
        // Network 8 has no such endpoint; a Network 9 site not yet upgraded answers its
        // (empty) lists as consoles do, and refuses writes (code UNCERTAIN).
        if (major < 9) fail(404, "api.err.NotFound", "Not found");
        if (method === "GET" && (head === "firewall/zone" || head === "firewall-policies")) {
          return { status: 200, body: [] };
        }
        fail(400, "api.err.Invalid", "the zone-based firewall is not enabled on this site");
      }
    }
    if (head.startsWith("static-dns") && this.options.staticDns === false) {
      fail(404, "api.err.NotFound", "Not found");
    }
    if (resource[0] === "firewall" && resource[1] === "zone") {
      return this.zones(site, method, resource[2], request.body);
    }
    if (resource[0] === "firewall-policies") {
      if (resource[1] === "batch-reorder" && method === "PUT") {
        return { status: 200, body: this.reorder(site, request.body) };
      }
      return this.policies(site, method, resource[1], request.body);
    }
    if (resource[0] === "static-dns")
      return this.staticDns(site, method, resource[1], request.body);
    return fail(404, "api.err.NotFound", "Not found");
  }

  private zones(
    site: string,
    method: string,
    id: string | undefined,
    body: unknown,
  ): EmulatorResponse {
    const zones = this.collection(site, "firewall/zone");
    if (id === undefined) {
      if (method === "GET") return { status: 200, body: [...zones.values()].map(clone) };
      if (method === "POST") {
        if (!isObject(body) || typeof body.name !== "string")
          return fail(400, "api.err.InvalidPayload", "name is required");
        this.v2Fields("firewall/zone", body);
        const doc: Doc = {
          network_ids: [],
          ...clone(body),
          _id: this.newId(),
          default_zone: false,
          zone_key: "",
        };
        zones.set(doc._id, doc);
        return { status: 200, body: clone(doc) };
      }
      return fail(405, "api.err.MethodNotAllowed", "Method not allowed");
    }
    const doc = zones.get(id);
    if (method === "GET")
      return fail(405, "api.err.MethodNotAllowed", "Request method 'GET' is not supported");
    if (!doc) return fail(400, "api.err.IdInvalid", "Zone not found");
    if (method === "PUT") {
      if (!isObject(body) || body._id === undefined)
        return fail(500, "api.err.ServerError", "The given id must not be null");
      if ("default_zone" in body) fail(400, "api.err.InvalidPayload", "default_zone cannot be set");
      const updated: Doc = { ...doc, ...clone(body), _id: doc._id };
      zones.set(doc._id, updated);
      return { status: 200, body: clone(updated) };
    }
    if (method === "DELETE") {
      if (doc.default_zone === true)
        fail(400, "api.err.InvalidPayload", "a default zone cannot be deleted");
      zones.delete(id);
      return { status: 204 };
    }
    return fail(405, "api.err.MethodNotAllowed", "Method not allowed");
  }

  private v2Fields(
    collection: "firewall/zone" | "firewall-policies" | "static-dns",
    body: Record<string, unknown>,
  ): void {
    const violation = fieldViolations(collection, body)[0];
    if (violation) {
      fail(400, "api.err.InvalidPayload", `Validation failed: ${formatViolation(violation)}`, {
        field: violation.field,
        pattern: violation.expected,
      });
    }
  }

  private checkPolicy(site: string, doc: Record<string, unknown>): void {
    for (const field of ["name", "action", "source", "destination"]) {
      if (doc[field] === undefined)
        fail(400, "api.err.InvalidPayload", `Validation failed: ${field} must not be null`);
    }
    const zones = this.collection(site, "firewall/zone");
    const networks = this.collection(site, "networkconf");
    const groups = this.collection(site, "firewallgroup");
    for (const side of ["source", "destination"] as const) {
      const end = doc[side];
      if (!isObject(end))
        return fail(400, "api.err.InvalidPayload", `Validation failed: ${side} must be an object`);
      if (!zones.has(str(end.zone_id)))
        fail(400, "api.err.InvalidPayload", `Validation failed: ${side}.zone_id is not a zone`);
      const target = end.matching_target ?? "ANY";
      if (target !== "ANY" && end.matching_target_type === undefined) {
        fail(
          400,
          side === "source"
            ? "api.err.MissingFirewallPolicySourceMatchingTargetType"
            : "api.err.InvalidPayload",
          `${side} matching_target ${str(target)} needs matching_target_type`,
        );
      }
      if (target === "NETWORK") {
        const ids = Array.isArray(end.network_ids) ? end.network_ids : [];
        if (ids.length === 0 || ids.some((id) => !networks.has(str(id)))) {
          fail(
            400,
            "api.err.InvalidPayload",
            `Validation failed: ${side}.network_ids must name networks`,
          );
        }
        // A network sits in exactly one zone (a guest network in Hotspot). UNCERTAIN whether
        // the controller refuses a policy naming it under another zone or the policy just
        // never matches: either way it is wrong, so the emulator refuses it.
        const members = (zones.get(str(end.zone_id))?.network_ids as unknown[] | undefined) ?? [];
        const outside: unknown = ids.find((id: unknown) => !members.includes(id));
        if (outside !== undefined) {
          fail(
            400,
            "api.err.InvalidPayload",
            `Validation failed: ${side}.network_ids: network ${str(outside)} is not in zone ${str(end.zone_id)}`,
          );
        }
      }
      if (target === "IP") {
        if (end.matching_target_type === "OBJECT") {
          const group = groups.get(str(end.ip_group_id));
          if (!group || group.group_type !== "address-group") {
            fail(
              400,
              "api.err.InvalidPayload",
              `Validation failed: ${side}.ip_group_id must name an address group`,
            );
          }
        } else if (!Array.isArray(end.ips) || end.ips.length === 0) {
          fail(400, "api.err.EmptyFirewallDestinationIps", `${side} has no addresses`);
        }
      }
      if (end.port_matching_type === "SPECIFIC" && (end.port === undefined || end.port === "")) {
        fail(400, "api.err.InvalidPayload", `Validation failed: ${side}.port is required`);
      }
      if (end.port_matching_type === "OBJECT") {
        const group = groups.get(str(end.port_group_id));
        if (!group || group.group_type !== "port-group") {
          fail(
            400,
            "api.err.InvalidPayload",
            `Validation failed: ${side}.port_group_id must name a port group`,
          );
        }
      }
      if (typeof end.port === "number") end.port = str(end.port);
    }
    if (doc.connection_state_type === "CUSTOM") {
      if (!Array.isArray(doc.connection_states) || doc.connection_states.length === 0) {
        fail(400, "api.err.InvalidPayload", "Validation failed: CUSTOM needs connection_states");
      }
    }
  }

  private policies(
    site: string,
    method: string,
    id: string | undefined,
    body: unknown,
  ): EmulatorResponse {
    const policies = this.collection(site, "firewall-policies");
    if (id === undefined) {
      if (method === "GET") return { status: 200, body: [...policies.values()].map(clone) };
      if (method === "POST") {
        if (!isObject(body))
          return fail(400, "api.err.InvalidPayload", "the body must be a JSON object");
        this.v2Fields("firewall-policies", body);
        const doc: Doc = { ...clone(body), _id: this.newId() };
        this.checkPolicy(site, doc);
        this.checkRespond(site, doc);
        // Appended to the end of its zone pair; an index sent is ignored (TF-UC CHANGELOG #348).
        const custom = [...policies.values()].filter(
          (p) => p.predefined !== true && samePair(p, doc),
        );
        doc.index = Math.max(9999, ...custom.map((p) => Number(p.index))) + 1;
        doc.predefined = false;
        policies.set(doc._id, doc);
        this.companion(site, doc);
        return { status: 200, body: clone(doc) };
      }
      return fail(405, "api.err.MethodNotAllowed", "Method not allowed");
    }
    const doc = policies.get(id);
    if (!doc) return fail(400, "api.err.IdInvalid", "Firewall policy not found");
    if (method === "GET") return { status: 200, body: clone(doc) };
    if (doc.predefined === true && method !== "GET") {
      fail(400, "api.err.FirewallPolicyPredefined", "Predefined policies cannot be changed");
    }
    if (method === "PUT") {
      if (!isObject(body) || body._id === undefined)
        return fail(500, "api.err.ServerError", "The given id must not be null");
      const incoming = Object.fromEntries(
        Object.entries(body).filter(([k]) => !["_id", "index", "predefined"].includes(k)),
      );
      this.v2Fields("firewall-policies", incoming);
      const updated: Doc = {
        ...clone(incoming),
        _id: doc._id,
        index: doc.index,
        predefined: false,
      };
      this.checkPolicy(site, updated);
      this.checkRespond(site, updated);
      policies.set(doc._id, updated);
      this.companion(site, updated);
      return { status: 200, body: clone(updated) };
    }
    if (method === "DELETE") {
      policies.delete(id);
      this.companion(site, { ...doc, create_allow_respond: false });
      return { status: 204 };
    }
    return fail(405, "api.err.MethodNotAllowed", "Method not allowed");
  }

  /** Refuses the return-traffic request where the controller generates no companion. */
  private checkRespond(site: string, doc: Record<string, unknown>): void {
    if (!truthy(doc.create_allow_respond)) return;
    const destination = isObject(doc.destination) ? doc.destination : {};
    const into = this.collection(site, "firewall/zone").get(str(destination.zone_id));
    if (
      doc.action !== "ALLOW" ||
      ["icmp", "icmpv6"].includes(str(doc.protocol)) ||
      into?.zone_key === "external"
    ) {
      fail(400, RESPOND_NOT_ALLOWED, "Firewall policy create respond traffic not allowed");
    }
  }

  /**
   * The return-traffic companion the controller keeps for a policy asking for one: created
   * with it, removed when the request is cleared or the policy deleted, predefined, on the
   * reverse pair (liambeeton/unifig docs/adr/0022 and 0026, measured on Network 10.5.67).
   */
  private companion(site: string, parent: Doc): void {
    const policies = this.collection(site, "firewall-policies");
    for (const p of [...policies.values()]) if (p.origin_id === parent._id) policies.delete(p._id);
    if (!truthy(parent.create_allow_respond)) return;
    const src = isObject(parent.source) ? parent.source : {};
    const dst = isObject(parent.destination) ? parent.destination : {};
    const doc: Doc = {
      _id: this.newId(),
      name: `${str(parent.name)} (Return)`,
      action: "ALLOW",
      enabled: true,
      index: 30000,
      predefined: true,
      origin_type: "custom_firewall_rule",
      origin_id: parent._id,
      protocol: "all",
      ip_version: "BOTH",
      connection_state_type: "RESPOND_ONLY",
      create_allow_respond: false,
      schedule: { mode: "ALWAYS" },
      source: { zone_id: dst.zone_id, matching_target: "ANY", port_matching_type: "ANY" },
      destination: { zone_id: src.zone_id, matching_target: "ANY", port_matching_type: "ANY" },
    };
    policies.set(doc._id, doc);
  }

  /** `PUT firewall-policies/batch-reorder`: the listed custom policies of a zone pair, in order. */
  private reorder(site: string, body: unknown): Doc[] {
    if (!isObject(body))
      return fail(400, "api.err.InvalidPayload", "the body must be a JSON object");
    const violation = fieldViolations("firewall-policies/batch-reorder", body)[0];
    if (violation)
      fail(400, "api.err.InvalidPayload", `Validation failed: ${formatViolation(violation)}`);
    const policies = this.collection(site, "firewall-policies");
    const pair = (p: Doc) =>
      isObject(p.source) &&
      isObject(p.destination) &&
      p.source.zone_id === body.source_zone_id &&
      p.destination.zone_id === body.destination_zone_id;
    const before = Array.isArray(body.before_predefined_ids)
      ? body.before_predefined_ids.map(String)
      : [];
    for (const id of before) {
      const policy = policies.get(id);
      if (!policy || !pair(policy) || policy.predefined === true) {
        fail(
          400,
          "api.err.InvalidPayload",
          `policy ${id} is not a custom policy of this zone pair`,
        );
      }
    }
    const rest = [...policies.values()]
      .filter((p) => pair(p) && p.predefined !== true && !before.includes(p._id))
      .sort((a, b) => Number(a.index) - Number(b.index));
    [...before.map((id) => policies.get(id)!), ...rest].forEach((p, i) => {
      p.index = 10000 + i;
    });
    return [...policies.values()].filter(pair).map(clone);
  }

  private staticDns(
    site: string,
    method: string,
    id: string | undefined,
    body: unknown,
  ): EmulatorResponse {
    const records = this.collection(site, "static-dns");
    const duplicate = (doc: Record<string, unknown>, self?: string) =>
      [...records.values()].some(
        (r) => r._id !== self && r.key === doc.key && r.record_type === doc.record_type,
      );
    if (id === undefined) {
      if (method === "GET") return { status: 200, body: [...records.values()].map(clone) };
      if (method === "POST") {
        if (!isObject(body) || typeof body.key !== "string" || typeof body.value !== "string") {
          return fail(
            400,
            "api.err.StaticDnsRecordInvalidParameters",
            "key and value are required",
          );
        }
        this.v2Fields("static-dns", body);
        if (duplicate(body))
          fail(400, "api.err.StaticDnsRecordAlreadyExists", "Record already exists");
        const doc: Doc = { enabled: true, record_type: "A", ...clone(body), _id: this.newId() };
        records.set(doc._id, doc);
        return { status: 200, body: clone(doc) };
      }
      return fail(405, "api.err.MethodNotAllowed", "Method not allowed");
    }
    const doc = records.get(id);
    if (!doc) return fail(404, "api.err.StaticDnsRecordNotFound", "Record not found");
    if (method === "PUT") {
      if (!isObject(body))
        return fail(400, "api.err.StaticDnsRecordInvalidParameters", "invalid body");
      const incoming = Object.fromEntries(Object.entries(body).filter(([k]) => k !== "_id"));
      this.v2Fields("static-dns", incoming);
      const updated: Doc = { ...doc, ...clone(incoming), _id: doc._id };
      if (duplicate(updated, doc._id))
        fail(400, "api.err.StaticDnsRecordAlreadyExists", "Record already exists");
      records.set(doc._id, updated);
      return { status: 200, body: clone(updated) };
    }
    if (method === "DELETE") {
      records.delete(id);
      return { status: 200, body: "" };
    }
    return fail(405, "api.err.MethodNotAllowed", "Method not allowed");
  }
}

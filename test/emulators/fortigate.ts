/**
 * An in-process FortiGate (FortiOS 7.4 REST CMDB API) for tests and the benchmark, on the shared
 * `EmulatorServer` (TLS, latency, seeded faults, request log). Every body is validated against
 * Fortinet's own schema of FortiOS 7.4 (./fortigate-schema.ts): an unknown attribute (-61), a
 * bad option (-651), an integer out of range (-650), a string too long (-1), a table element
 * without its key (-651) are refused with FortiOS's error envelope, as the device refuses
 * them. `GET cmdb/<path>?action=schema` answers from the same schema. Otherwise it behaves as
 * ../shared/reference/fortios-api.md documents (§10 "Emulator notes"):
 *
 * - Bearer token auth (401 otherwise; `?access_token=` refused as on ≥7.4.5), an untrusted
 *   source (401 or 403, the reference is UNCERTAIN which) and a read-only access profile (403).
 * - The envelope on every answer; HTTP status == `http_status`; errors as 500 + `error` code +
 *   `cli_error` (-5 duplicate, -651 invalid value or dangling reference, -23 in use, -650 out of
 *   range, -1 too long, -158 VLAN/tunnel creation, -117/-118 tunnel addresses, -522 VLAN change),
 *   404 for unknown paths and keys, 405 for POST/DELETE on complex objects.
 * - mkeys percent-decoded per segment (the raw path is split first: "10.0.0.0%2F24" is one key).
 * - Defaults filled in on create; normalised spellings on write and read ("ip mask" with dotted
 *   masks, multi-value options de-duplicated in schema order, integers as numbers, BGP `as` and
 *   `remote-as` as strings as on ≥7.2.1); `q_origin_key` on every object and member element;
 *   secrets read back as "ENC XXXX" (plain text only with `?plain-text-password=1`).
 * - Tables, nested tables (BGP neighbors and networks, also through their sub-paths; aggregate
 *   members; prefix-list rules), complex objects (router/bgp, with its five fixed redistribute
 *   entries), VDOMs (`?vdom=`, global system/interface with a vdom attribute, `vdom=a,b` →
 *   array of envelopes), the tunnel interface auto-created (and deleted) with its phase1,
 *   referential integrity, ordered policies with `?action=move`, `filter=`, `format=`,
 *   `start`/`count`.
 */
import { createHash, randomUUID } from "node:crypto";
import {
  DEVICE_FINGERPRINT,
  EmulatorServer,
  type EmulatorRequest,
  type EmulatorResponse,
  type ServerOptions,
} from "./server";
import {
  ADDRESS,
  INTERFACE,
  PHASE1,
  SCHEDULE,
  SERVICE,
  VIRTUAL_SWITCH,
  buildSchemas,
  schemaAnswer,
  type Field,
  type TableSchema,
} from "./fortigate-schema";
import { formatIPv4, lengthOfMask, maskOf, parseIPv4 } from "../../src/lib/net";
import { emptyMonitor, monitorResults, type MonitorState } from "./fortigate-monitor";

export const EMULATOR_TOKEN = "fgt-test-token-7a1c9e2b4d6f8a0c3e5b7d9f1a3c5e7b";
export const MASKED = "ENC XXXX";
const VERSION = "v7.4.4";
const BUILD = 2662;
const SERIAL = "FGT60ETEST000000";

type Obj = Record<string, unknown>;

/** A refusal of the CMDB, answered as the device would. */
class DeviceError extends Error {
  constructor(
    readonly http: number,
    readonly code?: number,
    readonly cli?: string,
  ) {
    super(cli ?? `HTTP ${http}`);
  }
}

/** What the CLI answers to an attribute its schema does not have. */
const unknownAttribute = (attr: string) =>
  new DeviceError(
    500,
    -61,
    `command parse error before '${attr}'\nCommand fail. Return code -61\n`,
  );

const invalid = (attr: string, value: unknown) =>
  new DeviceError(
    500,
    -651,
    `node_check_object fail! for ${attr} ${String(value)}\n\nvalue parse error before '${String(value)}'\nCommand fail. Return code -651\n`,
  );

interface VdomState {
  readonly tables: Map<string, Map<string, Obj>>;
  readonly complex: Map<string, Obj>;
}

export interface FortiGateEmulatorOptions {
  readonly token?: string;
  readonly vdoms?: readonly string[];
  /** Physical ports of the model (FortiGate 60E by default). */
  readonly ports?: readonly string[];
  /**
   * Start as a FortiGate 60E leaves the factory: internal1-internal7 in the `internal`
   * hardware switch (192.168.1.99/24), with the Internet policy `internal` → `wan1`.
   * @default false (free ports)
   */
  readonly factory?: boolean;
  /** The router/bgp schema has `redistribute` (see SchemaOptions). @default false */
  readonly bgpRedistribute?: boolean;
  /** Attributes this FortiOS's schema lacks, by path (see SchemaOptions). */
  readonly lacking?: Readonly<Record<string, readonly string[]>>;
}

/** How single-object GETs are answered in the truncated-answer fault mode. */
export type TruncatedAnswer = "empty" | "truncated" | "no-results";

/** A value as text in a message or a key. */
function text(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** "A.B.C.D/len", "A.B.C.D/M.M.M.M", "A.B.C.D M.M.M.M" or "A.B.C.D" → "A.B.C.D M.M.M.M". */
function normalizeIpMask(text: string): string | undefined {
  const parts = text.trim().split(/[\s/]+/);
  if (parts.length < 1 || parts.length > 2) return undefined;
  const address = parseIPv4(parts[0] ?? "");
  if (address === undefined) return undefined;
  let length = 32;
  if (parts.length === 2) {
    const second = parts[1] ?? "";
    if (/^\d{1,2}$/.test(second)) length = Number(second);
    else {
      const fromMask = lengthOfMask(second);
      if (fromMask === undefined) return undefined;
      length = fromMask;
    }
    if (length > 32) return undefined;
  }
  return `${formatIPv4(address)} ${formatIPv4(maskOf(length))}`;
}

export class FortiGateEmulator {
  readonly token: string;
  readonly server: EmulatorServer;
  /** Answer every request as from a source outside the admin's trusted hosts. */
  untrustedSource?: 401 | 403;
  /** The admin's access profile is read-only: writes get 403. */
  readOnlyProfile = false;
  /** Runs before each request is handled (to stage races in tests). */
  beforeRequest?: (request: EmulatorRequest) => void;
  /**
   * Fault mode: the next `count` GETs of one table entry are answered 200 with an empty
   * body, a body cut in the middle, or an envelope without results (a device under load,
   * a proxy in the way), whatever the entry.
   */
  truncateGets?: { count: number; kind: TruncatedAnswer };
  /** Fault mode: the next `count` requests are answered 429 with `Retry-After: seconds`. */
  rateLimit?: { count: number; seconds: number };
  /** Every table the emulator has (vendor schema with our notes). */
  readonly schemas: readonly TableSchema[];
  /** The live state the monitor API answers (./fortigate-monitor.ts). Mutable. */
  monitor: MonitorState = emptyMonitor();
  private readonly vdoms = new Map<string, VdomState>();
  /** system/interface is global: one table, entries carry their vdom. */
  private readonly interfaces = new Map<string, Obj>();
  private revision = 1;

  constructor(options: FortiGateEmulatorOptions = {}, serverOptions: ServerOptions = {}) {
    this.token = options.token ?? EMULATOR_TOKEN;
    this.schemas = buildSchemas({
      bgpRedistribute: options.bgpRedistribute,
      ...(options.lacking ? { lacking: options.lacking } : {}),
    });
    this.server = new EmulatorServer((request) => this.handle(request), serverOptions);
    const vdoms = options.vdoms ?? ["root"];
    for (const vdom of vdoms) this.vdoms.set(vdom, this.emptyVdom());
    const ports = options.ports ?? [
      "wan1",
      "wan2",
      "dmz",
      "internal1",
      "internal2",
      "internal3",
      "internal4",
      "internal5",
      "internal6",
      "internal7",
    ];
    for (const port of ports) {
      this.interfaces.set(
        port,
        this.withDefaults(this.schemaOf(INTERFACE)!, {
          name: port,
          vdom: vdoms[0],
          type: "physical",
          role: port.startsWith("wan") ? "wan" : "lan",
        }),
      );
    }
    if (options.factory) this.factoryDefaults(vdoms[0] ?? "root");
  }

  /** The table at `path`, if this FortiOS has it. */
  schemaOf(path: string): TableSchema | undefined {
    return this.schemas.find((s) => s.path === path);
  }

  /**
   * What a FortiGate 60E has out of the box: internal1-internal7 make the `internal`
   * hardware switch (192.168.1.99/24, reachable with ping https ssh), and the Internet
   * policy lets `internal` out through `wan1` with NAT.
   */
  private factoryDefaults(vdom: string): void {
    const members = [...this.interfaces.keys()].filter((p) => /^internal\d+$/.test(p));
    this.interfaces.set(
      "internal",
      this.withDefaults(this.schemaOf(INTERFACE)!, {
        name: "internal",
        vdom,
        type: "hard-switch",
        ip: "192.168.1.99 255.255.255.0",
        allowaccess: "ping https ssh",
        role: "lan",
      }),
    );
    this.seed(VIRTUAL_SWITCH, {
      name: "internal",
      "physical-switch": "sw0",
      port: members.map((name) => ({ name })),
    });
    this.seed("firewall/policy", {
      policyid: 1,
      name: "Internet",
      srcintf: [{ name: "internal" }],
      dstintf: [{ name: "wan1" }],
      srcaddr: [{ name: "all" }],
      dstaddr: [{ name: "all" }],
      service: [{ name: "ALL" }],
      schedule: "always",
      action: "accept",
      nat: "enable",
    });
  }

  /** Starts the HTTPS server; resolves with its base URL. */
  start(): Promise<string> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private emptyVdom(): VdomState {
    const state: VdomState = { tables: new Map(), complex: new Map() };
    for (const schema of this.schemas) {
      if (schema.category === "complex")
        state.complex.set(schema.path, this.withDefaults(schema, {}));
      else if (!schema.global) state.tables.set(schema.path, new Map());
    }
    // Factory objects every FortiGate has.
    const put = (path: string, key: string, body: Obj) =>
      state.tables.get(path)!.set(key, this.withDefaults(this.schemaOf(path)!, body));
    put(ADDRESS, "all", { name: "all", uuid: randomUUID() });
    put(ADDRESS, "none", { name: "none", uuid: randomUUID(), subnet: "0.0.0.0 255.255.255.255" });
    for (const [name, tcp, udp] of [
      ["ALL", "", ""],
      ["HTTP", "80", ""],
      ["HTTPS", "443", ""],
      ["SSH", "22", ""],
      ["DNS", "53", "53"],
      ["PING", "", ""],
    ] as const) {
      put(SERVICE, name, {
        name,
        protocol: name === "ALL" ? "IP" : name === "PING" ? "ICMP" : "TCP/UDP/SCTP",
        "tcp-portrange": tcp,
        "udp-portrange": udp,
      });
    }
    put(SCHEDULE, "always", {
      name: "always",
      day: "sunday monday tuesday wednesday thursday friday saturday",
    });
    return state;
  }

  // ------------------------------------------------------------------ state access for tests

  private vdomState(vdom: string): VdomState {
    const state = this.vdoms.get(vdom);
    if (!state) throw new Error(`emulator has no VDOM ${vdom}`);
    return state;
  }

  private tableOf(path: string, vdom: string): Map<string, Obj> {
    if (path === INTERFACE) return this.interfaces;
    const table = this.vdomState(vdom).tables.get(path);
    if (!table) throw new Error(`emulator has no table ${path}`);
    return table;
  }

  /** The stored entry (secrets in clear), for out-of-band changes in tests. Mutable. */
  entry(path: string, key: string | number, vdom = "root"): Obj | undefined {
    return this.tableOf(path, vdom).get(String(key));
  }

  /** Keys of a table, in table order. */
  keys(path: string, vdom = "root"): string[] {
    return [...this.tableOf(path, vdom).entries()]
      .filter(([, o]) => path !== INTERFACE || o.vdom === vdom)
      .map(([k]) => k);
  }

  /** The stored complex object (router/bgp). Mutable. */
  complex(path: string, vdom = "root"): Obj {
    const object = this.vdomState(vdom).complex.get(path);
    if (!object) throw new Error(`emulator has no complex object ${path}`);
    return object;
  }

  /** Creates an entry as a POST would (validated, defaults filled), e.g. "made by hand". */
  seed(path: string, body: Record<string, unknown>, vdom = "root"): void {
    const [p, n] = path.split("/");
    const response = this.handleOne(
      {
        method: "POST",
        rawPath: `/api/v2/cmdb/${path}`,
        segments: ["api", "v2", "cmdb", p!, n!],
        query: new URLSearchParams({ vdom }),
        headers: {},
        body,
        rawBody: JSON.stringify(body),
      },
      path,
      [],
      vdom,
    );
    if (response.status !== 200) throw new Error(`seed ${path}: ${JSON.stringify(response.body)}`);
  }

  /** Deletes an entry behind the API's back (no reference checks). */
  removeEntry(path: string, key: string | number, vdom = "root"): boolean {
    return this.tableOf(path, vdom).delete(String(key));
  }

  // ------------------------------------------------------------------ schema machinery

  private withDefaults(
    schema: TableSchema | { fields: Readonly<Record<string, Field>> },
    body: Obj,
  ): Obj {
    const out: Obj = {};
    for (const [name, field] of Object.entries(schema.fields)) {
      if (name in body) out[name] = body[name];
      else {
        const value = this.defaultOf(field);
        if (value !== undefined) out[name] = value;
      }
    }
    return out;
  }

  private defaultOf(field: Field): unknown {
    switch (field.kind) {
      case "table":
        return field.fixed
          ? field.fixed.map((name) => this.withDefaults(field, { [field.key]: name }))
          : [];
      case "object": {
        const value = this.withDefaults(field, {});
        return Object.keys(value).length > 0 ? value : undefined;
      }
      case "password":
        return "";
      case "uuid":
        return randomUUID();
      default:
        // Attributes our notes give no default are not shown until written.
        return field.default;
    }
  }

  /** Validates and normalises one attribute value (as the CLI would store it). */
  private normalize(attr: string, field: Field, value: unknown, vdom: string): unknown {
    if (value === null) return this.defaultOf(field);
    switch (field.kind) {
      case "string": {
        if (typeof value !== "string" && typeof value !== "number") throw invalid(attr, value);
        const text = String(value);
        if (text.length > field.max)
          throw new DeviceError(
            500,
            -1,
            `The string is too long: ${attr} (max ${field.max})\nCommand fail. Return code -1\n`,
          );
        if (field.ref && text !== "" && !field.special?.includes(text)) {
          if (!field.ref.some((path) => this.exists(path, text, vdom))) throw invalid(attr, text);
        }
        return text;
      }
      case "user":
        if (typeof value !== "string" && typeof value !== "number") throw invalid(attr, value);
        return String(value);
      case "integer": {
        if (field.emptyOk && value === "") return "";
        const number =
          typeof value === "number"
            ? value
            : typeof value === "string" && /^-?\d+$/.test(value)
              ? Number(value)
              : NaN;
        if (!Number.isInteger(number)) throw invalid(attr, value);
        if ((number < field.min || number > field.max) && number !== field.sentinel)
          throw new DeviceError(
            500,
            -650,
            `The integer value is not within valid range: ${attr} ${number} (${field.min}-${field.max})\nCommand fail. Return code -650\n`,
          );
        return number;
      }
      case "option":
        if (typeof value !== "string" || !field.values.includes(value)) throw invalid(attr, value);
        return value;
      case "multi": {
        if (typeof value !== "string") throw invalid(attr, value);
        const words = value.split(/\s+/).filter(Boolean);
        for (const word of words) if (!field.values.includes(word)) throw invalid(attr, word);
        return field.values.filter((v) => words.includes(v)).join(" ");
      }
      case "ipmask": {
        if (field.any && value === "any") return "0.0.0.0 0.0.0.0";
        const normalized = typeof value === "string" ? normalizeIpMask(value) : undefined;
        if (normalized === undefined) throw invalid(attr, value);
        return normalized;
      }
      case "ipv4":
        if (typeof value !== "string" || (value !== "" && parseIPv4(value) === undefined))
          throw invalid(attr, value);
        return value;
      case "password":
        if (typeof value !== "string") throw invalid(attr, value);
        if (field.max !== undefined && value.length > field.max)
          throw new DeviceError(
            500,
            -1,
            `The string is too long: ${attr} (max ${field.max})\nCommand fail. Return code -1\n`,
          );
        return value;
      case "object": {
        if (!isObject(value)) throw invalid(attr, value);
        const out: Obj = {};
        for (const [name, v] of Object.entries(value)) {
          const sub = field.fields[name];
          if (!sub) throw unknownAttribute(name);
          out[name] = this.normalize(name, sub, v, vdom);
        }
        return out;
      }
      case "uuid":
        return value;
      case "mac":
        if (typeof value !== "string" || !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(value))
          throw new DeviceError(
            500,
            -33,
            `Invalid MAC address: ${text(value)}\nCommand fail. Return code -33\n`,
          );
        return value.toLowerCase();
      case "readonly":
        throw invalid(attr, value);
      case "table": {
        if (!Array.isArray(value)) throw invalid(attr, value);
        const seen: string[] = [];
        const out = value.map((element, i) => {
          if (!isObject(element)) throw invalid(attr, element);
          const item: Obj = {};
          for (const [name, v] of Object.entries(element)) {
            if (name === "q_origin_key") continue;
            const sub = field.fields[name];
            if (!sub) throw unknownAttribute(name);
            item[name] = this.normalize(name, sub, v, vdom);
          }
          if (
            field.keyKind === "integer" &&
            (item[field.key] === undefined || item[field.key] === 0)
          )
            item[field.key] = i + 1;
          const key = text(item[field.key] ?? "");
          if (key === "") throw invalid(field.key, "");
          if (seen.includes(key))
            throw new DeviceError(
              500,
              -5,
              `entry ${key} is duplicated in ${attr}\nCommand fail. Return code -5\n`,
            );
          if (field.fixed && !field.fixed.includes(key)) throw invalid(field.key, key);
          seen.push(key);
          return this.withDefaults(field, item);
        });
        if (field.fixed) {
          // A fixed table always holds its entries; the ones not given return to defaults.
          return field.fixed.map(
            (name) =>
              out.find((e) => e[field.key] === name) ??
              this.withDefaults(field, { [field.key]: name }),
          );
        }
        return out;
      }
    }
  }

  private exists(path: string, key: string, vdom: string): boolean {
    if (path === INTERFACE) {
      const iface = this.interfaces.get(key);
      return iface !== undefined && iface.vdom === vdom;
    }
    return this.vdoms.get(vdom)?.tables.get(path)?.has(key) ?? false;
  }

  /** "firewall/policy 3 (srcaddr)" for every object that refers to `path` `key`. */
  private referrers(path: string, key: string, vdom: string): string[] {
    const out: string[] = [];
    const scan = (fields: Readonly<Record<string, Field>>, object: Obj, where: string) => {
      for (const [name, field] of Object.entries(fields)) {
        const value = object[name];
        if (field.kind === "string" && field.ref?.includes(path) && value === key) {
          out.push(`${where} (${name})`);
        } else if (field.kind === "table" && Array.isArray(value)) {
          for (const element of value as Obj[]) scan(field.fields, element, `${where} ${name}`);
        }
      }
    };
    for (const schema of this.schemas) {
      if (schema.category === "complex") {
        scan(schema.fields, this.complex(schema.path, vdom), schema.path);
        continue;
      }
      for (const [k, object] of this.tableOf(schema.path, vdom)) {
        if (schema.global && object.vdom !== vdom) continue;
        if (schema.path === path && k === key) continue;
        scan(schema.fields, object, `${schema.path} ${k}`);
      }
    }
    return out;
  }

  /** Applies `body` onto `base` (merge: given attributes replace, tables replace wholesale). */
  private merged(schema: TableSchema, base: Obj, body: Obj, vdom: string): Obj {
    const out = clone(base);
    for (const [name, value] of Object.entries(body)) {
      if (name === "q_origin_key") continue;
      const field = schema.fields[name];
      if (!field) throw unknownAttribute(name);
      const normalized = this.normalize(name, field, value, vdom);
      if (field.kind === "object" && isObject(normalized))
        out[name] = { ...(isObject(out[name]) ? out[name] : {}), ...normalized };
      else out[name] = normalized;
    }
    return out;
  }

  private render(schema: Pick<TableSchema, "fields" | "mkey">, object: Obj, plain: boolean): Obj {
    const out: Obj = {};
    if (schema.mkey) out.q_origin_key = object[schema.mkey];
    for (const [name, field] of Object.entries(schema.fields)) {
      const value = object[name];
      if (value === undefined) continue;
      if (field.kind === "password") out[name] = value === "" || plain ? value : MASKED;
      else if (field.kind === "table" && Array.isArray(value)) {
        out[name] = (value as Obj[]).map((element) => ({
          ...this.render({ fields: field.fields, mkey: field.key }, element, plain),
        }));
      } else out[name] = clone(value);
    }
    return out;
  }

  // ------------------------------------------------------------------ HTTP

  private envelope(
    method: string,
    path: string,
    vdom: string,
    extra: Obj,
    status = 200,
  ): EmulatorResponse {
    const slash = path.lastIndexOf("/");
    return {
      status,
      body: {
        http_method: method,
        revision: createHash("md5").update(String(this.revision)).digest("hex"),
        ...extra,
        vdom,
        path: path.slice(0, slash),
        name: path.slice(slash + 1),
        status: status === 200 ? "success" : "error",
        http_status: status,
        serial: SERIAL,
        version: VERSION,
        build: BUILD,
      },
    };
  }

  private handle(request: EmulatorRequest): EmulatorResponse {
    this.beforeRequest?.(request);
    // The trusted-host check comes first: the device does not even look at the token.
    if (this.untrustedSource) return { status: this.untrustedSource, body: "" };
    if (this.rateLimit && this.rateLimit.count > 0) {
      this.rateLimit.count--;
      return {
        status: 429,
        headers: { "retry-after": String(this.rateLimit.seconds) },
        body: { http_status: 429, status: "error" },
      };
    }
    if (request.query.has("access_token")) {
      // ≥7.4.5: API keys in the URL are refused unless rest-api-key-url-query is enabled.
      return { status: 401, headers: { "www-authenticate": 'error="invalid_token"' }, body: "" };
    }
    if (request.headers.authorization !== `Bearer ${this.token}`) {
      return { status: 401, headers: { "www-authenticate": 'error="invalid_token"' }, body: "" };
    }
    const [api, v2, family, p, n, ...rest] = request.segments;
    if (api === "api" && v2 === "v2" && family === "monitor") return this.monitorRequest(request);
    if (api !== "api" || v2 !== "v2" || family !== "cmdb" || !p || !n) {
      return { status: 404, body: { http_status: 404, status: "error" } };
    }
    const path = `${p}/${n}`;
    const vdomParam = request.query.get("vdom") ?? "root";
    const vdoms = vdomParam === "*" ? [...this.vdoms.keys()] : vdomParam.split(",");
    if (vdoms.length > 1) {
      if (request.method !== "GET")
        return { status: 400, body: { http_status: 400, status: "error" } };
      return {
        status: 200,
        body: vdoms.map((vdom) => this.handleOne(request, path, rest, vdom).body),
      };
    }
    return this.handleOne(request, path, rest, vdoms[0] ?? "root");
  }

  /** `GET /api/v2/monitor/<path>`: the monitor state, in the CMDB's envelope. */
  private monitorRequest(request: EmulatorRequest): EmulatorResponse {
    const path = request.segments.slice(3).join("/");
    const vdom = request.query.get("vdom") ?? "root";
    if (request.method !== "GET") return this.envelope(request.method, path, vdom, {}, 405);
    if (!this.vdoms.has(vdom)) return this.envelope("GET", path, vdom, {}, 403);
    const results = monitorResults(this.monitor, path, request.query);
    if (!results) return this.envelope("GET", path, vdom, {}, 404);
    return this.envelope("GET", path, vdom, { results: structuredClone(results) });
  }

  private handleOne(
    request: EmulatorRequest,
    path: string,
    rest: string[],
    vdom: string,
  ): EmulatorResponse {
    const method = request.method;
    if (!this.vdoms.has(vdom)) {
      return this.envelope(method, path, vdom, {}, 403);
    }
    const schema = this.schemaOf(path);
    if (!schema) return this.envelope(method, path, vdom, {}, 404);
    if (method === "GET" && request.query.get("action") === "schema")
      return this.envelope(method, path, vdom, { results: schemaAnswer(schema), action: "schema" });
    if (this.readOnlyProfile && method !== "GET") return this.envelope(method, path, vdom, {}, 403);
    try {
      if (schema.category === "complex") return this.complexRequest(request, schema, rest, vdom);
      if (rest.length > 1) return this.envelope(method, path, vdom, {}, 404);
      return this.tableRequest(request, schema, rest[0], vdom);
    } catch (error) {
      if (error instanceof DeviceError) {
        const extra: Obj = { revision_changed: false };
        if (error.code !== undefined) extra.error = error.code;
        if (error.cli !== undefined) extra.cli_error = error.cli;
        return this.envelope(method, path, vdom, extra, error.http);
      }
      throw error;
    }
  }

  private bump(): { revision_changed: true; old_revision: string } {
    const old = createHash("md5").update(String(this.revision)).digest("hex");
    this.revision++;
    return { revision_changed: true, old_revision: old };
  }

  private list(request: EmulatorRequest, schema: TableSchema, objects: Obj[]): Obj[] {
    const plain = request.query.get("plain-text-password") === "1";
    let out = objects.map((o) => this.render(schema, o, plain));
    for (const filter of request.query.getAll("filter")) {
      const alternatives = filter.split(",").map((expr) => {
        const match = /^(.+?)(==|!=|=@|!@)(.*)$/.exec(expr);
        if (!match) throw new DeviceError(400);
        return { attr: match[1]!.replace(/\\\./g, "."), op: match[2]!, value: match[3]! };
      });
      out = out.filter((o) =>
        alternatives.some(({ attr, op, value }) => {
          const actual = text(o[attr] ?? "").toLowerCase();
          const wanted = value.toLowerCase();
          if (op === "==") return actual === wanted;
          if (op === "!=") return actual !== wanted;
          if (op === "=@") return actual.includes(wanted);
          return !actual.includes(wanted);
        }),
      );
    }
    const format = request.query.get("format");
    if (format) {
      const keep = format.split("|");
      out = out.map((o) =>
        Object.fromEntries(
          Object.entries(o).filter(([k]) => k === "q_origin_key" || keep.includes(k)),
        ),
      );
    }
    const start = Number(request.query.get("start") ?? 0);
    const count = request.query.has("count") ? Number(request.query.get("count")) : undefined;
    return out.slice(start, count === undefined ? undefined : start + count);
  }

  private tableRequest(
    request: EmulatorRequest,
    schema: TableSchema,
    rawKey: string | undefined,
    vdom: string,
  ): EmulatorResponse {
    const method = request.method;
    const path = schema.path;
    const table = this.tableOf(path, vdom);
    const mkey = schema.mkey!;
    const visible = (o: Obj) => !schema.global || o.vdom === vdom;
    const keyValue = (key: string) => (schema.mkeyKind === "integer" ? Number(key) : key);
    if (method === "GET") {
      if (rawKey === undefined) {
        const results = this.list(request, schema, [...table.values()].filter(visible));
        return this.envelope(method, path, vdom, {
          results,
          size: results.length,
          matched_count: results.length,
          next_idx: results.length - 1,
        });
      }
      const object = table.get(rawKey);
      const truncated = this.truncatedAnswer(method, path, vdom);
      if (truncated) return truncated;
      if (!object || !visible(object)) return this.envelope(method, path, vdom, {}, 404);
      const plain = request.query.get("plain-text-password") === "1";
      return this.envelope(method, path, vdom, { results: [this.render(schema, object, plain)] });
    }
    if (method === "POST") {
      if (rawKey !== undefined) return this.envelope(method, path, vdom, {}, 404);
      if (!isObject(request.body)) throw new DeviceError(400);
      const body = request.body;
      for (const attr of schema.required ?? []) {
        if (!(attr in body)) throw invalid(attr, "");
      }
      let key: string;
      if (schema.mkeyKind === "integer") {
        const given = body[mkey];
        if (given === undefined || given === 0 || given === "0") {
          const max = Math.max(0, ...[...table.keys()].map(Number));
          key = String(max + 1);
        } else key = text(given);
      } else {
        if (typeof body[mkey] !== "string" || body[mkey] === "") throw invalid(mkey, "");
        key = body[mkey];
      }
      if (table.has(key))
        throw new DeviceError(
          500,
          -5,
          `object already exists (mkey='${key}')\nCommand fail. Return code -5\n`,
        );
      const object = this.merged(
        schema,
        this.withDefaults(schema, {}),
        { ...body, [mkey]: keyValue(key) },
        vdom,
      );
      this.beforeCreate(schema, object, vdom);
      table.set(key, object);
      this.afterCreate(schema, object, vdom);
      return this.envelope(method, path, vdom, { mkey: keyValue(key), ...this.bump() });
    }
    if (rawKey === undefined) return this.envelope(method, path, vdom, {}, 405);
    const existing = table.get(rawKey);
    if (!existing || !visible(existing)) return this.envelope(method, path, vdom, {}, 404);
    if (method === "PUT") {
      if (request.query.get("action") === "move") return this.move(request, schema, rawKey, vdom);
      if (!isObject(request.body)) throw new DeviceError(400);
      const body = request.body;
      if (mkey in body && String(body[mkey]) !== rawKey) throw invalid(mkey, body[mkey]);
      const updated = this.merged(schema, existing, body, vdom);
      this.beforeUpdate(schema, existing, updated, vdom);
      const changed = JSON.stringify(updated) !== JSON.stringify(existing);
      table.set(rawKey, updated);
      this.afterUpdate(schema, existing, updated);
      return this.envelope(method, path, vdom, {
        mkey: keyValue(rawKey),
        ...(changed ? this.bump() : { revision_changed: false }),
      });
    }
    if (method === "DELETE") {
      this.beforeDelete(schema, existing, rawKey, vdom);
      table.delete(rawKey);
      this.afterDelete(schema, existing, rawKey, vdom);
      return this.envelope(method, path, vdom, { mkey: keyValue(rawKey), ...this.bump() });
    }
    return this.envelope(method, path, vdom, {}, 405);
  }

  /** The fault mode's answer to a single-object GET, while it lasts. */
  private truncatedAnswer(
    method: string,
    path: string,
    vdom: string,
  ): EmulatorResponse | undefined {
    const fault = this.truncateGets;
    if (!fault || fault.count <= 0) return undefined;
    fault.count--;
    const whole = this.envelope(method, path, vdom, {});
    switch (fault.kind) {
      case "empty":
        return { status: 200, body: "" };
      case "no-results":
        return whole;
      case "truncated": {
        const text = JSON.stringify({ ...(whole.body as Obj), results: [{ name: "" }] });
        return { status: 200, body: text.slice(0, Math.floor(text.length / 2)) };
      }
    }
  }

  private move(
    request: EmulatorRequest,
    schema: TableSchema,
    key: string,
    vdom: string,
  ): EmulatorResponse {
    const table = this.tableOf(schema.path, vdom);
    const before = request.query.get("before");
    const after = request.query.get("after");
    const anchor = before ?? after;
    if (anchor === null || !table.has(anchor) || anchor === key)
      return this.envelope("PUT", schema.path, vdom, {}, 404);
    const entries = [...table.entries()];
    const moving = entries.find(([k]) => k === key)!;
    const rest = entries.filter(([k]) => k !== key);
    const at = rest.findIndex(([k]) => k === anchor) + (before !== null ? 0 : 1);
    rest.splice(at, 0, moving);
    table.clear();
    for (const [k, v] of rest) table.set(k, v);
    return this.envelope("PUT", schema.path, vdom, { mkey: Number(key), ...this.bump() });
  }

  private complexRequest(
    request: EmulatorRequest,
    schema: TableSchema,
    rest: string[],
    vdom: string,
  ): EmulatorResponse {
    const method = request.method;
    const path = schema.path;
    const object = this.complex(path, vdom);
    const plain = request.query.get("plain-text-password") === "1";
    const [child, rawChildKey] = rest;
    if (child === undefined) {
      if (method === "GET")
        return this.envelope(method, path, vdom, { results: this.render(schema, object, plain) });
      if (method !== "PUT") return this.envelope(method, path, vdom, {}, 405);
      if (!isObject(request.body)) throw new DeviceError(400);
      const updated = this.merged(schema, object, request.body, vdom);
      const changed = JSON.stringify(updated) !== JSON.stringify(object);
      this.vdomState(vdom).complex.set(path, updated);
      return this.envelope(method, path, vdom, changed ? this.bump() : { revision_changed: false });
    }
    // Sub-table paths: router/bgp/neighbor[/<ip>], router/bgp/network[/<id>].
    const field = schema.fields[child];
    if (!field || field.kind !== "table") return this.envelope(method, path, vdom, {}, 404);
    const elements = object[child] as Obj[];
    const sub = { fields: field.fields, mkey: field.key };
    const find = (key: string) => elements.findIndex((e) => String(e[field.key]) === key);
    const write = (next: Obj[]) => {
      const updated = this.merged(schema, object, { [child]: next }, vdom);
      this.vdomState(vdom).complex.set(path, updated);
      return this.bump();
    };
    if (rawChildKey === undefined) {
      if (method === "GET")
        return this.envelope(method, path, vdom, {
          results: elements.map((e) => this.render(sub, e, plain)),
        });
      if (method !== "POST" || field.fixed) return this.envelope(method, path, vdom, {}, 405);
      if (!isObject(request.body)) throw new DeviceError(400);
      const key = text(request.body[field.key] ?? "");
      if (key !== "" && find(key) >= 0)
        throw new DeviceError(
          500,
          -5,
          `object already exists (mkey='${key}')\nCommand fail. Return code -5\n`,
        );
      const extra = write([...elements.map((e) => ({ ...e })), request.body]);
      const added = (this.complex(path, vdom)[child] as Obj[]).at(-1)!;
      return this.envelope(method, path, vdom, { mkey: text(added[field.key]), ...extra });
    }
    const index = find(rawChildKey);
    if (index < 0) return this.envelope(method, path, vdom, {}, 404);
    if (method === "GET")
      return this.envelope(method, path, vdom, {
        results: [this.render(sub, elements[index]!, plain)],
      });
    if (method === "PUT") {
      if (!isObject(request.body)) throw new DeviceError(400);
      const next = elements.map((e, i) => (i === index ? { ...e, ...(request.body as Obj) } : e));
      return this.envelope(method, path, vdom, { mkey: rawChildKey, ...write(next) });
    }
    if (method === "DELETE") {
      if (field.fixed) return this.envelope(method, path, vdom, {}, 405);
      return this.envelope(method, path, vdom, {
        mkey: rawChildKey,
        ...write(elements.filter((_, i) => i !== index)),
      });
    }
    return this.envelope(method, path, vdom, {}, 405);
  }

  // ------------------------------------------------------------------ per-table behaviour

  private beforeCreate(schema: TableSchema, object: Obj, vdom: string): void {
    if (schema.path === INTERFACE) {
      if (object.vdom !== vdom) throw invalid("vdom", object.vdom);
      if (object.type === "physical") throw invalid("type", "physical");
      if (object.type === "tunnel" || (object.type === "vlan" && !object.vlanid)) {
        // Observed: a POST of a new tunnel interface is refused this way (reference §5.3).
        throw new DeviceError(
          500,
          -158,
          "Please input vlanid.\nobject set operator error, -158 discard the setting\nCommand fail. Return code -158\n",
        );
      }
      if (object.type === "vlan" && !object.interface) throw invalid("interface", "");
      this.checkInterface(object, undefined);
    }
    if (schema.path === PHASE1) {
      if (this.interfaces.has(object.name as string))
        throw new DeviceError(
          500,
          -553,
          `The name conflicts with an interface: ${String(object.name)}\nCommand fail. Return code -553\n`,
        );
      this.checkPhase1(object);
    }
  }

  private afterCreate(schema: TableSchema, object: Obj, vdom: string): void {
    if (schema.path === PHASE1) {
      this.interfaces.set(
        object.name as string,
        this.withDefaults(this.schemaOf(INTERFACE)!, {
          name: object.name,
          vdom,
          type: "tunnel",
          interface: object.interface,
        }),
      );
    }
    if (schema.path === INTERFACE && object.type === "aggregate") this.claimMembers(object);
  }

  private beforeUpdate(schema: TableSchema, before: Obj, after: Obj, vdom: string): void {
    if (schema.path === INTERFACE) {
      if (after.type !== before.type) throw invalid("type", after.type);
      if (
        before.type === "vlan" &&
        (after.vlanid !== before.vlanid || after.interface !== before.interface)
      )
        throw new DeviceError(
          500,
          -522,
          "The VLAN id or parent of an interface cannot be changed once created\nCommand fail. Return code -522\n",
        );
      if (after.vdom !== vdom) throw invalid("vdom", after.vdom);
      this.checkInterface(after, before);
    }
    if (schema.path === PHASE1) {
      if (after.type !== before.type) throw invalid("type", after.type);
      this.checkPhase1(after);
    }
  }

  private afterUpdate(schema: TableSchema, before: Obj, after: Obj): void {
    if (schema.path === INTERFACE && after.type === "aggregate") {
      this.releaseMembers(before);
      this.claimMembers(after);
    }
    if (schema.path === PHASE1 && after.interface !== before.interface) {
      const tunnel = this.interfaces.get(after.name as string);
      if (tunnel) tunnel.interface = after.interface;
    }
  }

  private beforeDelete(schema: TableSchema, object: Obj, key: string, vdom: string): void {
    if (schema.path === INTERFACE) {
      if (object.type === "physical")
        throw new DeviceError(
          500,
          -651,
          `physical interface ${key} cannot be deleted\nCommand fail. Return code -651\n`,
        );
      if (object.type === "tunnel" && this.exists(PHASE1, key, vdom))
        throw new DeviceError(
          500,
          -23,
          `interface ${key} belongs to phase1-interface ${key}: delete the phase1\nCommand fail. Return code -23\n`,
        );
    }
    const users = this.referrers(schema.path, key, vdom);
    if (schema.path === PHASE1) users.push(...this.referrers(INTERFACE, key, vdom));
    if (users.length > 0)
      throw new DeviceError(
        500,
        -23,
        `entry is used by ${users.join(", ")}\nCommand fail. Return code -23\n`,
      );
  }

  private afterDelete(schema: TableSchema, object: Obj, key: string, vdom: string): void {
    if (schema.path === PHASE1) {
      const tunnel = this.interfaces.get(key);
      if (tunnel?.type === "tunnel" && tunnel.vdom === vdom) this.interfaces.delete(key);
    }
    if (schema.path === INTERFACE && object.type === "aggregate") this.releaseMembers(object);
  }

  private checkInterface(object: Obj, before: Obj | undefined): void {
    if (object.type === "tunnel") {
      const zero = "0.0.0.0 0.0.0.0";
      if (object.ip !== zero && object["remote-ip"] === zero)
        throw new DeviceError(
          500,
          -117,
          "Remote IP must be set if IP is defined\nCommand fail. Return code -117\n",
        );
      if (object.ip === zero && object["remote-ip"] !== zero)
        throw new DeviceError(
          500,
          -118,
          "IP must be set if remote IP is defined\nCommand fail. Return code -118\n",
        );
    }
    if (object.type === "aggregate") {
      const previous = ((before?.member as Obj[] | undefined) ?? []).map(
        (m) => m["interface-name"],
      );
      for (const member of object.member as Obj[]) {
        const name = member["interface-name"] as string;
        const port = this.interfaces.get(name)!;
        const taken = port.aggregate !== "" && port.aggregate !== object.name;
        const busy =
          port.ip !== "0.0.0.0 0.0.0.0" ||
          this.referrers(INTERFACE, name, port.vdom as string).length > 0;
        if (port.type !== "physical" || taken || (busy && !previous.includes(name)))
          throw invalid("interface-name", name);
      }
    }
  }

  private checkPhase1(object: Obj): void {
    if (
      object.type === "static" &&
      (object["remote-gw"] === "0.0.0.0" || object["remote-gw"] === "")
    )
      throw invalid("remote-gw", "0.0.0.0");
    if (object.type === "ddns" && object["remotegw-ddns"] === "")
      throw invalid("remotegw-ddns", "");
    if (object.type === "dynamic") object["remote-gw"] = "0.0.0.0";
  }

  private claimMembers(aggregate: Obj): void {
    for (const member of aggregate.member as Obj[]) {
      const port = this.interfaces.get(member["interface-name"] as string);
      if (port) port.aggregate = aggregate.name;
    }
  }

  private releaseMembers(aggregate: Obj): void {
    for (const port of this.interfaces.values()) {
      if (port.aggregate === aggregate.name) port.aggregate = "";
    }
  }
}

/** A started emulator and the connection that reaches it (pinned to the test certificate). */
export async function startFortiGate(
  options: FortiGateEmulatorOptions = {},
  serverOptions: ServerOptions = {},
): Promise<{
  emulator: FortiGateEmulator;
  url: string;
  connection: {
    host: string;
    port: number;
    vdom: string;
    tls: { fingerprint: string };
    timeoutMs: number;
  };
}> {
  const emulator = new FortiGateEmulator(options, serverOptions);
  const url = await emulator.start();
  return {
    emulator,
    url,
    connection: {
      host: "127.0.0.1",
      port: Number(new URL(url).port),
      vdom: "root",
      tls: { fingerprint: DEVICE_FINGERPRINT },
      timeoutMs: 2000,
    },
  };
}

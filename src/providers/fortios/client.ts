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
import { credentialOf, deviceOf, type Device } from "../kit/session";
import {
  FortiosError,
  describeFailure,
  describeObject,
  envelopeOf,
  type Envelope,
} from "./failures";

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

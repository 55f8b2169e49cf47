/**
 * REST client of the UniFi Network application on a UniFi OS console.
 *
 * - Authentication: an API key (`X-API-KEY`, Network 9.0.114+) by default; or a local admin's
 *   username and password: `POST /api/auth/login` gives a session cookie and a CSRF token
 *   (sent on every write, refreshed from `X-Updated-CSRF-Token`); an expired session (401) is
 *   logged in again once.
 * - Paths: the Network application lives behind `/proxy/network`; classic collections answer
 *   `{meta: {rc, msg}, data: [...]}` (checked even on HTTP 200: "soft" failures exist), the v2
 *   API answers bare JSON and `{code, message, errorCode}` on errors.
 * - Transport (TLS trust, timeouts, retries, in-flight bound, secret scrubbing): the shared
 *   HttpClient, with UniFi's retry rules.
 *
 * Runs inside the serialized provider: no module-level library objects.
 */
import {
  HttpClient,
  HttpError,
  redact,
  type HttpResponse,
  type Method,
  type TlsTrust,
} from "../http";
import { explainCode, shortCode, UnifiError, type UnifiErrorOptions } from "./errors";
import { NETWORK_PREFIX, siteSegment } from "../../devices/unifi/api";

/** Where and how to reach a controller (no credential: those come from the stack secrets). */
export interface UnifiConnection {
  /** Console URL, "https://10.0.20.1". */
  readonly controller: string;
  /** Site short name ("default"), not its description. */
  readonly site: string;
  readonly auth: "apiKey" | "password";
  /** Local admin (auth: password). */
  readonly username?: string;
  readonly tls: TlsTrust;
}

export interface UnifiCredentials {
  readonly apiKey?: string;
  readonly password?: string;
}

export interface UnifiClientOptions {
  readonly connection: UnifiConnection;
  readonly credentials: UnifiCredentials;
  /** Per attempt. @default 15000 */
  readonly timeoutMs?: number;
  /** @default 4 */
  readonly retries?: number;
  /** @default 4 */
  readonly maxInFlight?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A UniFi object as the controller returns it. */
export type UnifiObject = Record<string, unknown> & { _id?: string };

interface Session {
  cookie: string;
  csrf?: string;
}

/** UniFi's transient answers: gateway errors of the console's nginx, and rate limiting. */
export function isRetryableUnifi(response: HttpResponse): boolean {
  if ([502, 503, 504].includes(response.status)) return true;
  if (response.status !== 429) return false;
  // A refused login stays refused for about a minute: retrying only burns attempts.
  const code = (response.json as { code?: unknown } | undefined)?.code;
  return code !== "AUTHENTICATION_FAILED_LIMIT_REACHED";
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The TOKEN cookie of a login answer. */
function tokenCookie(response: HttpResponse): string | undefined {
  const setCookie = response.headers["set-cookie"] ?? [];
  for (const line of setCookie) {
    const match = /^\s*(TOKEN=[^;]*)/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

/** The csrfToken claim of the session JWT (fallback when no header carries it). */
function csrfFromJwt(cookie: string): string | undefined {
  const payload = cookie.slice("TOKEN=".length).split(".")[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      csrfToken?: unknown;
    };
    return typeof claims.csrfToken === "string" ? claims.csrfToken : undefined;
  } catch {
    return undefined;
  }
}

export class UnifiClient {
  readonly http: HttpClient;
  private session?: Session;
  private loggingIn?: Promise<Session>;

  constructor(private readonly options: UnifiClientOptions) {
    const { connection } = options;
    this.http = new HttpClient({
      baseUrl: connection.controller,
      tls: connection.tls,
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      maxInFlight: options.maxInFlight,
      sleep: options.sleep,
      isRetryable: isRetryableUnifi,
      label: `UniFi controller ${new URL(connection.controller).host}`,
      secrets: () => this.secrets(),
    });
    if (connection.auth === "password" && !connection.username) {
      throw new UnifiError(
        "auth: password needs the local admin's username: set homelab:unifi.username",
        { kind: "auth", method: "-", path: "-" },
      );
    }
  }

  get connection(): UnifiConnection {
    return this.options.connection;
  }

  /** Every value that must never appear in a message. */
  private secrets(): string[] {
    const { apiKey, password } = this.options.credentials;
    const out = [apiKey, password, this.session?.cookie.slice("TOKEN=".length), this.session?.csrf];
    return out.filter((s): s is string => typeof s === "string" && s.length > 0);
  }

  private scrub(text: string): string {
    return redact(text, this.secrets());
  }

  private get label(): string {
    return `UniFi controller ${new URL(this.options.connection.controller).host}`;
  }

  private fail(message: string, options: UnifiErrorOptions): UnifiError {
    return new UnifiError(this.scrub(message), options);
  }

  /** Sends one request through the shared transport; transport failures become UnifiErrors. */
  private async send(
    method: Method,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
    idempotent?: boolean,
  ): Promise<HttpResponse> {
    try {
      return await this.http.request({ method, path, headers, body, idempotent });
    } catch (error) {
      if (error instanceof HttpError) {
        throw this.fail(error.message, { kind: "transport", method, path });
      }
      throw error;
    }
  }

  private async login(): Promise<Session> {
    const { connection, credentials } = this.options;
    const password = credentials.password;
    if (!password) {
      throw this.fail(
        "no UniFi password: set it with pulumi config set --secret homelab:unifiPassword (or the UNIFI_PASSWORD environment variable)",
        { kind: "auth", method: "POST", path: "/api/auth/login" },
      );
    }
    const response = await this.send(
      "POST",
      "/api/auth/login",
      {},
      { username: connection.username, password, rememberMe: false },
      true, // a login applies nothing: repeating it is harmless
    );
    if (response.status >= 200 && response.status < 300) {
      const cookie = tokenCookie(response);
      if (!cookie) {
        throw this.fail(
          `${this.label}: the login answered ${response.status} but opened no session (the console may be throttling logins): wait a minute and retry`,
          { kind: "auth", method: "POST", path: "/api/auth/login", status: response.status },
        );
      }
      const csrf =
        headerValue(response.headers["x-csrf-token"]) ??
        headerValue(response.headers["x-updated-csrf-token"]) ??
        csrfFromJwt(cookie);
      return { cookie, csrf };
    }
    const code = (response.json as { code?: unknown } | undefined)?.code;
    const known = typeof code === "string" ? code : undefined;
    if (response.status === 429 || known === "AUTHENTICATION_FAILED_LIMIT_REACHED") {
      throw this.fail(
        `${this.label}: login refused (HTTP ${response.status}): ${explainCode("AUTHENTICATION_FAILED_LIMIT_REACHED") ?? ""}`,
        {
          kind: "auth",
          method: "POST",
          path: "/api/auth/login",
          status: response.status,
          code: known ?? "AUTHENTICATION_FAILED_LIMIT_REACHED",
        },
      );
    }
    if (response.status === 401 || response.status === 403) {
      throw this.fail(
        `${this.label}: login of "${connection.username ?? ""}" refused (HTTP ${response.status}): ${explainCode("AUTHENTICATION_FAILED_INVALID_CREDENTIALS") ?? ""}`,
        {
          kind: "auth",
          method: "POST",
          path: "/api/auth/login",
          status: response.status,
          code: known ?? "AUTHENTICATION_FAILED_INVALID_CREDENTIALS",
        },
      );
    }
    throw this.fail(`${this.label}: login failed with HTTP ${response.status}`, {
      kind: "auth",
      method: "POST",
      path: "/api/auth/login",
      status: response.status,
      code: known,
    });
  }

  /** Logs in once for all concurrent callers. */
  private async ensureSession(stale?: Session): Promise<Session> {
    if (this.session && this.session !== stale) return this.session;
    if (!this.loggingIn) {
      this.loggingIn = this.login().then(
        (session) => {
          this.session = session;
          this.loggingIn = undefined;
          return session;
        },
        (error: unknown) => {
          this.loggingIn = undefined;
          throw error;
        },
      );
    }
    return this.loggingIn;
  }

  /**
   * One authenticated request. Session auth: re-login once when the controller says the
   * session is gone (401), or refuses a write with an empty 403 (a stale CSRF token).
   */
  async raw(method: Method, path: string, body?: unknown): Promise<HttpResponse> {
    const { connection, credentials } = this.options;
    if (connection.auth === "apiKey") {
      if (!credentials.apiKey) {
        throw this.fail(
          "no UniFi API key: create one in the Network application (Settings > Control Plane > Integrations) and set it with pulumi config set --secret homelab:unifiApiKey (or the UNIFI_API_KEY environment variable)",
          { kind: "auth", method, path },
        );
      }
      const response = await this.send(method, path, { "X-API-KEY": credentials.apiKey }, body);
      if (response.status === 401) {
        throw this.fail(
          `${this.label}: the API key was rejected (HTTP 401): check the secret homelab:unifiApiKey; API keys need UniFi Network 9.0.114 or newer (older controllers: use auth: password with a local admin)`,
          { kind: "auth", method, path, status: 401, code: "api.err.LoginRequired" },
        );
      }
      return response;
    }
    let session = await this.ensureSession();
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = { cookie: session.cookie };
      if (method !== "GET" && session.csrf) headers["x-csrf-token"] = session.csrf;
      const response = await this.send(method, path, headers, body);
      const updated = headerValue(response.headers["x-updated-csrf-token"]);
      if (updated) session.csrf = updated;
      const staleCsrf = response.status === 403 && method !== "GET" && response.text.trim() === "";
      if ((response.status === 401 || staleCsrf) && attempt === 1) {
        session = await this.ensureSession(session);
        continue;
      }
      if (response.status === 401) {
        throw this.fail(
          `${this.label}: the session was refused again right after a fresh login (HTTP 401): does the local admin "${connection.username ?? ""}" have access to the Network application?`,
          { kind: "auth", method, path, status: 401, code: "api.err.LoginRequired" },
        );
      }
      if (staleCsrf) {
        throw this.fail(
          `${this.label}: ${method} ${path} refused (HTTP 403) even with a fresh CSRF token: the admin may lack write access to the Network application`,
          { kind: "auth", method, path, status: 403 },
        );
      }
      return response;
    }
  }

  /** The error of a non-successful answer, in plain language. */
  private errorOf(method: string, path: string, response: HttpResponse): UnifiError {
    const json = response.json as
      | {
          meta?: { rc?: unknown; msg?: unknown };
          data?: unknown;
          code?: unknown;
          message?: unknown;
          details?: { invalid_fields?: unknown };
        }
      | undefined;
    const code =
      typeof json?.meta?.msg === "string"
        ? json.meta.msg
        : typeof json?.code === "string"
          ? json.code
          : undefined;
    const short = code === undefined ? undefined : shortCode(code);
    const notFound =
      response.status === 404 ||
      response.status === 405 ||
      short === "IdInvalid" ||
      short === "NotFound";
    const details: string[] = [];
    if (Array.isArray(json?.data)) {
      for (const item of json.data as {
        validationError?: { field?: unknown; pattern?: unknown };
      }[]) {
        const v = item?.validationError;
        if (v && typeof v.field === "string") {
          details.push(
            `field ${v.field} does not match the controller's rule${typeof v.pattern === "string" && v.pattern ? ` ${v.pattern}` : ""}`,
          );
        }
      }
    }
    const invalid = json?.details?.invalid_fields;
    if (Array.isArray(invalid) && invalid.length > 0) {
      details.push(`invalid fields: ${invalid.map(String).join(", ")}`);
    }
    const explanation = code === undefined ? undefined : explainCode(code);
    const v2message = typeof json?.message === "string" ? json.message : undefined;
    const retryAfter = headerValue(response.headers["retry-after"]);
    const limited =
      response.status === 429
        ? `the console is rate-limiting requests${retryAfter ? ` (it asked to wait ${retryAfter} s)` : ""}: nothing was applied; run again in a moment`
        : undefined;
    const what =
      explanation ??
      v2message ??
      limited ??
      (code
        ? `the controller answered ${code}`
        : `HTTP ${response.status}${response.text ? `: ${response.text.slice(0, 200)}` : ""}`);
    const message =
      `${this.label}: ${method} ${path} failed: ${what}` +
      (details.length > 0 ? ` (${details.join("; ")})` : "") +
      (code ? ` [${code}, HTTP ${response.status}]` : ` [HTTP ${response.status}]`);
    const kind = notFound ? "notFound" : response.status === 401 ? "auth" : "api";
    return this.fail(message, { kind, method, path, status: response.status, code });
  }

  /**
   * A success whose body cannot be read (cut off, empty, not the controller's JSON): no usable
   * answer. Never "nothing there" (a lookup would then POST a duplicate, a refresh drop the
   * object from state): kind "transport", so a POST is looked up before it is sent again.
   */
  private unreadable(method: Method, path: string, response: HttpResponse, what: string) {
    return this.fail(
      `${this.label}: ${method} ${path} answered HTTP ${response.status} ${what}: the answer is lost${method === "GET" ? "" : " (the change may have been applied)"}`,
      { kind: "transport", method, path, status: response.status },
    );
  }

  /** A classic call: the `data` array, or an error (also for HTTP 200 with `rc: "error"`). */
  async classic(method: Method, path: string, body?: unknown): Promise<UnifiObject[]> {
    const response = await this.raw(method, path, body);
    const json = response.json as { meta?: { rc?: unknown }; data?: unknown } | undefined;
    const ok = response.status >= 200 && response.status < 300;
    if (ok && json?.meta?.rc === "ok") {
      // The envelope always carries `data`, a list, even for one object or none.
      if (Array.isArray(json.data)) return json.data as UnifiObject[];
      throw this.unreadable(method, path, response, "without the data of its envelope");
    }
    if (ok && json?.meta === undefined) {
      throw this.unreadable(method, path, response, "with a body that is cut off or not JSON");
    }
    const error = this.errorOf(method, path, response);
    throw UnifiClient.unknownSite(response) ? await this.siteHint(error) : error;
  }

  /** A v2 call: the bare JSON answer (undefined for 204 or an empty body), or an error. */
  async v2(method: Method, path: string, body?: unknown): Promise<unknown> {
    const response = await this.raw(method, path, body);
    if (response.status >= 200 && response.status < 300) {
      if (response.status === 204 || response.text.trim() === "") return undefined;
      if (response.json === undefined) {
        throw this.unreadable(method, path, response, "with a body that is cut off or not JSON");
      }
      return response.json;
    }
    const error = this.errorOf(method, path, response);
    throw UnifiClient.unknownSite(response) ? await this.siteHint(error) : error;
  }

  /** Either API, chosen by the path. */
  async call(method: Method, path: string, body?: unknown): Promise<unknown> {
    return path.startsWith(`${NETWORK_PREFIX}/v2/`)
      ? this.v2(method, path, body)
      : this.classic(method, path, body);
  }

  /** Every object of a collection. */
  async list(path: string): Promise<UnifiObject[]> {
    const answer = await this.call("GET", path);
    if (!Array.isArray(answer)) {
      throw this.fail(`${this.label}: GET ${path} did not answer a list`, {
        kind: "api",
        method: "GET",
        path,
      });
    }
    return answer as UnifiObject[];
  }

  /** The sites of the controller (short name and description). */
  async sites(): Promise<{ name: string; desc?: string }[]> {
    const data = await this.classic("GET", `${NETWORK_PREFIX}/api/self/sites`);
    return data.map((s) => ({
      name: String(s.name),
      desc: typeof s.desc === "string" ? s.desc : undefined,
    }));
  }

  /** Network application version ("9.5.21"), from `stat/sysinfo`. */
  async version(): Promise<string | undefined> {
    const site = siteSegment(this.options.connection.site);
    const data = await this.classic("GET", `${NETWORK_PREFIX}/api/s/${site}/stat/sysinfo`);
    const version = data[0]?.version;
    return typeof version === "string" ? version : undefined;
  }

  /** Whether an error answer says the site does not exist. */
  private static unknownSite(response: HttpResponse): boolean {
    const json = response.json as { meta?: { msg?: unknown }; message?: unknown } | undefined;
    return (
      json?.meta?.msg === "api.err.NoSiteContext" ||
      (typeof json?.message === "string" && /site does not exist/i.test(json.message))
    );
  }

  /** For an unknown site, names the sites that exist (one extra request, on errors only). */
  private async siteHint(error: UnifiError): Promise<UnifiError> {
    const site = this.options.connection.site;
    let hint = "";
    try {
      const sites = await this.sites();
      const byDesc = sites.find(
        (s) => s.name !== site && s.desc?.toLowerCase() === site.toLowerCase(),
      );
      hint = byDesc
        ? `: "${site}" is the description of site "${byDesc.name}"; set homelab:unifi.site to "${byDesc.name}"`
        : `: the controller's sites are ${sites.map((s) => `"${s.name}"${s.desc ? ` (${s.desc})` : ""}`).join(", ")}`;
    } catch {
      hint = "";
    }
    return this.fail(
      `${this.label}: site "${site}" does not exist${hint} [${error.code ?? `HTTP {error.status ?? "?"}`}]`,
      {
        kind: "api",
        method: error.method,
        path: error.path,
        status: error.status,
        code: error.code,
      },
    );
  }

  close(): void {
    this.http.close();
  }
}

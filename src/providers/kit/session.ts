/**
 * The runtime state of a dynamic provider in one process: what `configure` received (where
 * credentials are read from), one client per device connection, and per device a short-lived
 * cache of table listings that reads share.
 *
 * Pulumi serializes the provider object into state: whatever is on it is stored, and a
 * module-level Map or class instance comes back broken. So the state lives in a registry on
 * `globalThis`, keyed by the provider object, created inside functions, and a credential is
 * never an input nor a field of the provider: it is read from the config or the environment
 * when a request is made.
 *
 * Runs inside the serialized providers.
 */
import { canonicalJson } from "../../lib/canonical-json";

/** The stack-config view a dynamic provider's `configure` receives. */
export interface ProviderConfig {
  get(key: string): string | undefined;
}

/**
 * A credential for a dynamic provider: the stack secret `homelab:<key>` (passed by the engine
 * to `configure`), else the environment variable `env` (for local runs and tests). Never an
 * input, never captured in the provider's closure.
 */
function credential(
  config: ProviderConfig | undefined,
  key: string,
  env: string,
): string | undefined {
  const fromConfig = config?.get(`homelab:${key}`);
  if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
  const fromEnv = process.env[env];
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : undefined;
}

/**
 * Listings of a device's tables (collections), shared by the reads made within the cache
 * time of each other (a refresh reads every resource at once), and forgotten on any write.
 */
export interface ListCache<T> {
  /** The listing at `key`: one fetched less than the cache time ago, or a fresh one. */
  get(key: string, fetch: () => Promise<T[]>): Promise<T[]>;
  /** Forgets every listing (after a write: any write may change any listing). */
  clear(): void;
}

/** A list cache keeping listings `ttlMs` (0: none). A failed listing is not kept. */
function listCache<T>(ttlMs: number): ListCache<T> {
  // A closure, not a class: the serialized provider carries it as one function.
  const entries = new Map<string, { readonly at: number; readonly value: Promise<T[]> }>();
  return {
    get(key, fetch) {
      if (ttlMs <= 0) return fetch();
      const cached = entries.get(key);
      if (cached && Date.now() - cached.at < ttlMs) return cached.value;
      const value = fetch();
      entries.set(key, { at: Date.now(), value });
      value.catch(() => {
        if (entries.get(key)?.value === value) entries.delete(key);
      });
      return value;
    },
    clear() {
      entries.clear();
    },
  };
}

/** What the kit needs of a device client. */
export interface DeviceClient {
  /** Closes idle connections. */
  close(): void;
}

/** A device this process talks to: its client and its listings. */
export interface Device<C extends DeviceClient, T> {
  readonly client: C;
  readonly lists: ListCache<T>;
}

/** A provider's state in this process. */
export interface Session {
  /** The stack config `configure` received. */
  config?: ProviderConfig;
  /** Devices by connection (canonical JSON). */
  readonly devices: Map<string, Device<DeviceClient, unknown>>;
}

const REGISTRY = "__homelabProviderSessions";

/** The state of `provider` in this process (created on first use). */
function sessionOf(provider: object): Session {
  const global = globalThis as unknown as Record<string, WeakMap<object, Session> | undefined>;
  const sessions = (global[REGISTRY] ??= new WeakMap<object, Session>());
  let session = sessions.get(provider);
  if (!session) {
    session = { devices: new Map() };
    sessions.set(provider, session);
  }
  return session;
}

/**
 * A credential of `provider`: the stack secret `homelab:<key>` from what its `configure`
 * received, else the environment variable `env`.
 */
export function credentialOf(provider: object, key: string, env: string): string | undefined {
  return credential(sessionOf(provider).config, key, env);
}

/** Keeps what `configure` received, and drops the clients made before (and their caches). */
export function configureSession(provider: object, config: ProviderConfig | undefined): void {
  forgetDevices(provider);
  sessionOf(provider).config = config;
}

/** The device of a connection (one per connection and process), made by `create` once. */
export function deviceOf<C extends DeviceClient, T>(
  provider: object,
  connection: unknown,
  create: () => C,
  readCacheMs: number,
): Device<C, T> {
  const devices = sessionOf(provider).devices;
  const key = canonicalJson(connection);
  let device = devices.get(key) as Device<C, T> | undefined;
  if (!device) {
    device = { client: create(), lists: listCache<T>(readCacheMs) };
    devices.set(key, device);
  }
  return device;
}

/** Closes the clients of `provider` in this process and forgets them and their listings. */
export function forgetDevices(provider: object): void {
  const devices = sessionOf(provider).devices;
  for (const device of devices.values()) device.client.close();
  devices.clear();
}

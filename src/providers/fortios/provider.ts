/**
 * The FortiOS dynamic provider: one generic CMDB object resource
 * (`pulumi-nodejs:dynamic/fortios:CmdbObject`) for any table entry or complex object.
 *
 * Inputs: `connection` (host, port, vdom, TLS; never the token), `path` ("firewall/address"),
 * `key` (the mkey; absent for complex objects such as router/bgp), `body` (the exact JSON
 * sent), `secretFields` (attributes of `body` that are secrets), `identity` (attributes that
 * must match before an existing integer-keyed entry is taken over), `mode`, `adopt`, `reset`
 * (the body PUT when a complex object is deleted), `version` (changes with this code) and
 * `referents` (see `diff`).
 *
 * - `create`: POST; on "already exists", explain `adopt` (dynamic resources cannot be
 *   `pulumi import`ed) or, with adopt, PUT instead. When the answer to a POST is lost, read
 *   back: our values there → it was our write; nothing there → POST again; something else
 *   there → fail clearly. `update-only` objects (physical ports, tunnel interfaces that come
 *   with their phase1) are never created: their existence is checked, then they are PUT.
 * - `check` validates the inputs, and for an object with a `fallback` asks the device's own
 *   schema (`GET cmdb/<path>?action=schema`, at preview and before any write): when it lacks
 *   the attribute, the fallback's body (default: the body without that attribute) and reset
 *   are what the object is (router/bgp without `redistribute`: Fortinet's sources disagree
 *   about FortiOS 7.4; a dial-up phase1 without `internal-domain-list`, FortiOS < 7.4.1).
 * - `diff` compares only the attributes we manage, through `compare.ts` (device spellings),
 *   and secrets by a salted hash kept in state, never by value. `referents` holds the URN of
 *   each object this one names, so that Pulumi records a dependency of this input on them:
 *   when one is replaced delete-before-create (a phase1 whose `type` changes, an interface
 *   whose `type`/`vlanid` changes), the engine asks this diff with `referents` unknown, and
 *   the answer "replace" makes it delete this object first and create it again after (the
 *   engine's calculateDependentReplacements, pulumi pkg/resource/deploy/step_generator.go):
 *   FortiOS refuses to delete an object still named (-23), and a plain `dependsOn` does not
 *   make Pulumi replace dependents (pulumi#838, #2167).
 * - `read` serves refresh: the managed attributes as the device has them; when they drifted,
 *   both `props` and `inputs` are returned so refresh reports it; a vanished object returns
 *   an empty id. Reads of a table share one list request (cached briefly per table).
 * - `delete`: DELETE (an absent object is fine); complex objects are reset with `reset`;
 *   `update-only` objects are left as they are.
 *
 * The token comes from `configure` (the stack secret homelab:fortigateApiToken) or the
 * environment (FORTIOS_API_TOKEN) and lives in a per-process registry outside the provider
 * object, so serializing the provider can never capture it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { redact } from "../http";
import { canonicalJson } from "../../lib/canonical-json";
import { postOnce, readResult } from "../kit/crud";
import { newSalt, sealSecret } from "../kit/secrets";
import { configureSession, forgetDevices, type Device } from "../kit/session";
import { containsUnknown, UNKNOWN } from "../kit/values";
import {
  TOKEN_ENV,
  fortigateOf,
  type FortiosClient,
  type FortiosConnection,
  type FortiosObject,
} from "./client";
import { FortiosError, describeObject } from "./failures";
import { equivalent, observed, type Json } from "./compare";
import type { CmdbMode, Fallback } from "../../devices/fortios/tables";

export type { CmdbMode };
export { TOKEN_ENV };

export interface CmdbInputs {
  readonly connection: FortiosConnection;
  readonly path: string;
  readonly key?: string | number;
  readonly body: Record<string, unknown>;
  readonly secretFields?: readonly string[];
  readonly identity?: readonly string[];
  readonly mode: CmdbMode;
  readonly adopt: boolean;
  readonly reset?: Record<string, unknown>;
  /** The body and reset for a FortiOS whose schema lacks an attribute (resolved by `check`). */
  readonly fallback?: Fallback;
  readonly version: string;
  /** The URNs of the objects this one names, by role (a dependency, not a value to send). */
  readonly referents?: Record<string, string>;
}

export interface CmdbOutputs extends Omit<CmdbInputs, "body"> {
  /** The managed attributes as last applied or read; secrets as salted hashes. */
  readonly applied: Record<string, Json>;
  /** Salt of the secret hashes. */
  readonly salt: string;
  /** Whether create took over an object that already existed. */
  readonly adopted: boolean;
}

export interface FortiosProviderOptions {
  /**
   * How long a table listing serves reads (refresh reads many objects of few tables), in
   * milliseconds; 0 reads each object on its own. Writes clear it. @default 2000
   */
  readonly readCacheMs?: number;
  /** Base of the retry backoff. @default 250 */
  readonly backoffMs?: number;
}

const MODES: readonly string[] = ["create-update-delete", "update-only"];

/** Key attribute of the integer-keyed tables (everything else is keyed by `name`). */
const MKEY_ATTRIBUTES: Readonly<Record<string, string>> = {
  "firewall/policy": "policyid",
  "router/static": "seq-num",
  "system.dhcp/server": "id",
};

/** Attributes FortiOS refuses to change after creation: a change replaces the object. */
const IMMUTABLE_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  "system/interface": ["type", "vlanid", "interface"],
  "vpn.ipsec/phase1-interface": ["type"],
};

function mkeyAttribute(path: string): string {
  return MKEY_ATTRIBUTES[path] ?? "name";
}

function idOf(inputs: Pick<CmdbInputs, "connection" | "path" | "key">): string {
  const vdom = inputs.connection.vdom ?? "root";
  return inputs.key === undefined
    ? `${vdom}/${inputs.path}`
    : `${vdom}/${inputs.path}/${String(inputs.key)}`;
}

function secretValues(inputs: Pick<CmdbInputs, "body" | "secretFields">): string[] {
  return (inputs.secretFields ?? [])
    .map((field) => inputs.body?.[field])
    .filter((v): v is string => typeof v === "string" && v !== "" && v !== UNKNOWN);
}

/** The body with each secret attribute replaced by its salted hash. */
function hashed(inputs: CmdbInputs, salt: string): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(inputs.body)) {
    out[key] = (inputs.secretFields ?? []).includes(key)
      ? sealSecret(value, salt)
      : (value as Json);
  }
  return out;
}

function outputsOf(inputs: CmdbInputs, salt: string, adopted: boolean): CmdbOutputs {
  const { body: _body, ...rest } = inputs;
  return { ...rest, applied: hashed(inputs, salt), salt, adopted };
}

/** The attributes to PUT to go from `olds` to `news` (null resets a dropped attribute). */
function changedAttributes(olds: CmdbOutputs, news: CmdbInputs): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  const secrets = news.secretFields ?? [];
  for (const [key, value] of Object.entries(news.body)) {
    const before = olds.applied[key];
    if (secrets.includes(key)) {
      if (sealSecret(value, olds.salt) !== before) changed[key] = value;
    } else if (before === undefined || !equivalent(value, before, key, news.path)) {
      changed[key] = value;
    }
  }
  // A dropped attribute goes back to its default; a dropped table is emptied (FortiOS keeps
  // a table PUT as null).
  for (const [key, before] of Object.entries(olds.applied)) {
    if (!(key in news.body)) changed[key] = Array.isArray(before) ? [] : null;
  }
  return changed;
}

/** What deleting a complex object PUTs: tables emptied, attributes back to their defaults. */
function defaultReset(applied: Record<string, Json>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(applied).map(([key, value]) => [key, Array.isArray(value) ? [] : null]),
  );
}

/** A complex object someone configured already (taking it over needs adopt). */
function configuredComplex(path: string, current: FortiosObject): string | undefined {
  if (path === "router/bgp") {
    const as = typeof current.as === "number" ? String(current.as) : current.as;
    const neighbors = Array.isArray(current.neighbor) ? current.neighbor.length : 0;
    if ((typeof as === "string" && as !== "" && as !== "0") || neighbors > 0) {
      return `it is already configured there (AS ${typeof as === "string" ? as : "?"}, ${neighbors} neighbor${neighbors === 1 ? "" : "s"})`;
    }
  }
  return undefined;
}

function rethrowScrubbed(error: unknown, secrets: readonly string[]): never {
  if (secrets.length === 0 || !(error instanceof Error)) throw error;
  if (error instanceof FortiosError) throw error.redacted(secrets);
  throw new Error(redact(error.message, secrets));
}

export class FortiosProvider implements pulumi.dynamic.ResourceProvider {
  constructor(readonly options: FortiosProviderOptions = {}) {}

  async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    configureSession(this, request.config);
  }

  private device(connection: FortiosConnection): Device<FortiosClient, FortiosObject> {
    return fortigateOf(this, connection, {
      backoffMs: this.options.backoffMs,
      readCacheMs: this.options.readCacheMs ?? 2000,
    });
  }

  /** The client for a connection (one per connection and process). */
  client(connection: FortiosConnection): FortiosClient {
    return this.device(connection).client;
  }

  /** Forgets cached listings (as if time had passed) and closes idle connections. */
  forget(): void {
    forgetDevices(this);
  }

  private invalidate(client: FortiosClient): void {
    this.device(client.connection).lists.clear();
  }

  /** One entry of a table: from a shared, briefly cached listing of the table. */
  private async lookup(
    client: FortiosClient,
    path: string,
    key: string | number,
  ): Promise<FortiosObject | undefined> {
    if ((this.options.readCacheMs ?? 2000) <= 0) return client.get(path, key);
    const list = await this.device(client.connection).lists.get(path, () => client.list(path));
    const attribute = mkeyAttribute(path);
    return list.find((o) => String(o.q_origin_key ?? o[attribute]) === String(key));
  }

  async check(
    _olds: CmdbInputs,
    news: CmdbInputs,
  ): Promise<pulumi.dynamic.CheckResult<CmdbInputs>> {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const known = (value: unknown) => value !== UNKNOWN;
    if (
      known(news.path) &&
      (typeof news.path !== "string" || !/^[a-z0-9.-]+\/[a-z0-9.-]+$/.test(news.path))
    )
      fail(
        "path",
        `must be a CMDB path such as "firewall/address" (got ${JSON.stringify(news.path)})`,
      );
    if (known(news.mode) && !MODES.includes(news.mode))
      fail("mode", `must be one of ${MODES.join(", ")} (got ${JSON.stringify(news.mode)})`);
    const connection = news.connection as unknown;
    if (known(connection)) {
      if (connection === null || typeof connection !== "object" || !("host" in connection))
        fail("connection", "must give at least the FortiGate's host");
      else if ("token" in connection)
        fail(
          "connection",
          "must not carry the API token: it comes from the stack secret homelab:fortigateApiToken",
        );
    }
    const body = news.body as unknown;
    if (known(body)) {
      if (body === null || typeof body !== "object" || Array.isArray(body))
        fail("body", "must be an object");
      else if (Array.isArray(news.secretFields)) {
        for (const field of news.secretFields)
          if (known(field) && !(field in body))
            fail("secretFields", `"${field}" is not an attribute of body`);
      }
    }
    if (
      known(news.key) &&
      news.key !== undefined &&
      typeof news.key !== "string" &&
      typeof news.key !== "number"
    )
      fail("key", "must be a string or a number");
    if (failures.length > 0 || !news.fallback || containsUnknown(news))
      return { inputs: news, failures };
    return this.resolveFallback(news);
  }

  /** The inputs as this device takes them: the fallback where its schema lacks the attribute. */
  private async resolveFallback(news: CmdbInputs): Promise<pulumi.dynamic.CheckResult<CmdbInputs>> {
    const fallback = news.fallback!;
    try {
      const client = this.client(news.connection);
      if (await client.schemaHas(news.path, fallback.missing))
        return { inputs: news, failures: [] };
      const body =
        fallback.body ??
        Object.fromEntries(Object.entries(news.body).filter(([k]) => k !== fallback.missing));
      return {
        inputs: { ...news, body, reset: fallback.reset ?? news.reset },
        failures: [],
      };
    } catch (error) {
      return {
        inputs: news,
        failures: [
          {
            property: "fallback",
            reason: `could not ask the FortiGate whether ${news.path} has ${fallback.missing} (before any write): ${error instanceof Error ? error.message : String(error)}`,
          },
        ],
      };
    }
  }

  async diff(_id: string, olds: CmdbOutputs, news: CmdbInputs): Promise<pulumi.dynamic.DiffResult> {
    if (olds.applied === undefined || olds.salt === undefined) return { changes: true };
    const replaces: string[] = [];
    if (news.path !== olds.path) replaces.push("path");
    if (news.key !== UNKNOWN && String(news.key ?? "") !== String(olds.key ?? ""))
      replaces.push("key");
    const newVdom = containsUnknown(news.connection) ? undefined : (news.connection.vdom ?? "root");
    if (newVdom !== undefined && newVdom !== (olds.connection.vdom ?? "root"))
      replaces.push("connection.vdom");
    if (!containsUnknown(news.body)) {
      for (const attribute of IMMUTABLE_ATTRIBUTES[news.path] ?? []) {
        const before = olds.applied[attribute];
        const after = news.body[attribute];
        if (
          before !== undefined &&
          after !== undefined &&
          !equivalent(after, before, attribute, news.path)
        )
          replaces.push(`body.${attribute}`);
      }
    }
    // An object it names is being replaced (the engine made `referents` unknown): replaced too.
    if (news.referents !== undefined && containsUnknown(news.referents)) replaces.push("referents");
    const unknown =
      containsUnknown(news.body) || containsUnknown(news.key) || containsUnknown(news.connection);
    const changes =
      replaces.length > 0 ||
      unknown ||
      Object.keys(changedAttributes(olds, news)).length > 0 ||
      news.version !== olds.version ||
      news.mode !== olds.mode ||
      canonicalJson(news.connection) !== canonicalJson(olds.connection) ||
      canonicalJson(news.secretFields ?? []) !== canonicalJson(olds.secretFields ?? []) ||
      canonicalJson(news.reset ?? null) !== canonicalJson(olds.reset ?? null);
    const sameKey = !replaces.includes("key") && !replaces.includes("path");
    return {
      changes,
      replaces,
      deleteBeforeReplace: replaces.length > 0 && sameKey,
    };
  }

  async create(inputs: CmdbInputs): Promise<pulumi.dynamic.CreateResult<CmdbOutputs>> {
    const secrets = secretValues(inputs);
    try {
      const client = this.client(inputs.connection);
      let adopted = false;
      try {
        if (inputs.mode === "update-only") {
          await this.requireExisting(client, inputs);
          await client.update(inputs.path, inputs.key, inputs.body);
        } else if (inputs.key === undefined) {
          const current = await client.getComplex(inputs.path);
          const configured = configuredComplex(inputs.path, current);
          if (configured && !inputs.adopt) throw this.adoptError(client, inputs, configured);
          adopted = configured !== undefined;
          await client.update(inputs.path, undefined, inputs.body);
        } else {
          adopted = await this.post(client, inputs);
        }
      } finally {
        this.invalidate(client);
      }
      return { id: idOf(inputs), outs: outputsOf(inputs, newSalt(), adopted) };
    } catch (error) {
      rethrowScrubbed(error, secrets);
    }
  }

  private adoptError(client: FortiosClient, inputs: CmdbInputs, why: string): FortiosError {
    return new FortiosError(
      `${describeObject(inputs.path, inputs.key)} already exists on ${client.device} (VDOM "${client.vdom}") and this stack did not create it: ${why}. Pulumi cannot import dynamic resources ("pulumi import" does not work for them), so to take over objects that already exist set adopt: true (homelab:fortigate.adopt in the stack file): "pulumi up" then updates them in place with a PUT and manages them from then on. Otherwise delete or rename the object on the FortiGate.`,
      { kind: "exists", method: "POST", path: inputs.path, key: inputs.key },
    );
  }

  private async requireExisting(client: FortiosClient, inputs: CmdbInputs): Promise<void> {
    if (inputs.key === undefined) return;
    const current = await client.get(inputs.path, inputs.key);
    if (!current) {
      throw new FortiosError(
        `${describeObject(inputs.path, inputs.key)} does not exist on ${client.device} in VDOM "${client.vdom}". This object is only ever updated, never created: FortiOS creates it itself (physical ports exist from the factory; the tunnel interface of an IPsec phase1 appears with its phase1-interface). Check the name.`,
        { kind: "not-found", method: "PUT", path: inputs.path, key: inputs.key },
      );
    }
  }

  /** A mismatch of the identity attributes between our body and an existing entry. */
  private identityMismatch(inputs: CmdbInputs, existing: FortiosObject): string | undefined {
    for (const attribute of inputs.identity ?? []) {
      const wanted = inputs.body[attribute];
      if (!equivalent(wanted, existing[attribute], attribute, inputs.path)) {
        return `its ${attribute} is ${JSON.stringify(existing[attribute])}, not ${JSON.stringify(wanted)}`;
      }
    }
    return undefined;
  }

  /** POST a table entry; true when an existing entry was adopted instead. */
  private async post(client: FortiosClient, inputs: CmdbInputs): Promise<boolean> {
    const key = inputs.key!;
    const what = describeObject(inputs.path, key);
    const body = { [mkeyAttribute(inputs.path)]: key, ...inputs.body };
    const taken = (why: string) =>
      new FortiosError(why, { kind: "exists", method: "POST", path: inputs.path, key });
    return postOnce({
      post: async () => {
        try {
          await client.create(inputs.path, body);
          return false;
        } catch (error) {
          if (!(error instanceof FortiosError) || error.kind !== "exists") throw error;
          const existing = await client.get(inputs.path, key);
          const mismatch = existing ? this.identityMismatch(inputs, existing) : undefined;
          if (existing && mismatch) {
            throw taken(
              `${what} is already taken on ${client.device} by an object that is not this stack's (${mismatch}); adopt only takes over matching objects. Move or delete that entry on the FortiGate, or change the id range of this stack (homelab:fortigate.idBase).`,
            );
          }
          if (!inputs.adopt)
            throw this.adoptError(client, inputs, "an entry with this key is there");
          await client.update(inputs.path, key, inputs.body);
          return true;
        }
      },
      // The answer was lost (or the device failed): was the POST applied?
      uncertain: (error) =>
        error instanceof FortiosError &&
        ((error.kind === "transport" && error.transport?.kind !== "tls") ||
          error.kind === "device"),
      lookUp: async () => {
        const existing = await client.get(inputs.path, key);
        if (!existing) return undefined;
        const secrets = inputs.secretFields ?? [];
        const ours = Object.entries(inputs.body).every(
          ([attribute, value]) =>
            secrets.includes(attribute) ||
            equivalent(value, existing[attribute], attribute, inputs.path),
        );
        if (ours) return false;
        throw taken(
          `the answer to POST ${what} on ${client.device} was lost, and ${what} now exists with other values than this stack's: someone else created it meanwhile, or changed it. Check it on the FortiGate; set adopt: true (homelab:fortigate.adopt) to take it over.`,
        );
      },
    });
  }

  async read(id: string, props: CmdbOutputs): Promise<pulumi.dynamic.ReadResult<CmdbOutputs>> {
    const client = this.client(props.connection);
    const device =
      props.key === undefined
        ? await client.getComplex(props.path)
        : await this.lookup(client, props.path, props.key);
    if (!device) return readResult(id, undefined);
    const { view, drifted } = observed(props.applied, device, props.secretFields ?? [], props.path);
    const refreshed: CmdbOutputs = drifted.length === 0 ? props : { ...props, applied: view };
    return readResult(id, refreshed, drifted.length > 0, () => {
      const { applied, salt: _salt, adopted: _adopted, ...inputs } = refreshed;
      return { ...inputs, body: applied } as unknown as CmdbOutputs;
    });
  }

  async update(
    _id: string,
    olds: CmdbOutputs,
    news: CmdbInputs,
  ): Promise<pulumi.dynamic.UpdateResult<CmdbOutputs>> {
    const secrets = secretValues(news);
    try {
      const client = this.client(news.connection);
      const changed = changedAttributes(olds, news);
      if (Object.keys(changed).length > 0) {
        try {
          await client.update(news.path, news.key, changed);
        } catch (error) {
          // Deleted on the device since the last refresh: create it again.
          if (
            !(error instanceof FortiosError) ||
            error.kind !== "not-found" ||
            news.key === undefined ||
            news.mode === "update-only"
          )
            throw error;
          await this.post(client, news);
        } finally {
          this.invalidate(client);
        }
      }
      return { outs: outputsOf(news, olds.salt ?? newSalt(), olds.adopted ?? false) };
    } catch (error) {
      rethrowScrubbed(error, secrets);
    }
  }

  async delete(_id: string, props: CmdbOutputs): Promise<void> {
    if (props.mode === "update-only") return;
    const client = this.client(props.connection);
    try {
      if (props.key === undefined) {
        await client.update(props.path, undefined, props.reset ?? defaultReset(props.applied));
      } else {
        await client.delete(props.path, props.key);
      }
    } finally {
      this.invalidate(client);
    }
  }
}

/** The one provider instance every FortiOS resource uses (serialization is cached per instance). */
export const fortiosProvider = new FortiosProvider();

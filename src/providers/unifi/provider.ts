/**
 * The UniFi dynamic provider: one generic object resource (a collection path, a natural key,
 * a body) for every kind of UniFi object, classic or v2.
 *
 * - Objects are found and adopted by their natural key (a network's name, a rule's ruleset
 *   and name), never by an id from configuration. The controller's `_id` stays in state. The
 *   controller accepts duplicate network names, so a create always looks the key up first;
 *   after a POST whose answer was lost, it looks again instead of posting twice.
 * - Only managed fields (the keys of the desired body) are compared: the controller adds
 *   defaults and rewrites types ("51820" for 51820); equal-but-differently-typed values are
 *   no change, and outputs keep the desired representation. A sent field the controller does
 *   not keep compares as its default (`storedValue`), so it is no PUT on every run.
 * - Secret fields (`x_*`, returned in clear by the controller) never enter outputs: a salted
 *   hash is kept and compared instead.
 * - Updates are read-modify-write (the v2 API needs the whole object, classic PUTs merge).
 * - `read` returns inputs (rebuilt from the controller) only when something drifted, so
 *   `pulumi refresh` reports real drift and nothing else. Reads of one collection share one
 *   list request (cached briefly, dropped on any write).
 * - Three kinds: "object" (created, updated, deleted), "lookup" (an object the controller
 *   owns, such as a firewall zone: found, never written) and "ordering" (the order of our
 *   zone-based policies between two zones: `batch-reorder`).
 *
 * Credentials come from `configure` (the stack secrets homelab:unifiApiKey or
 * homelab:unifiPassword) or the environment (UNIFI_API_KEY, UNIFI_PASSWORD); they live in
 * the kit's per-process registry (../kit/session.ts), never on the provider object, so the
 * serialized provider never contains them. Runs serialized: no module-level library objects.
 */
import type * as pulumi from "@pulumi/pulumi";
import { canonicalJson } from "../../lib/canonical-json";
import { postOnce, readResult } from "../kit/crud";
import { newSalt, sealSecret } from "../kit/secrets";
import { configureSession, credentialOf, deviceOf, type Device } from "../kit/session";
import { containsUnknown, isPlainObject } from "../kit/values";
import {
  UnifiClient,
  type UnifiClientOptions,
  type UnifiConnection,
  type UnifiObject,
} from "./client";
import { isNotFound, UnifiError } from "./errors";
import { parseCollectionPath } from "../../devices/unifi/api";
import { storedValue } from "../../devices/unifi/fields";
import {
  checkObject,
  isScalar,
  sameValue,
  type ObjectInputs,
  type ObjectKind,
  type ObjectOutputs,
} from "./objects";

export type { ObjectInputs, ObjectKind, ObjectOutputs };

/** Secret fields: the controller's `x_` prefix. */
function isSecretField(field: string): boolean {
  return field.startsWith("x_");
}

/** What the controller has, in the desired representation where equivalent. */
function observedValue(desired: unknown, actual: unknown, ordered = false): unknown {
  if (sameValue(desired, actual, ordered)) return JSON.parse(JSON.stringify(desired)) as unknown;
  if (isPlainObject(desired) && isPlainObject(actual)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(desired)) {
      if (actual[k] !== undefined) out[k] = observedValue(v, actual[k], ordered);
    }
    return out;
  }
  return actual === undefined ? undefined : (JSON.parse(JSON.stringify(actual)) as unknown);
}

/** Desired fields merged into the controller's object (nested objects merged too). */
function mergeInto(current: Record<string, unknown>, desired: Readonly<Record<string, unknown>>) {
  const out: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(desired)) {
    out[k] = isPlainObject(v) && isPlainObject(current[k]) ? mergeInto(current[k], v) : v;
  }
  return out;
}

function matchesKey(doc: UnifiObject, key: Readonly<Record<string, string | number>>): boolean {
  return Object.entries(key).every(([k, v]) => isScalar(doc[k]) && String(doc[k]) === String(v));
}

function describeKey(key: Readonly<Record<string, string | number>>): string {
  return Object.entries(key)
    .map(([k, v]) => `${k} "${v}"`)
    .join(", ");
}

function collectionLabel(path: string): string {
  return parseCollectionPath(path)?.collection ?? path;
}

/** The parent collection of an ordering path (".../firewall-policies/batch-reorder"). */
function orderingCollection(path: string): string {
  return path.replace(/\/batch-reorder$/, "");
}

/** The entries of `record` at `keys`. */
function pick(record: Readonly<Record<string, string>> | undefined, keys: readonly string[]) {
  const out: Record<string, string> = {};
  for (const k of keys) if (record?.[k] !== undefined) out[k] = record[k];
  return out;
}

/** Codes meaning "a sibling write may be moving out of the way": worth a few waits. */
const CONFLICT_CODES = ["FirewallRuleIndexExisted"];

export interface UnifiProviderOptions {
  /**
   * How long a collection listing serves reads (refresh reads every resource at once), in
   * milliseconds; 0 lists the collection for each read. Writes clear it. @default 1000
   */
  readonly readCacheMs?: number;
  /**
   * Waits between retries of a write refused for a conflict another write is resolving.
   * @default [250, 500, 1000, 2000, 4000]
   */
  readonly conflictWaitsMs?: readonly number[];
  /** Transport settings of the clients (tests and benchmarks shorten timeouts and backoff). */
  readonly client?: Pick<UnifiClientOptions, "timeoutMs" | "retries" | "maxInFlight" | "sleep">;
}

type Entry = Device<UnifiClient, UnifiObject>;

export class UnifiProvider implements pulumi.dynamic.ResourceProvider {
  constructor(readonly options: UnifiProviderOptions = {}) {}

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    // The credentials are read when a client is made: drop the clients made before.
    configureSession(this, req.config);
  }

  private entry(connection: UnifiConnection): Entry {
    return deviceOf(
      this,
      connection,
      () =>
        new UnifiClient({
          ...this.options.client,
          connection,
          credentials: {
            apiKey: credentialOf(this, "unifiApiKey", "UNIFI_API_KEY"),
            password: credentialOf(this, "unifiPassword", "UNIFI_PASSWORD"),
          },
        }),
      this.options.readCacheMs ?? 1000,
    );
  }

  /**
   * Every object of a collection. `shared`: for `read` (a refresh reads every resource at
   * once): reads within a short window share one request. Everything else (lookups before a
   * POST, read-modify-write, orderings) asks the controller afresh.
   */
  private list(entry: Entry, path: string, shared = false): Promise<UnifiObject[]> {
    if (!shared) return entry.client.list(path);
    return entry.lists.get(path, () => entry.client.list(path));
  }

  /** Any write may change any list (a port forward adds a policy): forget them all. */
  private wrote(entry: Entry): void {
    entry.lists.clear();
  }

  private async withConflictRetries<T>(write: () => Promise<T>): Promise<T> {
    const waits = this.options.conflictWaitsMs ?? [250, 500, 1000, 2000, 4000];
    for (let attempt = 0; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        const code = error instanceof UnifiError ? error.shortCode : undefined;
        if (code === undefined || !CONFLICT_CODES.includes(code) || attempt >= waits.length)
          throw error;
        await new Promise((resolve) => setTimeout(resolve, waits[attempt]));
      }
    }
  }

  // ---- check / diff -------------------------------------------------------------------

  async check(_olds: ObjectInputs, news: ObjectInputs): Promise<pulumi.dynamic.CheckResult> {
    return checkObject(news);
  }

  /** Managed fields whose desired value differs from what state says the controller has. */
  private changedFields(olds: ObjectOutputs, news: ObjectInputs): string[] {
    const ordered = news.kind === "ordering";
    const changed: string[] = [];
    for (const [field, value] of Object.entries(news.body)) {
      if (containsUnknown(value)) {
        changed.push(field);
      } else if (isSecretField(field)) {
        const hash = olds.secretHashes?.[field];
        if (hash === undefined || sealSecret(value, olds.salt) !== hash) {
          changed.push(field);
        }
      } else if (!(field in (olds.body ?? {})) || !sameValue(value, olds.body[field], ordered)) {
        changed.push(field);
      }
    }
    return changed;
  }

  async diff(
    _id: string,
    olds: ObjectOutputs,
    news: ObjectInputs,
  ): Promise<pulumi.dynamic.DiffResult> {
    if (!isPlainObject(news.body) || !isPlainObject(news.connection)) {
      return { changes: true, replaces: news.path === olds.path ? [] : ["path"] };
    }
    const replaces: string[] = [];
    if (containsUnknown(news.path) || news.path !== olds.path) replaces.push("path");
    if (
      containsUnknown(news.connection) ||
      news.connection.controller !== olds.connection?.controller ||
      news.connection.site !== olds.connection?.site
    ) {
      replaces.push("connection");
    }
    if ((news.kind ?? "object") !== (olds.kind ?? "object")) replaces.push("kind");
    const fieldsChanged =
      [...Object.keys(news.body)].sort().join("\0") !== [...(olds.fields ?? [])].sort().join("\0");
    const changes =
      replaces.length > 0 ||
      fieldsChanged ||
      this.changedFields(olds, news).length > 0 ||
      !sameValue(news.key, olds.key) ||
      news.version !== olds.version ||
      (news.adopt === true) !== (olds.adopt === true) ||
      JSON.stringify(news.connection) !== JSON.stringify(olds.connection);
    return { changes, replaces };
  }

  // ---- outputs ----------------------------------------------------------------------

  private outputs(
    inputs: Pick<ObjectInputs, "connection" | "path" | "key" | "kind" | "adopt" | "version">,
    id: string,
    fields: readonly string[],
    reference: Readonly<Record<string, unknown>>,
    actual: Readonly<Record<string, unknown>>,
    salt: string,
  ): ObjectOutputs {
    const ordered = inputs.kind === "ordering";
    const collection = parseCollectionPath(inputs.path)?.collection;
    const body: Record<string, unknown> = {};
    const secretHashes: Record<string, string> = {};
    for (const field of fields) {
      const value = storedValue(collection, actual, field);
      if (value === undefined) continue;
      if (isSecretField(field)) secretHashes[field] = sealSecret(value, salt);
      else body[field] = observedValue(reference[field], value, ordered);
    }
    return {
      connection: inputs.connection,
      path: inputs.path,
      key: inputs.key,
      kind: inputs.kind,
      adopt: inputs.adopt,
      version: inputs.version,
      objectId: id,
      body,
      fields: [...fields],
      secretHashes,
      salt,
    };
  }

  // ---- create -----------------------------------------------------------------------

  async create(inputs: ObjectInputs): Promise<pulumi.dynamic.CreateResult> {
    const entry = this.entry(inputs.connection);
    const salt = newSalt();
    const fields = Object.keys(inputs.body);
    if (inputs.kind === "ordering") {
      const actual = await this.applyOrdering(entry, inputs);
      const id = `${String(inputs.key.source_zone_id)}:${String(inputs.key.destination_zone_id)}`;
      return { id, outs: this.outputs(inputs, id, fields, inputs.body, actual, salt) };
    }
    const found = (await this.list(entry, inputs.path)).filter((d) => matchesKey(d, inputs.key));
    const what = `${collectionLabel(inputs.path)} object with ${describeKey(inputs.key)}`;
    if (found.length > 1) {
      throw new UnifiError(
        `${found.length} ${collectionLabel(inputs.path)} objects have ${describeKey(inputs.key)} on the controller (it allows duplicates): delete or rename the extra ones so that exactly one remains, then retry`,
        { kind: "api", method: "GET", path: inputs.path },
      );
    }
    if (inputs.kind === "lookup") {
      const doc = found[0];
      if (!doc?._id) {
        throw new UnifiError(
          `no ${what} on the controller: it is created by the controller itself${collectionLabel(inputs.path) === "firewall/zone" ? " when the zone-based firewall is enabled (otherwise set homelab:unifi.firewall.mode: legacy)" : ""}`,
          { kind: "notFound", method: "GET", path: inputs.path },
        );
      }
      return { id: doc._id, outs: this.outputs(inputs, doc._id, fields, inputs.body, doc, salt) };
    }
    const existing = found[0];
    if (existing?._id) {
      if (!inputs.adopt) {
        throw new UnifiError(
          `a ${what} already exists on the controller (not created by this stack): set homelab:unifi.adopt: true to take it over, or rename or delete it`,
          { kind: "api", method: "POST", path: inputs.path },
        );
      }
      const doc = await this.writeChanges(entry, inputs, existing, Object.keys(inputs.body));
      return {
        id: existing._id,
        outs: this.outputs(inputs, existing._id, fields, inputs.body, doc, salt),
      };
    }
    const doc = await this.post(entry, inputs);
    return { id: doc._id!, outs: this.outputs(inputs, doc._id!, fields, inputs.body, doc, salt) };
  }

  /**
   * POSTs a new object. When the answer is lost (or a gateway error hides whether it was
   * applied), looks the key up again: found, it is ours; not found, it is posted again.
   */
  private post(entry: Entry, inputs: ObjectInputs): Promise<UnifiObject> {
    const byKey = async () =>
      (await this.list(entry, inputs.path)).filter((d) => matchesKey(d, inputs.key));
    return postOnce({
      post: async () => {
        const answer = await this.withConflictRetries(() =>
          entry.client.call("POST", inputs.path, inputs.body),
        ).finally(() => this.wrote(entry));
        const doc = Array.isArray(answer)
          ? (answer[0] as UnifiObject | undefined)
          : (answer as UnifiObject);
        if (doc?._id) return doc;
        // Some firmware answers a write with `data: []`: read it back.
        const back = await byKey();
        if (back.length === 1 && back[0]?._id) return back[0];
        throw new UnifiError(
          `the controller accepted the new ${collectionLabel(inputs.path)} object with ${describeKey(inputs.key)} but it cannot be found by its key`,
          { kind: "api", method: "POST", path: inputs.path },
        );
      },
      uncertain: (error) =>
        error instanceof UnifiError &&
        (error.kind === "transport" || (error.status !== undefined && error.status >= 500)),
      lookUp: async (error) => {
        const again = await byKey();
        if (again.length === 1 && again[0]?._id) return again[0];
        if (again.length > 1) throw error;
        return undefined;
      },
    });
  }

  /** Read-modify-write of an existing object, only when a managed field differs. */
  private async writeChanges(
    entry: Entry,
    inputs: ObjectInputs,
    current: UnifiObject,
    changed: readonly string[],
  ): Promise<UnifiObject> {
    const collection = parseCollectionPath(inputs.path)?.collection;
    const differs = changed.some(
      (f) => !sameValue(inputs.body[f], storedValue(collection, current, f)),
    );
    if (!differs) return current;
    const id = current._id!;
    const path = `${inputs.path}/${encodeURIComponent(id)}`;
    const merged = { ...mergeInto(current, inputs.body), _id: id };
    const answer = await this.withConflictRetries(() =>
      entry.client.call("PUT", path, merged),
    ).finally(() => this.wrote(entry));
    const doc = Array.isArray(answer)
      ? (answer[0] as UnifiObject | undefined)
      : (answer as UnifiObject);
    if (doc?._id) return doc;
    const back = await this.fetch(entry, inputs.path, id);
    if (!back) throw this.gone(inputs, "PUT");
    return back;
  }

  private gone(inputs: Pick<ObjectInputs, "path" | "key">, method: string): UnifiError {
    return new UnifiError(
      `the ${collectionLabel(inputs.path)} object with ${describeKey(inputs.key)} no longer exists on the controller (deleted outside Pulumi): run pulumi refresh, then pulumi up to create it again`,
      { kind: "notFound", method, path: inputs.path },
    );
  }

  /** One object by id, from the collection list. */
  private async fetch(
    entry: Entry,
    path: string,
    id: string,
    shared = false,
  ): Promise<UnifiObject | undefined> {
    return (await this.list(entry, path, shared)).find((d) => d._id === id);
  }

  // ---- ordering ---------------------------------------------------------------------

  /** The current order of the listed policies (among themselves), as a body. */
  private async observeOrdering(
    entry: Entry,
    inputs: { readonly path: string; readonly body: Readonly<Record<string, unknown>> },
    shared = false,
  ) {
    const policies = await this.list(entry, orderingCollection(inputs.path), shared);
    const wanted = new Set(
      (inputs.body.before_predefined_ids as unknown[] | undefined)?.map(String) ?? [],
    );
    const ours = policies
      .filter((p) => p._id !== undefined && wanted.has(p._id))
      .sort((a, b) => Number(a.index) - Number(b.index))
      .map((p) => p._id);
    return {
      source_zone_id: inputs.body.source_zone_id,
      destination_zone_id: inputs.body.destination_zone_id,
      before_predefined_ids: ours,
      after_predefined_ids: [],
    };
  }

  private async applyOrdering(
    entry: Entry,
    inputs: ObjectInputs,
  ): Promise<Record<string, unknown>> {
    const current = await this.observeOrdering(entry, inputs);
    if (sameValue(inputs.body, current, true)) return current;
    await entry.client.call("PUT", inputs.path, inputs.body).finally(() => this.wrote(entry));
    return this.observeOrdering(entry, inputs);
  }

  // ---- update / read / delete -------------------------------------------------------

  async update(
    id: string,
    olds: ObjectOutputs,
    news: ObjectInputs,
  ): Promise<pulumi.dynamic.UpdateResult> {
    const entry = this.entry(news.connection);
    const fields = Object.keys(news.body);
    if (news.kind === "ordering") {
      const actual = await this.applyOrdering(entry, news);
      return { outs: this.outputs(news, id, fields, news.body, actual, olds.salt) };
    }
    if (news.kind === "lookup") {
      const doc = (await this.list(entry, news.path)).find((d) => matchesKey(d, news.key));
      if (!doc?._id) throw this.gone(news, "GET");
      return { outs: this.outputs(news, doc._id, fields, news.body, doc, olds.salt) };
    }
    const changed = this.changedFields(olds, news);
    if (changed.length === 0) {
      // Nothing to write (fields only stopped being managed, or only the code changed).
      const known: Record<string, unknown> = { ...olds.body };
      const outs = this.outputs(news, id, fields, news.body, known, olds.salt);
      return { outs: { ...outs, secretHashes: pick(olds.secretHashes, fields) } };
    }
    const current = await this.fetch(entry, news.path, id);
    if (!current) throw this.gone(news, "PUT");
    const doc = await this.writeChanges(entry, news, current, changed);
    return { outs: this.outputs(news, id, fields, news.body, doc, olds.salt) };
  }

  async read(id: string, props: ObjectOutputs): Promise<pulumi.dynamic.ReadResult> {
    const entry = this.entry(props.connection);
    const fields = props.fields ?? Object.keys(props.body ?? {});
    const reference = props.body ?? {};
    let actual: Record<string, unknown> | undefined;
    if (props.kind === "ordering") {
      const desired = { ...reference };
      actual = await this.observeOrdering(entry, { ...props, body: desired }, true);
    } else {
      actual = await this.fetch(entry, props.path, id, true);
    }
    if (!actual) return readResult(id, undefined);
    const outs = this.outputs(props, id, fields, reference, actual, props.salt);
    const body: Record<string, unknown> = {};
    for (const field of fields) {
      if (isSecretField(field)) {
        // Back into inputs only when it is the value this stack set (already in its state).
        const value = actual[field];
        if (value !== undefined && props.secretHashes?.[field] === outs.secretHashes[field])
          body[field] = value;
      } else if (field in outs.body) {
        body[field] = outs.body[field];
      }
    }
    const key: Record<string, string | number> = {};
    for (const k of Object.keys(props.key)) {
      const v = props.kind === "lookup" ? props.key[k] : body[k];
      key[k] = isScalar(v) ? (typeof v === "boolean" ? String(v) : v) : props.key[k]!;
    }
    const refreshed = { ...outs, key };
    const drifted =
      canonicalJson(refreshed.body) !== canonicalJson(props.body ?? {}) ||
      canonicalJson(refreshed.secretHashes) !== canonicalJson(props.secretHashes ?? {}) ||
      canonicalJson(key) !== canonicalJson(props.key);
    return readResult(id, refreshed, drifted, (): ObjectInputs => ({
      connection: props.connection,
      path: props.path,
      key,
      body,
      kind: props.kind,
      adopt: props.adopt,
      version: props.version,
    }));
  }

  async delete(id: string, props: ObjectOutputs): Promise<void> {
    if (props.kind === "lookup" || props.kind === "ordering") return;
    const entry = this.entry(props.connection);
    try {
      await entry.client.call("DELETE", `${props.path}/${encodeURIComponent(id)}`);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    } finally {
      this.wrote(entry);
    }
  }
}

/**
 * What a UniFi object is to the provider: its inputs and state, how the controller's values
 * compare with the desired ones (it adds defaults and rewrites types: "51820" for 51820), and
 * what `check` refuses before anything is sent.
 *
 * Runs inside the serialized provider: functions and plain data only.
 */
import type * as pulumi from "@pulumi/pulumi";
import { parseCollectionPath, type Collection } from "../../devices/unifi/api";
import { fieldViolations, violationReason } from "../../devices/unifi/fields";
import { containsUnknown, isPlainObject, isUnknown } from "../kit/values";
import type { UnifiConnection } from "./client";

export type ObjectKind = "object" | "lookup" | "ordering";

/** Inputs of every UniFi object resource. */
export interface ObjectInputs {
  readonly connection: UnifiConnection;
  /** Collection path ("/proxy/network/api/s/default/rest/networkconf"). */
  readonly path: string;
  /** Natural key: body fields that identify the object ({ name: "servers" }). */
  readonly key: Readonly<Record<string, string | number>>;
  /** Exactly what is sent (managed fields). */
  readonly body: Readonly<Record<string, unknown>>;
  readonly kind: ObjectKind;
  /** Take over an existing object with the same key instead of failing. */
  readonly adopt: boolean;
  /** Provider code version (a change updates the provider code stored in state). */
  readonly version: string;
}

/** Outputs (state): no secret value, only salted hashes of secret fields. */
export interface ObjectOutputs {
  readonly connection: UnifiConnection;
  readonly path: string;
  readonly key: Readonly<Record<string, string | number>>;
  readonly kind: ObjectKind;
  readonly adopt: boolean;
  readonly version: string;
  /** The controller's `_id` (internal). */
  readonly objectId: string;
  /** Managed non-secret fields as the controller has them (in the desired representation). */
  readonly body: Record<string, unknown>;
  /** Every managed field, in the desired order (secret ones included). */
  readonly fields: readonly string[];
  /** Salted hash of each managed secret field as the controller has it. */
  readonly secretHashes: Record<string, string>;
  readonly salt: string;
}

export function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

/**
 * Whether the controller's value `actual` satisfies the desired `desired`: scalars by their
 * text (10 and "10", true and "true"), objects on the desired keys only, arrays of scalars as
 * multisets unless `ordered`.
 */
export function sameValue(desired: unknown, actual: unknown, ordered = false): boolean {
  if (desired === undefined) return true;
  if (desired === null) return actual === null || actual === undefined;
  if (isScalar(desired)) return isScalar(actual) && String(desired) === String(actual);
  if (Array.isArray(desired)) {
    if (!Array.isArray(actual) || actual.length !== desired.length) return false;
    if (!ordered && desired.every(isScalar) && actual.every(isScalar)) {
      const a = desired.map(String).sort();
      const b = actual.map(String).sort();
      return a.every((x, i) => x === b[i]);
    }
    return desired.every((d, i) => sameValue(d, actual[i], ordered));
  }
  if (isPlainObject(desired)) {
    if (!isPlainObject(actual)) return false;
    return Object.entries(desired).every(([k, v]) => sameValue(v, actual[k], ordered));
  }
  return false;
}

/** A WireGuard private key: 32 bytes in base64 (what `wg genkey` prints). */
export function isWireguardKey(value: string): boolean {
  return /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw480]=$/.test(value);
}

/**
 * What is wrong with a port list ("80,443,8000-8100"): a port outside 1-65535 or a reversed
 * range. The controller's port groups take any member text (`group_members: [""]`), so the
 * provider refuses these itself, before any write.
 */
export function portListProblem(text: string): string | undefined {
  for (const item of text.split(",")) {
    const bounds = item.split("-");
    const ports = bounds.map((p) => (/^\d{1,5}$/.test(p) ? Number(p) : NaN));
    if (bounds.length > 2 || ports.some((p) => !(p >= 1 && p <= 65535))) {
      return `"${item}" is not a port (1-65535) or a range of ports`;
    }
    if (ports.length === 2 && ports[0]! > ports[1]!) {
      return `"${item}" is a reversed range: write the lower port first`;
    }
  }
  return undefined;
}

/** The port lists of a body: port group members, policy end ports, port forward ports. */
function portLists(collection: Collection, body: Record<string, unknown>): [string, unknown][] {
  if (collection === "firewallgroup" && body.group_type === "port-group") {
    const members = Array.isArray(body.group_members) ? body.group_members : [];
    return members.map((m, i): [string, unknown] => [`group_members[${i}]`, m]);
  }
  if (collection === "firewall-policies") {
    return (["source", "destination"] as const)
      .filter((side) => isPlainObject(body[side]) && body[side].port !== undefined)
      .map((side): [string, unknown] => [`${side}.port`, (body[side] as { port: unknown }).port]);
  }
  if (collection === "portforward") {
    return (["dst_port", "fwd_port"] as const)
      .filter((field) => body[field] !== undefined)
      .map((field): [string, unknown] => [field, body[field]]);
  }
  return [];
}

/** Refuses inputs the controller would refuse, or that cannot be an object, before any write. */
export function checkObject(news: ObjectInputs): pulumi.dynamic.CheckResult {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  function add(property: string, reason: string): void {
    failures.push({ property, reason });
  }
  // In a preview any input may be unknown as a whole (an Output not resolved yet): only
  // what is known is judged.
  const connection: unknown = news.connection;
  if (isUnknown(connection)) {
    // judged once known
  } else if (!isPlainObject(connection)) add("connection", "must be an object");
  else {
    if (!containsUnknown(connection.controller)) {
      if (typeof connection.controller !== "string" || !/^https:\/\//.test(connection.controller)) {
        add("connection.controller", "must be an https:// URL of the UniFi OS console");
      }
    }
    const site = connection.site;
    if (!containsUnknown(site) && (typeof site !== "string" || !/^[A-Za-z0-9][\w-]*$/.test(site))) {
      add(
        "connection.site",
        "must be the site's short name (default): it is a segment of every API path",
      );
    }
  }
  const kind = news.kind ?? "object";
  if (!isUnknown(kind) && !["object", "lookup", "ordering"].includes(kind)) {
    add("kind", "must be object, lookup or ordering");
  }
  let collection: Collection | undefined;
  if (!containsUnknown(news.path)) {
    const parsed = typeof news.path === "string" ? parseCollectionPath(news.path) : undefined;
    if (!parsed)
      add("path", `"${String(news.path)}" is not a UniFi collection path this provider knows`);
    else {
      collection = parsed.collection;
      if (
        isPlainObject(connection) &&
        !containsUnknown(connection.site) &&
        parsed.site !== connection.site
      ) {
        add(
          "path",
          `is on site "${parsed.site}" but the connection is to site "${String(connection.site)}"`,
        );
      }
    }
  }
  const body: unknown = news.body;
  if (!isUnknown(body) && !isPlainObject(body)) add("body", "must be an object");
  if (isUnknown(news.key)) {
    // judged once known
  } else if (
    !isPlainObject(news.key) ||
    (kind !== "ordering" && !isUnknown(kind) && Object.keys(news.key).length === 0)
  ) {
    add("key", "must name the natural key fields of the object, e.g. { name: ... }");
  } else if (isPlainObject(body) && kind !== "lookup" && !isUnknown(kind)) {
    for (const [k, v] of Object.entries(news.key)) {
      if (containsUnknown(v) || containsUnknown(body[k])) continue;
      if (!sameValue(v, body[k])) add(`key.${k}`, `must equal body.${k}`);
    }
  }
  if (collection && isPlainObject(body)) {
    for (const violation of fieldViolations(collection, body, { skip: containsUnknown })) {
      add(`body.${violation.field}`, violationReason(violation));
    }
    for (const [field, value] of portLists(collection, body)) {
      if (containsUnknown(value)) continue;
      const problem = portListProblem(String(value));
      if (problem) add(`body.${field}`, problem);
    }
    const key = body.x_wireguard_private_key;
    if (typeof key === "string" && !containsUnknown(key) && !isWireguardKey(key)) {
      add(
        "body.x_wireguard_private_key",
        "is not a WireGuard private key (44 base64 characters, as printed by wg genkey): set homelab:wireguardPrivateKey to the output of wg genkey",
      );
    }
  }
  const inputs: ObjectInputs = {
    connection: news.connection,
    path: news.path,
    key: news.key,
    body: news.body,
    kind,
    adopt: isUnknown(news.adopt) ? news.adopt : news.adopt === true,
    version: news.version,
  };
  return failures.length > 0 ? { inputs, failures } : { inputs };
}

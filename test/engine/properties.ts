/**
 * Property values as the Pulumi engine holds them (sdk/go/common/resource/properties.go): plain
 * values, secrets and computed (unknown) values, and the engine's conversions between them and
 * the gRPC wire (sdk/go/common/resource/plugin/rpc.go). The cited lines are those of the
 * engine at tag v3.248.0, the SDK version this project pins.
 *
 * - `fromProgram`: what the engine keeps of a resource's inputs as the Node.js SDK registers
 *   them (RegisterResourceRequest.object: secrets as `{ 4dabf…: 1b470…, value }`, unknowns as
 *   the string 04da6b54-…).
 * - `marshal`: rpc.go:77-252 MarshalProperties/MarshalPropertyValue. Without KeepSecrets a
 *   secret is sent as its plain value (rpc.go:202-206); without KeepUnknowns a computed value
 *   is left out (rpc.go:171: the caller drops nil), with it a computed string is the string
 *   sentinel (rpc.go:255-262: the Node.js SDK only ever sends string-typed unknowns).
 * - `unmarshal`: rpc.go:328-443 UnmarshalPropertyValue (sentinels back to computed or refused).
 * - `annotateSecrets`: provider_plugin.go:886-902, how the engine marks secret again what a
 *   provider that does not accept secrets returns.
 */
import * as pulumi from "@pulumi/pulumi";

export class Secret {
  constructor(readonly element: Value) {}
}

/** An unknown value (resource.Computed); the Node.js SDK only produces string-typed ones. */
export class Computed {
  readonly element = "";
}

export type Value = null | boolean | number | string | Value[] | PropertyMap | Secret | Computed;
export interface PropertyMap {
  [key: string]: Value;
}

/** The SDK's own wire constants (sdk/nodejs/runtime/rpc.ts), never copied. */
const SIG_KEY = pulumi.runtime.specialSigKey;
const SECRET_SIG = pulumi.runtime.specialSecretSig;
const OUTPUT_SIG = pulumi.runtime.specialOutputValueSig;
/** rpc.go:55-73: every sentinel of an unknown value. */
const UNKNOWN_SENTINELS = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  pulumi.runtime.unknownValue,
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

export const UNKNOWN_STRING = pulumi.runtime.unknownValue;

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isMap(value: Value): value is PropertyMap {
  return isObject(value) && !(value instanceof Secret) && !(value instanceof Computed);
}

/** A program's registered inputs (wire format) as the engine keeps them. */
export function fromProgram(wire: unknown): Value {
  if (wire === null || wire === undefined) return null;
  if (typeof wire === "string") return UNKNOWN_SENTINELS.has(wire) ? new Computed() : wire;
  if (typeof wire === "number" || typeof wire === "boolean") return wire;
  if (Array.isArray(wire)) return wire.map(fromProgram);
  if (!isObject(wire)) throw new Error(`not a wire value: ${typeof wire}`);
  const sig = wire[SIG_KEY];
  if (sig === SECRET_SIG) return new Secret(fromProgram(wire.value));
  if (sig === OUTPUT_SIG) {
    const element = "value" in wire ? fromProgram(wire.value) : new Computed();
    return wire.secret === true ? new Secret(element) : element;
  }
  if (sig !== undefined) throw new Error(`unexpected special value ${JSON.stringify(sig)}`);
  return fromProgramMap(wire);
}

export function fromProgramMap(wire: Record<string, unknown>): PropertyMap {
  const out: PropertyMap = {};
  for (const [key, value] of Object.entries(wire)) out[key] = fromProgram(value);
  return out;
}

export interface MarshalOptions {
  readonly keepSecrets: boolean;
  readonly keepUnknowns: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function marshalValue(value: Value, options: MarshalOptions): Json | undefined {
  if (value instanceof Computed) return options.keepUnknowns ? UNKNOWN_STRING : undefined;
  if (value instanceof Secret) {
    const element = marshalValue(value.element, options);
    if (!options.keepSecrets || element === undefined) return element;
    return { [SIG_KEY]: SECRET_SIG, value: element };
  }
  if (Array.isArray(value)) {
    return value.map((v) => marshalValue(v, options)).filter((v): v is Json => v !== undefined);
  }
  if (isMap(value)) return marshal(value, options);
  return value;
}

/** A property map as the engine sends it to a provider (a Struct's JavaScript form). */
export function marshal(map: PropertyMap, options: MarshalOptions): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(map).sort()) {
    const value = marshalValue(map[key]!, options);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

export interface UnmarshalOptions {
  /** Turn sentinels into computed values (preview), else refuse them. */
  readonly keepUnknowns: boolean;
}

/** A provider's answer (a Struct's JavaScript form) as the engine reads it. */
export function unmarshal(value: unknown, options: UnmarshalOptions, path = ""): Value {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") {
    if (!UNKNOWN_SENTINELS.has(value)) return value;
    if (!options.keepUnknowns) throw new Error(`unexpected unknown property value for "${path}"`);
    return new Computed();
  }
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map((v, i) => unmarshal(v, options, `${path}[${i}]`));
  if (!isObject(value)) throw new Error(`not a Struct value at ${path}`);
  if (value[SIG_KEY] === SECRET_SIG) return new Secret(unmarshal(value.value, options, path));
  return unmarshalMap(value, options, path);
}

export function unmarshalMap(
  value: Record<string, unknown>,
  options: UnmarshalOptions,
  path = "",
): PropertyMap {
  const out: PropertyMap = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = unmarshal(v, options, path ? `${path}.${key}` : key);
  }
  return out;
}

export function containsSecrets(value: Value): boolean {
  if (value instanceof Secret) return true;
  if (Array.isArray(value)) return value.some(containsSecrets);
  if (isMap(value)) return Object.values(value).some(containsSecrets);
  return false;
}

/**
 * provider_plugin.go:886-902: each property of `outs` whose same-named input held a secret
 * becomes secret (objects are matched key by key, anything else as a whole).
 */
export function annotateSecrets(outs: PropertyMap | undefined, ins: PropertyMap | undefined): void {
  if (!outs || !ins) return;
  for (const [key, inValue] of Object.entries(ins)) {
    if (!(key in outs)) continue;
    const outValue = outs[key]!;
    if (isMap(outValue) && isMap(inValue)) annotateSecrets(outValue, inValue);
    else if (!(outValue instanceof Secret) && containsSecrets(inValue))
      outs[key] = new Secret(outValue);
  }
}

/** Every string the engine would store in clear (outside secrets), with its path. */
export function plainStrings(value: Value, path = ""): { path: string; text: string }[] {
  if (value instanceof Secret || value instanceof Computed) return [];
  if (typeof value === "string") return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => plainStrings(v, `${path}[${i}]`));
  if (isMap(value))
    return Object.entries(value).flatMap(([k, v]) => plainStrings(v, path ? `${path}.${k}` : k));
  return [];
}

/** The value with secrets replaced by their content and unknowns by the sentinel. */
export function reveal(value: Value): unknown {
  if (value instanceof Secret) return reveal(value.element);
  if (value instanceof Computed) return UNKNOWN_STRING;
  if (Array.isArray(value)) return value.map(reveal);
  if (isMap(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  return value;
}

/** A value as text: a string as it is, anything else as JSON. */
export function text(value: Value | undefined): string {
  return typeof value === "string" ? value : JSON.stringify(reveal(value ?? null));
}

export function containsComputed(value: Value): boolean {
  if (value instanceof Computed) return true;
  if (value instanceof Secret) return containsComputed(value.element);
  if (Array.isArray(value)) return value.some(containsComputed);
  if (isMap(value)) return Object.values(value).some(containsComputed);
  return false;
}

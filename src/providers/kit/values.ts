/**
 * Values as the engine hands them to a dynamic provider.
 *
 * Runs inside the serialized providers (plain data and functions only).
 */

/**
 * What the engine sends for a value unknown during preview, whatever the field's type. The
 * SDK exports it (`runtime.unknownValue`), but importing it here would make the serialized
 * provider `require("@pulumi/pulumi/runtime/rpc.js")`, an internal path, stored in every
 * resource's state (and 200 ms of loading per provider process): a test checks that this
 * copy equals the SDK's.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * True when `value` is unknown as a whole: the engine sends one unknown string for an input
 * whose Output is unknown, whatever its type (an object, a list), so a check must not judge
 * its shape.
 */
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** True when `value` is, or contains, a preview-unknown value. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object")
    return Object.values(value).some(containsUnknown);
  return false;
}

/** A JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

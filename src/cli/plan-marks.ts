/**
 * How a plan document prints values it does not show: a secret (always) and a value the
 * mock runtime does not know. The mock runtime writes them, plan-diff and its risks read
 * them; this module imports nothing, so the validate-only tools stay free of the SDK.
 */
export const SECRET_MARK = "[secret]";
export const UNKNOWN_MARK = "[unknown]";

/** Reaching a device: a reader that stops asking once the device proved unreachable. */
import { HttpError } from "../providers/http";

/** A request the device never answered (unreachable, timed out, TLS refused). */
export const unanswered = (error: unknown): boolean =>
  error instanceof HttpError && error.kind !== "status";

/**
 * `read`, failing fast once the device proved unreachable: after a request that failed
 * without an answer (network, timeout, TLS), every later one fails with that error at once,
 * instead of waiting its own timeouts and retries (a device down would otherwise cost every
 * check of it the full timeout).
 */
export function failFast<A extends unknown[], T>(
  read: (...args: A) => Promise<T>,
  unanswered: (error: unknown) => boolean,
): (...args: A) => Promise<T> {
  let down: Error | undefined;
  return async (...args) => {
    if (down !== undefined) throw down;
    try {
      return await read(...args);
    } catch (error) {
      if (unanswered(error) && error instanceof Error) down = error;
      throw error;
    }
  };
}

/**
 * The CRUD steps both device providers share: `read`'s answer, and a POST whose answer may
 * be lost.
 *
 * Runs inside the serialized providers.
 */

/**
 * What `read` answers. For an object that is gone from the device (`props` undefined), an
 * empty id: Pulumi drops it. For an object that is there, the refreshed props, and inputs
 * rebuilt from what the device has only when it drifted from state: unchanged inputs are not
 * sent back, so they stay byte-identical (a masked secret could not be rebuilt anyway) and a
 * refresh reports nothing; drifted inputs make the next preview put the device back.
 */
export function readResult<P, I>(
  id: string,
  props: P | undefined,
  drifted = false,
  inputs?: () => I,
): { id: string; props?: P; inputs?: I } {
  if (props === undefined) return { id: "" };
  return drifted && inputs ? { id, props, inputs: inputs() } : { id, props };
}

export interface LostPost<T> {
  /** Sends the POST (once), and makes sense of its answer. */
  readonly post: () => Promise<T>;
  /**
   * Whether `error` leaves unknown if the POST was applied: no answer came (network, timeout,
   * but not TLS: then nothing was sent), or the device failed (a gateway error may hide a
   * write that happened).
   */
  readonly uncertain: (error: unknown) => boolean;
  /**
   * Looks on the device for what the POST creates: found, it was applied (this is the
   * result); undefined, it was not (the POST is sent again). Throws when the key is taken by
   * something else than what was sent.
   */
  readonly lookUp: (error: unknown) => Promise<T | undefined>;
  /** POSTs at most. @default 3 */
  readonly attempts?: number;
}

/**
 * A POST that is never applied twice: when its answer is lost, the device is asked whether
 * it was applied before it is sent again (a POST is not idempotent: a blind retry could
 * create a second object, and some devices accept duplicate names).
 */
export async function postOnce<T>(lost: LostPost<T>): Promise<T> {
  const attempts = lost.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await lost.post();
    } catch (error) {
      if (!lost.uncertain(error)) throw error;
      const found = await lost.lookUp(error);
      if (found !== undefined) return found;
      if (attempt >= attempts) throw error;
    }
  }
}

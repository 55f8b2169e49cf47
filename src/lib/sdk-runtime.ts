/**
 * Two costs of the Pulumi Node.js SDK that buy nothing in this program, removed once per
 * process when the program module loads (src/program.ts), under the engine and under the
 * offline plan's mocks alike. Each is guarded: when the SDK no longer has what it changes,
 * nothing is changed (test/lib/sdk-runtime.test.ts then fails, so an upgrade notices).
 *
 * 1. `runtime/debuggable.js`, debuggablePromise, runs for every promise the SDK makes (tens
 *    of thousands per preview, four per output property of each resource): it gives the
 *    promise three properties (`_debugId`, `_debugCtx`, and `_debugStackTrace` from
 *    `new Error().stack`), which only the report of leaked promises reads, and only when
 *    PULUMI_DEBUG_PROMISE_LEAKS is set (leakedPromises, promiseDebugString); and it tracks
 *    the promise as a leak candidate until it settles. Capturing the frames was a tenth of a
 *    preview's CPU, adding the properties another twentieth. The replacement runs the SDK's
 *    own function once (which schedules the leak report at exit), then the leak tracking
 *    alone, step for step: the same promise returned, the same candidates, the same report
 *    of leaks at exit. With PULUMI_DEBUG_PROMISE_LEAKS set it does nothing. The SDK calls it
 *    through its module's exports (`debuggable_1.debuggablePromise(...)`), so replacing the
 *    export reaches every caller.
 * 2. google-protobuf's BinaryWriter.writeString (the SDK's copy) encodes a string one UTF-16
 *    unit at a time in JavaScript; every dynamic resource sends its provider's code (90-120
 *    KB) to the engine in its registration, several megabytes per preview. Node's encoder
 *    writes the same bytes (a protobuf string is its UTF-8 bytes, length-delimited): only a
 *    lone surrogate differs, which the JavaScript encoder drops or writes as invalid UTF-8
 *    that the engine (Go) refuses, and Node writes as U+FFFD.
 */
import { createRequire } from "node:module";

type DebuggablePromise = <T>(p: Promise<T>, ctx: unknown) => Promise<T>;

interface ProtobufWriter {
  writeBytes(field: number, value: Uint8Array): void;
  writeString(field: number, value: string): void;
}

export interface SdkRuntimeTuning {
  /** Whether each change is in place ("skipped: <why>" otherwise). */
  readonly promiseStacks: string;
  readonly protobufStrings: string;
}

const TUNED = Symbol.for("homelab.sdk-runtime-tuned");

/** A require that resolves as the SDK does (its own copy of a dependency). */
function sdkRequire(): NodeJS.Require {
  return createRequire(require.resolve("@pulumi/pulumi/package.json"));
}

interface LeakStore {
  leakCandidates: Set<Promise<unknown>>;
}

/** `error.promise = p` as the SDK's strict-mode code does it (a primitive reason throws). */
function markRejection(error: unknown, p: Promise<unknown>): void {
  "use strict";
  (error as { promise?: unknown }).promise = p;
}

function quietPromiseStacks(load: NodeJS.Require): string {
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return "skipped: PULUMI_DEBUG_PROMISE_LEAKS is set";
  const debuggable = load("@pulumi/pulumi/runtime/debuggable") as {
    debuggablePromise?: DebuggablePromise;
  };
  const state = load("@pulumi/pulumi/runtime/state") as { getStore?: () => LeakStore };
  const original = debuggable.debuggablePromise;
  if (typeof original !== "function" || original.length !== 2)
    return "skipped: runtime/debuggable.js has no debuggablePromise(p, ctx)";
  if (typeof state.getStore !== "function") return "skipped: runtime/state.js has no getStore()";
  const getStore = state.getStore;
  let first = true;
  const quiet: DebuggablePromise = (p, ctx) => {
    if (first) {
      // The SDK's own, once: it schedules the leak report for the process's exit.
      first = false;
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        return original(p, ctx);
      } finally {
        Error.stackTraceLimit = limit;
      }
    }
    // Then its leak tracking alone, in the same steps.
    const store = getStore();
    store.leakCandidates.add(p);
    return p
      .then((value) => {
        store.leakCandidates.delete(p);
        return value;
      })
      .catch((error: unknown) => {
        store.leakCandidates.delete(p);
        markRejection(error, p);
        throw error;
      });
  };
  debuggable.debuggablePromise = quiet;
  return "in place";
}

function nativeProtobufStrings(load: NodeJS.Require): string {
  const { BinaryWriter } = load("google-protobuf") as {
    BinaryWriter?: { prototype: ProtobufWriter };
  };
  const proto = BinaryWriter?.prototype;
  if (typeof proto?.writeString !== "function" || typeof proto.writeBytes !== "function")
    return "skipped: google-protobuf has no BinaryWriter.writeString and writeBytes";
  proto.writeString = function (this: ProtobufWriter, field: number, value: string) {
    if (value !== null && value !== undefined) this.writeBytes(field, Buffer.from(value, "utf8"));
  };
  return "in place";
}

/** Applies both changes once per process; returns what was done. */
export function tuneSdkRuntime(): SdkRuntimeTuning {
  const global = globalThis as Record<symbol, SdkRuntimeTuning | undefined>;
  const done = global[TUNED];
  if (done) return done;
  const load = sdkRequire();
  const tuning = {
    promiseStacks: quietPromiseStacks(load),
    protobufStrings: nativeProtobufStrings(load),
  };
  global[TUNED] = tuning;
  return tuning;
}

/**
 * What code writes to stdout and stderr, for those that listen: runMain (test/helpers/cli.ts)
 * takes a CLI's output, the plan memo (test/helpers/plan-memo.ts) records what a plan wrote.
 *
 * The streams are patched once per process (the state lives on globalThis: test/helpers/
 * batch.js loads the test modules afresh for each file), and a write counts when code other
 * than Node's own (and this module) is on its stack. The test runner reports through the same
 * streams meanwhile, from Node's stream code alone (its reporter is piped to stdout); a CLI,
 * the SDK or any package writes from its own code.
 *
 * Not an AsyncLocalStorage: in Node 20 one makes V8 call into Node for every promise (an
 * async hook, lib/internal/async_hooks.js), a quarter of the CPU of a test file that plans
 * through runMain, and for every file after it in its process.
 */

export type Stream = "stdout" | "stderr";
/** Gets each write by code; answers true to take it (it is then not written). */
export type Listener = (stream: Stream, text: string) => boolean;

interface State {
  readonly listeners: Listener[];
}

const STATE = Symbol.for("homelab.test.output");

/** Whether the write being made comes from code outside Node's own and this module. */
function writtenByCode(): boolean {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as it was, not called
  const prepareStackTrace = Error.prepareStackTrace;
  const stackTraceLimit = Error.stackTraceLimit;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  try {
    Error.stackTraceLimit = 50;
    Error.prepareStackTrace = (_, frames) => frames;
    Error.captureStackTrace(holder, writtenByCode);
    return (holder.stack ?? []).some((frame) => {
      const file = frame.getFileName();
      return typeof file === "string" && !file.startsWith("node:") && file !== __filename;
    });
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}

function state(): State {
  const global = globalThis as Record<symbol, State | undefined>;
  const existing = global[STATE];
  if (existing) return existing;
  const created: State = { listeners: [] };
  global[STATE] = created;
  for (const name of ["stdout", "stderr"] as const) {
    const stream = process[name];
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = (chunk: unknown, ...rest: unknown[]) => {
      if (created.listeners.length === 0 || !writtenByCode()) return write(chunk, ...rest);
      const text =
        typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
      let taken = false;
      for (const listener of [...created.listeners]) taken = listener(name, text) || taken;
      if (!taken) return write(chunk, ...rest);
      const callback = rest.find((r): r is () => void => typeof r === "function");
      if (callback) process.nextTick(callback);
      return true;
    };
  }
  return created;
}

/** Calls `listener` for each write by code until the returned function is called. */
export function listen(listener: Listener): () => void {
  const { listeners } = state();
  listeners.push(listener);
  return () => {
    const at = listeners.indexOf(listener);
    if (at >= 0) listeners.splice(at, 1);
  };
}

/**
 * The base of the device providers' errors, built from an options object.
 *
 * Runs inside the serialized providers. Serialized (Pulumi's closure serializer), a class
 * keeps only what its constructor and methods do: `super(message)` becomes
 * `Error.call(this, message)`, which does not set `message`, so the constructor sets it
 * (and the name, and the stack), and the class has methods, without which the prototype
 * chain to `Error.prototype` is not kept (see ../http.ts).
 *
 * The stack is the name and message only: the engine's dynamic-provider plugin prints a
 * failed check, diff, read or delete with its stack, which the user sees among the
 * diagnostics, and frames of the serialized code (`<anonymous>:882:146`) tell nothing. An
 * explained error needs none; an unexpected one (a TypeError) keeps its own.
 */

export interface DeviceErrorOptions<K extends string> {
  /** What went wrong, as the device client classifies it. */
  readonly kind: K;
  /** The request's method ("-" when none was sent). */
  readonly method: string;
  /** What the request was about: a CMDB path, an API path. */
  readonly path: string;
  /** HTTP status, when the device answered. */
  readonly status?: number;
}

/** A failed device request, explained in plain language; never carries a credential. */
export class DeviceError<K extends string = string> extends Error {
  readonly kind: K;
  readonly method: string;
  readonly path: string;
  readonly status?: number;

  constructor(name: string, message: string, options: DeviceErrorOptions<K>) {
    super(message);
    this.message = message;
    this.name = name;
    this.kind = options.kind;
    this.method = options.method;
    this.path = options.path;
    this.status = options.status;
    this.stack = `${name}: ${message}`;
  }

  override toString(): string {
    return `${this.name}: ${this.message}`;
  }
}

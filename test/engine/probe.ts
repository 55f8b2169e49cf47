/**
 * Probe providers: tiny dynamic providers, serialized as the SDK serializes any provider,
 * that report to the test what the plugin hands them. They keep nothing but plain data and
 * functions (what survives the closure serializer), and share what they see through
 * `globalThis` of the plugin process.
 */
import * as pulumi from "@pulumi/pulumi";

/** The `__provider` text of a provider, as the SDK's dynamic Resource makes it. */
export async function providerText(provider: object): Promise<string> {
  return (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
}

type Probe = pulumi.dynamic.ResourceProvider;
type Seen = Record<string, unknown>;

/**
 * A probe named `marker`: `configure` records the config values the provider reads, `create`
 * answers with what it saw, and `inputs.behave` picks a misbehaviour:
 * - "undefined": a result holding `undefined`, after its write;
 * - "message-lost": throws an Error subclass whose message the constructor does not set;
 * - "not-an-error": throws a string;
 * - "echo-secret": returns the `psk` input under another name.
 */
export function probe(marker: string): Probe {
  return {
    async configure(request) {
      const global = globalThis as unknown as { probes?: Record<string, Seen> };
      const probes = (global.probes ??= {});
      probes[marker] = {
        fullKey: request.config.get("homelab:fortigateApiToken"),
        shortKey: request.config.get("fortigateApiToken"),
        site: request.config.get("homelab:site"),
        configured: ((probes[marker]?.configured as number | undefined) ?? 0) + 1,
      };
    },
    async check(_olds, news: Seen) {
      if (news.behave === "check-throws") throw new Error(`probe ${marker} refuses to check`);
      return { inputs: news };
    },
    async create(inputs: Seen) {
      const global = globalThis as unknown as { probes: Record<string, Seen>; writes?: number };
      global.writes = (global.writes ?? 0) + 1;
      if (inputs.behave === "message-lost") {
        // What the closure serializer makes of `class E extends Error { constructor(m) { super(m) } }`.
        function Lost(this: Error, message: string) {
          Error.call(this, message);
        }
        Lost.prototype = Object.create(Error.prototype) as Error;
        throw new (Lost as unknown as new (m: string) => Error)(`probe ${marker} failed`);
      }
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the misbehaviour probed
      if (inputs.behave === "not-an-error") throw `probe ${marker} failed`;
      const outs: Seen = {
        marker,
        seen: global.probes[marker],
        writes: global.writes,
        inputs,
        processes: process.pid,
        execArgv: process.execArgv,
        cwd: process.cwd(),
      };
      if (inputs.behave === "undefined") outs.nothing = undefined;
      if (inputs.behave === "echo-secret") outs.copy = inputs.psk;
      return { id: `${marker}-${global.writes}`, outs };
    },
  };
}

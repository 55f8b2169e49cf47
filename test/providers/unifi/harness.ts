/**
 * Shared set-up of the UniFi provider tests: an emulated console, a MiniEngine driving a
 * provider configured with the console's credential, and desired objects built with the
 * same body builders the component uses.
 */
import { after } from "node:test";
import { collectionPath, type Collection } from "../../../src/providers/unifi/api";
import type { UnifiConnection } from "../../../src/providers/unifi/client";
import {
  providerState,
  UnifiProvider,
  type ObjectInputs,
  type ObjectKind,
} from "../../../src/providers/unifi/provider";
import { DEVICE_FINGERPRINT } from "../../emulators/server";
import {
  TEST_API_KEY,
  TEST_PASSWORD,
  UnifiEmulator,
  type UnifiEmulatorOptions,
} from "../../emulators/unifi";
import { MiniEngine, type Desired } from "../../helpers/engine";

const emulators: UnifiEmulator[] = [];
after(async () => {
  for (const e of emulators) await e.stop();
});

// Tests do not wait for real backoff or long conflicts.
providerState().conflictWaitsMs = [20, 40, 80];
providerState().clientOptions = { sleep: () => Promise.resolve(), timeoutMs: 2000 };

export const VERSION = "test-version-1";

export interface Lab {
  readonly emulator: UnifiEmulator;
  readonly engine: MiniEngine;
  readonly provider: UnifiProvider;
  readonly connection: UnifiConnection;
  /** A desired object for the engine. */
  object(
    name: string,
    collection: Collection,
    key: Record<string, string | number>,
    body: Record<string, unknown>,
    options?: { kind?: ObjectKind; adopt?: boolean; version?: string },
  ): Desired;
  /** The controller id of an object in the engine's state. */
  id(name: string): string;
}

export async function lab(
  options: UnifiEmulatorOptions = {},
  auth: "apiKey" | "password" = "apiKey",
): Promise<Lab> {
  const emulator = new UnifiEmulator(options);
  emulators.push(emulator);
  const url = await emulator.start();
  const provider = new UnifiProvider();
  const engine = new MiniEngine(provider);
  await engine.configure(
    auth === "apiKey"
      ? { "homelab:unifiApiKey": TEST_API_KEY }
      : { "homelab:unifiPassword": TEST_PASSWORD },
  );
  const connection: UnifiConnection = {
    controller: url,
    site: "default",
    auth,
    ...(auth === "password" ? { username: "admin" } : {}),
    tls: { fingerprint: DEVICE_FINGERPRINT },
  };
  return {
    emulator,
    engine,
    provider,
    connection,
    object(name, collection, key, body, opts = {}) {
      const inputs: ObjectInputs = {
        connection,
        path: collectionPath("default", collection),
        key,
        body,
        kind: opts.kind ?? "object",
        adopt: opts.adopt ?? false,
        version: opts.version ?? VERSION,
      };
      return { name, inputs: inputs as unknown as Record<string, unknown> };
    },
    id(name) {
      const entry = engine.state.get(name);
      if (!entry) throw new Error(`${name} is not in state`);
      return entry.id;
    },
  };
}

/** A valid WireGuard private key (wg genkey format). */
export const WG_KEY = "oK56DE9Ue9zK76rAc8pBl6opph+1v36lm7cXXsQKrQM=";
export const WG_KEY_2 = "4Lp0xeZ2CYfX9J6sEiWk1zFJm0yTxX0tVJ3R2PZq9Xc=";

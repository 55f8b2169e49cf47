/** Test fixtures around the UniFi emulator: consoles stopped after the file, clients of them. */
import { after } from "node:test";
import {
  UnifiClient,
  type UnifiClientOptions,
  type UnifiConnection,
} from "../../src/providers/unifi/client";
import { DEVICE_FINGERPRINT } from "./server";
import { TEST_API_KEY, UnifiEmulator, type UnifiEmulatorOptions } from "./unifi";

/** Starts consoles for a test file and stops them after it. Call once, at module level. */
export function useConsoles(): (
  options?: UnifiEmulatorOptions,
) => Promise<{ emulator: UnifiEmulator; url: string }> {
  const started: UnifiEmulator[] = [];
  after(async () => {
    for (const emulator of started) await emulator.stop();
  });
  return async (options = {}) => {
    const emulator = new UnifiEmulator(options);
    started.push(emulator);
    return { emulator, url: await emulator.start() };
  };
}

/** The connection to an emulated console: site default, its certificate pinned. */
export function testConnection(
  url: string,
  overrides: Partial<UnifiConnection> = {},
): UnifiConnection {
  return {
    controller: url,
    site: "default",
    auth: "apiKey",
    tls: { fingerprint: DEVICE_FINGERPRINT },
    ...overrides,
  };
}

/** A client of an emulated console (the test API key by default; no real backoff waits). */
export function testClient(
  url: string,
  overrides: Partial<UnifiConnection> = {},
  credentials: UnifiClientOptions["credentials"] = { apiKey: TEST_API_KEY },
): UnifiClient {
  return new UnifiClient({
    connection: testConnection(url, overrides),
    credentials,
    sleep: () => Promise.resolve(),
  });
}

/**
 * Shared set-up of the UniFi provider tests: an emulated console, a MiniEngine driving a
 * provider configured with the console's credential, and desired objects built with the
 * same body builders the component uses.
 */
import { collectionPath, type Collection } from "../../../src/devices/unifi/api";
import {
  dnsRecordBody,
  firewallGroupBody,
  networkBody,
  portForwardBody,
  wireguardBody,
  type FirewallGroupSpec,
  type NetworkSpec,
} from "../../../src/devices/unifi/bodies";
import type { UnifiConnection } from "../../../src/providers/unifi/client";
import {
  UnifiProvider,
  type ObjectInputs,
  type ObjectKind,
  type UnifiProviderOptions,
} from "../../../src/providers/unifi/provider";
import {
  TEST_API_KEY,
  TEST_PASSWORD,
  type UnifiEmulator,
  type UnifiEmulatorOptions,
} from "../../emulators/unifi";
import { testConnection, useConsoles } from "../../emulators/unifi-fixtures";
import { MiniEngine, type Desired } from "../../helpers/engine";

const consoles = useConsoles();

/** Tests do not wait for real backoff or long conflicts (a test file may change these). */
export const providerOptions: {
  -readonly [K in keyof UnifiProviderOptions]: UnifiProviderOptions[K];
} = {
  conflictWaitsMs: [20, 40, 80],
  client: { sleep: () => Promise.resolve(), timeoutMs: 2000 },
};

export const VERSION = "test-version-1";

/** A valid WireGuard private key (wg genkey format), and another. */
export const WG_KEY = "oK56DE9Ue9zK76rAc8pBl6opph+1v36lm7cXXsQKrQM=";
export const WG_KEY_2 = "4Lp0xeZ2CYfX9J6sEiWk1zFJm0yTxX0tVJ3R2PZq9Xc=";

/** A routed VLAN network 10.0.<vlan>.0/24 with DHCP. */
export function vlanSpec(
  name: string,
  vlan: number,
  overrides: Partial<NetworkSpec> = {},
): NetworkSpec {
  return {
    name,
    purpose: "corporate",
    vlan,
    gateway: `10.0.${vlan}.1`,
    prefixLength: 24,
    dhcp: { start: `10.0.${vlan}.100`, stop: `10.0.${vlan}.199`, dns: [], leaseSeconds: 86400 },
    isolated: false,
    internetAccess: true,
    igmpSnooping: false,
    ...overrides,
  };
}

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
  /** A VLAN network, named `net-<name>` unless told otherwise. */
  network(spec: NetworkSpec, options?: { name?: string; adopt?: boolean }): Desired;
  /** The WireGuard server "wireguard" on 10.0.3.1/24, named `wg`. */
  wireguard(privateKey: string): Desired;
  /** A firewall group, named `group-<name>`. */
  group(name: string, type: FirewallGroupSpec["type"], members: readonly string[]): Desired;
  /** A lookup of one of the console's zones. */
  zone(name: string, zoneKey: string): Desired;
  /** A TCP port forward to 10.0.10.11 limited to a source group (an object id). */
  forward(name: string, key: string, port: number, sourceGroup: string): Desired;
  /** An A record. */
  dns(name: string, host: string, address: string): Desired;
  /** The controller id of an object in the engine's state. */
  id(name: string): string;
}

export async function lab(
  options: UnifiEmulatorOptions = {},
  auth: "apiKey" | "password" = "apiKey",
): Promise<Lab> {
  const { emulator, url } = await consoles(options);
  const provider = new UnifiProvider(providerOptions);
  const engine = new MiniEngine(provider);
  await engine.configure(
    auth === "apiKey"
      ? { "homelab:unifiApiKey": TEST_API_KEY }
      : { "homelab:unifiPassword": TEST_PASSWORD },
  );
  const connection = testConnection(url, auth === "password" ? { auth, username: "admin" } : {});
  const object: Lab["object"] = (name, collection, key, body, opts = {}) => {
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
  };
  return {
    emulator,
    engine,
    provider,
    connection,
    object,
    network: (spec, opts = {}) =>
      object(
        opts.name ?? `net-${spec.name}`,
        "networkconf",
        { name: spec.name },
        networkBody(spec),
        {
          adopt: opts.adopt,
        },
      ),
    wireguard: (privateKey) =>
      object(
        "wg",
        "networkconf",
        { name: "wireguard" },
        wireguardBody(
          {
            name: "wireguard",
            gateway: "10.0.3.1",
            prefixLength: 24,
            port: 51820,
            dns: ["10.0.10.1"],
            wanInterface: "wan",
          },
          privateKey,
        ),
      ),
    group: (name, type, members) =>
      object(
        `group-${name}`,
        "firewallgroup",
        { name },
        firewallGroupBody({ name, type, members }),
      ),
    zone: (name, zoneKey) =>
      object(name, "firewall/zone", { zone_key: zoneKey }, {}, { kind: "lookup" }),
    forward: (name, key, port, sourceGroup) =>
      object(
        name,
        "portforward",
        { name: key },
        portForwardBody({
          name: key,
          wanInterface: "wan",
          port,
          forwardTo: "10.0.10.11",
          forwardPort: port,
          protocol: "tcp",
          sourceGroup,
        }),
      ),
    dns: (name, host, address) =>
      object(
        name,
        "static-dns",
        { key: host, record_type: "A" },
        dnsRecordBody({ name: host, type: "A", value: address }),
      ),
    id(name) {
      const entry = engine.state.get(name);
      if (!entry) throw new Error(`${name} is not in state`);
      return entry.id;
    },
  };
}

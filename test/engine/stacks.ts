/**
 * An example stack deployed by the engine harness against an emulated device: the stack
 * file's config as the engine passes it (full keys, string values, secure values marked),
 * with test values for the secrets (the device credentials are the emulator's; a key `wg
 * genkey` makes is a real X25519 key, any other a random one), the program run as under the
 * engine, and the device's address mapped to the emulator's (what a DNS or NAT entry would
 * do: the inputs are otherwise those of the program).
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { loadOffline } from "../../src/cli/offline-stack";
import { evaluateFromRuntime, main, setOfflineContext } from "../../src/program";
import { configKey } from "../../src/config/stack";
import { DEVICE_FINGERPRINT } from "../emulators/server";
import {
  type Deployment,
  DYNAMIC,
  runProgram,
  typeOfUrn,
  type Goal,
  type ProgramRun,
} from "./deployment";
import { ROOT } from "./plugin";
import { isObject, type PropertyMap } from "./properties";

/** A WireGuard private key as `wg genkey` prints it. */
export function wireguardKey(): string {
  const jwk = generateKeyPairSync("x25519").privateKey.export({ format: "jwk" });
  return Buffer.from(jwk.d!, "base64url").toString("base64");
}

export interface TestStack {
  readonly stack: string;
  /** The stack file as the program names it (offline context). */
  readonly file: string;
  /** The engine config (full keys → strings). */
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
  /** The secret values given (none may ever appear in clear). */
  readonly secretValues: string[];
}

/**
 * The config of stack `stack` from `file` (a fixture: never the project's own stacks) with test secrets; `credentials` are the device
 * credentials by secret name (`fortigateApiToken`: the emulator's token).
 */
export function testStack(
  stack: string,
  credentials: Record<string, string>,
  file: string,
): TestStack {
  const offline = loadOffline(ROOT, stack, file);
  const config = { ...offline.config };
  const secretValues: string[] = [];
  for (const secret of offline.loaded.secrets) {
    const value =
      credentials[secret.name] ??
      (secret.generate?.includes("wg genkey")
        ? wireguardKey()
        : `test-${secret.name}-${randomBytes(12).toString("hex")}`);
    config[configKey(secret.name)] = value;
    secretValues.push(value);
  }
  return {
    stack,
    file: offline.loaded.file,
    config,
    secretKeys: offline.secretKeys,
    secretValues,
  };
}

/** Where the stack's device really is: its connection's address → the emulator's. */
export interface DeviceRoute {
  /** The `connection` of the stack's objects becomes this (merged). */
  readonly connection: Record<string, unknown>;
}

function routed(goal: Goal, route: DeviceRoute | undefined): Goal {
  const connection = goal.inputs.connection;
  if (!route || !isObject(connection)) return goal;
  const moved = { ...connection, ...(route.connection as PropertyMap) };
  return { ...goal, inputs: { ...goal.inputs, connection: moved } };
}

/** The connection of an emulated device's objects (its certificate pinned). */
export function emulatorTls(): { fingerprint: string } {
  return { fingerprint: DEVICE_FINGERPRINT };
}

/** Runs the stack's program through the deployment (`preview` or `up`). */
export async function runStack(
  deployment: Deployment,
  stack: TestStack,
  mode: "preview" | "up",
  route?: DeviceRoute,
): Promise<ProgramRun> {
  setOfflineContext({ root: ROOT, file: stack.file });
  try {
    return await runProgram(deployment, mode, {
      project: deployment.plugin.project,
      stack: stack.stack,
      config: stack.config,
      secretKeys: stack.secretKeys,
      preflight: evaluateFromRuntime,
      program: main,
      route: (goal) => routed(goal, route),
    });
  } finally {
    setOfflineContext(undefined);
  }
}

/** The dynamic types of a run's goals, counted ("fortios:CmdbObject" → 56). */
export function typesOf(goals: readonly Goal[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const goal of goals) {
    const type = typeOfUrn(goal.urn).slice(DYNAMIC.length);
    out[type] = (out[type] ?? 0) + 1;
  }
  return out;
}

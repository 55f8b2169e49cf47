/**
 * What the mock runtime answers for provider-computed outputs and provider functions.
 * Mocks echo inputs as state; a resource type whose outputs the program reads (an id, an
 * address) registers them here. Unknown function calls fail loudly instead of returning
 * nothing, so a program that depends on a real lookup cannot silently pass offline.
 */
import { createHash } from "node:crypto";

type Inputs = Record<string, unknown>;

/** UniFi objects: the controller assigns a 24-hex `_id`; offline it derives from the name. */
const UNIFI_TYPE_PREFIX = "pulumi-nodejs:dynamic/unifi:";

/** The offline stand-in of a UniFi object id (deterministic, valid for the field rules). */
export function offlineObjectId(name: string): string {
  return createHash("sha256").update(name).digest("hex").slice(0, 24);
}

const outputs: Record<string, (name: string, inputs: Inputs) => Inputs> = {
  // Generated passwords: a placeholder per resource (the program marks them secret).
  "random:index/randomPassword:RandomPassword": (name) => ({
    result: `offline-generated-${name}`,
    bcryptHash: `$2a$10$offline.bcrypt.hash.of.${name}`,
  }),
  // Containers reference the pulled image by id; offline, the id is the reference pulled.
  "docker:index/remoteImage:RemoteImage": (_name, inputs) => ({
    imageId: typeof inputs.name === "string" ? inputs.name : "",
  }),
};

const calls: Record<string, (inputs: Inputs) => Inputs> = {
  // Zone lookup by name (homelab:cloudflare without zoneId).
  "cloudflare:index/getZone:getZone": (inputs) => {
    const filter = (inputs.filter ?? {}) as { name?: string };
    return { id: `offline-zone-id-${filter.name ?? "zone"}`, name: filter.name ?? "" };
  },
};

/** Extra state the mock returns for a resource type. */
export function computedOutputs(type: string, name: string, inputs: Inputs): Inputs {
  if (type.startsWith(UNIFI_TYPE_PREFIX)) return { objectId: offlineObjectId(name) };
  return outputs[type]?.(name, inputs) ?? {};
}

/** Result of a provider function under mocks. */
export function mockCall(token: string, inputs: Inputs): Inputs {
  const handler = calls[token];
  if (!handler) {
    throw new Error(
      `no offline answer for provider function ${token}: register one in src/cli/mock-outputs.ts`,
    );
  }
  return handler(inputs);
}

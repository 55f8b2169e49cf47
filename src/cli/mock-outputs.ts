/**
 * What the mock runtime answers for provider-computed outputs and provider functions.
 * Mocks echo inputs as state; a resource type whose outputs the program reads (an id, an
 * address) registers them here. Unknown function calls fail loudly instead of returning
 * nothing, so a program that depends on a real lookup cannot silently pass offline.
 */
type Inputs = Record<string, unknown>;

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

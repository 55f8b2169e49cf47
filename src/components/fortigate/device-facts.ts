/**
 * What the FortiGate supports, asked by the program before the model is built, because the
 * objects depend on it (as the UniFi firewall generation is: src/components/unifi/
 * firewall-mode.ts). Read-only requests, before any resource exists:
 *
 * - `GET cmdb/router/bgp?action=schema`: does router/bgp have the `redistribute` table?
 *   Fortinet's own sources disagree for FortiOS 7.4 (the Ansible collection lists it only up
 *   to 7.0.5/7.2.0; the Terraform provider sends it on every release), so the device's own
 *   schema decides: with it, the configured sources are redistributed (`static` through a
 *   route map dropping the dial-up clients' /32s); without it, BGP announces the same routes
 *   from its network table (src/model/fortigate/bgp.ts).
 *
 * Offline (no device), the plan takes `ASSUMED_DEVICE` and says so in the stack outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { FortigateConfig } from "../../config/fortigate";
import {
  ASSUMED_DEVICE,
  fortigateConnection,
  type FortigateDeviceFacts,
} from "../../model/fortigate";
import { FortiosClient } from "../../providers/fortios/client";

export interface FactsOptions {
  /** Offline plan: never contact the device. */
  readonly offline: boolean;
  /** PEM text of tls.ca, read when the site loaded. */
  readonly ca?: string;
  /** The stack secret `homelab:<name>`, in plain text (a real run only). */
  readonly secret?: (name: string) => string | undefined;
}

/** Whether a FortiOS schema answer (`?action=schema`) has the child table `name`. */
export function schemaHas(schema: Record<string, unknown>, name: string): boolean {
  const children = schema.children;
  return children !== null && typeof children === "object" && name in children;
}

/** What the FortiGate behind `client` supports (read-only requests). */
export async function askDevice(client: FortiosClient): Promise<FortigateDeviceFacts> {
  const schema = await client.schema("router/bgp");
  return {
    bgpRedistribute: schemaHas(schema, "redistribute"),
    source: `asked ${client.device} (GET cmdb/router/bgp?action=schema)`,
  };
}

/** The device's facts for a stack with this FortiGate config (undefined without BGP). */
export async function resolveFortigateFacts(
  config: FortigateConfig,
  options: FactsOptions,
): Promise<FortigateDeviceFacts | undefined> {
  if (!config.federation) return undefined;
  if (options.offline) return ASSUMED_DEVICE;
  const secret = options.secret ?? ((name: string) => pulumi.runtime.getConfig(`homelab:${name}`));
  const client = new FortiosClient(fortigateConnection(config, options.ca), {
    token: () => secret("fortigateApiToken") ?? process.env.FORTIOS_API_TOKEN,
  });
  try {
    return await askDevice(client);
  } catch (error) {
    throw new pulumi.RunError(
      `the FortiGate could not be asked what its router/bgp supports (before anything is written): ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    client.close();
  }
}

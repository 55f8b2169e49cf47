/**
 * The explicit Proxmox provider of a cluster, configured from the stack only.
 *
 * The provider plugin (bpg/terraform-provider-proxmox underneath) falls back to PROXMOX_VE_*
 * environment variables for every setting left unset. So every setting it would otherwise
 * take from the environment and that this program knows is set explicitly here; the ones
 * that cannot be set (listed in `AMBIENT_PROVIDER_ENV`) are documented in the README.
 */
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import type { ProxmoxConnection } from "../../model/proxmox-plan";

/** Minimum TLS version of API calls, set explicitly so PROXMOX_VE_MIN_TLS cannot lower it. */
export const MIN_TLS = "1.3";

/**
 * Environment variables the provider plugin still reads, because the program cannot pin the
 * setting: the SDK drops empty values, so an unset secret cannot be forced empty. An auth
 * ticket even takes precedence over the API token. Listed in the README (a test keeps the
 * two in step).
 */
export const AMBIENT_PROVIDER_ENV = [
  "PROXMOX_VE_AUTH_TICKET",
  "PROXMOX_VE_CSRF_PREVENTION_TOKEN",
  "PROXMOX_VE_USERNAME",
  "PROXMOX_VE_PASSWORD",
  "PROXMOX_VE_OTP",
  "PROXMOX_VE_TMPDIR",
  "PROXMOX_VE_SSH_PASSWORD",
  "PROXMOX_VE_SSH_PRIVATE_KEY",
  "PROXMOX_VE_SSH_SOCKS5_SERVER",
  "PROXMOX_VE_SSH_SOCKS5_USERNAME",
  "PROXMOX_VE_SSH_SOCKS5_PASSWORD",
  "SSH_AUTH_SOCK",
] as const;

/** Read from the environment only when the stack declares no `ssh` block. */
export const AMBIENT_WITHOUT_SSH_ENV = ["PROXMOX_VE_SSH_USERNAME", "PROXMOX_VE_SSH_AGENT"] as const;

/**
 * The API token as Proxmox expects it: `user@realm!tokenid=secret`. Built inside an Output
 * from the secret, so it stays secret.
 */
export function apiToken(apiTokenId: string, secret: pulumi.Output<string>): pulumi.Output<string> {
  return pulumi.secret(pulumi.interpolate`${apiTokenId}=${secret}`);
}

/** Provider arguments: everything explicit, the token secret. */
export function providerArgs(
  connection: ProxmoxConnection,
  token: pulumi.Output<string>,
): proxmoxve.ProviderArgs {
  return {
    endpoint: connection.endpoint,
    apiToken: token,
    // Always explicit: unset, PROXMOX_VE_INSECURE=true in the environment would turn
    // certificate verification off.
    insecure: connection.insecureSkipVerify,
    minTls: MIN_TLS,
    // Guest ids always come from the config (declared or derived from the name).
    randomVmIds: false,
    ssh: connection.ssh
      ? {
          username: connection.ssh.username,
          agent: connection.ssh.agent,
          agentForwarding: false,
          // Node addresses come from the config, not from the API or DNS.
          nodes: connection.ssh.nodes.map((node) => ({ name: node.name, address: node.address })),
        }
      : undefined,
  };
}

export function createProvider(
  name: string,
  connection: ProxmoxConnection,
  token: pulumi.Output<string>,
  parent: pulumi.Resource,
): proxmoxve.Provider {
  return new proxmoxve.Provider(name, providerArgs(connection, token), { parent });
}

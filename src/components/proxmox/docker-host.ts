/**
 * What makes a Docker host VM usable from its first boot: its cloud-init user data as a
 * Proxmox snippet (docs/proxmox.md, "Docker hosts"), and a wait, over SSH, until its Docker
 * daemon answers. The host's Docker provider depends on the wait (cluster.ts hands it out as
 * the guest's `resource`), so no container is deployed before `docker info` works.
 */
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as command from "@pulumi/command";
import type * as pulumi from "@pulumi/pulumi";
import type { GuestPlan } from "../../model/proxmox-plan";
import { childOptions, type ProxmoxContext } from "./context";

/**
 * The user data snippet. The provider uploads `snippets` over SSH to the storage's directory
 * on the VM's node (bpg/terraform-provider-proxmox v0.111.1, proxmoxtf/resource/file.go
 * l. 571-621: only iso, vztmpl and import go through the API), hence the `ssh` block the
 * validation asks for. `source_raw` is ForceNew (l. 189-221): a changed user data replaces
 * the file under the same name, so the old one is deleted first; the VM names the file by
 * its volume id, which does not change. The file is kept when its guest is removed from the
 * configuration (`retainOnDelete`, like the guest): Proxmox refuses to start a VM whose
 * user data file is missing.
 */
export function createUserData(
  ctx: ProxmoxContext,
  guest: GuestPlan,
  userData: NonNullable<GuestPlan["userData"]>,
): proxmoxve.FileLegacy {
  return new proxmoxve.FileLegacy(
    `${ctx.name}-user-data-${guest.name}`,
    {
      nodeName: guest.node,
      datastoreId: userData.storage,
      contentType: "snippets",
      sourceRaw: { fileName: userData.fileName, data: userData.content },
      overwrite: true,
    },
    childOptions(ctx, { deleteBeforeReplace: true, retainOnDelete: true }),
  );
}

/** How long the wait tries to reach sshd while the VM boots (attempts, seconds per attempt). */
export const SSH_DIAL = { attempts: 60, timeoutSeconds: 10 } as const;

/**
 * The wait's script, run as the Docker user: cloud-init done (exit 2 is "done with
 * recoverable errors", e.g. a deprecated key: canonical/cloud-init cloudinit/cmd/status.py
 * l. 254-255), then `docker info` answering (the daemon can start a little after).
 */
export const DOCKER_READY_SCRIPT = [
  "set -u",
  "status=0",
  "timeout 1800 cloud-init status --wait >/dev/null || status=$?",
  'if [ "$status" -ne 0 ] && [ "$status" -ne 2 ]; then',
  '  echo "cloud-init did not finish (status $status):" >&2',
  "  cloud-init status --long >&2",
  "  exit 1",
  "fi",
  "for attempt in $(seq 60); do",
  "  docker info >/dev/null 2>&1 && exit 0",
  "  sleep 5",
  "done",
  "docker info >/dev/null",
].join("\n");

/**
 * Waits, after the VM is created, until its Docker daemon answers the Docker user over SSH.
 * `@pulumi/command`'s remote Command (v1.2.1, provider/pkg/provider/remote/connection.go):
 * no private key and no password in its inputs, so nothing secret in the state; it signs
 * with the keys of the SSH agent at `SSH_AUTH_SOCK` (l. 131-145, tryGetDefaultAgentSocket in
 * connection_unix.go). It retries the connection while the VM boots and cloud-init creates
 * the user (`dialErrorLimit` attempts of at most `perDialTimeout` seconds, 5 s apart at most:
 * l. 150-205 with pulumi's retry.Until defaults). It does not check the host's key
 * (`hostKey` unset: l. 88-98); the Docker provider's own `ssh` does (known_hosts).
 */
export function createDockerWait(
  ctx: ProxmoxContext,
  guest: GuestPlan,
  address: string,
  vm: pulumi.Resource,
  provider: command.Provider,
): command.remote.Command {
  return new command.remote.Command(
    `${ctx.name}-docker-ready-${guest.name}`,
    {
      connection: {
        host: address,
        port: guest.sshPort,
        user: guest.sshUser,
        dialErrorLimit: SSH_DIAL.attempts,
        perDialTimeout: SSH_DIAL.timeoutSeconds,
      },
      // Runs when the VM is created; again only when the script or the connection changes
      // (an update runs `create` when there is no `update`: remote/commandController.go
      // l. 63-82), never on an up that changes neither.
      create: DOCKER_READY_SCRIPT,
    },
    { parent: ctx.parent, provider, dependsOn: [vm] },
  );
}

/**
 * Scheduled backup jobs (vzdump), each covering the guests that name it. A job no guest
 * names is not created (Proxmox refuses a job that selects nothing).
 */
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type * as pulumi from "@pulumi/pulumi";
import type { ProxmoxConfig } from "../../config/proxmox";
import { backupJobs, pruneBackups, vzdumpCompress } from "../../model/proxmox";
import { childOptions, type ProxmoxContext } from "./context";

export function createBackupJobs(
  ctx: ProxmoxContext,
  proxmox: ProxmoxConfig,
  storages: ReadonlyMap<string, pulumi.Resource>,
  guests: ReadonlyMap<string, pulumi.Resource>,
): proxmoxve.backup.Job[] {
  return backupJobs(proxmox).map(({ job, vmids }) => {
    const members = proxmox.guests
      .filter((g) => g.backup === job.name)
      .map((g) => guests.get(g.name))
      .filter((r): r is pulumi.Resource => r !== undefined);
    const storage = storages.get(job.storage);
    return new proxmoxve.backup.Job(
      `${ctx.name}-backup-${job.name}`,
      {
        resourceId: job.name,
        schedule: job.schedule,
        storage: job.storage,
        vmids: vmids.map(String),
        mode: job.mode,
        compress: vzdumpCompress(job.compression),
        pruneBackups: pruneBackups(job.keep),
        mailtos: job.notify ? [job.notify] : undefined,
        mailnotification: job.notify ? "always" : undefined,
        enabled: true,
      },
      childOptions(ctx, { dependsOn: [...(storage ? [storage] : []), ...members] }),
    );
  });
}

/**
 * Scheduled backup jobs (vzdump), each covering the guests that name it. A job no guest
 * names is not created (Proxmox refuses a job that selects nothing).
 */
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type * as pulumi from "@pulumi/pulumi";
import type { BackupPlan } from "../../model/proxmox-plan";
import { childOptions, type ProxmoxContext } from "./context";

export function createBackupJobs(
  ctx: ProxmoxContext,
  backups: readonly BackupPlan[],
  storages: ReadonlyMap<string, pulumi.Resource>,
  guests: ReadonlyMap<string, pulumi.Resource>,
): proxmoxve.backup.Job[] {
  return backups.map(({ job, vmids, guests: names, pruneBackups, compress }) => {
    const members = names
      .map((name) => guests.get(name))
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
        compress,
        pruneBackups,
        mailtos: job.notify ? [job.notify] : undefined,
        mailnotification: job.notify ? "always" : undefined,
        enabled: true,
      },
      childOptions(ctx, { dependsOn: [...(storage ? [storage] : []), ...members] }),
    );
  });
}

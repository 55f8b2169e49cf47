/**
 * Images Proxmox downloads itself (cloud images as `import` content, container templates as
 * `vztmpl`), one download per image and node, or one in all on a shared storage.
 *
 * `overwrite: false`: a "latest" URL whose upstream file changes does not re-download (and
 * show a change) on every run; a new image is a new URL or file name. Guests use an image
 * only when they are created (see guests.ts), so replacing a download never touches a guest.
 */
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type * as pulumi from "@pulumi/pulumi";
import type { ImageFile } from "../../model/proxmox";
import { childOptions, type ProxmoxContext } from "./context";

export interface Download {
  readonly file: ImageFile;
  readonly resource: proxmoxve.download.File;
}

/**
 * Downloads keyed by "<image>/<node>" for every node a download serves (one download on a
 * shared storage serves every powered node).
 */
export function createImages(
  ctx: ProxmoxContext,
  files: readonly ImageFile[],
  storages: ReadonlyMap<string, pulumi.Resource>,
): Map<string, Download> {
  const out = new Map<string, Download>();
  for (const file of files) {
    const storage = storages.get(file.storage);
    const resource = new proxmoxve.download.File(
      `${ctx.name}-image-${file.image}-${file.node}`,
      {
        nodeName: file.node,
        datastoreId: file.storage,
        contentType: file.contentType,
        url: file.url,
        fileName: file.fileName,
        checksum: file.checksum?.value,
        checksumAlgorithm: file.checksum?.algorithm,
        verify: true,
        overwrite: false,
        // A file of the same name put there by hand is replaced by the declared one.
        overwriteUnmanaged: true,
      },
      childOptions(ctx, { dependsOn: storage ? [storage] : [] }),
    );
    for (const node of file.serves) out.set(`${file.image}/${node}`, { file, resource });
  }
  return out;
}

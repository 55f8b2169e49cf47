/**
 * The rules within `homelab:proxmox` about Docker host guests and what guests are built from
 * (run from proxmoxRules, proxmox.rules.ts). Paths are relative to the section.
 *
 * Docker hosts are VMs (docs/proxmox.md, "Docker hosts"): Docker in an LXC container needs
 * `keyctl`, which only root@pam may set on an existing container (pve-container
 * src/PVE/LXC.pm l. 1690-1732, "changing feature flags (except nesting) is only allowed for
 * root@pam"; pve-container src/PVE/LXC/Config.pm l. 475-485: keyctl "is required to use
 * docker inside a container"), and the runc fix for CVE-2025-52881 (runc 1.3.3, November
 * 2025) made Docker fail in unprivileged containers (opencontainers/runc#4968, #4972,
 * moby/moby#51405). A Docker host VM gets cloud-init user data as a snippet, which the
 * Proxmox provider uploads over SSH into a storage directory with `snippets` content
 * (bpg/terraform-provider-proxmox v0.111.1 proxmoxtf/resource/file.go l. 571-621).
 */
import type { PathSegment } from "./errors";
import type { ProblemSink } from "./problems";
import type { Image, ProxmoxConfig } from "./proxmox";
import { storageContents } from "./proxmox.storage";

/** Path segments of a URL that name a moving target ("latest", "current"). */
const MOVING = ["latest", "current"];

/** Hex digits of each digest algorithm. */
const DIGEST_LENGTH = { sha256: 64, sha512: 128 } as const;

/** An image comes over HTTPS from a fixed (dated) address, with the digest Proxmox verifies. */
export function checkImageSource(image: Image, path: PathSegment[], out: ProblemSink): void {
  const url = new URL(image.url);
  if (url.protocol !== "https:") {
    out.add(
      [...path, "url"],
      `plain HTTP: anyone on the path could choose what is downloaded; use the https:// address of the same file (download.proxmox.com and cloud.debian.org serve both)`,
    );
  }
  const moving = url.pathname.split("/").find((segment) => MOVING.includes(segment));
  if (moving) {
    out.add(
      [...path, "url"],
      `"/${moving}/" is a moving address: the file behind it changes, so its checksum stops matching and guests created later get another image. Use the file's dated address (for Debian cloud images the dated directory, e.g. https://cloud.debian.org/images/cloud/trixie/20260712-2537/) with its checksum`,
    );
  }
  if (!image.checksum) {
    out.add(
      [...path, "checksum"],
      "a download needs the file's digest, which Proxmox verifies: add checksum: { algorithm: sha512, value: <digest> } with the digest published next to the file (a Debian cloud image: SHA512SUMS in its dated directory; a Proxmox template: its sha512sum in pveam's index, /var/lib/pve-manager/apl-info/download.proxmox.com on a node) (docs/proxmox.md, Images)",
    );
  } else {
    const wanted = DIGEST_LENGTH[image.checksum.algorithm];
    if (image.checksum.value.length !== wanted) {
      out.add(
        [...path, "checksum", "value"],
        `a ${image.checksum.algorithm} digest has ${wanted} hex digits, this one ${image.checksum.value.length}: copy the whole digest`,
      );
    }
  }
}

/** Docker hosts are VMs with what their first boot needs: SSH to the nodes, a snippet storage. */
export function checkDockerHosts(px: ProxmoxConfig, out: ProblemSink): void {
  let firstVm: number | undefined;
  px.guests.forEach((guest, g) => {
    if (!guest.docker) return;
    const path: PathSegment[] = ["guests", g, "docker"];
    if (guest.type === "lxc") {
      out.add(
        path,
        'Docker hosts are VMs: Docker in an LXC container needs the keyctl feature, which only root@pam may set, and fails in unprivileged containers since the runc fix for CVE-2025-52881 (November 2025); Proxmox recommends running Docker in a VM. Make this guest type: vm with a cloud-image (docs/proxmox.md, "Docker hosts")',
      );
      return;
    }
    firstVm ??= g;
    const user = guest.docker.user;
    if (user !== undefined && guest.cloudInit && user !== guest.cloudInit.user) {
      out.add(
        [...path, "user"],
        `a Docker host VM is reached as its cloud-init login user ("${guest.cloudInit.user}"), the one its user data puts in the docker group: remove docker.user, or set cloudInit.user to "${user}"`,
      );
    }
  });
  if (firstVm === undefined) return;
  if (!px.ssh) {
    out.add(
      ["guests", firstVm, "docker"],
      "a Docker host VM gets its cloud-init user data as a snippet, which the Proxmox provider uploads to the node over SSH: add ssh to homelab:proxmox (e.g. ssh: { username: root }), with the node's key in your ssh-agent",
    );
  }
  checkSnippetStorage(px, out);
}

/** The storage of the snippets is declared, has a directory, and holds `snippets`. */
function checkSnippetStorage(px: ProxmoxConfig, out: ProblemSink): void {
  const name = px.snippetStorage;
  const storage = px.storages.find((s) => s.name === name);
  if (!storage) {
    out.add(
      ["snippetStorage"],
      `storage "${name}" is not declared: the cloud-init user data of Docker host VMs goes there, and the check needs to know it holds snippets. Declare it in storages, e.g. Proxmox's own local as { name: local, type: dir, existing: true, content: [iso, vztmpl, backup, snippets, import] } once snippets are enabled on it (pvesm set local --content iso,vztmpl,backup,snippets,import)`,
    );
    return;
  }
  if (storage.type !== "dir" && storage.type !== "nfs") {
    out.add(
      ["snippetStorage"],
      `storage "${name}" (${storage.type}) has no directory for snippets, where the cloud-init user data of Docker host VMs goes: use a dir or nfs storage`,
    );
  } else if (!storageContents(storage).includes("snippets")) {
    out.add(
      ["snippetStorage"],
      `storage "${name}" does not hold "snippets" content, which the cloud-init user data of Docker host VMs needs: add snippets to its content here and in Proxmox (pvesm set ${name} --content <its content>,snippets)`,
    );
  }
}

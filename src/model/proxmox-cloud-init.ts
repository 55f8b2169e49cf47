/**
 * The cloud-init user data of a Docker host VM (pure): its first boot makes it a Docker host
 * the program can deploy to. Proxmox serves the file as the VM's user data (`cicustom
 * user=<snippet>`), in place of the one it would generate from `ciuser`/`sshkeys`; the
 * network configuration still comes from the VM's `ipconfig`.
 *
 * What it does, in cloud-init's own order (canonical/cloud-init config/cloud.cfg.tmpl at
 * 04eacd0: bootcmd l. 112 and users_groups l. 132 at init, package_update_upgrade_install
 * l. 188 at final):
 * - bootcmd creates `docker` as a system group, so the login user is created in it (its first
 *   SSH session can use the daemon) and the package's own `addgroup --system docker` finds it;
 * - the login user, locked password, sudo, the site's and the guest's SSH keys;
 * - `ssh_deletekeys: false`: Proxmox gives a VM a new instance id when its cloud-init data
 *   changes, and cloud-init would then replace the host keys (cloudinit/config/cc_ssh.py
 *   l. 100), which `ssh` (the Docker provider) refuses; missing keys are still generated on
 *   the first boot (l. 179);
 * - Docker from Debian's own packages (`docker.io`, signed by Debian's archive keys that the
 *   image trusts), after an upgrade of the image's packages.
 *
 * Every value is written as a JSON string, which YAML reads as a double-quoted scalar: no key,
 * name or comment can change the document's structure.
 */

export interface DockerUserData {
  /** The VM's name (its hostname). */
  readonly hostname: string;
  /** The site's internal domain, for the FQDN. */
  readonly domain: string;
  /** The login user, put in the docker group. */
  readonly user: string;
  /** Authorized SSH public keys (site's, then the guest's). */
  readonly sshKeys: readonly string[];
}

/** The Debian package that provides the Docker daemon and CLI. */
export const DOCKER_PACKAGE = "docker.io";

const q = (value: string) => JSON.stringify(value);

export function dockerUserData(data: DockerUserData): string {
  return [
    "#cloud-config",
    `# homelab: first boot of Docker host ${q(data.hostname)} (src/model/proxmox-cloud-init.ts).`,
    `hostname: ${q(data.hostname)}`,
    `fqdn: ${q(`${data.hostname}.${data.domain}`)}`,
    "manage_etc_hosts: true",
    "bootcmd:",
    `  - [sh, -c, "getent group docker >/dev/null || groupadd --system docker"]`,
    "users:",
    `  - name: ${q(data.user)}`,
    "    groups: [docker]",
    "    shell: /bin/bash",
    `    sudo: "ALL=(ALL) NOPASSWD:ALL"`,
    "    lock_passwd: true",
    "    ssh_authorized_keys:",
    ...data.sshKeys.map((key) => `      - ${q(key)}`),
    "ssh_pwauth: false",
    "ssh_deletekeys: false",
    "package_update: true",
    "package_upgrade: true",
    "packages:",
    `  - ${DOCKER_PACKAGE}`,
    "",
  ].join("\n");
}

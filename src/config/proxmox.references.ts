/**
 * The rules between `homelab:proxmox` and other sections (run from references.ts once
 * `homelab:proxmox` and `homelab:site` are well-formed): a Docker host guest is reached over SSH with a key of the site or
 * of the guest, so it must have one.
 */
import type { ProblemSink } from "./problems";
import { configKey, type SiteConfig } from "./stack";

export function proxmoxReferences(config: SiteConfig, out: ProblemSink): void {
  const guests = config.proxmox?.guests ?? [];
  guests.forEach((guest, g) => {
    // An LXC Docker host is refused by the section's own rules (proxmox.hosts.rules.ts).
    if (!guest.docker || guest.type !== "vm") return;
    if (config.site.sshKeys.length > 0 || (guest.cloudInit?.sshKeys.length ?? 0) > 0) return;
    out.add(
      [configKey("proxmox"), "guests", g, "docker"],
      `a Docker host is reached over SSH with your key, but no SSH public key is declared for guest "${guest.name}": add yours to homelab:site.sshKeys (every guest gets them) or to this guest's cloudInit.sshKeys, and keep the private key in your ssh-agent`,
    );
  });
}

/**
 * Docker hosts of a site (pure): `homelab:hosts` entries with a docker block, and Proxmox
 * guests with one (their address comes from the address plan).
 */
import { formerNames } from "../config/renames";
import type { SiteConfig } from "../config/stack";
import { guestAddress, type AddressPlan } from "./address-plan";

export interface DockerHost {
  readonly name: string;
  /** Address or DNS name the Docker daemon is reached at over SSH. */
  readonly address: string;
  readonly user: string;
  readonly port: number;
  /** Directory for bind-mounted configuration files. */
  readonly dataRoot: string;
  /** "guest": a Proxmox guest created by this stack (wait for it before connecting). */
  readonly kind: "host" | "guest";
  /** Former names, oldest first (`renamedFrom`): its resources keep their identity. */
  readonly formerNames: readonly string[];
}

/** Default SSH user of a guest: docker.user, else the cloud-init user (VMs) or root (LXC). */
export function guestSshUser(guest: {
  type: "vm" | "lxc";
  docker?: { user?: string };
  cloudInit?: { user: string };
}): string {
  return guest.docker?.user ?? (guest.type === "vm" ? (guest.cloudInit?.user ?? "debian") : "root");
}

/** Every Docker host; guests without a known address (dhcp) are left out (validation forbids them). */
export function dockerHosts(config: SiteConfig, plan: AddressPlan): DockerHost[] {
  const out: DockerHost[] = [];
  for (const host of config.hosts) {
    if (!host.docker) continue;
    out.push({
      name: host.name,
      address: host.address,
      user: host.docker.user,
      port: host.docker.port,
      dataRoot: host.docker.dataRoot,
      kind: "host",
      formerNames: formerNames(host),
    });
  }
  for (const guest of config.proxmox?.guests ?? []) {
    if (!guest.docker) continue;
    const address = guestAddress(plan, guest.name)?.address;
    if (!address) continue;
    out.push({
      name: guest.name,
      address,
      user: guestSshUser(guest),
      port: guest.docker.port,
      dataRoot: "/srv/homelab",
      kind: "guest",
      formerNames: formerNames(guest),
    });
  }
  return out;
}

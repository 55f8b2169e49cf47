/**
 * `npm run new-site -- <name> [--edge fortigate|unifi]`: writes `Pulumi.<name>.yaml`, a
 * commented starting stack for a site of your own: the site, its edge router with one LAN,
 * one Docker host on it and one catalog application, and the optional sections as comments.
 * The file validates as written (`npm run check -- --stack <name>`); the addresses are
 * placeholders to replace with the site's. It never overwrites a file.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { name as nameSchema } from "../config/primitives";
import { oneOf, parseCliArgs, projectRoot, runCli, UsageError } from "./common";

const USAGE = `usage: npm run new-site -- <name> [--edge fortigate|unifi]

Writes Pulumi.<name>.yaml, a commented starting stack that validates as written.
  <name>            the site and stack name: lowercase letters, digits and hyphens
  --edge <kind>     the edge router: fortigate (default) or unifi`;

export const EDGES = ["fortigate", "unifi"] as const;
export type Edge = (typeof EDGES)[number];

const HEADER = (
  site: string,
  edge: Edge,
) => `# yaml-language-server: $schema=./stacks/schema/stack.schema.json
#
# Site "${site}", written by \`npm run new-site -- ${site} --edge ${edge}\`. A starting point:
# replace the addresses, names and keys with your site's (they are placeholders from the
# documentation ranges), uncomment the sections your site has, and delete what it does not.
#
#   npm run check -- --stack ${site}     validates it and lists the secrets it needs
#   npm run plan -- --stack ${site}      prints what \`pulumi up\` would create
#   npm run diagram -- --stack ${site}   draws it
#
# Every key is described in stacks/schema/stack.schema.json (editors complete them), the
# parts in docs/ (proxmox.md, fortigate.md, unifi.md, services.md, federation.md), the
# catalog's applications in docs/catalog.md. Secrets never go in this file: set each one
# with \`pulumi config set --secret homelab:<name>\` (npm run check prints the commands).
config:
  homelab:site:
    name: ${site}
    description: My homelab
    domains:
      internal: home.arpa # LAN-only names (RFC 8375)
      # public: example.net # the Cloudflare zone of what you publish (homelab:cloudflare)
    timezone: Etc/UTC
    # contactEmail: you@example.net # ACME account and alerts
    # sshKeys: # the program reaches Proxmox nodes and Docker host VMs with them (ssh-agent)
    #   - ssh-ed25519 AAAA... you@laptop
`;

const FORTIGATE = `
  # The FortiGate, through its REST API (an API administrator's token: the secret
  # fortigateApiToken). docs/fortigate.md: interfaces, VLANs, DHCP, routes, BGP, dial-up VPN.
  homelab:fortigate:
    host: 192.168.1.99
    vdom: root
    # tls: { fingerprint: "AB:CD:..." } # the certificate's SHA-256, or a CA: docs/fortigate.md
    interfaces:
      - name: wan1
        role: wan
        mode: dhcp
        allowaccess: [ping]
      - name: lan
        ip: 192.168.10.1/24
        allowaccess: [ping, https, ssh]
        description: The LAN
    dhcp:
      - interface: lan
        range: 192.168.10.100-192.168.10.199
        dns: [192.168.10.1]
        domain: home.arpa
    internet: # the LAN out through wan1, NATed to its address
      interface: wan1
      networks: [lan]
    # federation: # with homelab:federation: the tunnels' interface, the networks peers reach
    #   interface: wan1
    #   networks: [lan]
`;

const UNIFI = `
  # The UniFi gateway, through the Network application's API (an API key: the secret
  # unifiApiKey). docs/unifi.md: VLAN networks, WireGuard, the inter-VLAN policy.
  homelab:unifi:
    controller: https://192.168.10.1
    site: default
    auth: apiKey
    # tls: { fingerprint: "AB:CD:..." } # the certificate's SHA-256, or a CA: docs/unifi.md
    networks:
      - name: lan
        vlan: 10
        cidr: 192.168.10.0/24
        gateway: 192.168.10.1
        dhcp: { range: 192.168.10.100-192.168.10.199 }
        domain: home.arpa
    firewall:
      mode: zone # zone-based policies (Network 9+); legacy: LAN_IN rules (docs/unifi.md)
      interVlan: deny # add allows between networks as { name, from, to, protocol, ports }
`;

const COMMON = `
  # Networks no device declares, named for access lists: an office's address, the ISP box.
  # homelab:networks:
  #   office: { cidr: 198.51.100.23/32, description: Office public address }

  # Machines outside Proxmox: a Docker host the program deploys containers to over SSH
  # (Docker installed, the user in the docker group), a NAS exporting NFS shares.
  homelab:hosts:
    - name: docker1
      address: 192.168.10.10
      network: lan
      description: The Docker host
      docker: { user: deploy }

  # Applications: from the catalog (docs/catalog.md lists each app's containers, volumes,
  # ports and what you may override) or \`app: custom\` with your own image. Add \`expose:\`
  # and homelab:proxy to publish one behind Traefik or Caddy (docs/services.md).
  homelab:services:
    - name: uptime-kuma
      app: uptime-kuma
      host: docker1

  # A reverse proxy for the exposed services (docs/services.md):
  # homelab:proxy:
  #   kind: caddy
  #   host: docker1
  #   tls: { acme: http, internal: self-signed }

  # A Proxmox VE cluster: nodes, storages, SDN, guests (docs/proxmox.md).
  # homelab:proxmox:
  #   endpoint: https://pve1.home.arpa:8006/
  #   apiTokenId: pulumi@pve!homelab
  #   nodes:
  #     - { name: pve1, address: 192.168.10.11 }

  # Cloudflare DNS for the public names (docs/services.md, Cloudflare).
  # homelab:cloudflare:
  #   zone: example.net
  #   origin: { ipv4: 203.0.113.10 } # your public address (or { cname: <dynamic DNS name> })

  # A member of the federation registry stacks/federation.yaml (README, Joining the
  # federation; docs/federation.md). A FortiGate edge builds the tunnels.
  # homelab:federation:
  #   member: your-id
`;

/** The text of a new site's stack file. */
export function newSiteText(site: string, edge: Edge): string {
  return HEADER(site, edge) + (edge === "fortigate" ? FORTIGATE : UNIFI) + COMMON;
}

/** Writes `Pulumi.<site>.yaml` in `root`; returns its file name. */
export function writeNewSite(root: string, site: string, edge: Edge): string {
  const parsed = nameSchema.safeParse(site);
  if (!parsed.success) {
    throw new UsageError(`<name> "${site}" ${parsed.error.issues[0]!.message}`);
  }
  const file = `Pulumi.${site}.yaml`;
  if (existsSync(join(root, file))) {
    throw new UsageError(
      `${file} already exists: choose another name, or delete it first (new-site never overwrites)`,
    );
  }
  writeFileSync(join(root, file), newSiteText(site, edge));
  return file;
}

/** The command, given the arguments after its name (sets `process.exitCode`). */
export const main = (argv: string[]): Promise<void> =>
  runCli(USAGE, () => {
    const { values, positionals } = parseCliArgs(argv, USAGE, { edge: { type: "string" } }, [
      "<name>",
    ]);
    const edge = oneOf("--edge", values.edge, EDGES, "fortigate");
    const site = positionals[0]!;
    const file = writeNewSite(projectRoot(), site, edge);
    process.stdout.write(
      `wrote ${file}\nnext: edit it, then npm run check -- --stack ${site} and npm run plan -- --stack ${site}\n`,
    );
    return 0;
  });

if (require.main === module) void main(process.argv.slice(2));

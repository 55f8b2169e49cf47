/** Pi-hole v6 (https://docs.pi-hole.net/docker/). */
import type { AppDefinition } from "../types";

export const pihole: AppDefinition = {
  name: "pihole",
  title: "Pi-hole",
  docs: "https://docs.pi-hole.net/docker/",
  webPart: "server",
  webPort: 80,
  parts: (ctx) => ({
    server: {
      image: "docker.io/pihole/pihole:2025.08.0",
      role: "app",
      ports: [
        { container: 53, host: 53, protocol: "tcp" },
        { container: 53, host: 53, protocol: "udp" },
      ],
      env: {
        FTLCONF_webserver_api_password: ctx.generated("web-password"),
        // The default bridge network needs every interface answered.
        FTLCONF_dns_listeningMode: "ALL",
        // Cloudflare's "family" resolvers (malware and adult content filtered).
        FTLCONF_dns_upstreams: "1.1.1.3;1.0.0.3",
        // Local DNS records: the site's internal names (array values are ;-separated).
        ...(ctx.localDnsRecords && ctx.localDnsRecords.length > 0
          ? {
              FTLCONF_dns_hosts: ctx.localDnsRecords.map((r) => `${r.address} ${r.name}`).join(";"),
            }
          : {}),
      },
      volumes: [{ volume: "etc", path: "/etc/pihole" }],
      healthcheck: {
        test: ["CMD", "dig", "+short", "+norecurse", "+retry=0", "@127.0.0.1", "pi.hole"],
        interval: "30s",
        timeout: "5s",
        retries: 3,
      },
    },
  }),
};

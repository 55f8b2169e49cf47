/** Grafana OSS (https://grafana.com/docs/grafana/latest/setup-grafana/installation/docker/). */
import { httpHealth } from "../common";
import type { AppDefinition } from "../types";

export const grafana: AppDefinition = {
  name: "grafana",
  title: "Grafana",
  docs: "https://grafana.com/docs/grafana/latest/setup-grafana/installation/docker/",
  webPart: "server",
  webPort: 3000,
  parts: (ctx) => ({
    server: {
      image: "docker.io/grafana/grafana:12.2.0",
      role: "app",
      env: {
        GF_SECURITY_ADMIN_USER: "admin",
        GF_SECURITY_ADMIN_PASSWORD: ctx.generated("admin-password"),
        GF_USERS_ALLOW_SIGN_UP: "false",
        ...(ctx.url ? { GF_SERVER_ROOT_URL: ctx.url } : {}),
      },
      // The image runs as grafana (472); the named volume inherits the image's ownership.
      volumes: [{ volume: "data", path: "/var/lib/grafana" }],
      healthcheck: httpHealth("http://localhost:3000/api/health"),
      capDrop: ["ALL"],
    },
  }),
};

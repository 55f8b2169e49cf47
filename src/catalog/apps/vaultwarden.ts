/** Vaultwarden (https://github.com/dani-garcia/vaultwarden/wiki/Using-Docker-Compose). */
import type { AppDefinition } from "../types";

export const vaultwarden: AppDefinition = {
  name: "vaultwarden",
  title: "Vaultwarden",
  docs: "https://github.com/dani-garcia/vaultwarden/wiki/Using-Docker-Compose",
  webPart: "server",
  webPort: 80,
  parts: (ctx) => ({
    server: {
      image: "docker.io/vaultwarden/server:1.34.3",
      role: "app",
      env: { ...(ctx.url ? { DOMAIN: ctx.url } : {}) },
      volumes: [{ volume: "data", path: "/data" }],
      healthcheck: { test: ["CMD", "/healthcheck.sh"], interval: "60s" },
      // Binds port 80 as root: nothing else is needed.
      capDrop: ["ALL"],
      capAdd: ["NET_BIND_SERVICE"],
    },
  }),
};

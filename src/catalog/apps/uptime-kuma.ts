/** Uptime Kuma 2 (https://github.com/louislam/uptime-kuma/wiki/%F0%9F%94%A7-How-to-Install). */
import type { AppDefinition } from "../types";

export const uptimeKuma: AppDefinition = {
  name: "uptime-kuma",
  title: "Uptime Kuma",
  docs: "https://github.com/louislam/uptime-kuma/wiki/%F0%9F%94%A7-How-to-Install",
  webPart: "server",
  webPort: 3001,
  parts: () => ({
    server: {
      image: "docker.io/louislam/uptime-kuma:2.0.2",
      role: "app",
      volumes: [{ volume: "data", path: "/app/data" }],
      healthcheck: { test: ["CMD", "extra/healthcheck"], startPeriod: "60s" },
    },
  }),
};

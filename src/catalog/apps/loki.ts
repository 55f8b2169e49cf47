/** Grafana Loki, single binary (https://grafana.com/docs/loki/latest/setup/install/docker/). */
import type { AppDefinition } from "../types";

export const loki: AppDefinition = {
  name: "loki",
  title: "Loki",
  docs: "https://grafana.com/docs/loki/latest/setup/install/docker/",
  webPart: "server",
  webPort: 3100,
  parts: () => ({
    server: {
      image: "docker.io/grafana/loki:3.5.5",
      role: "app",
      command: ["-config.file=/etc/loki/local-config.yaml"],
      // Runs as uid 10001; the image's /loki belongs to it, so the volume does too.
      volumes: [{ volume: "data", path: "/loki" }],
      ports: [{ container: 3100 }],
      healthcheck: { test: ["CMD", "/usr/bin/loki", "-health"], startPeriod: "30s" },
      capDrop: ["ALL"],
      readOnlyRootFs: true,
    },
  }),
};

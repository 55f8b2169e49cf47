/** Prometheus (https://prometheus.io/docs/prometheus/latest/installation/#using-docker). */
import { httpHealth } from "../common";
import type { AppDefinition } from "../types";

export const prometheus: AppDefinition = {
  name: "prometheus",
  title: "Prometheus",
  docs: "https://prometheus.io/docs/prometheus/latest/installation/#using-docker",
  webPart: "server",
  webPort: 9090,
  parts: (ctx) => ({
    server: {
      image: "docker.io/prom/prometheus:v3.5.0",
      role: "app",
      command: [
        "--config.file=/etc/prometheus/prometheus.yml",
        "--storage.tsdb.path=/prometheus",
        "--storage.tsdb.retention.time=30d",
        ...(ctx.url ? [`--web.external-url=${ctx.url}`] : []),
      ],
      files: [
        {
          path: "/etc/prometheus/prometheus.yml",
          content:
            "global:\n  scrape_interval: 30s\nscrape_configs:\n  - job_name: prometheus\n" +
            "    static_configs:\n      - targets: [localhost:9090]\n",
        },
      ],
      // Runs as nobody; /prometheus in the image belongs to nobody, so the volume does too.
      volumes: [{ volume: "data", path: "/prometheus" }],
      healthcheck: httpHealth("http://localhost:9090/-/healthy"),
      capDrop: ["ALL"],
      readOnlyRootFs: true,
    },
  }),
};

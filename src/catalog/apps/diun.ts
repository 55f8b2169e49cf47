/** Diun, image update notifications (https://crazymax.dev/diun/install/docker/). */
import type { AppDefinition } from "../types";

export const diun: AppDefinition = {
  name: "diun",
  title: "Diun",
  docs: "https://crazymax.dev/diun/install/docker/",
  webPart: "server",
  parts: () => ({
    server: {
      image: "docker.io/crazymax/diun:4.33.0",
      role: "app",
      command: ["serve"],
      env: {
        DIUN_WATCH_WORKERS: "20",
        DIUN_WATCH_SCHEDULE: "0 */6 * * *",
        DIUN_WATCH_JITTER: "30s",
        DIUN_PROVIDERS_DOCKER: "true",
        DIUN_PROVIDERS_DOCKER_WATCHBYDEFAULT: "true",
      },
      volumes: [{ volume: "data", path: "/data" }],
      binds: [{ hostPath: "/var/run/docker.sock", path: "/var/run/docker.sock", readOnly: true }],
      healthcheck: { test: ["CMD", "diun", "healthcheck"], startPeriod: "60s" },
      capDrop: ["ALL"],
    },
  }),
};

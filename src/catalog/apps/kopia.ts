/** Kopia server (https://kopia.io/docs/installation/#docker-images). */
import type { AppDefinition } from "../types";

export const kopia: AppDefinition = {
  name: "kopia",
  title: "Kopia",
  docs: "https://kopia.io/docs/installation/#docker-images",
  webPart: "server",
  webPort: 51515,
  parts: (ctx) => ({
    server: {
      image: "docker.io/kopia/kopia:0.23.1",
      role: "app",
      // TLS is terminated by the reverse proxy; the UI still asks for the server password.
      command: [
        "server",
        "start",
        "--insecure",
        "--disable-csrf-token-checks",
        "--address=0.0.0.0:51515",
        "--server-username=admin",
      ],
      env: {
        KOPIA_SERVER_PASSWORD: ctx.generated("server-password"),
        KOPIA_PASSWORD: ctx.generated("repository-password"),
        USER: "kopia",
      },
      volumes: [
        { volume: "config", path: "/app/config" },
        { volume: "cache", path: "/app/cache" },
        { volume: "logs", path: "/app/logs" },
        { volume: "repository", path: "/repository" },
      ],
      // What it backs up: the host's Docker volumes, read-only.
      binds: [{ hostPath: "/var/lib/docker/volumes", path: "/data", readOnly: true }],
    },
  }),
};

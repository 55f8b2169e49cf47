/** ntfy (https://docs.ntfy.sh/install/#docker). */
import type { AppDefinition } from "../types";

export const ntfy: AppDefinition = {
  name: "ntfy",
  title: "ntfy",
  docs: "https://docs.ntfy.sh/install/#docker",
  webPart: "server",
  webPort: 80,
  parts: (ctx) => ({
    server: {
      image: "docker.io/binwiederhier/ntfy:v2.17.0",
      role: "app",
      command: ["serve"],
      env: {
        NTFY_CACHE_FILE: "/var/cache/ntfy/cache.db",
        NTFY_AUTH_FILE: "/var/cache/ntfy/user.db",
        NTFY_AUTH_DEFAULT_ACCESS: "deny-all",
        NTFY_ATTACHMENT_CACHE_DIR: "/var/cache/ntfy/attachments",
        NTFY_BEHIND_PROXY: "true",
        ...(ctx.url ? { NTFY_BASE_URL: ctx.url } : {}),
      },
      volumes: [{ volume: "cache", path: "/var/cache/ntfy" }],
      healthcheck: {
        test: [
          "CMD-SHELL",
          "wget -q --tries=1 http://localhost:80/v1/health -O - | grep -Eo '\"healthy\"\\s*:\\s*true' || exit 1",
        ],
        interval: "60s",
        startPeriod: "40s",
      },
      capDrop: ["ALL"],
      capAdd: ["NET_BIND_SERVICE"],
    },
  }),
};

/** Gatus (https://github.com/TwiN/gatus#docker), monitoring every route of the site. */
import type { AppDefinition } from "../types";

export const gatus: AppDefinition = {
  name: "gatus",
  title: "Gatus",
  docs: "https://github.com/TwiN/gatus#docker",
  webPart: "server",
  webPort: 8080,
  parts: (ctx) => {
    const endpoints = (ctx.monitors ?? [])
      .map(
        (m) =>
          `  - name: ${JSON.stringify(m.name)}\n    group: ${JSON.stringify(m.group)}\n` +
          `    url: ${JSON.stringify(m.url)}\n    interval: 5m\n` +
          `    client:\n      insecure: ${m.insecure ? "true" : "false"}\n` +
          `    conditions:\n      - "[STATUS] < 500"\n`,
      )
      .join("");
    const config =
      `storage:\n  type: sqlite\n  path: /data/data.db\n` +
      (endpoints ? `endpoints:\n${endpoints}` : "endpoints: []\n");
    return {
      server: {
        image: "docker.io/twinproduction/gatus:v5.25.2",
        role: "app",
        volumes: [{ volume: "data", path: "/data" }],
        files: [{ path: "/config/config.yaml", content: config }],
        capDrop: ["ALL"],
        readOnlyRootFs: true,
      },
    };
  },
};

/** Gokapi (https://gokapi.readthedocs.io/en/latest/setup.html#docker). */
import type { AppDefinition } from "../types";

export const gokapi: AppDefinition = {
  name: "gokapi",
  title: "Gokapi",
  docs: "https://gokapi.readthedocs.io/en/latest/setup.html#docker",
  webPart: "server",
  webPort: 53842,
  parts: () => ({
    server: {
      image: "docker.io/f0rc3/gokapi:v2.1.0",
      role: "app",
      volumes: [
        { volume: "data", path: "/app/data" },
        { volume: "config", path: "/app/config" },
      ],
      healthcheck: {
        test: ["CMD-SHELL", "wget -q --spider http://localhost:53842/ || exit 1"],
      },
      capDrop: ["ALL"],
      capAdd: ["CHOWN", "SETUID", "SETGID", "DAC_OVERRIDE"],
    },
  }),
};

/** Home Assistant (https://www.home-assistant.io/installation/linux#docker-compose). */
import { httpHealth } from "../common";
import type { AppDefinition } from "../types";

export const homeAssistant: AppDefinition = {
  name: "home-assistant",
  title: "Home Assistant",
  docs: "https://www.home-assistant.io/installation/linux#docker-compose",
  webPart: "server",
  webPort: 8123,
  parts: () => ({
    server: {
      image: "ghcr.io/home-assistant/home-assistant:2025.9.3",
      role: "app",
      volumes: [{ volume: "config", path: "/config" }],
      binds: [{ hostPath: "/run/dbus", path: "/run/dbus", readOnly: true }],
      // Upstream runs it privileged on the host network: discovery (mDNS, UPnP) needs the
      // host network and USB radios (a ZigBee dongle) need the devices.
      hostNetwork: true,
      privileged: true,
      healthcheck: httpHealth("http://localhost:8123/manifest.json", "curl"),
    },
  }),
};

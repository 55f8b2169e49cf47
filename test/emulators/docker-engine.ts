/**
 * A Docker Engine API for verify's tests: `GET /containers/json` (`all=1` for stopped ones
 * too) answering `ContainerSummary` objects as moby/moby api/swagger.yaml defines them, with
 * `Health` only from API v1.52 (older engines give the health in `Status` alone). Plain HTTP
 * on 127.0.0.1, reached through ./dial-stdio.js as `docker system dial-stdio` is over ssh.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

export interface ContainerSummary {
  readonly Id: string;
  readonly Names: string[];
  readonly Image: string;
  readonly ImageID: string;
  readonly Command: string;
  readonly Created: number;
  readonly Ports: unknown[];
  readonly Labels: Record<string, string>;
  State: "created" | "running" | "paused" | "restarting" | "exited" | "removing" | "dead";
  Status: string;
  readonly HostConfig: { NetworkMode: string };
  readonly NetworkSettings: { Networks: Record<string, unknown> };
  readonly Mounts: unknown[];
  Health?: { Status: "none" | "starting" | "healthy" | "unhealthy"; FailingStreak: number };
}

/** A running container, healthy when it has a health check. */
export function container(name: string, image: string, healthy?: boolean): ContainerSummary {
  return {
    Id: name.padEnd(64, "0").slice(0, 64),
    Names: [`/${name}`],
    Image: image,
    ImageID: `sha256:${"a".repeat(64)}`,
    Command: "",
    Created: 1767225600,
    Ports: [],
    Labels: { "managed-by": "homelab" },
    State: "running",
    Status: `Up 2 hours${healthy === undefined ? "" : healthy ? " (healthy)" : " (unhealthy)"}`,
    HostConfig: { NetworkMode: "bridge" },
    NetworkSettings: { Networks: {} },
    Mounts: [],
    Health:
      healthy === undefined
        ? { Status: "none", FailingStreak: 0 }
        : { Status: healthy ? "healthy" : "unhealthy", FailingStreak: healthy ? 0 : 3 },
  };
}

/** The script that stands in for `ssh <host> docker system dial-stdio`. */
export const DIAL_STDIO = join(__dirname, "dial-stdio.js");

export class DockerEngineEmulator {
  containers: ContainerSummary[] = [];
  /** API version: `Health` is in the summaries from 1.52 on. */
  apiVersion = "1.52";
  private server?: Server;

  /** Starts on a random port; resolves with it. */
  async start(): Promise<number> {
    this.server = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://docker");
      const path = url.pathname.replace(/^\/v\d+\.\d+/, "");
      if (request.method !== "GET" || path !== "/containers/json") {
        response.writeHead(404, { "content-type": "application/json" });
        response.end(JSON.stringify({ message: "page not found" }));
        return;
      }
      const all = ["1", "true"].includes(url.searchParams.get("all") ?? "");
      const newHealth = Number(this.apiVersion.split(".")[1]) >= 52;
      const list = this.containers
        .filter((c) => all || c.State === "running")
        .map((c) => {
          if (newHealth) return c;
          const { Health: _dropped, ...old } = c;
          return old;
        });
      response.writeHead(200, {
        "content-type": "application/json",
        "api-version": this.apiVersion,
      });
      response.end(JSON.stringify(list));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

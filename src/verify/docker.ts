/**
 * Docker checks: every container of the plan present on its host, running (a one-shot
 * container, `restart: "no"`, exited 0) and, when it has a health check, healthy.
 *
 * The engine is asked `GET /containers/json?all=1` (moby/moby api/swagger.yaml
 * `ContainerSummary`: `Names` with a leading "/", `State` created|running|paused|restarting|
 * exited|removing|dead, `Status` "Up 4 days (healthy)", and from API v1.52 `Health.Status`
 * none|starting|healthy|unhealthy; before v1.52 the health is only in `Status`).
 *
 * How the engine is reached is a `DockerTransport`. The real one goes the way the Docker
 * provider does: kreuzwerker/terraform-provider-docker (internal/provider/config.go) uses
 * docker/cli's `connhelper` for `ssh://` hosts, which runs `ssh … <host> docker system
 * dial-stdio` and speaks the engine's HTTP API over the command's stdin/stdout; so does
 * `sshDialStdio` here, with the user's ssh (its agent and known_hosts). Tests run the same
 * code with another command in place of ssh, piping to an emulated engine.
 */
import { spawn } from "node:child_process";
import * as http from "node:http";
import { Duplex } from "node:stream";
import type { DockerHost } from "../model/hosts";
import type { SiteModel } from "../model";
import { fail, ok, unreadable, type Row } from "./report";

/** How verify reaches a host's Docker engine API. */
export interface DockerTransport {
  /** GET `path` (with its query) of the engine API of `host`: the parsed JSON answer. */
  get(host: DockerHost, path: string): Promise<unknown>;
}

export interface DialStdioOptions {
  /** The command in place of ssh. @default "ssh" */
  readonly command?: string;
  /** Its arguments for a host. @default ssh's: batch mode, the port, user@address, dial-stdio */
  readonly args?: (host: DockerHost) => string[];
  /** @default 15000 */
  readonly timeoutMs?: number;
}

/** ssh's arguments for a host: no prompt (agent keys only), a bounded connect, its port and user. */
export function sshArgs(h: DockerHost): string[] {
  return [
    "-o",
    "BatchMode=yes",
    "-o",
    "ConnectTimeout=10",
    "-p",
    String(h.port),
    "--",
    `${h.user}@${h.address}`,
    "docker",
    "system",
    "dial-stdio",
  ];
}

/** The engine API over `ssh <host> docker system dial-stdio` (one connection per request). */
export function sshDialStdio(options: DialStdioOptions = {}): DockerTransport {
  const command = options.command ?? "ssh";
  const args = options.args ?? sshArgs;
  return {
    get: (host, path) =>
      new Promise((resolve, reject) => {
        const child = spawn(command, args(host), { stdio: ["pipe", "pipe", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => {
          if (stderr.length < 2000) stderr += chunk.toString("utf8");
        });
        const timeoutMs = options.timeoutMs ?? 15000;
        // The whole exchange is bounded: a socket timeout does not apply to a pipe.
        const timer = setTimeout(
          () => done(new Error(`${host.user}@${host.address}: no answer in ${timeoutMs} ms`)),
          timeoutMs,
        );
        let settled = false;
        const done = (error?: Error, value?: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          child.kill();
          if (error) reject(error);
          else resolve(value);
        };
        child.on("error", (error) => done(new Error(`cannot run ${command}: ${error.message}`)));
        const socket = Duplex.from({ readable: child.stdout, writable: child.stdin });
        const request = http.request(
          {
            createConnection: () => socket,
            path,
            method: "GET",
            headers: { host: "docker" },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on("data", (c: Buffer) => chunks.push(c));
            response.on("end", () => {
              const text = Buffer.concat(chunks).toString("utf8");
              if (response.statusCode !== 200)
                return done(new Error(`the engine answered HTTP ${response.statusCode ?? 0}`));
              try {
                done(undefined, JSON.parse(text));
              } catch {
                done(new Error("the engine's answer is not JSON"));
              }
            });
          },
        );
        request.on("error", (error) =>
          done(
            new Error(
              `${host.user}@${host.address}: ${error.message}${stderr ? ` (${stderr.trim().split("\n")[0] ?? ""})` : ""}`,
            ),
          ),
        );
        request.end();
      }),
  };
}

type Obj = Record<string, unknown>;

/** The health of a container summary: `Health.Status` (API ≥ 1.52), else from `Status`. */
export function healthOf(summary: Obj): string | undefined {
  const health = (summary.Health as { Status?: unknown } | undefined)?.Status;
  if (typeof health === "string" && health !== "none") return health;
  const status = typeof summary.Status === "string" ? summary.Status : "";
  const match = /\((healthy|unhealthy|health: starting)\)/.exec(status);
  return match ? (match[1] === "health: starting" ? "starting" : match[1]) : undefined;
}

function checkContainer(
  container: { name: string; host: string; healthcheck?: unknown; restart: string },
  found: readonly Obj[],
): Row {
  const target = `${container.name} on ${container.host}`;
  const summary = found.find(
    (c) => Array.isArray(c.Names) && c.Names.includes(`/${container.name}`),
  );
  if (!summary) return fail("container", target, "no such container on the host: run pulumi up");
  const state = typeof summary.State === "string" ? summary.State : "";
  const status = typeof summary.Status === "string" ? summary.Status : state;
  if (container.restart === "no")
    return /^Exited \(0\)/.test(status) || state === "running"
      ? ok("container", target, `one-shot: ${status}`)
      : fail("container", target, `one-shot: ${status}`);
  if (state !== "running") return fail("container", target, `${state}: ${status}`);
  const health = healthOf(summary);
  if (health === "unhealthy" || health === "starting")
    return fail("container", target, `running but ${health}: ${status}`);
  if (container.healthcheck && health !== "healthy")
    return fail("container", target, `running, but its health check reports nothing: ${status}`);
  return ok("container", target, status);
}

/** Every container of the site's plan, host by host. */
export async function checkDocker(model: SiteModel, transport: DockerTransport): Promise<Row[]> {
  const containers = (model.services?.stacks ?? []).flatMap((s) => s.containers);
  const rows: Row[] = [];
  for (const host of model.dockerHosts) {
    const mine = containers.filter((c) => c.host === host.name);
    if (mine.length === 0) continue;
    let found: Obj[];
    try {
      const answer = await transport.get(host, "/containers/json?all=1");
      if (!Array.isArray(answer)) throw new Error("the engine did not answer a list");
      found = answer.filter((x): x is Obj => x !== null && typeof x === "object");
    } catch (error) {
      rows.push(...mine.map((c) => unreadable("container", `${c.name} on ${c.host}`, error)));
      continue;
    }
    rows.push(...mine.map((c) => checkContainer(c, found)));
  }
  return rows;
}

/**
 * A DockerService with a one-shot job and a container that depends on it, under mocks where
 * the job's container exits with the code given as argument. Prints one JSON line: the
 * resources registered, what the job's gate resolved to ("succeeded", or the error), whether
 * the gate carries the job's container as its resource, and the unhandled rejections (what
 * Pulumi's Node host turns into a failed program). Run by docker-inputs.test.ts in its own
 * process, since a failed program leaves promises behind.
 */
import * as pulumi from "@pulumi/pulumi";
import { DockerHost } from "../../src/components/docker/host";
import { DockerService } from "../../src/components/docker/service";
import type { ContainerPlan, StackPlan } from "../../src/model/services";

const CONTAINER = "docker:index/container:Container";
const code = Number(process.argv[2]);

function container(name: string, extra: Partial<ContainerPlan>): ContainerPlan {
  return {
    name,
    part: name,
    host: "servo",
    role: "app",
    image: "docker.io/library/busybox:1.37",
    env: {},
    ports: [],
    volumes: [],
    binds: [],
    tmpfs: [],
    files: [],
    restart: "unless-stopped",
    readOnlyRootFs: false,
    capDrop: [],
    capAdd: [],
    privileged: false,
    devices: [],
    noNewPrivileges: true,
    hostNetwork: false,
    hostPid: false,
    labels: {},
    networks: [{ name: "app", aliases: [] }],
    dependsOn: [],
    job: false,
    ...extra,
  };
}

const stack = {
  name: "app",
  hosts: ["servo"],
  networks: [{ name: "app", host: "servo" }],
  volumes: [],
  containers: [
    container("migrate", { job: true, restart: "no" }),
    container("server", { dependsOn: ["migrate"] }),
  ],
  connects: [],
} as unknown as StackPlan;

const describe = (value: unknown): string =>
  value instanceof pulumi.RunError
    ? `RunError: ${value.message}`
    : pulumi.CustomResource.isInstance(value)
      ? "container"
      : String(value);

async function main(): Promise<void> {
  const registered: string[] = [];
  const unhandled: string[] = [];
  process.on("unhandledRejection", (reason) => unhandled.push(describe(reason)));
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(args.name);
        const state = { ...args.inputs } as Record<string, unknown>;
        if (args.type === CONTAINER && state.name === "migrate") state.exitCode = code;
        return Promise.resolve({ id: `${args.name}-id`, state });
      },
      call: () => Promise.resolve({}),
    },
    "homelab",
    "test",
    false,
  );
  const host = new DockerHost("h", {
    host: {
      name: "servo",
      address: "10.0.10.10",
      user: "deploy",
      port: 22,
      dataRoot: "/srv",
      kind: "host",
      formerNames: [],
    },
  });
  const service = new DockerService("app", {
    stack,
    hosts: { servo: host },
    resolve: (v) => (typeof v === "string" ? v : ""),
  });
  const gate = service.jobs.migrate!;
  const outcome = await Promise.race([
    new Promise<unknown>((resolve) =>
      gate.apply((r) => resolve(r === undefined ? "succeeded" : r)),
    ),
    new Promise<unknown>((resolve) => setTimeout(() => resolve("never resolved"), 500)),
  ]);
  const resources = (gate as unknown as { resources(): Set<unknown> }).resources();
  const carries = [...resources].includes(service.containers.migrate);
  // Give the dependent container time to be registered (it never is after a failed job).
  // Under mocks everything resolves in this process within milliseconds of the gate: once
  // the gate has failed, half a second without the dependent means never.
  const patience = outcome === "never resolved" ? 10 : 100;
  for (let i = 0; i < patience && !registered.includes("app-server"); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  console.log(JSON.stringify({ registered, outcome: describe(outcome), carries, unhandled }));
}

void main();

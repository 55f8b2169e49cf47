/**
 * The pure inputs of a stack's Docker resources (components/docker/args.ts), from plans of
 * the services model, without a Pulumi runtime.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { isSecretRef, type SecretRef, type Value } from "../../src/catalog/types";
import {
  containerArgs,
  goDuration,
  imageArgs,
  LOG_OPTIONS,
  networkArgs,
  volumeArgs,
} from "../../src/components/docker/args";
import type { ContainerPlan, StackPlan } from "../../src/model/services";
import { siteModel } from "../helpers/site";
import { ANNEX } from "../helpers/sites";

/** Awaits a value that may be an Output, and whether it is secret. */
async function settled(value: unknown): Promise<{ value: unknown; secret: boolean }> {
  if (!pulumi.Output.isInstance(value)) return { value, secret: false };
  const output = value;
  const resolved = await new Promise((resolve) => output.apply(resolve));
  return { value: resolved, secret: await pulumi.isSecret(output) };
}

/** A resolver that names what it resolves (the model holds references, never secrets). */
const named = (p: string | SecretRef): string =>
  typeof p === "string" ? p : "secret" in p ? `<secret ${p.secret}>` : `<generated ${p.generated}>`;
const resolve = (value: Value): string =>
  typeof value === "string" ? value : isSecretRef(value) ? named(value) : value.map(named).join("");

const plan: ContainerPlan = {
  name: "app-server",
  part: "server",
  host: "servo",
  role: "app",
  image: "ghcr.io/example/app:1.2.3",
  env: { TZ: "Europe/Paris", DB: ["postgres://app:", { generated: "app-db" }, "@db/app"] },
  ports: [{ internal: 8080, external: 8081, protocol: "tcp" }],
  volumes: [{ volume: "app-data", path: "/data", readOnly: false }],
  binds: [{ hostPath: "/var/run/docker.sock", path: "/var/run/docker.sock" }],
  tmpfs: ["/tmp"],
  files: [
    { path: "/etc/app.yml", content: "a: 1" },
    { path: "/etc/secret", content: { generated: "app-key" } },
  ],
  healthcheck: { test: ["CMD", "true"] },
  restart: "unless-stopped",
  readOnlyRootFs: true,
  capDrop: ["ALL"],
  capAdd: [],
  privileged: false,
  devices: [{ hostPath: "/dev/dri", containerPath: "/dev/dri", permissions: "rw" }],
  noNewPrivileges: true,
  hostNetwork: false,
  hostPid: false,
  shmSizeMiB: 256,
  memoryMiB: 512,
  labels: { "homelab.stack": "app" },
  networks: [
    { name: "app", aliases: ["server"] },
    { name: "homelab-proxy", aliases: ["app-server"] },
  ],
  dependsOn: [],
  job: false,
};

const refs = { image: "sha256:abc", volumeNames: ["app-data"], resolve, waitedOn: true };

describe("containerArgs", () => {
  it("maps every field of the plan to the provider's inputs", () => {
    const args = containerArgs(plan, refs);
    const { envs: _envs, uploads: _uploads, ...rest } = args;
    assert.deepEqual(rest, {
      name: "app-server",
      image: "sha256:abc",
      restart: "unless-stopped",
      mustRun: true,
      ports: [{ internal: 8080, external: 8081, protocol: "tcp" }],
      volumes: [
        { volumeName: "app-data", containerPath: "/data", readOnly: false },
        {
          hostPath: "/var/run/docker.sock",
          containerPath: "/var/run/docker.sock",
          readOnly: false,
        },
      ],
      tmpfs: { "/tmp": "rw,noexec,nosuid" },
      healthcheck: {
        tests: ["CMD", "true"],
        interval: "30s",
        timeout: "10s",
        retries: 3,
        startPeriod: "30s",
      },
      wait: true,
      waitTimeout: 300,
      capabilities: { adds: [], drops: ["ALL"] },
      privileged: false,
      devices: [{ hostPath: "/dev/dri", containerPath: "/dev/dri", permissions: "rw" }],
      readOnly: true,
      securityOpts: ["no-new-privileges:true"],
      networksAdvanced: [
        { name: "app", aliases: ["server"] },
        { name: "homelab-proxy", aliases: ["app-server"] },
      ],
      memory: 512,
      shmSize: 256,
      labels: [{ label: "homelab.stack", value: "app" }],
      logDriver: "json-file",
      logOpts: LOG_OPTIONS,
      destroyGraceSeconds: 30,
    });
  });

  it("environment and files built from a secret are secrets; plain ones stay plain", async () => {
    const args = containerArgs(plan, refs);
    const envs = await Promise.all((args.envs as unknown[]).map(settled));
    assert.deepEqual(envs, [
      { value: "TZ=Europe/Paris", secret: false },
      { value: "DB=postgres://app:<generated app-db>@db/app", secret: true },
    ]);
    const uploads = args.uploads as { file: string; content: unknown; permissions: string }[];
    assert.deepEqual(
      uploads.map((u) => [u.file, u.content, u.permissions]),
      [
        ["/etc/app.yml", "a: 1", "0644"],
        ["/etc/secret", "<generated app-key>", "0400"],
      ],
    );
  });

  it("a job runs once, attached; a container nobody waits for is not awaited", () => {
    const job = containerArgs({ ...plan, job: true, restart: "no" }, { ...refs, waitedOn: false });
    assert.equal(job.mustRun, false);
    assert.equal(job.attach, true);
    assert.equal(job.logs, true);
    assert.equal(job.wait, undefined);
  });

  it("networks with aliases are joined through networksAdvanced only, never also as the network mode", () => {
    const args = containerArgs(plan, refs);
    assert.equal(args.networkMode, undefined);
    const none = containerArgs({ ...plan, networks: [] }, refs);
    assert.equal(none.networkMode, undefined);
    assert.equal(none.networksAdvanced, undefined);
  });

  it("healthcheck durations are written as the provider reads them back (Go's form)", () => {
    const args = containerArgs(
      {
        ...plan,
        healthcheck: { test: ["CMD", "true"], interval: "60s", timeout: "5s", startPeriod: "2m" },
      },
      refs,
    );
    assert.deepEqual(args.healthcheck, {
      tests: ["CMD", "true"],
      interval: "1m0s",
      timeout: "5s",
      retries: 3,
      startPeriod: "2m0s",
    });
  });

  it("the host network replaces the stack's networks", () => {
    const args = containerArgs({ ...plan, hostNetwork: true, hostPid: true }, refs);
    assert.equal(args.networkMode, "host");
    assert.equal(args.networksAdvanced, undefined);
    assert.equal(args.pidMode, "host");
  });

  it("the annex's plans: every container's volumes resolve to its stack's volume names", () => {
    const stacks = siteModel(ANNEX).services!.stacks;
    for (const stack of stacks) {
      for (const container of stack.containers) {
        const names = container.volumes.map((v) => v.volume);
        const args = containerArgs(container, { ...refs, volumeNames: names });
        const mounted = (args.volumes as { volumeName?: string }[])
          .map((v) => v.volumeName)
          .filter((v) => v !== undefined);
        assert.deepEqual(mounted, names);
        for (const name of names) {
          assert.ok(
            stack.volumes.some((v) => v.name === name && v.host === container.host),
            `${container.name}: ${name}`,
          );
        }
      }
    }
  });
});

describe("network, volume and image inputs", () => {
  const stack = { name: "app" } as StackPlan;
  it("networks and volumes carry the stack's label; NFS volumes mount the export", () => {
    assert.deepEqual(networkArgs(stack, { name: "app", host: "servo" }), {
      name: "app",
      driver: "bridge",
      labels: [{ label: "homelab.stack", value: "app" }],
    });
    assert.deepEqual(
      volumeArgs({
        id: "media",
        name: "app-media",
        stack: "app",
        host: "servo",
        nfs: { address: "10.0.0.8", device: ":/volume1/media" },
      }),
      {
        name: "app-media",
        driver: "local",
        driverOpts: { type: "nfs", o: "addr=10.0.0.8,nfsvers=4,rw", device: ":/volume1/media" },
        labels: [{ label: "homelab.stack", value: "app" }],
      },
    );
    // A renamed stack's volume keeps the name and label it was created with.
    assert.deepEqual(volumeArgs({ id: "data", name: "old-data", stack: "old", host: "servo" }), {
      name: "old-data",
      driver: "local",
      labels: [{ label: "homelab.stack", value: "old" }],
    });
  });

  it("images are pulled, or built from a context relative to the working directory", () => {
    assert.deepEqual(imageArgs(plan, { root: "/repo", cwd: "/repo" }), {
      name: plan.image,
      keepLocally: true,
    });
    const built = { ...plan, build: { context: "src/catalog/caddy", args: { V: "2" } } };
    assert.deepEqual(imageArgs(built, { root: "/repo", cwd: "/repo" }).build, {
      context: "src/catalog/caddy",
      tags: [plan.image],
      buildArgs: { V: "2" },
    });
    assert.equal(
      (imageArgs(built, { root: "/repo", cwd: "/elsewhere" }).build as { context: string }).context,
      "../repo/src/catalog/caddy",
    );
    assert.equal(
      (
        imageArgs({ ...built, build: { context: "." } }, { root: "/repo", cwd: "/repo" }).build as {
          context: string;
        }
      ).context,
      ".",
    );
  });
});

describe("goDuration", () => {
  it("prints durations as Go's time.Duration.String() does", () => {
    // Expected values are Go's own output (fmt.Println(d)) for the same durations.
    const cases: [string, string][] = [
      ["0s", "0s"],
      ["0ms", "0s"],
      ["500ms", "500ms"],
      ["1500ms", "1.5s"],
      ["5s", "5s"],
      ["30s", "30s"],
      ["59s", "59s"],
      ["60s", "1m0s"],
      ["90s", "1m30s"],
      ["1m30s", "1m30s"],
      ["5m", "5m0s"],
      ["60m", "1h0m0s"],
      ["1h", "1h0m0s"],
      ["3661s", "1h1m1s"],
      ["25h", "25h0m0s"],
    ];
    for (const [input, go] of cases) assert.equal(goDuration(input), go, input);
  });

  it("is a fixed point: a duration in Go's form prints the same", () => {
    for (const d of ["1m0s", "1h0m0s", "2h3m4.5s", "10ms", "0s"]) assert.equal(goDuration(d), d);
  });

  it("refuses what is not a duration (validation lets none through)", () => {
    for (const bad of ["", "10", "1d", "5 s", "s"]) assert.throws(() => goDuration(bad), bad);
  });
});

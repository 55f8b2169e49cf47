/**
 * verify's Docker checks: the real transport (an HTTP request over a command's stdin/stdout,
 * as `ssh <host> docker system dial-stdio`), with a script piping to an emulated engine in
 * place of ssh; healthy, then a container unhealthy (API 1.52's Health, and an older engine's
 * Status text), stopped, missing, and a host that cannot be reached.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { healthOf, sshArgs, sshDialStdio } from "../../src/verify/docker";
import { Lab, rowOf } from "./harness";

const lab = new Lab();
before(() => lab.start());
after(() => lab.stop());
beforeEach(() => lab.healthy());

describe("verify: Docker", () => {
  it("healthy: every container running, the ones with a health check healthy", async () => {
    const run = await lab.verify();
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.deepEqual(
      run.rows
        .filter((r) => r.check === "container")
        .map((r) => `${r.target} | ${r.status} | ${r.detail}`),
      [
        "proxy-caddy on docker1 | ok | Up 2 hours (healthy)",
        "uptime-kuma-server on docker1 | ok | Up 2 hours (healthy)",
        "gatus-server on docker1 | ok | Up 2 hours",
      ],
    );
  });

  it("a container unhealthy (Health, API 1.52)", async () => {
    const c = lab.engine.containers[1]!;
    c.Health = { Status: "unhealthy", FailingStreak: 3 };
    c.Status = "Up 2 hours (unhealthy)";
    const run = await lab.verify();
    assert.equal(run.status, 1);
    assert.equal(
      rowOf(run, "container", "uptime-kuma-server on docker1").detail,
      "running but unhealthy: Up 2 hours (unhealthy)",
    );
  });

  it("a container unhealthy on an engine older than API 1.52 (health in Status only)", async () => {
    lab.engine.apiVersion = "1.47";
    lab.engine.containers[0]!.Status = "Up 5 minutes (unhealthy)";
    const run = await lab.verify();
    assert.equal(run.status, 1);
    assert.equal(
      rowOf(run, "container", "proxy-caddy on docker1").detail,
      "running but unhealthy: Up 5 minutes (unhealthy)",
    );
    assert.equal(rowOf(run, "container", "uptime-kuma-server on docker1").status, "ok");
  });

  it("a container stopped, and one missing", async () => {
    const gatus = lab.engine.containers[2]!;
    gatus.State = "exited";
    gatus.Status = "Exited (137) 3 minutes ago";
    lab.engine.containers.splice(1, 1);
    const run = await lab.verify();
    assert.equal(run.status, 1);
    assert.equal(
      rowOf(run, "container", "gatus-server on docker1").detail,
      "exited: Exited (137) 3 minutes ago",
    );
    assert.equal(
      rowOf(run, "container", "uptime-kuma-server on docker1").detail,
      "no such container on the host: run pulumi up",
    );
  });

  it("a host that cannot be reached: each of its containers fails with why", async () => {
    await lab.engine.stop();
    try {
      const run = await lab.verify();
      assert.equal(run.status, 1);
      assert.match(
        rowOf(run, "container", "proxy-caddy on docker1").detail,
        /^cannot read: deploy@10\.1\.0\.20: .*\(dial-stdio: connect ECONNREFUSED/,
      );
    } finally {
      await lab.engine.start().then((port) => lab.useEngine(port));
    }
  });

  it("an engine that never answers: the row fails when the exchange times out", async () => {
    const transport = sshDialStdio({
      command: process.execPath,
      args: () => ["-e", "setTimeout(() => {}, 60000)"],
      timeoutMs: 300,
    });
    const host = {
      name: "docker1",
      address: "10.1.0.20",
      user: "deploy",
      port: 22,
      dataRoot: "/srv",
      kind: "host" as const,
      formerNames: [],
    };
    await assert.rejects(transport.get(host, "/containers/json?all=1"), {
      message: "deploy@10.1.0.20: no answer in 300 ms",
    });
  });

  it("ssh is asked with no prompt, the host's port and user, then dial-stdio", () => {
    assert.deepEqual(
      sshArgs({
        name: "docker1",
        address: "10.1.0.20",
        user: "deploy",
        port: 2222,
        dataRoot: "/srv",
        kind: "host",
        formerNames: [],
      }),
      [
        "-o",
        "BatchMode=yes",
        "-o",
        "ConnectTimeout=10",
        "-p",
        "2222",
        "--",
        "deploy@10.1.0.20",
        "docker",
        "system",
        "dial-stdio",
      ],
    );
  });

  it("health from either field", () => {
    assert.equal(healthOf({ Health: { Status: "healthy" }, Status: "Up" }), "healthy");
    assert.equal(healthOf({ Health: { Status: "none" }, Status: "Up 1 minute" }), undefined);
    assert.equal(healthOf({ Status: "Up 1 minute (health: starting)" }), "starting");
  });
});

/**
 * The lab-ssh composite action: the live preview and drift jobs load the lab's SSH key into
 * an ssh-agent (the Docker providers and the Proxmox ssh block sign with it) and trust the
 * hosts' keys. Its steps are run here as the runner would (bash, RUNNER_TEMP, GITHUB_ENV),
 * with a throwaway key.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parse } from "yaml";

const ROOT = join(__dirname, "..", "..");
const ACTION = join(ROOT, ".github", "actions", "lab-ssh", "action.yml");

interface Step {
  name: string;
  if?: string;
  shell?: string;
  env?: Record<string, string>;
  run?: string;
  uses?: string;
  with?: Record<string, string>;
}

const action = parse(readFileSync(ACTION, "utf8")) as {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; steps: Step[] };
};

describe("the lab-ssh composite action", () => {
  it("is composite; its bash steps take the secrets from the environment, never inline", () => {
    assert.equal(action.runs.using, "composite");
    assert.deepEqual(Object.keys(action.inputs).sort(), ["known-hosts", "private-key"]);
    for (const step of action.runs.steps) {
      assert.equal(step.shell, "bash", step.name);
      assert.doesNotMatch(step.run ?? "", /\$\{\{/, `${step.name}: an expression in run`);
    }
  });

  it("preview and drift load the key and the known hosts from their secrets, before Pulumi runs", () => {
    for (const [file, job] of [
      ["preview.yml", "preview"],
      ["drift.yml", "drift"],
    ] as const) {
      const workflow = parse(readFileSync(join(ROOT, ".github", "workflows", file), "utf8")) as {
        jobs: Record<string, { steps: Step[] }>;
      };
      const steps = workflow.jobs[job]!.steps;
      const at = steps.findIndex((s) => s.uses === "./.github/actions/lab-ssh");
      assert.ok(at >= 0, `${file} does not use lab-ssh`);
      assert.deepEqual(steps[at]!.with, {
        "private-key": "${{ secrets.LAB_SSH_PRIVATE_KEY }}",
        "known-hosts": "${{ secrets.LAB_SSH_KNOWN_HOSTS }}",
      });
      const pulumi = steps.findIndex((s) => (s.uses ?? "").startsWith("pulumi/actions"));
      assert.ok(at < pulumi, `${file}: the key is loaded after Pulumi starts`);
    }
  });

  describe("its steps, run as the runner runs them", () => {
    const dir = mkdtempSync(join(tmpdir(), "lab-ssh-"));
    const home = join(dir, "home");
    const githubEnv = join(dir, "github-env");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "ci", "-f", join(dir, "k")]);
    const privateKey = readFileSync(join(dir, "k"), "utf8");
    const knownHosts = "10.128.0.10 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleHostKey";
    let agentPid: number | undefined;

    function run(step: Step, inputs: Record<string, string>): void {
      // The action's env maps inputs (${{ inputs.x }}) to variables; resolve them as Actions does.
      const env = Object.fromEntries(
        Object.entries(step.env ?? {}).map(([k, v]) => [
          k,
          v.replace(/\$\{\{ inputs\.([a-z-]+) \}\}/, (_, name: string) => inputs[name] ?? ""),
        ]),
      );
      const result = spawnSync("bash", ["-e", "-c", step.run!], {
        encoding: "utf8",
        env: {
          PATH: process.env.PATH,
          HOME: home,
          RUNNER_TEMP: dir,
          GITHUB_ENV: githubEnv,
          ...env,
        },
      });
      assert.equal(result.status, 0, `${step.name}: ${result.stderr}`);
      assert.ok(!result.stdout.includes("PRIVATE KEY"), "the key reached the log");
      assert.ok(!result.stderr.includes("PRIVATE KEY"), "the key reached the log");
    }

    // Ends the agent the steps started, by the pid they exported.
    after(() => {
      if (agentPid !== undefined) process.kill(agentPid);
    });

    it("the agent holds the key, later steps find it through GITHUB_ENV, and the hosts are trusted", () => {
      const inputs = { "private-key": privateKey, "known-hosts": knownHosts };
      for (const step of action.runs.steps.filter((s) => s.if !== "inputs.private-key == ''")) {
        run(step, inputs);
      }
      const exported = Object.fromEntries(
        readFileSync(githubEnv, "utf8")
          .trim()
          .split("\n")
          .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
      );
      agentPid = Number(exported.SSH_AGENT_PID);
      assert.ok(agentPid > 0);
      assert.equal(exported.SSH_AUTH_SOCK, join(dir, "ssh-agent.sock"));
      const listed = execFileSync("ssh-add", ["-l"], {
        encoding: "utf8",
        env: { PATH: process.env.PATH, SSH_AUTH_SOCK: exported.SSH_AUTH_SOCK },
      });
      assert.match(listed, / ci \(ED25519\)/);
      assert.equal(readFileSync(join(home, ".ssh", "known_hosts"), "utf8"), `${knownHosts}\n`);
    });
  });
});

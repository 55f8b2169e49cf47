/**
 * The verify tests' lab: the emulators a fixture stack points at (its ports and the device
 * fingerprint written into a copy of the stack file), the credentials in the environment as
 * a user exports them, and `npm run verify` run in process with its rows parsed.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/verify";
import type { Row } from "../../src/verify/report";
import { runMain, type CliResult } from "../helpers/cli";
import { DEVICE_FINGERPRINT } from "../emulators/server";
import { EMULATOR_TOKEN, FortiGateEmulator } from "../emulators/fortigate";
import { path, route, sa, tunnel, type MonitorState } from "../emulators/fortigate-monitor";

const FIXTURES = join(__dirname, "fixtures");

export interface VerifyRun extends CliResult {
  readonly rows: Row[];
}

/** The row of `check` on `target` (exactly one). */
export function rowOf(run: VerifyRun, check: string, target: string): Row {
  const found = run.rows.filter((r) => r.check === check && r.target === target);
  assert.equal(found.length, 1, `one ${check} row for ${target} in:\n${run.stdout}`);
  return found[0]!;
}

/** Every row but `except` is ok. */
export function onlyFailures(run: VerifyRun): string[] {
  return run.rows.filter((r) => r.status === "fail").map((r) => `${r.check} ${r.target}`);
}

/** What the FortiGate of edge.yaml (member alpha) shows when everything works. */
export function healthyFortigate(): MonitorState {
  return {
    neighbors: [
      {
        neighbor_ip: "172.31.254.1",
        local_ip: "172.31.254.0",
        remote_as: 4200000002,
        admin_status: true,
        state: "Established",
        type: "ipv4",
      },
      {
        neighbor_ip: "172.31.254.3",
        local_ip: "172.31.254.2",
        remote_as: 4200000003,
        admin_status: true,
        state: "Established",
        type: "ipv4",
      },
    ],
    paths: [
      path("10.1.0.0/24", "0.0.0.0"),
      path("10.1.128.0/24", "0.0.0.0"),
      path("10.2.0.0/24", "172.31.254.1"),
      path("10.2.8.0/22", "172.31.254.1"),
      path("10.3.0.0/16", "172.31.254.3"),
    ],
    ipsec: [
      tunnel("fgn-bravo", "192.0.2.2", [sa("fgn-bravo")]),
      tunnel("fgn-charlie", "192.0.2.3", [sa("fgn-charlie")]),
    ],
    routes: [
      route("10.1.0.0/24", "0.0.0.0", "internal1", "connect"),
      route("10.1.128.0/24", "10.1.0.11", "internal1", "static"),
      route("10.2.0.0/24", "172.31.254.1", "fgn-bravo", "bgp"),
      route("10.3.0.0/16", "172.31.254.3", "fgn-charlie", "bgp"),
    ],
  };
}

export class Lab {
  readonly fortigate = new FortiGateEmulator();
  private dir = "";
  private stackFile = "";
  readonly env: Record<string, string | undefined> = {};

  async start(): Promise<void> {
    const fgt = new URL(await this.fortigate.start());
    this.dir = mkdtempSync(join(tmpdir(), "verify-"));
    this.stackFile = join(this.dir, "Pulumi.edge.yaml");
    writeFileSync(
      this.stackFile,
      readFileSync(join(FIXTURES, "edge.yaml"), "utf8")
        .replaceAll("FORTIGATE_PORT", fgt.port)
        .replaceAll("PROXMOX_PORT", "8006")
        .replaceAll("FINGERPRINT", DEVICE_FINGERPRINT),
    );
    this.env.FORTIOS_API_TOKEN = EMULATOR_TOKEN;
    this.env.PROXMOX_VE_API_TOKEN = "verify@pve!homelab=00000000-0000-4000-8000-000000000000";
    this.healthy();
  }

  /** Every device back to the healthy state. */
  healthy(): void {
    this.fortigate.monitor = healthyFortigate();
  }

  async stop(): Promise<void> {
    await this.fortigate.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** `npm run verify -- --stack edge --config <copy> --json` with the lab's environment. */
  async verify(extra: string[] = ["--json"]): Promise<VerifyRun> {
    const result = await runMain(
      (argv) => main(argv, this.env),
      ["--stack", "edge", "--config", this.stackFile, ...extra],
    );
    const rows = extra.includes("--json")
      ? (JSON.parse(result.stdout) as { checks: Row[] }).checks
      : [];
    return { ...result, rows };
  }
}

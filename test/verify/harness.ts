/**
 * The verify tests' lab: the emulators a fixture stack points at (its ports and the device
 * fingerprint written into a copy of the stack file), the credentials in the environment as
 * a user exports them, and `npm run verify` run in process with its rows parsed.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/verify";
import type { Row } from "../../src/verify/report";
import { runMain, type CliResult } from "../helpers/cli";
import { DEVICE_FINGERPRINT } from "../emulators/server";
import { EMULATOR_TOKEN, FortiGateEmulator } from "../emulators/fortigate";
import { path, route, sa, tunnel, type MonitorState } from "../emulators/fortigate-monitor";
import {
  TEST_API_KEY,
  TEST_PASSWORD,
  UnifiEmulator,
  type UnifiEmulatorOptions,
} from "../emulators/unifi";
import { testClient } from "../emulators/unifi-fixtures";
import { loadOffline } from "../../src/cli/offline-stack";
import { collectionPath } from "../../src/devices/unifi/api";
import { networkBody, wireguardBody } from "../../src/devices/unifi/bodies";
import type { UnifiClient, UnifiObject } from "../../src/providers/unifi/client";
import { NODE_FLAGS, ROOT } from "../helpers/cli";
import { DnsEmulator } from "../emulators/dns";
import { container, DIAL_STDIO, DockerEngineEmulator } from "../emulators/docker-engine";
import { sshDialStdio, type DockerTransport } from "../../src/verify/docker";
import { ProxyEmulator } from "../emulators/proxy";
import { ProxmoxEmulator, type ProxmoxState, type StorageState } from "../emulators/proxmox";

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

/** A fixture stack written with the lab's addresses, and verify run on it. */
abstract class StackLab {
  private dir = "";
  protected stackFile = "";
  readonly env: Record<string, string | undefined> = {};
  /** How the Docker hosts are reached: a command that never connects, unless a lab sets one. */
  protected docker: DockerTransport = {
    get: () => Promise.reject(new Error("no Docker engine in this lab")),
  };

  constructor(private readonly stack: string) {}

  /**
   * `npm run verify` as npm starts it: a real node process with the project's preload (and the
   * test runner's V8 flags), the lab's environment and stack file (spawned, so these emulators
   * keep answering).
   */
  verifyProcess(extra: string[]): Promise<CliResult & { ms: number }> {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [
        ...NODE_FLAGS,
        "--require",
        join(ROOT, "src", "boot", "register.js"),
        join(ROOT, "src", "cli", "verify.ts"),
        ...["--stack", this.stack, "--config", this.stackFile, ...extra],
      ],
      { cwd: ROOT, env: { PATH: process.env.PATH, ...this.env } },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    return new Promise((resolve) =>
      child.on("close", (status) =>
        resolve({ status, stdout, stderr, ms: performance.now() - started }),
      ),
    );
  }

  /** verify run with the environment variable `name` set to `value` (unset: undefined). */
  async verifyWithEnv(name: string, value: string | undefined): Promise<VerifyRun> {
    const saved = this.env[name];
    if (value === undefined) delete this.env[name];
    else this.env[name] = value;
    try {
      return await this.verify();
    } finally {
      this.env[name] = saved;
    }
  }

  /** Writes test/verify/fixtures/<stack>.yaml with `replacements` applied. */
  protected writeStack(replacements: Record<string, string>): string {
    this.dir = mkdtempSync(join(tmpdir(), "verify-"));
    this.stackFile = join(this.dir, `Pulumi.${this.stack}.yaml`);
    let text = readFileSync(join(FIXTURES, `${this.stack}.yaml`), "utf8");
    for (const [from, to] of Object.entries(replacements)) text = text.replaceAll(from, to);
    writeFileSync(this.stackFile, text);
    return this.stackFile;
  }

  protected removeStack(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** `npm run verify -- --stack <stack> --config <copy> --json` with the lab's environment. */
  async verify(extra: string[] = ["--json"]): Promise<VerifyRun> {
    const result = await runMain(
      (argv) => main(argv, this.env, this.docker),
      ["--stack", this.stack, "--config", this.stackFile, ...extra],
    );
    const rows =
      extra.includes("--json") && result.stdout !== ""
        ? (JSON.parse(result.stdout) as { checks: Row[] }).checks
        : [];
    return { ...result, rows };
  }
}

/** edge.yaml: a FortiGate member of the federation with a Proxmox node. */
const PVE_TOKEN = "verify@pve!homelab=5f0c8a52-3b1e-4d7a-9c6f-2e8b1a4d7c90";

/** What the Proxmox node of edge.yaml shows when everything works. */
export function healthyProxmox(): ProxmoxState {
  const storage = (name: string, type: string, content: string): StorageState => ({
    storage: name,
    type,
    content,
    enabled: 1,
    active: 1,
    shared: 0,
  });
  return {
    guests: [
      { node: "pve1", kind: "lxc", vmid: 201, name: "dns", status: "running" },
      { node: "pve1", kind: "qemu", vmid: 202, name: "apps", status: "running" },
    ],
    zones: [{ id: "lab", type: "simple" }],
    vnets: [{ id: "labnet", type: "vnet", zone: "lab" }],
    storages: {
      pve1: [
        storage("local", "dir", "iso,vztmpl,snippets"),
        storage("local-lvm", "lvmthin", "images,rootdir"),
      ],
    },
  };
}

export class Lab extends StackLab {
  readonly fortigate = new FortiGateEmulator();
  readonly proxmox = new ProxmoxEmulator(PVE_TOKEN);
  readonly proxy = new ProxyEmulator();
  /** The site's resolver (internal names). */
  readonly resolver = new DnsEmulator();
  /** The public resolver (public names). */
  readonly publicDns = new DnsEmulator();
  readonly engine = new DockerEngineEmulator();
  private httpArgs: string[] = [];

  constructor() {
    super("edge");
  }

  async start(): Promise<void> {
    const fgt = new URL(await this.fortigate.start());
    const pve = new URL(await this.proxmox.start());
    this.useEngine(await this.engine.start());
    this.httpArgs = [
      "--proxy",
      await this.proxy.start(),
      "--ca",
      join(FIXTURES, "tls", "ca-cert.pem"),
      "--resolver",
      await this.resolver.start(),
      "--public-resolver",
      await this.publicDns.start(),
    ];
    this.writeStack({
      FORTIGATE_PORT: fgt.port,
      PROXMOX_PORT: pve.port,
      FINGERPRINT: DEVICE_FINGERPRINT,
    });
    this.env.FORTIOS_API_TOKEN = EMULATOR_TOKEN;
    this.env.PROXMOX_VE_API_TOKEN = PVE_TOKEN;
    this.healthy();
  }

  /** Every device back to the healthy state. */
  healthy(): void {
    this.fortigate.monitor = healthyFortigate();
    this.proxmox.state = healthyProxmox();
    this.proxy.reset();
    this.engine.apiVersion = "1.52";
    this.engine.containers = [
      container("proxy-caddy", "docker.io/library/caddy:2.10.2", true),
      container("uptime-kuma-server", "docker.io/louislam/uptime-kuma:2.0.2", true),
      container("gatus-server", "ghcr.io/twin/gatus:v5.26.0"),
    ];
    this.resolver.records = new Map([
      ["status.edge.arpa", ["10.1.0.20"]],
      ["health.edge.arpa", ["10.1.0.20"]],
    ]);
    this.publicDns.records = new Map([["status.example.com", ["203.0.113.10"]]]);
  }

  /** The real transport, with the engine's port in place of ssh to docker1. */
  useEngine(port: number): void {
    this.docker = sshDialStdio({
      command: process.execPath,
      args: () => [DIAL_STDIO, String(port)],
    });
  }

  /** "127.0.0.1:<port>" of the site's resolver. */
  get resolverAddress(): string {
    return this.httpArgs[this.httpArgs.indexOf("--resolver") + 1]!;
  }

  override verify(
    extra: string[] = ["--json"],
    options: { withoutCa?: boolean } = {},
  ): Promise<VerifyRun> {
    const args = options.withoutCa
      ? this.httpArgs.filter((a, i, all) => a !== "--ca" && all[i - 1] !== "--ca")
      : this.httpArgs;
    return super.verify([...args, ...extra]);
  }

  async stop(): Promise<void> {
    await this.fortigate.stop();
    await this.proxmox.stop();
    await this.proxy.stop();
    await this.engine.stop();
    await this.resolver.stop();
    await this.publicDns.stop();
    this.removeStack();
  }
}

/** gateway.yaml: a UniFi console with two VLANs and the WireGuard server. */
export class GatewayLab extends StackLab {
  readonly console: UnifiEmulator;
  client?: UnifiClient;

  /** `auth: "password"`: the stack logs in as the local admin, with UNIFI_PASSWORD. */
  constructor(
    options: UnifiEmulatorOptions = {},
    private readonly auth: "apiKey" | "password" = "apiKey",
  ) {
    super("gateway");
    this.console = new UnifiEmulator(options);
  }

  async start(): Promise<void> {
    const url = await this.console.start();
    const file = this.writeStack({
      CONTROLLER_URL: url,
      FINGERPRINT: DEVICE_FINGERPRINT,
      ...(this.auth === "password"
        ? { "auth: apiKey": "auth: password\n    username: admin" }
        : {}),
    });
    if (this.auth === "password") this.env.UNIFI_PASSWORD = TEST_PASSWORD;
    else this.env.UNIFI_API_KEY = TEST_API_KEY;
    this.client = testClient(url);
    await this.healthy(file);
  }

  /** The console as an up leaves it: the plan's networks and server, posted as the provider does. */
  async healthy(file = this.stackFile): Promise<void> {
    const client = this.client!;
    const networks = collectionPath("default", "networkconf");
    const { model } = loadOffline(ROOT, "gateway", file);
    const planned = new Set(
      model.unifi!.objects.flatMap((o) =>
        o.kind === "Network"
          ? [o.spec.name]
          : o.kind === "WireGuardServer"
            ? [o.spec.server.name]
            : [],
      ),
    );
    for (const n of await client.list(networks))
      if (planned.has(String(n.name))) await client.call("DELETE", `${networks}/${String(n._id)}`);
    for (const object of model.unifi!.objects) {
      if (object.kind === "Network") await client.call("POST", networks, networkBody(object.spec));
      if (object.kind === "WireGuardServer")
        await client.call("POST", networks, wireguardBody(object.spec.server, WIREGUARD_KEY));
    }
  }

  /** The controller's network named `name`. */
  async network(name: string): Promise<UnifiObject> {
    const found = (await this.client!.list(collectionPath("default", "networkconf"))).find(
      (n) => n.name === name,
    );
    assert.ok(found, `network ${name}`);
    return found;
  }

  async stop(): Promise<void> {
    this.client?.close();
    await this.console.stop();
    this.removeStack();
  }
}

/** A WireGuard private key for the emulated server (32 random-looking bytes, test only). */
const WIREGUARD_KEY = Buffer.alloc(32, 7).toString("base64");

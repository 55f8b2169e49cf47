/**
 * Start-up on the `pulumi preview` path: the program launched exactly as the nodejs
 * language host launches it (node, Pulumi.yaml's `nodeargs`, the SDK's cmd/run with the
 * monitor and engine addresses, `--pwd` and the entry point as the engine derives them from
 * Pulumi.yaml's `main`, the stack config in PULUMI_CONFIG), against a fake engine
 * (fake-engine.ts). Timed from the spawn to the stack's registration, to the first resource
 * of the program (its root component: the program and every provider SDK are loaded, the
 * configuration validated, the model built), and to the end of the run (every registration
 * answered at once, dynamic providers serialized as in a real preview). BENCH_NODE_EXTRA
 * adds node options before the `nodeargs`, for diagnosis (`--cpu-prof`).
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { loadOffline } from "../src/cli/offline";
import { ROOT, cpuSoFar, runtimeOptions, start } from "./command";
import { TEST_API_KEY, UnifiEmulator } from "../test/emulators/unifi";
import { emulatorTls } from "../test/engine/stacks";
import { FakeEngine } from "./fake-engine";
import { runsFromEnv } from "./plan";
import { median, type BenchSuite, type Figure } from "./types";

const PROJECT = "homelab";

/** The engine's program directory and entry point (pkg/engine/project.go, getPwdMain). */
function pwdMain(main: string): { pwd: string; entry: string } {
  if (main === "." || main === "") return { pwd: ROOT, entry: "." };
  const path = resolve(ROOT, main);
  if (statSync(path).isDirectory()) return { pwd: path, entry: "." };
  return { pwd: dirname(path), entry: relative(dirname(path), path) };
}

interface Startup {
  stack: number;
  program: number;
  /** CPU time used up to the first resource of the program. */
  programCpu: number;
  end: number;
  /** CPU time of the whole run. */
  cpu: number;
  maxRssMiB: number;
  registrations: number;
}

async function once(stack: string): Promise<Startup> {
  const options = runtimeOptions();
  const offline = loadOffline(ROOT, stack);
  const engine = new FakeEngine(stack, PROJECT);
  const address = await engine.listen();
  const { pwd, entry } = pwdMain(options.main);
  const config = { ...offline.config };
  // The program asks the UniFi console, before anything is written, which firewall it runs
  // (issue 12): an emulated console answers, as in the engine tests.
  const unifi = config[`${PROJECT}:unifi`];
  let emulated: UnifiEmulator | undefined;
  if (unifi !== undefined) {
    const parsed = JSON.parse(unifi) as { firewall?: { mode?: string } };
    emulated = new UnifiEmulator({
      firewall: parsed.firewall?.mode === "zone" ? "zone" : "legacy",
    });
    config[`${PROJECT}:unifi`] = JSON.stringify({
      ...parsed,
      controller: await emulated.start(),
      tls: emulatorTls(),
    });
    config[`${PROJECT}:unifiApiKey`] = TEST_API_KEY;
  }
  const runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [ROOT] });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_CONFIG: JSON.stringify(config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(offline.secretKeys),
    ...(options.typescript ? { PULUMI_NODEJS_TYPESCRIPT: "true" } : {}),
  };
  // prettier-ignore
  const argv = [
    process.execPath, ...(process.env.BENCH_NODE_EXTRA ?? "").split(" ").filter(Boolean), ...options.nodeargs, runPath,
    "--monitor", address, "--engine", address, "--organization", "organization",
    "--project", PROJECT, "--root-directory", ROOT, "--stack", stack, "--pwd", pwd,
    "--dry-run", "--parallel", "16", entry,
  ];
  engine.start();
  // The language host runs node in the plugin context's directory: the program directory.
  const { pid, done } = start(argv, { cwd: pwd, env, measure: true });
  engine.cpu = () => cpuSoFar(pid);
  try {
    const result = await done;
    const end = engine.elapsed();
    if (result.status !== 0) {
      const output = [result.stdout, result.stderr, ...engine.log].join("\n");
      throw new Error(`the program failed (exit ${String(result.status)}):\n${output}`);
    }
    const first = (test: (type: string) => boolean) =>
      engine.registrations.find((r) => test(r.type));
    const program = first((t) => t.startsWith(`${PROJECT}:`));
    return {
      stack: first((t) => t === "pulumi:pulumi:Stack")?.at ?? NaN,
      program: program?.at ?? NaN,
      programCpu: program?.cpu ?? NaN,
      end,
      cpu: result.cpu ?? NaN,
      maxRssMiB: result.maxRssMiB ?? NaN,
      registrations: engine.registrations.length,
    };
  } finally {
    engine.close();
    await emulated?.stop();
  }
}

export const previewSuite: BenchSuite = {
  name: "pulumi preview path: start-up of the program as the language host runs it",
  async run(): Promise<Figure[]> {
    if (!existsSync(join(ROOT, "Pulumi.yaml"))) return [];
    const runs = runsFromEnv(5);
    const figures: Figure[] = [];
    for (const stack of ["home", "annex"]) {
      try {
        await once(stack); // warm the disk and the transform caches
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const why = message.split("\n").find((l) => /cannot|invalid|error/i.test(l));
        figures.push({
          name: `${stack}: the program fails`,
          value: NaN,
          unit: "ms",
          detail: { error: (why ?? message).trim().slice(0, 160) },
        });
        continue;
      }
      const results: Startup[] = [];
      for (let i = 0; i < runs; i++) results.push(await once(stack));
      const ms = (key: keyof Startup) => Math.round(median(results.map((r) => r[key])));
      figures.push({
        name: `${stack}: spawn to the first resource of the program`,
        value: ms("program"),
        unit: "ms",
        detail: {
          "CPU ms to it": ms("programCpu"),
          "to the stack resource": ms("stack"),
          "to the end of the run": ms("end"),
          "CPU ms (whole run)": ms("cpu"),
          "peak MiB": ms("maxRssMiB"),
          registrations: results[0]!.registrations,
          nodeargs: runtimeOptions().nodeargs.join(" "),
          runs,
        },
      });
    }
    return figures;
  },
};

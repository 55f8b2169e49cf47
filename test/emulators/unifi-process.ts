/**
 * The UniFi emulator in its own process, for tests whose client blocks the test process
 * (the serialized provider runs in a child started with spawnSync). Prints "READY <url>" and
 * serves until killed. Options: JSON in the UNIFI_EMULATOR_OPTIONS environment variable.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { UnifiEmulator, type UnifiEmulatorOptions } from "./unifi";

/** Starts the emulator process; resolves with its URL and a stop function. */
export async function emulatorProcess(
  options: UnifiEmulatorOptions = {},
): Promise<{ url: string; child: ChildProcess; stop: () => void }> {
  const child = spawn(
    process.execPath,
    ["--require", join(__dirname, "..", "..", "src", "boot", "register.js"), __filename],
    {
      env: { ...process.env, UNIFI_EMULATOR_OPTIONS: JSON.stringify(options) },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
      const match = /READY (\S+)/.exec(text);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (status) =>
      reject(new Error(`the emulator process exited (${String(status)})`)),
    );
  });
  return { url, child, stop: () => void child.kill() };
}

if (require.main === module) {
  const options = JSON.parse(process.env.UNIFI_EMULATOR_OPTIONS ?? "{}") as UnifiEmulatorOptions;
  const emulator = new UnifiEmulator(options);
  void emulator.start().then((url) => process.stdout.write(`READY ${url}\n`));
}

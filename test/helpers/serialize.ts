/**
 * The dynamic-provider serialization round trip: serialize a provider exactly as Pulumi does
 * when it stores it in state (`__provider`), then load and use it in a fresh Node process
 * that has never imported the project (plain node, no tsx, only node_modules on the path).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";

const ROOT = join(__dirname, "..", "..");

export interface SerializedProvider {
  /** The module text Pulumi stores in state. */
  readonly text: string;
  readonly exportName: string;
  readonly containsSecrets: boolean;
}

export async function serializeProvider(provider: object): Promise<SerializedProvider> {
  const result = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return {
    text: result.text,
    exportName: result.exportName,
    containsSecrets: result.containsSecrets,
  };
}

export interface FreshRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `script` (CommonJS, async allowed) in a fresh process where `provider` is the
 * deserialized provider. The script prints its findings as JSON on stdout.
 */
export function runInFreshProcess(
  serialized: SerializedProvider,
  script: string,
  env: Record<string, string> = {},
): FreshRun {
  const dir = mkdtempSync(join(tmpdir(), "serialized-"));
  writeFileSync(join(dir, "provider.js"), serialized.text);
  writeFileSync(
    join(dir, "run.js"),
    `const provider = require("./provider.js").${serialized.exportName}();\n` +
      `(async () => {\n${script}\n})().catch((e) => { console.error(e && e.stack || String(e)); process.exit(3); });\n`,
  );
  const result = spawnSync(process.execPath, [join(dir, "run.js")], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", NODE_PATH: join(ROOT, "node_modules"), ...env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

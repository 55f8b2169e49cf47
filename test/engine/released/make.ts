/**
 * Makes the fixture of a released provider code: the `__provider` text Pulumi stored in the
 * state of every FortiOS and UniFi object deployed with the project at a commit, and the
 * `version` input the objects had, for the upgrade test (one plugin process serving the old
 * and the new code). The commit's sources are taken from git into a temporary directory and
 * serialized there with this checkout's node_modules, as the program would have serialized
 * them.
 *
 *   node --import tsx test/engine/released/make.ts <commit>
 *
 * writes test/engine/released/<commit>.json.gz. The texts hold no credential: a provider
 * never captures one (its tests serialize it after it was configured).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const ROOT = join(__dirname, "..", "..", "..");

const SERIALIZE = `
const pulumi = require("@pulumi/pulumi");
const fortios = require("./src/providers/fortios/resource");
const unifi = require("./src/providers/unifi/resources");
const { fortiosProvider } = require("./src/providers/fortios/provider");
(async () => {
  const text = async (p) => (await pulumi.runtime.serializeFunction(() => p, { allowSecrets: true })).text;
  process.stdout.write(JSON.stringify({
    fortios: { text: await text(fortiosProvider), version: fortios.fortiosVersion() },
    unifi: { text: await text(unifi.unifiProvider), version: unifi.providerVersion() },
  }));
})();
`;

function main(commit: string): void {
  const full = execFileSync("git", ["rev-parse", "--short", commit], { cwd: ROOT })
    .toString()
    .trim();
  const dir = mkdtempSync(join(tmpdir(), `released-${full}-`));
  try {
    const archive = execFileSync("git", ["archive", full, "src", "tsconfig.json"], { cwd: ROOT });
    execFileSync("tar", ["-x", "-C", dir], { input: archive });
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    // A file, not `node -e`: there Node's modules are also globals (`net`), and the closure
    // serializer would write `global.net` for them, which the plugin does not have.
    writeFileSync(join(dir, "serialize.js"), SERIALIZE);
    const json = execFileSync(process.execPath, ["--import", "tsx", "serialize.js"], {
      cwd: dir,
      maxBuffer: 64 * 1024 * 1024,
    }).toString();
    const fixture = { commit: full, ...(JSON.parse(json) as object) };
    const out = join(__dirname, `${full}.json.gz`);
    writeFileSync(out, gzipSync(JSON.stringify(fixture, null, 1)));
    process.stdout.write(`${out}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv[2] ?? "HEAD");

// Extracts, with `npm view`, what the npm registry says about every @pulumi/* and @muhlba91/*
// package the lock file resolves: the versions npm lists, the dist-tags, and for the locked
// version whether it is deprecated and which plugin version it installs. The result,
// test/fixtures/npm/releases.json, is committed: test/structure/npm-releases.test.ts compares
// package-lock.json with it without the network.
//
//   node scripts/npm-releases.mjs           # rewrite the file (after changing a dependency)
//   node scripts/npm-releases.mjs --check   # exit 1 when the file is stale
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import * as prettier from "prettier";

const ROOT = join(import.meta.dirname, "..");
const OUT = join(ROOT, "test", "fixtures", "npm", "releases.json");
const SCOPES = ["@pulumi/", "@muhlba91/"];

/** Every (name, version) the lock file resolves under the scopes, sorted. */
function locked() {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));
  const found = new Map();
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    const at = path.lastIndexOf("node_modules/");
    if (at < 0) continue;
    const name = path.slice(at + "node_modules/".length);
    if (!SCOPES.some((scope) => name.startsWith(scope))) continue;
    const versions = found.get(name) ?? new Set();
    versions.add(entry.version);
    found.set(name, versions);
  }
  return [...found.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, versions]) => ({ name, versions: [...versions].sort() }));
}

function npmView(spec, fields) {
  const out = execFileSync("npm", ["view", spec, ...fields, "--json"], { encoding: "utf8" });
  return out.trim() === "" ? undefined : JSON.parse(out);
}

/** The plugin version a resource package installs (its `pulumi.version`, else its install script). */
function pluginVersion(manifest) {
  if (!manifest.pulumi?.resource) return null;
  if (typeof manifest.pulumi.version === "string") return manifest.pulumi.version;
  const install = manifest.scripts?.install ?? "";
  const match = /install-pulumi-plugin\.js resource \S+ (\S+)/.exec(install);
  return match ? match[1] : null;
}

function extract() {
  const packages = {};
  for (const { name, versions } of locked()) {
    const all = npmView(name, ["versions", "dist-tags"]);
    const byVersion = {};
    for (const version of versions) {
      const manifest = npmView(`${name}@${version}`, [
        "version",
        "deprecated",
        "pulumi",
        "scripts",
      ]);
      byVersion[version] = {
        deprecated: typeof manifest.deprecated === "string" ? manifest.deprecated : null,
        pluginVersion: pluginVersion(manifest),
      };
    }
    packages[name] = {
      versions: all.versions,
      distTags: all["dist-tags"],
      locked: byVersion,
    };
  }
  return {
    comment:
      "Extracted from the npm registry by scripts/npm-releases.mjs (npm view); read by test/structure/npm-releases.test.ts.",
    packages,
  };
}

// Formatted as `prettier --check` (part of npm test) wants it.
const text = await prettier.format(JSON.stringify(extract()), {
  ...(await prettier.resolveConfig(OUT)),
  filepath: OUT,
});
if (process.argv.includes("--check")) {
  const current = readFileSync(OUT, "utf8");
  if (current !== text) {
    console.error(`${OUT} is stale: run node scripts/npm-releases.mjs`);
    process.exit(1);
  }
} else {
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, text);
  console.log(`wrote ${OUT}`);
}

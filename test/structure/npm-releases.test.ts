/**
 * Every @pulumi/* and @muhlba91/* package the lock file resolves is a real release of its own
 * line: a version npm lists, not deprecated, not above the line's `latest` (unless a dist-tag
 * names it), and, for a resource package, one whose plugin version is that same version (the
 * Pulumi CLI installs the plugin of the version the package declares; the stray
 * @pulumi/command 4.5.0 declared "v4.5.0", which has no plugin release).
 *
 * What npm says is data extracted by `node scripts/npm-releases.mjs` (npm view) into
 * test/fixtures/npm/releases.json: this test needs no network. After changing a dependency,
 * run the script again; the first test fails while the file does not cover the lock.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

const ROOT = join(__dirname, "..", "..");
const SCOPES = ["@pulumi/", "@muhlba91/"];

interface Registry {
  readonly versions: readonly string[];
  readonly distTags: Readonly<Record<string, string>>;
  readonly locked: Readonly<
    Record<string, { readonly deprecated: string | null; readonly pluginVersion: string | null }>
  >;
}

const releases = JSON.parse(
  readFileSync(join(ROOT, "test", "fixtures", "npm", "releases.json"), "utf8"),
) as { packages: Record<string, Registry> };

interface Locked {
  readonly name: string;
  readonly version: string;
  /** Where the package is installed, e.g. node_modules/@pulumi/command. */
  readonly path: string;
}

function lockedPackages(): Locked[] {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string }>;
  };
  return Object.entries(lock.packages).flatMap(([path, entry]) => {
    const at = path.lastIndexOf("node_modules/");
    if (at < 0 || entry.version === undefined) return [];
    const name = path.slice(at + "node_modules/".length);
    return SCOPES.some((s) => name.startsWith(s)) ? [{ name, version: entry.version, path }] : [];
  });
}

/** Compares x.y.z[-pre] versions (a prerelease sorts before its release). */
function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core = "", pre] = v.split("-", 2);
    return { parts: core.split(".").map(Number), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d !== 0) return d;
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre.localeCompare(y.pre);
}

/** Why a resolved version is not a release of its own line (empty: it is one). */
function releaseProblems(name: string, version: string, registry: Registry): string[] {
  const problems: string[] = [];
  if (!registry.versions.includes(version)) {
    problems.push(`${name}@${version} is not a version npm lists`);
  }
  const tagged = Object.values(registry.distTags).includes(version);
  const latest = registry.distTags.latest;
  if (!tagged && latest !== undefined && compareVersions(version, latest) > 0) {
    problems.push(
      `${name}@${version} is above npm's latest (${latest}) and no dist-tag names it: a stray build, not a release`,
    );
  }
  const facts = registry.locked[version];
  if (facts?.deprecated) problems.push(`${name}@${version} is deprecated: ${facts.deprecated}`);
  if (facts && facts.pluginVersion !== null && facts.pluginVersion !== version) {
    problems.push(
      `${name}@${version} installs plugin version "${facts.pluginVersion}", not ${version}`,
    );
  }
  return problems;
}

describe("npm releases of the Pulumi packages", () => {
  const locked = lockedPackages();

  it("the lock resolves the Pulumi SDK, its providers and the Proxmox package", () => {
    const names = new Set(locked.map((p) => p.name));
    for (const name of [
      "@pulumi/pulumi",
      "@pulumi/command",
      "@pulumi/docker",
      "@pulumi/cloudflare",
      "@pulumi/random",
      "@muhlba91/pulumi-proxmoxve",
    ]) {
      assert.ok(names.has(name), `${name} is not in package-lock.json`);
    }
  });

  it("the extracted registry data covers every locked version (else: node scripts/npm-releases.mjs)", () => {
    for (const { name, version } of locked) {
      const registry = releases.packages[name];
      assert.ok(registry, `${name} is missing from test/fixtures/npm/releases.json`);
      assert.ok(registry.locked[version], `${name}@${version} is missing from releases.json`);
    }
  });

  it("every locked @pulumi/* and @muhlba91/* version is a release of its own line", () => {
    const problems = locked.flatMap(({ name, version }) =>
      releaseProblems(name, version, releases.packages[name]!),
    );
    assert.deepEqual(problems, []);
  });

  it("@pulumi/command is pinned to 1.2.1 exactly", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    assert.equal(manifest.dependencies["@pulumi/command"], "1.2.1");
  });

  it("the installed packages are the locked ones, and resource packages declare their plugin version", () => {
    for (const { name, version, path } of locked) {
      const installed = JSON.parse(readFileSync(join(ROOT, path, "package.json"), "utf8")) as {
        version: string;
        pulumi?: { resource?: boolean; version?: string };
      };
      assert.equal(installed.version, version, `${path} is not the locked version`);
      if (installed.pulumi?.resource) {
        assert.equal(installed.pulumi.version, version, `${name}: pulumi.version`);
      }
    }
  });

  it("the check refuses the stray build the project once depended on", () => {
    // npm lists @pulumi/command 4.5.0, above its latest 1.2.1 with no dist-tag, and that
    // build's install script asks for plugin "v4.5.0" (npm view @pulumi/command@4.5.0).
    const command = releases.packages["@pulumi/command"]!;
    assert.ok(command.versions.includes("4.5.0"));
    const stray = {
      ...command,
      locked: {
        "4.5.0": { deprecated: "npm marks this version deprecated.", pluginVersion: "v4.5.0" },
      },
    };
    assert.deepEqual(releaseProblems("@pulumi/command", "4.5.0", stray), [
      "@pulumi/command@4.5.0 is above npm's latest (1.2.1) and no dist-tag names it: a stray build, not a release",
      "@pulumi/command@4.5.0 is deprecated: npm marks this version deprecated.",
      '@pulumi/command@4.5.0 installs plugin version "v4.5.0", not 4.5.0',
    ]);
    assert.deepEqual(releaseProblems("@pulumi/command", "9.9.9", command), [
      "@pulumi/command@9.9.9 is not a version npm lists",
      "@pulumi/command@9.9.9 is above npm's latest (1.2.1) and no dist-tag names it: a stray build, not a release",
    ]);
    assert.equal(compareVersions("3.248.0", "3.276.0") < 0, true);
    assert.equal(compareVersions("1.0.0-beta.1", "1.0.0") < 0, true);
  });
});

/**
 * The tests' own sites: copies of the example stacks and registry under test/fixtures/sites.
 * Every test that asserts what a seed site contains reads these, never the repository's
 * `Pulumi.*.yaml` or `stacks/federation.yaml`: those are the user's to change, and only the
 * generic tests (test/examples/) check them (test/structure/generic-only.test.ts holds the
 * suite to that).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";

export const ROOT = join(__dirname, "..", "..");

/** A stack file: its stack name and its path relative to the project root. */
export interface StackFile {
  readonly stack: string;
  /** Relative to the project root (also the label problems carry), or absolute. */
  readonly file: string;
}

/** Absolute path of a stack file. */
export function pathOf(site: StackFile): string {
  return isAbsolute(site.file) ? site.file : join(ROOT, site.file);
}

/** Seed 000: a Proxmox cluster, a FortiGate, member alexis of the fixture registry. */
export const HOME: StackFile = { stack: "home", file: "test/fixtures/sites/home.yaml" };
/** Seed 001: a UniFi gateway, three Docker hosts, Traefik and Authelia. */
export const ANNEX: StackFile = { stack: "annex", file: "test/fixtures/sites/annex.yaml" };
/** The registry HOME belongs to (5 members, full mesh). */
export const REGISTRY = "test/fixtures/sites/federation.yaml";

/**
 * A project in a temporary directory made of the fixture sites, as a user's clone would hold
 * them: `Pulumi.yaml`, `Pulumi.home.yaml` and `Pulumi.annex.yaml` (copies of HOME and ANNEX)
 * and the registry at the path HOME names (REGISTRY). Returns the directory.
 */
export function fixtureProject(sites: readonly StackFile[] = [HOME, ANNEX]): string {
  const dir = mkdtempSync(join(tmpdir(), "project-"));
  cpSync(join(ROOT, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
  for (const site of sites) cpSync(pathOf(site), join(dir, `Pulumi.${site.stack}.yaml`));
  mkdirSync(dirname(join(dir, REGISTRY)), { recursive: true });
  cpSync(join(ROOT, REGISTRY), join(dir, REGISTRY));
  return dir;
}

/**
 * A copy of a fixture site with `edit` applied, in a temporary directory as
 * `Pulumi.<stack>.yaml` (the registry path it names still resolves from the project root).
 * The edit must change the text.
 */
export function variant(site: StackFile, edit: (text: string) => string): StackFile {
  const text = readFileSync(pathOf(site), "utf8");
  const changed = edit(text);
  if (changed === text) throw new Error(`the edit of ${site.file} changed nothing`);
  const file = join(mkdtempSync(join(tmpdir(), `${site.stack}-`)), `Pulumi.${site.stack}.yaml`);
  writeFileSync(file, changed);
  return { stack: site.stack, file };
}

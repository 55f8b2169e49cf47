/**
 * `npm run new-site -- <name> [--edge fortigate|unifi]`: the starting stack it writes
 * validates (`check`) and plans as written, for both edges; with its commented sections
 * uncommented it still validates; it refuses a bad name, a bad edge and an existing file.
 * (test/examples/clone.test.ts runs it as npm does, in a copy of the project.)
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as prettier from "prettier";
import { checkStack } from "../../src/cli/check";
import { UsageError } from "../../src/cli/common";
import { EDGES, main, newSiteText, writeNewSite } from "../../src/cli/new-site";
import { planStack } from "../../src/cli/offline";
import { formatReport } from "../../src/config/errors";
import { runMain } from "../helpers/cli";
import { ROOT } from "../helpers/sites";

function emptyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), "new-site-"));
  cpSync(join(ROOT, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
  return dir;
}

/** The file with every commented-out section of `config:` uncommented (not the header). */
export function uncommented(text: string): string {
  const start = text.indexOf("\nconfig:\n");
  const body = text
    .slice(start)
    .split("\n")
    .map((line) =>
      line.replace(/^(\s*)# (homelab:| {2}|public:|contactEmail:|sshKeys:|federation:)/, "$1$2"),
    )
    .join("\n");
  return text.slice(0, start) + body;
}

describe("npm run new-site", () => {
  for (const edge of EDGES) {
    it(`--edge ${edge}: a commented stack that check validates and plan plans as written`, async () => {
      const dir = emptyProject();
      assert.equal(writeNewSite(dir, "lab", edge), "Pulumi.lab.yaml");
      const text = readFileSync(join(dir, "Pulumi.lab.yaml"), "utf8");
      assert.match(
        text,
        /^# yaml-language-server: \$schema=\.\/stacks\/schema\/stack\.schema\.json\n/,
      );
      assert.match(text, new RegExp(`npm run check -- --stack lab`));
      assert.match(text, new RegExp(`^  homelab:${edge}:$`, "m"));
      // npm test's format check reads the user's stack files too.
      const options = (await prettier.resolveConfig(join(ROOT, "Pulumi.yaml"))) ?? {};
      assert.ok(await prettier.check(text, { ...options, parser: "yaml" }), "prettier-clean");
      const { problems, sites } = checkStack(dir, "lab");
      assert.deepEqual(problems, [], formatReport(problems));
      const secrets = sites[0]!.secrets.map((s) => s.name);
      assert.deepEqual(secrets, [edge === "fortigate" ? "fortigateApiToken" : "unifiApiKey"]);
      const { plan } = await planStack(dir, "lab");
      const types = new Set(plan.resources.map((r) => r.type));
      assert.ok(types.has("homelab:index:Homelab"));
      assert.ok(types.has("docker:index/container:Container"), "the catalog app on docker1");
      assert.ok(
        [...types].some((t) => t.includes(edge === "fortigate" ? "/fortios:" : "/unifi:")),
        [...types].join(", "),
      );
    });

    it(`--edge ${edge}: its commented sections, uncommented, validate too (except the member)`, () => {
      const dir = emptyProject();
      const text = uncommented(newSiteText("lab", edge)).replace(
        "ssh-ed25519 AAAA... you@laptop",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE8auLriHFNj794SyKbVoA8bg7IK3HAW0P7PMozzrsyr me@laptop",
      );
      assert.ok(text.includes("\n  homelab:proxmox:\n") && text.includes("\n  homelab:proxy:\n"));
      writeFileSync(join(dir, "Pulumi.lab.yaml"), text);
      const { problems } = checkStack(dir, "lab");
      // The one thing a scaffold cannot know: the registry the site is a member of.
      assert.deepEqual(
        problems.map((p) => p.path.join(".")),
        ["homelab:federation.registry"],
        formatReport(problems),
      );
    });
  }

  it("never overwrites, refuses a bad name or edge (exit 2, nothing written)", async () => {
    const dir = emptyProject();
    writeNewSite(dir, "lab", "unifi");
    assert.throws(
      () => writeNewSite(dir, "lab", "fortigate"),
      (e: Error) =>
        e instanceof UsageError &&
        e.message ===
          "Pulumi.lab.yaml already exists: choose another name, or delete it first (new-site never overwrites)",
    );
    assert.match(readFileSync(join(dir, "Pulumi.lab.yaml"), "utf8"), /homelab:unifi:/);
    const name = await runMain(main, ["My_Lab"]);
    assert.equal(name.status, 2);
    assert.match(
      name.stderr,
      /^<name> "My_Lab" must be a lowercase name: letters, digits and hyphens, starting with a letter, e\.g\. media-box\n\nusage: npm run new-site/,
    );
    const edge = await runMain(main, ["lab2", "--edge", "fortigat"]);
    assert.equal(edge.status, 2);
    assert.match(
      edge.stderr,
      /^--edge must be one of fortigate, unifi, got "fortigat": did you mean "fortigate"\?\n/,
    );
    const missing = await runMain(main, []);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^missing argument: <name>\n/);
  });
});

/**
 * `npm run diagram` (in process, and once as a subprocess) and `npm run docs` (generated docs
 * are fresh).
 */
import assert from "node:assert/strict";
import { markdownText } from "../../src/cli/plan-markdown";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { main, tunnelSource } from "../../src/cli/diagram";
import { codeDocs, refreshReadme } from "../../src/cli/docs";
import {
  REGISTRY_GROUP,
  SECRETS_GROUP,
  STACK_FILE_GROUP,
  catalogueEntries,
  readHeader,
  sectionOf,
} from "../../src/cli/error-catalogue";
import type { Problem } from "../../src/config/errors";
import type { SiteModel } from "../../src/model";
import { ROOT, runCli, runMain } from "../helpers/cli";
import { siteModel } from "../helpers/site";
import { ANNEX, HOME, pathOf, variant } from "../helpers/sites";
import { parseXml } from "../helpers/xml";

const dir = mkdtempSync(join(tmpdir(), "diagram-"));
/** `--stack home --config <the fixture>` */
const home = ["--stack", "home", "--config", pathOf(HOME)];
const annex = ["--stack", "annex", "--config", pathOf(ANNEX)];

describe("npm run diagram", () => {
  it("prints Mermaid by default, writes SVG with --out", async () => {
    const mermaid = await runMain(main, home);
    assert.equal(mermaid.status, 0, mermaid.stderr);
    assert.match(mermaid.stdout, /^---\ntitle: "Site home: .*"\n---\nflowchart TB\n/);
    const out = join(dir, "fgn.svg");
    const svg = await runMain(main, [
      ...home,
      "--view",
      "federation",
      "--format",
      "svg",
      "--out",
      out,
    ]);
    assert.equal(svg.status, 0, svg.stderr);
    assert.equal(svg.stdout, `wrote ${out}\n`);
    assert.equal(parseXml(readFileSync(out, "utf8")).name, "svg");
  });

  it("a stack outside the federation has no federation view: exit 1 with why", async () => {
    const result = await runMain(main, [...annex, "--view", "federation"]);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, "");
    assert.match(
      result.stderr,
      /^Cannot draw the federation view: 1 problem\n\ntest\/fixtures\/sites\/annex\.yaml {2}homelab:federation\n {4}is not set: stack "annex" is not a federation member/,
    );
  });

  it("invalid configuration: the report, exit 1", async () => {
    const broken = variant(ANNEX, (text) => text.replace("vlan: 20", "vlan: 10"));
    const result = await runMain(main, ["--stack", "annex", "--config", broken.file]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^Invalid configuration: 1 problem\n/);
    assert.match(result.stderr, /VLAN id 10 is already used at index 0/);
  });

  it("usage errors exit 2", async () => {
    assert.match(
      (await runMain(main, [])).stderr,
      /^--stack is required\n\nusage: npm run diagram/,
    );
    const format = await runMain(main, [...home, "--format", "png"]);
    assert.equal(format.status, 2);
    assert.match(format.stderr, /^--format must be one of mermaid, svg, got "png"\n/);
    const view = await runMain(main, [...home, "--view", "rack"]);
    assert.equal(view.status, 2);
    assert.match(view.stderr, /^--view must be one of site, federation, got "rack"\n/);
  });

  it("as a subprocess, as npm runs it: the same Mermaid", async () => {
    const result = runCli("diagram", home);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, (await runMain(main, home)).stdout);
  });
});

describe("tunnel addresses for the federation view", () => {
  const home = siteModel(HOME);
  it("use the registry derivation of every member when there is one", () => {
    const source = tunnelSource(home, (_registry, member) => [
      { peer: `${member}-peer`, localAddress: "172.31.254.0", prefixLength: 31 },
    ]);
    assert.deepEqual(source?.("dorian"), [
      { peer: "dorian-peer", localAddress: "172.31.254.0", prefixLength: 31 },
    ]);
    const failing = tunnelSource(home, () => {
      throw new Error("no peering");
    });
    assert.equal(failing?.("dorian"), undefined);
  });

  it("by default, the federation's own derivation: every tunnel has its /31", () => {
    const source = tunnelSource(home)!;
    const alexis = source("alexis")!;
    assert.deepEqual(
      alexis.map((t) => t.peer),
      ["baptiste", "camille", "dorian", "estelle"],
    );
    assert.deepEqual(
      alexis.map((t) => t.localAddress),
      home.federation!.peerings.map((p) => p.localAddress),
    );
    assert.equal(source("nobody"), undefined);
    const noRegistry = { ...home, registry: undefined } as SiteModel;
    assert.equal(tunnelSource(noRegistry), undefined);
  });
});

describe("generated documentation", () => {
  it("the docs generated from the code are up to date (run npm run docs)", () => {
    const files = codeDocs(ROOT);
    assert.deepEqual(Object.keys(files).sort(), ["docs/catalog.md", "docs/errors.md"]);
    for (const [file, content] of Object.entries(files)) {
      assert.equal(
        readFileSync(join(ROOT, file), "utf8"),
        content,
        `${file} is stale: run npm run docs`,
      );
    }
  });

  it("refreshes marker contents and reports unknown stacks and views", () => {
    const problems: Problem[] = [];
    const text = [
      "<!-- diagram: home site -->",
      "stale",
      "<!-- /diagram -->",
      "<!-- diagram: nosuch site -->",
      "<!-- /diagram -->",
      "<!-- diagram: home rack -->",
      "<!-- /diagram -->",
    ].join("\n");
    const out = refreshReadme(
      text,
      (stack, view) => (stack === "home" ? `${view} of ${stack}\n` : undefined),
      problems,
    );
    assert.match(
      out,
      /^<!-- diagram: home site -->\n\n```mermaid\nsite of home\n```\n\n<!-- \/diagram -->\n/,
    );
    assert.deepEqual(
      problems.map((p) => p.message),
      [
        'diagram marker "<!-- diagram: nosuch site -->" names stack "nosuch", which has no Pulumi.nosuch.yaml: name one of the project\'s stacks in it, or delete the marker and its diagram',
        'diagram marker "<!-- diagram: home rack -->" names view "rack": use one of site, federation',
      ],
    );
  });

  it("the error catalogue has every fixture's rule and exact messages", () => {
    const entries = catalogueEntries(ROOT);
    assert.ok(entries.length >= 40, String(entries.length));
    const catalogue = readFileSync(join(ROOT, "docs", "errors.md"), "utf8");
    for (const entry of entries) {
      assert.ok(catalogue.includes(markdownText(entry.rule).slice(1)), entry.rule);
      for (const problem of entry.problems) {
        assert.ok(catalogue.includes(problem.message), problem.message);
        assert.ok(catalogue.includes(`\`${problem.path}\``), problem.path);
      }
    }
    const at = (text: string) => catalogue.indexOf(text);
    const rule = at("\n### A guest never runs on a node declared powered: false\n");
    assert.ok(at("\n## homelab:proxmox\n") < rule && rule < at("\n## homelab:fortigate\n"));
  });

  it("groups rules by section, secrets, the stack file, the registry", () => {
    const entry = (path: string, extra = "") =>
      readHeader(
        `# rule: r\n${extra}# expect: ${path} :: m\nconfig: {}\n`,
        "test/fixtures/invalid/x.yaml",
      )!;
    assert.equal(sectionOf(entry("homelab:proxmox.nodes[0]")), "homelab:proxmox");
    assert.equal(sectionOf(entry("homelab:psk-bravo")), SECRETS_GROUP);
    assert.equal(sectionOf(entry("(top level)")), STACK_FILE_GROUP);
    assert.equal(sectionOf(entry("members[1].id")), REGISTRY_GROUP);
    assert.equal(
      sectionOf(entry("homelab:site", "# problem-file: stacks/federation.yaml\n")),
      REGISTRY_GROUP,
    );
    assert.equal(readHeader("config: {}\n", "x.yaml"), undefined, "no rule, not in the catalogue");
    assert.deepEqual(readHeader("# rule: r\n# expect: a :: line 1\\nline 2\n", "x")!.problems, [
      { path: "a", message: "line 1\nline 2" },
    ]);
  });
});

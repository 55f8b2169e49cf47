/**
 * Hostile names and descriptions in diagrams (issue 14, item 4): SVG and Mermaid escape
 * everything they print, so a label can neither break the document nor inject markup,
 * Mermaid statements or the end of the README's code fence. Directly on a diagram with every
 * troublesome character, and through the real pipeline from a stack file and a registry.
 */
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { diagramOf, render } from "../../src/cli/diagram";
import { loadOffline } from "../../src/cli/offline";
import { refreshReadme } from "../../src/cli/docs";
import type { Diagram } from "../../src/diagram/graph";
import { Builder } from "../../src/diagram/builder";
import { toMermaid } from "../../src/diagram/mermaid";
import { toSvg } from "../../src/diagram/svg";
import { HOME, REGISTRY, fixtureProject } from "../helpers/sites";
import { elements, parseXml } from "../helpers/xml";

/** Every character with a meaning in XML, Mermaid, Markdown or a terminal. */
const HOSTILE =
  'x <img src=x onerror=alert(1)> & "q" \'s ]]> [a]{b}(c)|d|;e #f %%g ```\n# heading\r\u001b[2J\u0000 \ud800 \uffff end';

/* eslint-disable no-control-regex -- these tests look for control characters */

/** XML 1.0 `Char`: what a document may contain at all. */
const NOT_XML_CHAR = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

function assertSafeSvg(svg: string, labels: readonly string[]): void {
  assert.doesNotMatch(svg, NOT_XML_CHAR, "only XML characters");
  const doc = parseXml(svg);
  const texts = elements(doc, "text").map((t) => t.text);
  for (const text of texts) assert.doesNotMatch(text, /[\u0000-\u001f]/, "no control character");
  assert.equal(elements(doc, "img").length, 0, "no injected element");
  for (const label of labels) {
    const shown = label.replace(/[\u0000-\u001f]/g, " ");
    assert.ok(
      texts.some((t) => t.includes(shown.slice(0, 12))),
      `label ${JSON.stringify(label.slice(0, 12))} is printed as text`,
    );
  }
}

/** Each line is one statement; labels hold no quote, backtick, bar, angle bracket or break. */
function assertSafeMermaid(text: string): void {
  assert.doesNotMatch(text, /`/, "no backtick (a fence of three would end the README's block)");
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, "no control character");
  const lines = text.trimEnd().split("\n");
  assert.match(lines[1]!, /^title: "(?:[^"\\]|\\.)*"$/, "the title is one quoted string");
  for (const line of lines.slice(4)) {
    for (const label of line.match(/"[^"]*"/g) ?? []) {
      assert.doesNotMatch(label.slice(1, -1).replaceAll("<br/>", ""), /[<>|`]/, `label ${label}`);
    }
    assert.doesNotMatch(line, /[\ud800-\udfff]/, "no broken character");
    assert.doesNotMatch(line, /^\s*(#|%%)/, "no line starts a heading or a comment");
  }
}

describe("diagram escaping", () => {
  const diagram: Diagram = {
    view: "site",
    title: HOSTILE,
    nodes: [
      { id: "router", kind: "router", label: HOSTILE, details: [HOSTILE], tags: [] },
      { id: "net_x", kind: "network", label: HOSTILE, details: [], tags: ["lan"] },
      { id: "host_h", kind: "host", label: HOSTILE, details: [HOSTILE], tags: [] },
      { id: "svc_s", kind: "service", label: HOSTILE, details: [], parent: "host_h", tags: [] },
    ],
    edges: [{ from: "router", to: "net_x", kind: "attach", label: HOSTILE, tags: [] }],
  };

  it("SVG: a well-formed document, hostile text printed as text", () => {
    assertSafeSvg(toSvg(diagram), ['x <img src=x onerror=alert(1)> & "q" \'s ]]>']);
    assert.ok(toSvg(diagram).includes("]]&gt;"));
  });

  it("Mermaid: one statement per line, every label escaped", () => {
    const text = toMermaid(diagram);
    assertSafeMermaid(text);
    assert.ok(text.includes("#lt;img src=x onerror=alert(1)#gt; #amp; #quot;q#quot;"));
    assert.ok(text.includes("#124;d#124;"));
    // In the README, the diagram stays inside its fence.
    const readme = refreshReadme(
      "<!-- diagram: home site -->\nold\n<!-- /diagram -->\n",
      () => text,
      [],
    );
    assert.equal(readme.match(/^```/gm)?.length, 2);
  });

  it("node ids are never Mermaid keywords", () => {
    const b = new Builder();
    assert.equal(b.id("end"), "end_");
    assert.equal(b.id("subgraph"), "subgraph_");
    assert.equal(b.id("guest:end"), "guest_end");
  });
});

describe("hostile text from the configuration", () => {
  const project = fixtureProject([HOME]);
  after(() => rmSync(project, { recursive: true, force: true }));
  // What the configuration accepts in one line of text: everything but control characters.
  const TEXT = `<img src=x> & "q" ]]> [a]{b}|c| #d \`\`\` end`;

  it("a description and a registry member name reach both formats escaped", () => {
    const home = readFileSync(join(project, "Pulumi.home.yaml"), "utf8").replace(
      "description: ISP box LAN; the FortiGate is its DMZ host",
      `description: '${TEXT.replaceAll("'", "''")}'`,
    );
    writeFileSync(join(project, "Pulumi.home.yaml"), home);
    const registry = readFileSync(join(project, REGISTRY), "utf8").replace(
      "name: Baptiste",
      `name: '${TEXT.replaceAll("'", "''")}'`,
    );
    assert.ok(registry.includes("<img"), "the registry has a member named Baptiste");
    writeFileSync(join(project, REGISTRY), registry);
    const { loaded, model } = loadOffline(project, "home");
    for (const view of ["site", "federation"] as const) {
      const diagram = diagramOf(model, loaded.file, view);
      assertSafeSvg(render(diagram, "svg"), []);
      const svgTexts = elements(parseXml(render(diagram, "svg")), "text").map((t) => t.text);
      assert.ok(
        svgTexts.some((t) => t.includes('<img src=x> & "q" ]]>')),
        `${view} svg`,
      );
      const mermaid = render(diagram, "mermaid");
      assertSafeMermaid(mermaid);
      assert.ok(mermaid.includes("#lt;img src=x#gt; #amp; #quot;q#quot; ]]#gt;"), view);
    }
  });
});

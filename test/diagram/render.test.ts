/** The Mermaid and SVG renderers: structure of their output, never pixels. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { federationDiagram, siteDiagram, type Diagram } from "../../src/diagram/graph";
import { mermaidLabel, toMermaid } from "../../src/diagram/mermaid";
import { textWidth, wrapDetail } from "../../src/diagram/layout";
import { toSvg, xml } from "../../src/diagram/svg";
import { siteModel } from "../helpers/site";
import { ANNEX, HOME } from "../helpers/sites";
import { elements, parseXml } from "../helpers/xml";

const model = siteModel;
const home = siteDiagram(model(HOME));
const annex = siteDiagram(model(ANNEX));
const federation = federationDiagram(model(HOME).registry!, { member: "alexis" });

/** A tiny diagram with every troublesome character in its labels. */
const tricky: Diagram = {
  view: "site",
  title: 'Site "t": <x> & #1',
  nodes: [
    { id: "router", kind: "router", label: 'Router "A" <b> & #2', details: ["a · b"], tags: [] },
    { id: "net_x", kind: "network", label: "x", details: ["10.0.0.0/24 · LAN"], tags: ["lan"] },
    { id: "host_h", kind: "host", label: "h", details: [], tags: [] },
    { id: "svc_s", kind: "service", label: "s", details: [], parent: "host_h", tags: ["public"] },
  ],
  edges: [
    { from: "router", to: "net_x", kind: "attach", label: '"gw" <1>', tags: [] },
    { from: "host_h", to: "net_x", kind: "attach", label: "10.0.0.2", tags: [] },
  ],
};

/**
 * Reads Mermaid flowchart text back: declared node and subgraph ids (each once), edges, and
 * checks the block structure (front matter, header, balanced subgraph/end, quoted labels).
 */
function readMermaid(text: string) {
  const lines = text.trimEnd().split("\n");
  assert.equal(lines[0], "---");
  assert.match(lines[1]!, /^title: "(?:[^"\\]|\\.)*"$/);
  assert.equal(lines[2], "---");
  assert.match(lines[3]!, /^flowchart (TB|LR)$/);
  const declared: string[] = [];
  const edges: [string, string, string | undefined][] = [];
  let depth = 0;
  const label = String.raw`"[^"]*"`;
  for (const line of lines.slice(4)) {
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^ +subgraph (\\w+) \\[(${label})\\]$`).exec(line))) {
      declared.push(m[1]!);
      depth++;
    } else if (/^ +end$/.test(line)) {
      depth--;
      assert.ok(depth >= 0, "end without subgraph");
    } else if (
      (m = new RegExp(
        `^ +(\\w+)(\\(\\(|\\{\\{|\\[/|\\[|\\()(${label})(\\)\\)|\\}\\}|/\\]|\\]|\\))$`,
      ).exec(line))
    ) {
      declared.push(m[1]!);
    } else if (
      (m = new RegExp(`^ {2}(\\w+) (---|-\\.->|===|==>|-\\.-)(?:\\|(${label})\\|)? (\\w+)$`).exec(
        line,
      ))
    ) {
      edges.push([m[1]!, m[4]!, m[3]]);
    } else if (
      /^ {2}(classDef \w+ [\w:#,. -]+|class [\w,]+ \w+|linkStyle \d+ [\w:#,. -]+)$/.test(line)
    ) {
      continue;
    } else {
      assert.fail(`unexpected Mermaid line: ${line}`);
    }
  }
  assert.equal(depth, 0, "every subgraph is closed");
  assert.equal(new Set(declared).size, declared.length, "every id is declared once");
  for (const [from, to] of edges) {
    assert.ok(declared.includes(from) && declared.includes(to), `edge ${from} -> ${to}`);
  }
  return { declared, edges };
}

describe("Mermaid", () => {
  it("every node and group declared once, every edge between them, labels kept", () => {
    for (const d of [home, annex, federation]) {
      const { declared, edges } = readMermaid(toMermaid(d));
      assert.deepEqual([...declared].sort(), d.nodes.map((n) => n.id).sort());
      assert.equal(edges.length, d.edges.length);
      d.edges.forEach((e, i) => {
        assert.deepEqual(edges[i]!.slice(0, 2), [e.from, e.to]);
        assert.equal(edges[i]![2], e.label === undefined ? undefined : mermaidLabel([e.label]));
      });
    }
    const text = toMermaid(home);
    assert.match(text, /^flowchart TB$/m);
    assert.match(text, /^ {2}subgraph pve \["Proxmox VE<br\/>2 nodes"\]$/m);
    assert.match(
      text,
      /^ {6}subgraph guest_immich \["immich<br\/>VM 105 · 2 vCPU · 4096 MiB · 64 GiB"\]$/m,
    );
    assert.match(text, /^ {8}svc_immich\("immich<br\/>photos\.example\.net · public · open"\)$/m);
    assert.match(text, /^ {2}router -\.->\|"route via 172\.24\.0\.11"\| net_swprod$/m);
    assert.match(text, /^ {2}class pve_pve2 off$/m);
    assert.match(toMermaid(federation), /^flowchart LR$/m);
    assert.match(toMermaid(federation), /^ {2}linkStyle 0 stroke:#b45309,stroke-width:3px$/m);
  });

  it("labels escape quotes, angle brackets, ampersands and hashes", () => {
    assert.equal(
      mermaidLabel(['a "b"', "<c> & #d"]),
      '"a #quot;b#quot;<br/>#lt;c#gt; #amp; #35;d"',
    );
    const text = toMermaid(tricky);
    readMermaid(text);
    assert.match(text, /^title: "Site \\"t\\": <x> & #1"$/m);
    assert.match(text, /router\{\{"Router #quot;A#quot; #lt;b#gt; #amp; #35;2<br\/>a · b"\}\}/);
    assert.match(text, /subgraph host_h \["h"\]\n {4}svc_s\("s"\)\n {2}end/);
  });

  it("is deterministic", () => {
    assert.equal(toMermaid(siteDiagram(model(HOME))), toMermaid(home));
  });
});

describe("SVG", () => {
  it("is a well-formed SVG document with a title", () => {
    for (const d of [home, annex, federation, tricky]) {
      const svg = parseXml(toSvg(d));
      assert.equal(svg.name, "svg");
      assert.equal(svg.attributes.xmlns, "http://www.w3.org/2000/svg");
      assert.match(svg.attributes.viewBox ?? "", /^0 0 [\d.]+ [\d.]+$/);
      assert.equal(elements(svg, "title")[0]?.text, d.title);
    }
  });

  it("site: every label as text, a box per machine and the router, a bus per network", () => {
    const svg = parseXml(toSvg(annex));
    const texts = elements(svg, "text").map((t) => t.text);
    for (const n of annex.nodes) {
      if (n.kind === "cluster") continue;
      assert.ok(texts.includes(n.label), `label ${n.label}`);
    }
    const boxes = elements(svg, "rect").filter((r) => /\bbox\b/.test(r.attributes.class ?? ""));
    // The router, three hosts.
    assert.equal(boxes.length, 4);
    const buses = elements(svg, "line").filter((l) => l.attributes["stroke-width"] === "4");
    assert.equal(buses.length, 6);
    // One dot per connection to a bus: the router's six and the hosts' three.
    assert.equal(elements(svg, "circle").length, 9);
    assert.ok(texts.includes("publish :80, :443 from cloudflare → Traefik on optiplex"));
    assert.ok(texts.includes("10.0.10.0/24 · VLAN 10"));
  });

  it("site: frames around the cluster and the node with guests; the powered-off node dashed", () => {
    const svg = parseXml(toSvg(home));
    const frames = elements(svg, "rect").filter((r) => r.attributes.class === "frame");
    assert.equal(frames.length, 2);
    const texts = elements(svg, "text").map((t) => t.text);
    assert.ok(texts.includes("Proxmox VE · 2 nodes"));
    assert.ok(texts.includes("pve1 · 172.24.0.11"));
    assert.equal(elements(svg, "rect").filter((r) => r.attributes.class === "box off").length, 1);
    // Satellites: the two external networks and the federation.
    assert.equal(
      elements(svg, "rect").filter((r) => r.attributes.class === "box satellite").length,
      3,
    );
    // Twelve machines (2 nodes, 10 guests) and the router.
    assert.equal(
      elements(svg, "rect").filter((r) => /^box( |$)/.test(r.attributes.class ?? "")).length,
      16,
    );
  });

  it("federation: a box per member, a line per tunnel, this site highlighted", () => {
    const svg = parseXml(toSvg(federation));
    const boxes = elements(svg, "rect").filter((r) => /^box/.test(r.attributes.class ?? ""));
    assert.equal(boxes.length, 5);
    assert.equal(boxes.filter((b) => b.attributes.class === "box highlight").length, 1);
    const tunnels = elements(svg, "line").filter((l) => /^tunnel/.test(l.attributes.class ?? ""));
    assert.equal(tunnels.length, 10);
    assert.equal(tunnels.filter((l) => l.attributes.class === "tunnel highlight").length, 4);
  });

  it("escapes text; wraps long detail lines; measures monospace text", () => {
    const text = toSvg(tricky);
    assert.ok(text.includes("Router &quot;A&quot; &lt;b&gt; &amp; #2"));
    const svg = parseXml(text);
    assert.ok(elements(svg, "text").some((t) => t.text === 'Router "A" <b> & #2'));
    assert.equal(xml(`a<b>&"'`), "a&lt;b&gt;&amp;&quot;&apos;");
    assert.deepEqual(wrapDetail("vault.example.net · public · from lan, swprod, vpn, work"), [
      "vault.example.net · public",
      "from lan, swprod, vpn, work",
    ]);
    assert.deepEqual(wrapDetail("short · line"), ["short · line"]);
    assert.equal(textWidth("abcd", 10), 24);
  });

  it("is deterministic", () => {
    assert.equal(toSvg(siteDiagram(model(HOME))), toSvg(home));
  });
});

describe("the XML checker used above", () => {
  it("refuses what is not well formed", () => {
    for (const bad of [
      "<a><b></a>",
      "<a x=1/>",
      '<a x="1" x="2"/>',
      "<a>&nope;</a>",
      "<a/><b/>",
      "<a>1 < 2</a>",
      "<a>",
    ]) {
      assert.throws(() => parseXml(bad), Error, bad);
    }
    assert.equal(
      parseXml('<?xml version="1.0"?><a t="&lt;">x &amp; y<!-- c --></a>').text,
      "x & y",
    );
  });
});

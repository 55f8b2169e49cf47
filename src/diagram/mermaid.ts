/**
 * Mermaid flowchart text of a diagram (GitHub renders it in Markdown): groups become
 * subgraphs, kinds pick shapes, edges keep their labels, tags become classes.
 */
import { drawable } from "../lib/display";
import { childrenOf, type Diagram, type DiagramEdge, type DiagramNode } from "./graph";

/**
 * Text safe inside a quoted Mermaid label; lines joined with <br/>. Mermaid entity codes
 * (`#35;`) replace every character with a meaning there: `#` (entities themselves), `&`,
 * quotes and `<`/`>` (HTML labels), a backtick (a label that starts with one is Markdown,
 * and a run of three ends the README's code fence) and `|` (edge labels). Line breaks and
 * other control characters would end the statement: they become spaces (and a broken
 * character U+FFFD).
 */
export function mermaidLabel(lines: readonly string[]): string {
  const escaped = lines.map((line) =>
    drawable(line)
      .replaceAll("#", "#35;")
      .replaceAll("&", "#amp;")
      .replaceAll('"', "#quot;")
      .replaceAll("`", "#96;")
      .replaceAll("|", "#124;")
      .replaceAll("<", "#lt;")
      .replaceAll(">", "#gt;"),
  );
  return `"${escaped.join("<br/>")}"`;
}

/**
 * The title as a YAML double-quoted string (front matter): JSON's escapes are valid there;
 * control characters become spaces and backticks an escape, so that the title can neither
 * end the front matter nor the Markdown fence around the diagram.
 */
export function mermaidTitle(title: string): string {
  return JSON.stringify(drawable(title)).replaceAll("`", "\\u0060");
}

const SHAPES: Record<DiagramNode["kind"], [string, string]> = {
  internet: ["((", "))"],
  router: ["{{", "}}"],
  network: ["[/", "/]"],
  federation: ["((", "))"],
  cluster: ["[", "]"],
  "pve-node": ["[", "]"],
  guest: ["[", "]"],
  host: ["[", "]"],
  service: ["(", ")"],
  member: ["[", "]"],
};

const ARROWS: Record<DiagramEdge["kind"], string> = {
  attach: "---",
  route: "-.->",
  uplink: "===",
  publish: "==>",
  tunnel: "-.-",
  placement: "-.-",
};

/** Styles per class: kinds and tags. */
const CLASSES = {
  internet: "fill:#eef2ff,stroke:#6366f1,color:#1e1b4b",
  router: "fill:#fde68a,stroke:#b45309,color:#451a03",
  network: "fill:#e0f2fe,stroke:#0369a1,color:#082f49",
  remote: "fill:#f1f5f9,stroke:#64748b,color:#0f172a,stroke-dasharray:4 3",
  external: "fill:#f8fafc,stroke:#94a3b8,color:#334155,stroke-dasharray:4 3",
  box: "fill:#ffffff,stroke:#475569,color:#0f172a",
  off: "fill:#f1f5f9,stroke:#94a3b8,color:#64748b,stroke-dasharray:4 3",
  public: "fill:#dcfce7,stroke:#15803d,color:#052e16",
  sso: "fill:#f3e8ff,stroke:#7e22ce,color:#3b0764",
  restricted: "fill:#ffedd5,stroke:#c2410c,color:#431407",
  internal: "fill:#e0f2fe,stroke:#0369a1,color:#082f49",
  private: "fill:#f8fafc,stroke:#64748b,color:#0f172a",
  infra: "fill:#fef3c7,stroke:#b45309,color:#451a03",
  highlight: "fill:#fde68a,stroke:#b45309,stroke-width:3px,color:#451a03",
} as const satisfies Record<string, string>;

type ClassName = keyof typeof CLASSES;

/** The class a node is drawn with. */
function classOf(node: DiagramNode): ClassName | undefined {
  for (const tag of [
    "highlight",
    "off",
    "infra",
    "public",
    "sso",
    "restricted",
    "internal",
    "private",
    "remote",
    "external",
  ] as const) {
    if (node.tags.includes(tag)) return tag;
  }
  if (node.kind === "internet" || node.kind === "router" || node.kind === "network")
    return node.kind;
  if (
    node.kind === "host" ||
    node.kind === "guest" ||
    node.kind === "pve-node" ||
    node.kind === "member"
  )
    return "box";
  return undefined;
}

/** The diagram as Mermaid flowchart text (one block, without the Markdown fence). */
export function toMermaid(diagram: Diagram): string {
  // Front matter: the title as a YAML double-quoted string (JSON's syntax is valid there).
  const lines: string[] = ["---", `title: ${mermaidTitle(diagram.title)}`, "---"];
  lines.push(`flowchart ${diagram.view === "federation" ? "LR" : "TB"}`);
  const walk = (parent: string | undefined, indent: string) => {
    for (const node of childrenOf(diagram, parent)) {
      const label = mermaidLabel([node.label, ...node.details]);
      if (childrenOf(diagram, node.id).length > 0) {
        lines.push(`${indent}subgraph ${node.id} [${label}]`);
        walk(node.id, `${indent}  `);
        lines.push(`${indent}end`);
      } else {
        const [open, close] = SHAPES[node.kind];
        lines.push(`${indent}${node.id}${open}${label}${close}`);
      }
    }
  };
  walk(undefined, "  ");
  for (const edge of diagram.edges) {
    const arrow = ARROWS[edge.kind];
    lines.push(
      edge.label
        ? `  ${edge.from} ${arrow}|${mermaidLabel([edge.label])}| ${edge.to}`
        : `  ${edge.from} ${arrow} ${edge.to}`,
    );
  }
  const byClass = new Map<ClassName, string[]>();
  for (const node of diagram.nodes) {
    const cls = classOf(node);
    if (!cls) continue;
    byClass.set(cls, [...(byClass.get(cls) ?? []), node.id]);
  }
  for (const [cls, ids] of [...byClass.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    lines.push(`  classDef ${cls} ${CLASSES[cls]}`);
    lines.push(`  class ${ids.join(",")} ${cls}`);
  }
  diagram.edges.forEach((edge, i) => {
    if (edge.tags.includes("highlight"))
      lines.push(`  linkStyle ${i} stroke:#b45309,stroke-width:3px`);
  });
  return lines.join("\n") + "\n";
}

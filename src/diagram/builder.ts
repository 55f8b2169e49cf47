/**
 * Building a diagram: a collector of nodes and edges with unique, readable ids, and the
 * drawing order of groups and their children.
 */
import type { DiagramEdge, DiagramNode, EdgeKind, NodeKind, Tag } from "./graph";

/** Shortens a free-text line (descriptions) for a diagram. */
export function shorten(text: string, max = 44): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

const MERMAID_KEYWORDS =
  /^(end|subgraph|graph|flowchart|style|class|classDef|click|linkStyle|direction|default|call|href)$/i;

/** Collects nodes and edges with unique, readable ids. */
export class Builder {
  readonly nodes: DiagramNode[] = [];
  readonly edges: DiagramEdge[] = [];
  private readonly ids = new Map<string, string>();

  /** The diagram id of a semantic key ("guest:caddy"), created on first use. */
  id(key: string): string {
    const known = this.ids.get(key);
    if (known) return known;
    const safe = key.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "") || "n";
    // Mermaid keywords cannot be node ids ("end" closes a subgraph).
    const base = MERMAID_KEYWORDS.test(safe) ? `${safe}_` : safe;
    const taken = new Set(this.ids.values());
    let id = /^[0-9]/.test(base) ? `n_${base}` : base;
    for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    this.ids.set(key, id);
    return id;
  }

  has(key: string): boolean {
    return this.ids.has(key);
  }

  node(
    key: string,
    kind: NodeKind,
    label: string,
    options: { details?: (string | undefined)[]; parent?: string; tags?: Tag[] } = {},
  ): string {
    const id = this.id(key);
    this.nodes.push({
      id,
      kind,
      label,
      details: (options.details ?? []).filter((d): d is string => d !== undefined && d !== ""),
      ...(options.parent ? { parent: this.id(options.parent) } : {}),
      tags: options.tags ?? [],
    });
    return id;
  }

  edge(from: string, to: string, kind: EdgeKind, label?: string, tags: Tag[] = []): void {
    this.edges.push({
      from: this.id(from),
      to: this.id(to),
      kind,
      ...(label ? { label } : {}),
      tags,
    });
  }
}

/** Nodes in drawing order: each group before its children, otherwise as built. */
export function ordered(nodes: readonly DiagramNode[]): DiagramNode[] {
  const out: DiagramNode[] = [];
  const visit = (parent: string | undefined) => {
    for (const node of nodes) {
      if (node.parent !== parent) continue;
      out.push(node);
      visit(node.id);
    }
  };
  visit(undefined);
  // Nodes whose parent does not exist are drawn at the top level.
  const known = new Set(nodes.map((n) => n.id));
  for (const node of nodes) {
    if (node.parent !== undefined && !known.has(node.parent)) {
      const { parent: _dropped, ...rest } = node;
      out.push(rest);
    }
  }
  return out;
}

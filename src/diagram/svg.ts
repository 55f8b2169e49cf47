/**
 * SVG of a diagram, laid out in-process (no browser, no system binary), deterministically.
 *
 * - Site view, as a network drawing: the Internet and what sits beside it (external
 *   networks, remote networks, the federation) on top, the edge router under it, each
 *   network as a horizontal bus, and one box per machine (Proxmox node, guest, host) in a
 *   row below, with its services listed inside and a line up to every bus it is plugged
 *   into (a dot marks the connection). Frames group the cluster and each node's guests.
 * - Federation view: the members on an ellipse, a line per tunnel, this site highlighted.
 *
 * Text is monospace, so its width is known without font metrics.
 */
import type { Diagram, DiagramEdge, DiagramNode, Tag } from "./graph";

const FONT = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace";
/** Font sizes of labels and of detail lines, and their line heights. */
const SIZE = 12;
const SMALL = 10.5;
const LINE = 16;
const SMALL_LINE = 14;
const PAD = 10;

/** Width of monospace text: 0.6 em per character. */
export function textWidth(text: string, size = SIZE): number {
  return [...text].length * size * 0.6;
}

/** Number text without needless decimals (deterministic output). */
function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Escapes text for XML character data and attribute values. */
export function xml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

const NETWORK_COLOURS: Record<string, string> = {
  lan: "#0369a1",
  vlan: "#0f766e",
  sdn: "#7e22ce",
  vpn: "#c2410c",
  wan: "#475569",
  remote: "#64748b",
  external: "#94a3b8",
  other: "#475569",
};

const EXPOSURE_COLOURS: Partial<Record<Tag, string>> = {
  public: "#15803d",
  sso: "#7e22ce",
  restricted: "#c2410c",
  internal: "#0369a1",
  private: "#94a3b8",
  infra: "#b45309",
};

const STYLE = [
  `text { font-family: ${FONT}; fill: #0f172a; }`,
  `.label { font-size: ${SIZE}px; font-weight: bold; }`,
  `.detail { font-size: ${SMALL}px; fill: #334155; }`,
  `.edge-label { font-size: ${SMALL}px; fill: #475569; }`,
  `.title { font-size: 15px; font-weight: bold; }`,
  `.box { fill: #ffffff; stroke: #475569; stroke-width: 1.2; }`,
  `.box.off { fill: #f1f5f9; stroke: #94a3b8; stroke-dasharray: 5 3; }`,
  `.box.router { fill: #fef3c7; stroke: #b45309; stroke-width: 1.6; }`,
  `.box.highlight { fill: #fef3c7; stroke: #b45309; stroke-width: 3; }`,
  `.box.satellite { fill: #f8fafc; stroke: #94a3b8; stroke-dasharray: 5 3; }`,
  `.frame { fill: none; stroke: #94a3b8; stroke-dasharray: 6 4; }`,
  `.frame-label { font-size: ${SMALL}px; fill: #64748b; font-weight: bold; }`,
  `.link { stroke: #475569; stroke-width: 1.4; fill: none; }`,
  `.dashed { stroke-dasharray: 6 4; }`,
  `.tunnel { stroke: #64748b; stroke-width: 1.4; stroke-dasharray: 3 3; fill: none; }`,
  `.tunnel.highlight { stroke: #b45309; stroke-width: 3; stroke-dasharray: none; }`,
  `.internet { fill: #eef2ff; stroke: #6366f1; stroke-width: 1.4; }`,
].join("\n    ");

/** A text block: one label line and smaller detail lines. */
interface Block {
  readonly lines: readonly { text: string; cls: "label" | "detail" }[];
  readonly width: number;
  readonly height: number;
}

/** Splits a long detail line at its " · " separators into lines of at most `max` characters. */
export function wrapDetail(text: string, max = 36): string[] {
  const parts = text.split(" · ");
  const out: string[] = [];
  for (const part of parts) {
    const last = out[out.length - 1];
    if (last !== undefined && [...last].length + 3 + [...part].length <= max) {
      out[out.length - 1] = `${last} · ${part}`;
    } else out.push(part);
  }
  return out;
}

function block(label: string, details: readonly string[]): Block {
  const wrapped = details.flatMap((d) => wrapDetail(d));
  const lines = [
    { text: label, cls: "label" as const },
    ...wrapped.map((text) => ({ text, cls: "detail" as const })),
  ];
  const width = Math.max(...lines.map((l) => textWidth(l.text, l.cls === "label" ? SIZE : SMALL)));
  return { lines, width, height: LINE + wrapped.length * SMALL_LINE };
}

/** SVG text elements of a block whose first baseline is at y. */
function drawBlock(out: string[], b: Block, x: number, y: number, anchor = "start"): void {
  let baseline = y;
  b.lines.forEach((line, i) => {
    out.push(
      `<text x="${n(x)}" y="${n(baseline)}" class="${line.cls}"${anchor !== "start" ? ` text-anchor="${anchor}"` : ""}>${xml(line.text)}</text>`,
    );
    baseline += i === 0 ? LINE : SMALL_LINE;
  });
}

function svgDocument(title: string, width: number, height: number, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}" role="img" aria-label="${xml(title)}">`,
    `  <title>${xml(title)}</title>`,
    `  <style>\n    ${STYLE}\n  </style>`,
    `  <rect x="0" y="0" width="${n(width)}" height="${n(height)}" fill="#ffffff"/>`,
    ...body.map((line) => `  ${line}`),
    `</svg>`,
    "",
  ].join("\n");
}

/** The diagram as a standalone SVG document. */
export function toSvg(diagram: Diagram): string {
  return diagram.view === "federation" ? federationSvg(diagram) : siteSvg(diagram);
}

// ----- site view -------------------------------------------------------------------------

const BOX_KINDS = new Set<DiagramNode["kind"]>(["pve-node", "guest", "host"]);

interface Box {
  readonly node: DiagramNode;
  readonly services: readonly DiagramNode[];
  readonly head: Block;
  readonly serviceBlocks: readonly Block[];
  readonly width: number;
  readonly height: number;
  x: number;
}

function siteSvg(diagram: Diagram): string {
  const byId = new Map(diagram.nodes.map((node) => [node.id, node]));
  const children = (id: string) => diagram.nodes.filter((c) => c.parent === id);
  const internet = diagram.nodes.find((x) => x.kind === "internet");
  const router = diagram.nodes.find((x) => x.kind === "router");
  const isSatellite = (node: DiagramNode) =>
    node.kind === "federation" ||
    (node.kind === "network" && (node.tags.includes("external") || node.tags.includes("remote")));
  const satellites = diagram.nodes.filter(isSatellite);
  const buses = diagram.nodes.filter((x) => x.kind === "network" && !isSatellite(x));

  // Machines, each with the services it runs; services outside any machine get a box.
  const boxNodes = diagram.nodes.filter(
    (x) =>
      BOX_KINDS.has(x.kind) ||
      (x.kind === "service" &&
        !(x.parent && BOX_KINDS.has(byId.get(x.parent)?.kind ?? "internet"))),
  );
  const boxes: Box[] = boxNodes.map((node) => {
    const services =
      node.kind === "service" ? [] : children(node.id).filter((c) => c.kind === "service");
    const head = block(node.label, node.details);
    const serviceBlocks = services.map((s) => block(s.label, s.details));
    const inner = Math.max(head.width, ...serviceBlocks.map((b) => b.width + 14));
    const width = Math.max(150, inner + 2 * PAD);
    const height =
      PAD + head.height + serviceBlocks.reduce((sum, b) => sum + 8 + b.height, 0) + PAD - 4;
    return { node, services, head, serviceBlocks, width, height, x: 0 };
  });

  // Frames: the cluster and every node with guests, around their boxes.
  const frameChain = (node: DiagramNode): string[] => {
    const chain: string[] = [];
    let current: DiagramNode | undefined = node;
    while (current) {
      const isFrame =
        current.kind === "cluster" ||
        (current.kind === "pve-node" && children(current.id).some((c) => c.kind === "guest"));
      if (isFrame) chain.unshift(current.id);
      current = current.parent ? byId.get(current.parent) : undefined;
    }
    return chain;
  };
  const maxDepth = Math.max(0, ...boxes.map((b) => frameChain(b.node).length));

  // Left column: the buses' labels.
  const busBlocks = new Map(buses.map((bus) => [bus.id, block(bus.label, bus.details)]));
  const labelColumn = Math.max(120, ...[...busBlocks.values()].map((b) => b.width)) + 30;
  const routerDrop = labelColumn + 14;

  // Horizontal placement of the boxes, with room for frames.
  const GAP = 18;
  const FRAME_PAD = 12;
  const frames = new Map<string, { left: number; right: number; depth: number }>();
  let x = routerDrop + 36;
  let open: string[] = [];
  for (const box of boxes) {
    const chain = frameChain(box.node);
    let common = 0;
    while (common < open.length && open[common] === chain[common]) common++;
    for (let i = open.length - 1; i >= common; i--) {
      frames.get(open[i]!)!.right = x - GAP + FRAME_PAD * (open.length - i);
      x += FRAME_PAD;
    }
    for (let i = common; i < chain.length; i++) {
      x += FRAME_PAD;
      frames.set(chain[i]!, { left: x - FRAME_PAD * (chain.length - i), right: x, depth: i });
    }
    open = chain;
    box.x = x;
    x += box.width + GAP;
  }
  for (let i = open.length - 1; i >= 0; i--) {
    frames.get(open[i]!)!.right = x - GAP + FRAME_PAD * (open.length - i);
    x += FRAME_PAD;
  }
  const contentRight = Math.max(x, routerDrop + 200);

  // Top row: the Internet, then the satellites.
  const out: string[] = [];
  const TOP = 64;
  const internetBlock = internet ? block(internet.label, internet.details) : undefined;
  const internetW = internetBlock ? internetBlock.width + 50 : 0;
  const internetH = internetBlock ? internetBlock.height + 24 : 0;
  const centerX = routerDrop;
  const satelliteBlocks = satellites.map((s) => ({ node: s, b: block(s.label, s.details) }));
  const topH = Math.max(internetH, ...satelliteBlocks.map((s) => s.b.height + 2 * PAD));
  let satelliteX = centerX + internetW / 2 + 40;
  const satellitePos = new Map<string, { x: number; y: number; w: number; h: number }>();
  for (const s of satelliteBlocks) {
    const w = s.b.width + 2 * PAD;
    const h = s.b.height + 2 * PAD;
    satellitePos.set(s.node.id, { x: satelliteX, y: TOP + (topH - h) / 2, w, h });
    satelliteX += w + GAP;
  }

  // Router under the Internet.
  const routerBlock = router ? block(router.label, router.details) : undefined;
  const routerW = routerBlock ? routerBlock.width + 2 * PAD : 0;
  const routerH = routerBlock ? routerBlock.height + 2 * PAD - 4 : 0;
  const routerY = TOP + topH + 46;
  const routerX = Math.max(20, centerX - routerW / 2);

  // Buses.
  const busTop = (router ? routerY + routerH : TOP + topH) + 56;
  const busY = new Map<string, number>();
  let y = busTop;
  for (const bus of buses) {
    const b = busBlocks.get(bus.id)!;
    y += Math.max(0, b.height / 2 - 14);
    busY.set(bus.id, y);
    y += Math.max(40, b.height / 2 + 26);
  }
  const lastBus = y - 40;
  const boxesTop = lastBus + 64 + 26 * maxDepth;
  const boxesBottom = boxesTop + Math.max(0, ...boxes.map((b) => b.height));
  const width = Math.max(contentRight, satelliteX) + 20;
  const height = boxesBottom + 14 * maxDepth + 30;

  const edgesFrom = (id: string, kind?: DiagramEdge["kind"]) =>
    diagram.edges.filter((e) => e.from === id && (kind === undefined || e.kind === kind));

  // Frames.
  for (const [id, f] of [...frames.entries()].sort((a, b) => a[1].depth - b[1].depth)) {
    const node = byId.get(id)!;
    const top = boxesTop - 26 * (maxDepth - f.depth);
    const bottom = boxesBottom + 14 * (maxDepth - f.depth);
    out.push(
      `<rect x="${n(f.left)}" y="${n(top)}" width="${n(f.right - f.left)}" height="${n(bottom - top)}" rx="8" class="frame"/>`,
    );
    out.push(
      `<text x="${n(f.left + 8)}" y="${n(top + 15)}" class="frame-label">${xml([node.label, ...node.details.slice(0, 1)].join(" · "))}</text>`,
    );
  }

  // Buses and their labels.
  for (const bus of buses) {
    const by = busY.get(bus.id)!;
    const colour = NETWORK_COLOURS[bus.tags[0] ?? "other"] ?? NETWORK_COLOURS.other!;
    out.push(
      `<line x1="${n(labelColumn)}" y1="${n(by)}" x2="${n(width - 20)}" y2="${n(by)}" stroke="${colour}" stroke-width="4" stroke-linecap="round"/>`,
    );
    const b = busBlocks.get(bus.id)!;
    drawBlock(out, b, labelColumn - 12, by - b.height / 2 + 12, "end");
  }

  // Router and Internet, the uplink, the router's attachments.
  if (internet && internetBlock) {
    const cy = TOP + topH / 2;
    out.push(
      `<ellipse cx="${n(centerX)}" cy="${n(cy)}" rx="${n(internetW / 2)}" ry="${n(internetH / 2)}" class="internet"/>`,
    );
    drawBlock(out, internetBlock, centerX, cy - internetBlock.height / 2 + 12, "middle");
  }
  if (router && routerBlock) {
    if (internet) {
      const uplink = diagram.edges.find((e) => e.kind === "uplink");
      const from = TOP + topH / 2 + internetH / 2;
      out.push(
        `<line x1="${n(centerX)}" y1="${n(from)}" x2="${n(centerX)}" y2="${n(routerY)}" class="link" stroke-width="3"/>`,
      );
      const notes = [
        uplink?.label,
        ...diagram.edges
          .filter((e) => e.kind === "publish")
          .map((e) => {
            const target = byId.get(e.to);
            const host = target?.parent ? byId.get(target.parent) : undefined;
            return `publish ${e.label ?? ""} → ${target?.label ?? e.to}${host ? ` on ${host.label}` : ""}`;
          }),
      ].filter((t): t is string => Boolean(t));
      notes.forEach((note, i) => {
        out.push(
          `<text x="${n(centerX + 8)}" y="${n(from + 16 + i * SMALL_LINE)}" class="edge-label">${xml(note)}</text>`,
        );
      });
    }
    out.push(
      `<rect x="${n(routerX)}" y="${n(routerY)}" width="${n(routerW)}" height="${n(routerH)}" rx="6" class="box router"/>`,
    );
    drawBlock(out, routerBlock, routerX + PAD, routerY + PAD + 11);

    const attached = edgesFrom(router.id, "attach").filter((e) => busY.has(e.to));
    const routed = edgesFrom(router.id, "route").filter((e) => busY.has(e.to));
    const drop = (edges: DiagramEdge[], xLine: number, dashed: boolean) => {
      if (edges.length === 0) return;
      const bottom = Math.max(...edges.map((e) => busY.get(e.to)!));
      out.push(
        `<line x1="${n(xLine)}" y1="${n(routerY + routerH)}" x2="${n(xLine)}" y2="${n(bottom)}" class="link${dashed ? " dashed" : ""}"/>`,
      );
      for (const e of edges) {
        const by = busY.get(e.to)!;
        out.push(`<circle cx="${n(xLine)}" cy="${n(by)}" r="4.5" fill="#0f172a"/>`);
        if (e.label)
          out.push(
            `<text x="${n(centerX + 8)}" y="${n(by - 7)}" class="edge-label">${xml(e.label)}</text>`,
          );
      }
    };
    drop(attached, centerX, false);
    drop(routed, centerX - 9, true);
  }

  // Satellites and their links (to the Internet or to the router).
  for (const s of satelliteBlocks) {
    const p = satellitePos.get(s.node.id)!;
    out.push(
      `<rect x="${n(p.x)}" y="${n(p.y)}" width="${n(p.w)}" height="${n(p.h)}" rx="6" class="box satellite"/>`,
    );
    drawBlock(out, s.b, p.x + PAD, p.y + PAD + 11);
    const link = diagram.edges.find((e) => e.to === s.node.id);
    const mid = p.x + p.w / 2;
    if (link?.from === internet?.id) {
      // Over the top row, then down into the box: never through another box.
      const over = TOP - 12;
      out.push(
        `<path d="M ${n(centerX)} ${n(TOP + topH / 2 - internetH / 2)} V ${n(over)} H ${n(mid)} V ${n(p.y)}" class="link dashed"/>`,
      );
    } else if (link && link.from === router?.id) {
      // Along the router's middle, then up into the box: under the top row.
      const fromY = routerY + routerH / 2;
      out.push(
        `<path d="M ${n(routerX + routerW)} ${n(fromY)} H ${n(mid)} V ${n(p.y + p.h)}" class="tunnel"/>`,
      );
      if (link.label) {
        out.push(
          `<text x="${n(mid + 6)}" y="${n(fromY - 6)}" class="edge-label">${xml(link.label)}</text>`,
        );
      }
    }
  }

  // Machines: connectors up to their buses, then the boxes with their services.
  for (const box of boxes) {
    const attachments = edgesFrom(box.node.id, "attach").filter((e) => busY.has(e.to));
    attachments.forEach((e, k) => {
      const cx = box.x + (box.width * (k + 1)) / (attachments.length + 1);
      const by = busY.get(e.to)!;
      out.push(
        `<line x1="${n(cx)}" y1="${n(boxesTop)}" x2="${n(cx)}" y2="${n(by)}" class="link"/>`,
      );
      out.push(`<circle cx="${n(cx)}" cy="${n(by)}" r="4.5" fill="#0f172a"/>`);
      if (e.label) {
        out.push(
          `<text x="${n(cx + 5)}" y="${n(boxesTop - 6 - 13 * k - 26 * maxDepth)}" class="edge-label">${xml(e.label)}</text>`,
        );
      }
    });
    const off = box.node.tags.includes("off");
    out.push(
      `<rect x="${n(box.x)}" y="${n(boxesTop)}" width="${n(box.width)}" height="${n(box.height)}" rx="6" class="box${off ? " off" : ""}"/>`,
    );
    drawBlock(out, box.head, box.x + PAD, boxesTop + PAD + 11);
    let sy = boxesTop + PAD + box.head.height + 4;
    box.services.forEach((service, i) => {
      const b = box.serviceBlocks[i]!;
      const colour =
        EXPOSURE_COLOURS[service.tags.find((t) => t in EXPOSURE_COLOURS) ?? "private"]!;
      out.push(
        `<line x1="${n(box.x + 6)}" y1="${n(sy)}" x2="${n(box.x + box.width - 6)}" y2="${n(sy)}" stroke="#e2e8f0"/>`,
      );
      out.push(
        `<rect x="${n(box.x + PAD)}" y="${n(sy + 7)}" width="8" height="8" rx="2" fill="${colour}"/>`,
      );
      drawBlock(out, b, box.x + PAD + 14, sy + 16);
      sy += 8 + b.height;
    });
  }

  // Legend of the service colours, bottom right.
  const legend: [Tag, string][] = [
    ["public", "public, open"],
    ["sso", "behind SSO"],
    ["restricted", "some networks only"],
    ["internal", "internal name"],
    ["infra", "proxy, SSO, CrowdSec"],
  ];
  let lx = 20;
  const ly = height - 12;
  for (const [tag, text] of legend) {
    out.push(
      `<rect x="${n(lx)}" y="${n(ly - 8)}" width="8" height="8" rx="2" fill="${EXPOSURE_COLOURS[tag]!}"/>`,
    );
    out.push(`<text x="${n(lx + 12)}" y="${n(ly)}" class="edge-label">${xml(text)}</text>`);
    lx += textWidth(text, SMALL) + 32;
  }

  out.unshift(`<text x="20" y="28" class="title">${xml(diagram.title)}</text>`);
  return svgDocument(
    diagram.title,
    Math.max(width, lx + 20, textWidth(diagram.title, 15) + 40),
    height,
    out,
  );
}

// ----- federation view -------------------------------------------------------------------

/** Where the segment from the centre of a box towards (tx, ty) leaves the box. */
function boxExit(cx: number, cy: number, w: number, h: number, tx: number, ty: number) {
  const dx = tx - cx;
  const dy = ty - cy;
  if (dx === 0 && dy === 0) return { x: cx, y: cy };
  const scale = Math.min(
    dx === 0 ? Infinity : w / 2 / Math.abs(dx),
    dy === 0 ? Infinity : h / 2 / Math.abs(dy),
  );
  return { x: cx + dx * scale, y: cy + dy * scale };
}

interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

function overlap(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function federationSvg(diagram: Diagram): string {
  const members = diagram.nodes.filter((m) => m.kind === "member");
  const blocks = members.map((m) => block(m.label, m.details));
  const boxW = Math.max(160, ...blocks.map((b) => b.width)) + 2 * PAD;
  const boxH = Math.max(...blocks.map((b) => b.height), LINE) + 2 * PAD - 4;
  const count = members.length;
  // An ellipse wide enough that neighbours never touch, then shifted to the margins.
  const rx = count <= 1 ? 0 : Math.max(boxW * 1.45, (((boxW + 60) * count) / (2 * Math.PI)) * 1.2);
  const ry = count <= 1 ? 0 : Math.max(boxH * 2.2, (((boxH + 60) * count) / (2 * Math.PI)) * 1.6);
  const raw = members.map((_, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, count);
    return { x: rx * Math.cos(angle), y: ry * Math.sin(angle) };
  });
  const minX = Math.min(...raw.map((p) => p.x)) - boxW / 2;
  const minY = Math.min(...raw.map((p) => p.y)) - boxH / 2;
  const maxX = Math.max(...raw.map((p) => p.x)) + boxW / 2;
  const maxY = Math.max(...raw.map((p) => p.y)) + boxH / 2;
  const margin = 30;
  const top = 56;
  const centre = new Map<string, { x: number; y: number }>();
  members.forEach((m, i) => {
    centre.set(m.id, { x: raw[i]!.x - minX + margin, y: raw[i]!.y - minY + top });
  });
  const out: string[] = [`<text x="20" y="28" class="title">${xml(diagram.title)}</text>`];
  const ordered = [...diagram.edges].sort(
    (a, b) => Number(a.tags.includes("highlight")) - Number(b.tags.includes("highlight")),
  );
  const labels: string[] = [];
  const taken: Rect[] = [...centre.values()].map((c) => ({
    x: c.x - boxW / 2 - 2,
    y: c.y - boxH / 2 - 2,
    w: boxW + 4,
    h: boxH + 4,
  }));
  for (const edge of ordered) {
    const a = centre.get(edge.from);
    const b = centre.get(edge.to);
    if (!a || !b) continue;
    const p = boxExit(a.x, a.y, boxW, boxH, b.x, b.y);
    const q = boxExit(b.x, b.y, boxW, boxH, a.x, a.y);
    const highlight = edge.tags.includes("highlight");
    out.push(
      `<line x1="${n(p.x)}" y1="${n(p.y)}" x2="${n(q.x)}" y2="${n(q.y)}" class="tunnel${highlight ? " highlight" : ""}"/>`,
    );
    if (edge.label) {
      const w = textWidth(edge.label, SMALL) + 8;
      // The first spot along the line where the label covers no box and no other label.
      const spot = [0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75]
        .map((t) => ({ x: p.x + (q.x - p.x) * t, y: p.y + (q.y - p.y) * t }))
        .find((c) => {
          const r = { x: c.x - w / 2 - 4, y: c.y - 12, w: w + 8, h: 19 };
          return !taken.some((o) => overlap(r, o));
        }) ?? { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
      taken.push({ x: spot.x - w / 2, y: spot.y - 10, w, h: 15 });
      const mx = spot.x;
      const my = spot.y;
      labels.push(
        `<rect x="${n(mx - w / 2)}" y="${n(my - 10)}" width="${n(w)}" height="15" rx="3" fill="#ffffff" stroke="#e2e8f0"/>`,
      );
      labels.push(
        `<text x="${n(mx)}" y="${n(my + 1.5)}" class="edge-label" text-anchor="middle">${xml(edge.label)}</text>`,
      );
    }
  }
  out.push(...labels);
  members.forEach((m, i) => {
    const c = centre.get(m.id)!;
    const highlight = m.tags.includes("highlight");
    out.push(
      `<rect x="${n(c.x - boxW / 2)}" y="${n(c.y - boxH / 2)}" width="${n(boxW)}" height="${n(boxH)}" rx="6" class="box${highlight ? " highlight" : ""}"/>`,
    );
    drawBlock(out, blocks[i]!, c.x - boxW / 2 + PAD, c.y - boxH / 2 + PAD + 11);
  });
  const width = Math.max(maxX - minX + 2 * margin, textWidth(diagram.title, 15) + 40);
  const height = maxY - minY + top + margin;
  return svgDocument(diagram.title, width, height, out);
}

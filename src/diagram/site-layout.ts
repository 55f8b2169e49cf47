/**
 * Layout of the site view, as a network drawing: the Internet and what sits beside it
 * (external networks, remote networks, the federation) on top, the edge router under it,
 * each network as a horizontal bus, and one box per machine (Proxmox node, guest, host) in a
 * row below, with its services listed inside and a line up to every bus it is plugged into
 * (a dot marks the connection). Frames group the cluster and each node's guests.
 */
import type { Diagram, DiagramEdge, DiagramNode, Tag } from "./graph";
import {
  block,
  PAD,
  placed,
  SMALL,
  SMALL_LINE,
  textWidth,
  TITLE_SIZE,
  type Block,
  type Caption,
  type Drop,
  type PathStep,
  type PlacedBlock,
  type Point,
  type Rect,
} from "./layout";

export interface SiteLayout {
  readonly title: string;
  readonly width: number;
  readonly height: number;
  /** The cluster and each node with guests, outermost first. */
  readonly frames: readonly { readonly rect: Rect; readonly label: Caption }[];
  /** Networks as horizontal lines, their label left of them; `kind` is the network's tag. */
  readonly buses: readonly {
    readonly y: number;
    readonly from: number;
    readonly to: number;
    readonly kind: string;
    readonly label: PlacedBlock;
  }[];
  readonly internet?: Point & { readonly rx: number; readonly ry: number; label: PlacedBlock };
  /** The router's line up to the Internet, with the uplink and publish notes beside it. */
  readonly uplink?: Drop & { readonly notes: readonly Caption[] };
  readonly router?: {
    readonly rect: Rect;
    readonly label: PlacedBlock;
    /** Its lines down to the buses it attaches to (plain) and routes to (dashed). */
    readonly drops: readonly (Drop & {
      readonly dashed: boolean;
      readonly joints: readonly { readonly y: number; readonly label?: Caption }[];
    })[];
  };
  readonly satellites: readonly {
    readonly rect: Rect;
    readonly label: PlacedBlock;
    /** From the Internet (a wire) or from the router (a tunnel, maybe labelled). */
    readonly link?: {
      readonly kind: "wire" | "tunnel";
      readonly path: readonly PathStep[];
      readonly label?: Caption;
    };
  }[];
  readonly machines: readonly Machine[];
  /** The service colours' legend: a marker at (x, y - 8) and its text at (x + 12, y). */
  readonly legend: readonly (Point & { readonly tag: Tag; readonly text: string })[];
}

export interface Machine {
  readonly rect: Rect;
  readonly off: boolean;
  readonly head: PlacedBlock;
  /** Lines up to the buses, a joint on the bus, the address above the machines. */
  readonly attachments: readonly (Drop & { readonly label?: Caption })[];
  readonly services: readonly {
    /** The rule above the service, from x to x2. */
    readonly rule: Point & { readonly x2: number };
    /** Top left of its colour marker. */
    readonly marker: Point;
    readonly tags: readonly Tag[];
    readonly label: PlacedBlock;
  }[];
}

const BOX_KINDS = new Set<DiagramNode["kind"]>(["pve-node", "guest", "host"]);
const GAP = 18;
const FRAME_PAD = 12;
const TOP = 64;

const LEGEND: readonly [Tag, string][] = [
  ["public", "public, open"],
  ["sso", "behind SSO"],
  ["restricted", "some networks only"],
  ["internal", "internal name"],
  ["infra", "proxy, SSO, CrowdSec"],
];

/** A machine (or a service outside any) before placement. */
interface BoxDraft {
  readonly node: DiagramNode;
  readonly services: readonly DiagramNode[];
  readonly head: Block;
  readonly serviceBlocks: readonly Block[];
  readonly width: number;
  readonly height: number;
  /** Frames around it, outermost first. */
  readonly frames: readonly string[];
}

/** What the site view is made of, by role. */
interface SiteParts {
  readonly diagram: Diagram;
  readonly byId: ReadonlyMap<string, DiagramNode>;
  readonly internet?: DiagramNode;
  readonly router?: DiagramNode;
  readonly satellites: readonly DiagramNode[];
  readonly buses: readonly DiagramNode[];
  readonly busBlocks: ReadonlyMap<string, Block>;
  readonly boxes: readonly BoxDraft[];
  /** Nesting depth of the deepest frame. */
  readonly maxDepth: number;
}

/** The measures every step shares (the vertical bands and the router's column). */
interface SiteGrid {
  /** Right of the buses' labels, where the buses start. */
  readonly labelColumn: number;
  /** The Internet's and the router's column. */
  readonly centerX: number;
  readonly internetW: number;
  readonly internetH: number;
  /** Height of the top row. */
  readonly topH: number;
  readonly routerX: number;
  readonly routerY: number;
  readonly routerW: number;
  readonly routerH: number;
  readonly busY: ReadonlyMap<string, number>;
  readonly boxesTop: number;
  readonly boxesBottom: number;
}

export function siteLayout(diagram: Diagram): SiteLayout {
  const parts = siteParts(diagram);
  const labelColumn = Math.max(120, ...[...parts.busBlocks.values()].map((b) => b.width)) + 30;
  const centerX = labelColumn + 14;
  const row = placeBoxes(parts.boxes, centerX + 36);
  const top = topRow(parts, centerX);
  const grid = verticalBands(parts, labelColumn, centerX, top);
  const contentRight = Math.max(row.right, centerX + 200);
  const width = Math.max(contentRight, top.right) + 20;
  const height = grid.boxesBottom + 14 * parts.maxDepth + 30;
  const legend = legendRow(height);
  return {
    title: diagram.title,
    width: Math.max(width, legend.right + 20, textWidth(diagram.title, TITLE_SIZE) + 40),
    height,
    frames: frames(parts, grid, row.frames),
    buses: parts.buses.map((bus) => {
      const y = grid.busY.get(bus.id)!;
      const b = parts.busBlocks.get(bus.id)!;
      const label = placed(b, labelColumn - 12, y - b.height / 2 + 12, "end");
      return { y, from: labelColumn, to: width - 20, kind: bus.tags[0] ?? "other", label };
    }),
    ...internetAndRouter(parts, grid),
    satellites: satellites(parts, grid, top.satellites),
    machines: parts.boxes.map((box, i) => machine(parts, grid, box, row.xs[i]!)),
    legend: legend.items,
  };
}

/** Step: sort the nodes by role and measure the machines' boxes. */
function siteParts(diagram: Diagram): SiteParts {
  const byId = new Map(diagram.nodes.map((node) => [node.id, node]));
  const children = (id: string) => diagram.nodes.filter((c) => c.parent === id);
  const isSatellite = (node: DiagramNode) =>
    node.kind === "federation" ||
    (node.kind === "network" && (node.tags.includes("external") || node.tags.includes("remote")));
  const buses = diagram.nodes.filter((x) => x.kind === "network" && !isSatellite(x));
  // Frames: the cluster and every node with guests.
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
  // Machines, each with the services it runs; services outside any machine get a box.
  const boxNodes = diagram.nodes.filter(
    (x) =>
      BOX_KINDS.has(x.kind) ||
      (x.kind === "service" &&
        !(x.parent && BOX_KINDS.has(byId.get(x.parent)?.kind ?? "internet"))),
  );
  const boxes = boxNodes.map((node): BoxDraft => {
    const services =
      node.kind === "service" ? [] : children(node.id).filter((c) => c.kind === "service");
    const head = block(node.label, node.details);
    const serviceBlocks = services.map((s) => block(s.label, s.details));
    const inner = Math.max(head.width, ...serviceBlocks.map((b) => b.width + 14));
    const width = Math.max(150, inner + 2 * PAD);
    const height =
      PAD + head.height + serviceBlocks.reduce((sum, b) => sum + 8 + b.height, 0) + PAD - 4;
    return { node, services, head, serviceBlocks, width, height, frames: frameChain(node) };
  });
  return {
    diagram,
    byId,
    internet: diagram.nodes.find((x) => x.kind === "internet"),
    router: diagram.nodes.find((x) => x.kind === "router"),
    satellites: diagram.nodes.filter(isSatellite),
    buses,
    busBlocks: new Map(buses.map((bus) => [bus.id, block(bus.label, bus.details)])),
    boxes,
    maxDepth: Math.max(0, ...boxes.map((b) => b.frames.length)),
  };
}

interface FrameSpan {
  left: number;
  right: number;
  readonly depth: number;
}

/** Step: the boxes left to right from `start`, with room for the frames around them. */
function placeBoxes(
  boxes: readonly BoxDraft[],
  start: number,
): { xs: number[]; frames: Map<string, FrameSpan>; right: number } {
  const frames = new Map<string, FrameSpan>();
  const xs: number[] = [];
  let x = start;
  let open: readonly string[] = [];
  const close = (from: number) => {
    for (let i = open.length - 1; i >= from; i--) {
      frames.get(open[i]!)!.right = x - GAP + FRAME_PAD * (open.length - i);
      x += FRAME_PAD;
    }
  };
  for (const box of boxes) {
    const chain = box.frames;
    let common = 0;
    while (common < open.length && open[common] === chain[common]) common++;
    close(common);
    for (let i = common; i < chain.length; i++) {
      x += FRAME_PAD;
      frames.set(chain[i]!, { left: x - FRAME_PAD * (chain.length - i), right: x, depth: i });
    }
    open = chain;
    xs.push(x);
    x += box.width + GAP;
  }
  close(0);
  return { xs, frames, right: x };
}

/** The top row: the Internet's ellipse, the satellites right of it. */
interface TopRow {
  readonly internetW: number;
  readonly internetH: number;
  readonly height: number;
  readonly satellites: readonly Rect[];
  /** Right of the last satellite, and a gap. */
  readonly right: number;
}

/** Step: the top row's height and the satellites' boxes right of the Internet. */
function topRow(parts: SiteParts, centerX: number): TopRow {
  const internetBlock = parts.internet
    ? block(parts.internet.label, parts.internet.details)
    : undefined;
  const internetW = internetBlock ? internetBlock.width + 50 : 0;
  const internetH = internetBlock ? internetBlock.height + 24 : 0;
  const blocks = parts.satellites.map((s) => block(s.label, s.details));
  const height = Math.max(internetH, ...blocks.map((b) => b.height + 2 * PAD));
  let x = centerX + internetW / 2 + 40;
  const satellites = blocks.map((b) => {
    const w = b.width + 2 * PAD;
    const h = b.height + 2 * PAD;
    const rect = { x, y: TOP + (height - h) / 2, w, h };
    x += w + GAP;
    return rect;
  });
  return { internetW, internetH, height, satellites, right: x };
}

/** Step: the vertical bands: top row, router, buses, machines. */
function verticalBands(
  parts: SiteParts,
  labelColumn: number,
  centerX: number,
  top: TopRow,
): SiteGrid {
  const topH = top.height;
  const routerBlock = parts.router ? block(parts.router.label, parts.router.details) : undefined;
  const routerW = routerBlock ? routerBlock.width + 2 * PAD : 0;
  const routerH = routerBlock ? routerBlock.height + 2 * PAD - 4 : 0;
  const routerY = TOP + topH + 46;
  const busTop = (parts.router ? routerY + routerH : TOP + topH) + 56;
  const busY = new Map<string, number>();
  let y = busTop;
  for (const bus of parts.buses) {
    const b = parts.busBlocks.get(bus.id)!;
    y += Math.max(0, b.height / 2 - 14);
    busY.set(bus.id, y);
    y += Math.max(40, b.height / 2 + 26);
  }
  const lastBus = y - 40;
  const boxesTop = lastBus + 64 + 26 * parts.maxDepth;
  return {
    labelColumn,
    centerX,
    internetW: top.internetW,
    internetH: top.internetH,
    topH,
    routerX: Math.max(20, centerX - routerW / 2),
    routerY,
    routerW,
    routerH,
    busY,
    boxesTop,
    boxesBottom: boxesTop + Math.max(0, ...parts.boxes.map((b) => b.height)),
  };
}

/** Step: the frames, from their horizontal spans and the machines' band. */
function frames(
  parts: SiteParts,
  grid: SiteGrid,
  spans: ReadonlyMap<string, FrameSpan>,
): SiteLayout["frames"] {
  return [...spans.entries()]
    .sort((a, b) => a[1].depth - b[1].depth)
    .map(([id, f]) => {
      const node = parts.byId.get(id)!;
      const top = grid.boxesTop - 26 * (parts.maxDepth - f.depth);
      const bottom = grid.boxesBottom + 14 * (parts.maxDepth - f.depth);
      return {
        rect: { x: f.left, y: top, w: f.right - f.left, h: bottom - top },
        label: {
          x: f.left + 8,
          y: top + 15,
          text: [node.label, ...node.details.slice(0, 1)].join(" · "),
        },
      };
    });
}

/** Step: the Internet, the router under it, the uplink and the router's drops to the buses. */
function internetAndRouter(
  parts: SiteParts,
  grid: SiteGrid,
): Pick<SiteLayout, "internet" | "uplink" | "router"> {
  const { internet, router, diagram, byId } = parts;
  const { centerX, topH, internetW, internetH, routerX, routerY, routerW, routerH } = grid;
  const out: { -readonly [K in "internet" | "uplink" | "router"]?: SiteLayout[K] } = {};
  if (internet) {
    const b = block(internet.label, internet.details);
    const cy = TOP + topH / 2;
    const label = placed(b, centerX, cy - b.height / 2 + 12, "middle");
    out.internet = { x: centerX, y: cy, rx: internetW / 2, ry: internetH / 2, label };
  }
  if (!router) return out;
  if (internet) {
    const uplink = diagram.edges.find((e) => e.kind === "uplink");
    const from = TOP + topH / 2 + internetH / 2;
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
    out.uplink = {
      x: centerX,
      from,
      to: routerY,
      notes: notes.map((text, i) => ({ x: centerX + 8, y: from + 16 + i * SMALL_LINE, text })),
    };
  }
  const onBus = (kind: DiagramEdge["kind"]) =>
    edgesFrom(diagram, router.id, kind).filter((e) => grid.busY.has(e.to));
  const drop = (edges: DiagramEdge[], x: number, dashed: boolean) => {
    if (edges.length === 0) return [];
    const to = Math.max(...edges.map((e) => grid.busY.get(e.to)!));
    const joints = edges.map((e) => {
      const y = grid.busY.get(e.to)!;
      return { y, ...(e.label ? { label: { x: centerX + 8, y: y - 7, text: e.label } } : {}) };
    });
    return [{ x, from: routerY + routerH, to, dashed, joints }];
  };
  out.router = {
    rect: { x: routerX, y: routerY, w: routerW, h: routerH },
    label: placed(block(router.label, router.details), routerX + PAD, routerY + PAD + 11),
    drops: [...drop(onBus("attach"), centerX, false), ...drop(onBus("route"), centerX - 9, true)],
  };
  return out;
}

function edgesFrom(diagram: Diagram, id: string, kind: DiagramEdge["kind"]): DiagramEdge[] {
  return diagram.edges.filter((e) => e.from === id && e.kind === kind);
}

/** Step: the satellites' boxes and their links (to the Internet or to the router). */
function satellites(
  parts: SiteParts,
  grid: SiteGrid,
  rects: readonly Rect[],
): SiteLayout["satellites"] {
  const { centerX, topH, internetH, routerX, routerY, routerW, routerH } = grid;
  return parts.satellites.map((node, i) => {
    const p = rects[i]!;
    const label = placed(block(node.label, node.details), p.x + PAD, p.y + PAD + 11);
    const link = parts.diagram.edges.find((e) => e.to === node.id);
    const mid = p.x + p.w / 2;
    if (link?.from === parts.internet?.id) {
      // Over the top row, then down into the box: never through another box.
      const over = TOP - 12;
      const path: PathStep[] = [
        ["M", centerX, TOP + topH / 2 - internetH / 2],
        ["V", over],
        ["H", mid],
        ["V", p.y],
      ];
      return { rect: p, label, link: { kind: "wire", path } };
    }
    if (link && link.from === parts.router?.id) {
      // Along the router's middle, then up into the box: under the top row.
      const fromY = routerY + routerH / 2;
      const path: PathStep[] = [
        ["M", routerX + routerW, fromY],
        ["H", mid],
        ["V", p.y + p.h],
      ];
      const caption = link.label ? { label: { x: mid + 6, y: fromY - 6, text: link.label } } : {};
      return { rect: p, label, link: { kind: "tunnel", path, ...caption } };
    }
    return { rect: p, label };
  });
}

/** Step: one machine's box, its services, and its lines up to the buses. */
function machine(parts: SiteParts, grid: SiteGrid, box: BoxDraft, x: number): Machine {
  const { boxesTop, busY } = grid;
  const attached = edgesFrom(parts.diagram, box.node.id, "attach").filter((e) => busY.has(e.to));
  const attachments = attached.map((e, k) => {
    const cx = x + (box.width * (k + 1)) / (attached.length + 1);
    const label = e.label
      ? { label: { x: cx + 5, y: boxesTop - 6 - 13 * k - 26 * parts.maxDepth, text: e.label } }
      : {};
    return { x: cx, from: boxesTop, to: busY.get(e.to)!, ...label };
  });
  let sy = boxesTop + PAD + box.head.height + 4;
  const services = box.services.map((service, i) => {
    const b = box.serviceBlocks[i]!;
    const item = {
      rule: { x: x + 6, y: sy, x2: x + box.width - 6 },
      marker: { x: x + PAD, y: sy + 7 },
      tags: service.tags,
      label: placed(b, x + PAD + 14, sy + 16),
    };
    sy += 8 + b.height;
    return item;
  });
  return {
    rect: { x, y: boxesTop, w: box.width, h: box.height },
    off: box.node.tags.includes("off"),
    head: placed(box.head, x + PAD, boxesTop + PAD + 11),
    attachments,
    services,
  };
}

/** Step: the legend of the service colours along the bottom. */
function legendRow(height: number): { items: SiteLayout["legend"]; right: number } {
  let x = 20;
  const y = height - 12;
  const items = LEGEND.map(([tag, text]) => {
    const item = { x, y, tag, text };
    x += textWidth(text, SMALL) + 32;
    return item;
  });
  return { items, right: x };
}

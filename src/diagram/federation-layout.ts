/** Layout of the federation view: the members on an ellipse, a line per tunnel, this site highlighted. */
import type { Diagram } from "./graph";
import {
  block,
  LINE,
  PAD,
  placed,
  SMALL,
  textWidth,
  TITLE_SIZE,
  type Caption,
  type PlacedBlock,
  type Point,
  type Rect,
} from "./layout";

export interface FederationLayout {
  readonly title: string;
  readonly width: number;
  readonly height: number;
  /** Tunnels, highlighted ones last (drawn on top). */
  readonly tunnels: readonly { readonly from: Point; readonly to: Point; highlight: boolean }[];
  /** Tunnel labels on a white plate, each where it covers no box and no other label. */
  readonly labels: readonly { readonly plate: Rect; readonly text: Caption }[];
  readonly members: readonly {
    readonly rect: Rect;
    readonly label: PlacedBlock;
    readonly highlight: boolean;
  }[];
}

/** Where the segment from the centre of a box towards (tx, ty) leaves the box. */
function boxExit(cx: number, cy: number, w: number, h: number, tx: number, ty: number): Point {
  const dx = tx - cx;
  const dy = ty - cy;
  if (dx === 0 && dy === 0) return { x: cx, y: cy };
  const scale = Math.min(
    dx === 0 ? Infinity : w / 2 / Math.abs(dx),
    dy === 0 ? Infinity : h / 2 / Math.abs(dy),
  );
  return { x: cx + dx * scale, y: cy + dy * scale };
}

function overlap(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

export function federationLayout(diagram: Diagram): FederationLayout {
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
  const centre = new Map<string, Point>();
  members.forEach((m, i) => {
    centre.set(m.id, { x: raw[i]!.x - minX + margin, y: raw[i]!.y - minY + top });
  });
  const { tunnels, labels } = federationTunnels(diagram, centre, boxW, boxH);
  return {
    title: diagram.title,
    width: Math.max(maxX - minX + 2 * margin, textWidth(diagram.title, TITLE_SIZE) + 40),
    height: maxY - minY + top + margin,
    tunnels,
    labels,
    members: members.map((m, i) => {
      const c = centre.get(m.id)!;
      return {
        rect: { x: c.x - boxW / 2, y: c.y - boxH / 2, w: boxW, h: boxH },
        label: placed(blocks[i]!, c.x - boxW / 2 + PAD, c.y - boxH / 2 + PAD + 11),
        highlight: m.tags.includes("highlight"),
      };
    }),
  };
}

/** The tunnels between the members' boxes, and a free spot along each for its label. */
function federationTunnels(
  diagram: Diagram,
  centre: ReadonlyMap<string, Point>,
  boxW: number,
  boxH: number,
): Pick<FederationLayout, "tunnels" | "labels"> {
  const ordered = [...diagram.edges].sort(
    (a, b) => Number(a.tags.includes("highlight")) - Number(b.tags.includes("highlight")),
  );
  const tunnels: { from: Point; to: Point; highlight: boolean }[] = [];
  const labels: { plate: Rect; text: Caption }[] = [];
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
    tunnels.push({ from: p, to: q, highlight: edge.tags.includes("highlight") });
    if (!edge.label) continue;
    const w = textWidth(edge.label, SMALL) + 8;
    // The first spot along the line where the label covers no box and no other label.
    const spot = [0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75]
      .map((t) => ({ x: p.x + (q.x - p.x) * t, y: p.y + (q.y - p.y) * t }))
      .find((c) => {
        const r = { x: c.x - w / 2 - 4, y: c.y - 12, w: w + 8, h: 19 };
        return !taken.some((o) => overlap(r, o));
      }) ?? { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
    taken.push({ x: spot.x - w / 2, y: spot.y - 10, w, h: 15 });
    labels.push({
      plate: { x: spot.x - w / 2, y: spot.y - 10, w, h: 15 },
      text: { x: spot.x, y: spot.y + 1.5, text: edge.label },
    });
  }
  return { tunnels, labels };
}

/**
 * Layout of diagrams for drawing: pure data (positions and sizes, no markup), computed
 * in-process and deterministically; the views' layouts are in site-layout.ts and
 * federation-layout.ts, and the SVG renderer (svg.ts) only prints them. Text is monospace,
 * so its width is known without font metrics.
 */

/** Font sizes of labels and of detail lines, and their line heights. */
export const SIZE = 12;
export const SMALL = 10.5;
export const TITLE_SIZE = 15;
export const LINE = 16;
export const SMALL_LINE = 14;
/** Padding inside boxes. */
export const PAD = 10;

/** Width of monospace text: 0.6 em per character. */
export function textWidth(text: string, size = SIZE): number {
  return [...text].length * size * 0.6;
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

/** A text block: one label line and smaller detail lines. */
export interface Block {
  readonly lines: readonly { text: string; cls: "label" | "detail" }[];
  readonly width: number;
  readonly height: number;
}

export function block(label: string, details: readonly string[]): Block {
  const wrapped = details.flatMap((d) => wrapDetail(d));
  const lines = [
    { text: label, cls: "label" as const },
    ...wrapped.map((text) => ({ text, cls: "detail" as const })),
  ];
  const width = Math.max(...lines.map((l) => textWidth(l.text, l.cls === "label" ? SIZE : SMALL)));
  return { lines, width, height: LINE + wrapped.length * SMALL_LINE };
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** A block whose first baseline is at (x, y), anchored at its start, middle or end. */
export interface PlacedBlock extends Point {
  readonly block: Block;
  readonly anchor: "start" | "middle" | "end";
}

/** One line of small text (an edge's or a frame's label) with its baseline at (x, y). */
export interface Caption extends Point {
  readonly text: string;
}

/** A vertical line from `from` to `to` at `x`. */
export interface Drop {
  readonly x: number;
  readonly from: number;
  readonly to: number;
}

/** A block placed at (x, y). */
export function placed(
  b: Block,
  x: number,
  y: number,
  anchor: PlacedBlock["anchor"] = "start",
): PlacedBlock {
  return { block: b, x, y, anchor };
}

/** A path of straight segments: a move, then horizontal and vertical lines. */
export type PathStep = readonly ["M", number, number] | readonly ["H" | "V", number];

/**
 * SVG of a diagram: prints the layout (layout.ts decides every position and size) as a
 * standalone document, with the styles and colours of each kind of element. No browser, no
 * system binary; the output is deterministic.
 */
import { drawable } from "../lib/display";
import type { Diagram, Tag } from "./graph";
import { federationLayout, type FederationLayout } from "./federation-layout";
import {
  LINE,
  SIZE,
  SMALL,
  SMALL_LINE,
  TITLE_SIZE,
  type Caption,
  type PathStep,
  type PlacedBlock,
  type Rect,
} from "./layout";
import { siteLayout, type SiteLayout } from "./site-layout";

const FONT = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace";

/** Number text without needless decimals (deterministic output). */
function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/**
 * Escapes text for XML character data and attribute values. Characters XML 1.0 does not
 * allow (C0 controls, lone surrogates, U+FFFE/U+FFFF) would make the document invalid, and
 * line breaks and other controls mean nothing in a one-line label: each becomes a space, or
 * U+FFFD for a broken character, before the five markup characters are escaped.
 */
export function xml(text: string): string {
  return drawable(text)
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
  `.title { font-size: ${TITLE_SIZE}px; font-weight: bold; }`,
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

/** SVG text elements of a placed block. */
function drawBlock(out: string[], placed: PlacedBlock): void {
  const { block, x, anchor } = placed;
  let baseline = placed.y;
  block.lines.forEach((line, i) => {
    out.push(
      `<text x="${n(x)}" y="${n(baseline)}" class="${line.cls}"${anchor !== "start" ? ` text-anchor="${anchor}"` : ""}>${xml(line.text)}</text>`,
    );
    baseline += i === 0 ? LINE : SMALL_LINE;
  });
}

/** A rectangle's position and size attributes. */
function at(r: Rect): string {
  return `x="${n(r.x)}" y="${n(r.y)}" width="${n(r.w)}" height="${n(r.h)}"`;
}

function caption(c: Caption, cls: string, extra = ""): string {
  return `<text x="${n(c.x)}" y="${n(c.y)}" class="${cls}"${extra}>${xml(c.text)}</text>`;
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
  return diagram.view === "federation"
    ? federationSvg(federationLayout(diagram))
    : siteSvg(siteLayout(diagram));
}

// ----- site view -------------------------------------------------------------------------

function siteSvg(layout: SiteLayout): string {
  const out: string[] = [`<text x="20" y="28" class="title">${xml(layout.title)}</text>`];
  for (const frame of layout.frames) {
    out.push(`<rect ${at(frame.rect)} rx="8" class="frame"/>`);
    out.push(caption(frame.label, "frame-label"));
  }
  for (const bus of layout.buses) {
    const colour = NETWORK_COLOURS[bus.kind] ?? NETWORK_COLOURS.other!;
    out.push(
      `<line x1="${n(bus.from)}" y1="${n(bus.y)}" x2="${n(bus.to)}" y2="${n(bus.y)}" stroke="${colour}" stroke-width="4" stroke-linecap="round"/>`,
    );
    drawBlock(out, bus.label);
  }
  if (layout.internet) {
    const { x, y, rx, ry, label } = layout.internet;
    out.push(`<ellipse cx="${n(x)}" cy="${n(y)}" rx="${n(rx)}" ry="${n(ry)}" class="internet"/>`);
    drawBlock(out, label);
  }
  if (layout.router) routerSvg(out, layout);
  for (const satellite of layout.satellites) satelliteSvg(out, satellite);
  for (const machine of layout.machines) machineSvg(out, machine);
  for (const item of layout.legend) {
    out.push(
      `<rect x="${n(item.x)}" y="${n(item.y - 8)}" width="8" height="8" rx="2" fill="${EXPOSURE_COLOURS[item.tag]!}"/>`,
    );
    out.push(caption({ ...item, x: item.x + 12 }, "edge-label"));
  }
  return svgDocument(layout.title, layout.width, layout.height, out);
}

/** The uplink and its notes, the router's box, its drops to the buses. */
function routerSvg(out: string[], layout: SiteLayout): void {
  const { uplink, router } = layout;
  if (uplink) {
    out.push(
      `<line x1="${n(uplink.x)}" y1="${n(uplink.from)}" x2="${n(uplink.x)}" y2="${n(uplink.to)}" class="link" stroke-width="3"/>`,
    );
    for (const note of uplink.notes) out.push(caption(note, "edge-label"));
  }
  if (!router) return;
  out.push(`<rect ${at(router.rect)} rx="6" class="box router"/>`);
  drawBlock(out, router.label);
  for (const drop of router.drops) {
    out.push(
      `<line x1="${n(drop.x)}" y1="${n(drop.from)}" x2="${n(drop.x)}" y2="${n(drop.to)}" class="link${drop.dashed ? " dashed" : ""}"/>`,
    );
    for (const joint of drop.joints) {
      out.push(`<circle cx="${n(drop.x)}" cy="${n(joint.y)}" r="4.5" fill="#0f172a"/>`);
      if (joint.label) out.push(caption(joint.label, "edge-label"));
    }
  }
}

function pathData(path: readonly PathStep[]): string {
  return path.map(([command, ...values]) => [command, ...values.map(n)].join(" ")).join(" ");
}

function satelliteSvg(out: string[], satellite: SiteLayout["satellites"][number]): void {
  out.push(`<rect ${at(satellite.rect)} rx="6" class="box satellite"/>`);
  drawBlock(out, satellite.label);
  const link = satellite.link;
  if (!link) return;
  const cls = link.kind === "wire" ? "link dashed" : "tunnel";
  out.push(`<path d="${pathData(link.path)}" class="${cls}"/>`);
  if (link.label) out.push(caption(link.label, "edge-label"));
}

function machineSvg(out: string[], machine: SiteLayout["machines"][number]): void {
  for (const a of machine.attachments) {
    out.push(
      `<line x1="${n(a.x)}" y1="${n(a.from)}" x2="${n(a.x)}" y2="${n(a.to)}" class="link"/>`,
    );
    out.push(`<circle cx="${n(a.x)}" cy="${n(a.to)}" r="4.5" fill="#0f172a"/>`);
    if (a.label) out.push(caption(a.label, "edge-label"));
  }
  out.push(`<rect ${at(machine.rect)} rx="6" class="box${machine.off ? " off" : ""}"/>`);
  drawBlock(out, machine.head);
  for (const service of machine.services) {
    const colour = EXPOSURE_COLOURS[service.tags.find((t) => t in EXPOSURE_COLOURS) ?? "private"]!;
    const { rule, marker } = service;
    out.push(
      `<line x1="${n(rule.x)}" y1="${n(rule.y)}" x2="${n(rule.x2)}" y2="${n(rule.y)}" stroke="#e2e8f0"/>`,
    );
    out.push(
      `<rect x="${n(marker.x)}" y="${n(marker.y)}" width="8" height="8" rx="2" fill="${colour}"/>`,
    );
    drawBlock(out, service.label);
  }
}

// ----- federation view -------------------------------------------------------------------

function federationSvg(layout: FederationLayout): string {
  const out: string[] = [`<text x="20" y="28" class="title">${xml(layout.title)}</text>`];
  for (const { from, to, highlight } of layout.tunnels) {
    out.push(
      `<line x1="${n(from.x)}" y1="${n(from.y)}" x2="${n(to.x)}" y2="${n(to.y)}" class="tunnel${highlight ? " highlight" : ""}"/>`,
    );
  }
  for (const { plate, text } of layout.labels) {
    out.push(`<rect ${at(plate)} rx="3" fill="#ffffff" stroke="#e2e8f0"/>`);
    out.push(caption(text, "edge-label", ` text-anchor="middle"`));
  }
  for (const member of layout.members) {
    out.push(
      `<rect ${at(member.rect)} rx="6" class="box${member.highlight ? " highlight" : ""}"/>`,
    );
    drawBlock(out, member.label);
  }
  return svgDocument(layout.title, layout.width, layout.height, out);
}

/** The diagrams' layout: pure geometry, checked as geometry (no markup). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { federationLayout } from "../../src/diagram/federation-layout";
import { federationDiagram, siteDiagram } from "../../src/diagram/graph";
import { block, type Rect } from "../../src/diagram/layout";
import { siteLayout } from "../../src/diagram/site-layout";
import { siteModel } from "../helpers/site";
import { ANNEX, HOME } from "../helpers/sites";

const inside = (r: Rect, outer: Rect) =>
  r.x >= outer.x &&
  r.y >= outer.y &&
  r.x + r.w <= outer.x + outer.w &&
  r.y + r.h <= outer.y + outer.h;
const disjoint = (a: Rect, b: Rect) =>
  a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;

describe("site layout", () => {
  for (const site of [HOME, ANNEX]) {
    const diagram = siteDiagram(siteModel(site));
    const layout = siteLayout(diagram);
    const page: Rect = { x: 0, y: 0, w: layout.width, h: layout.height };

    it(`${site.stack}: every machine on the page, side by side, below every bus`, () => {
      const lowestBus = Math.max(...layout.buses.map((b) => b.y));
      layout.machines.forEach((m, i) => {
        assert.ok(inside(m.rect, page), `machine ${i} is off the page`);
        assert.ok(m.rect.y > lowestBus);
        const next = layout.machines[i + 1];
        if (next)
          assert.ok(m.rect.x + m.rect.w < next.rect.x, `machines ${i} and ${i + 1} overlap`);
      });
    });

    it(`${site.stack}: buses top to bottom under the router; lines end on a bus`, () => {
      const ys = layout.buses.map((b) => b.y);
      assert.deepEqual(
        ys,
        [...ys].sort((a, b) => a - b),
      );
      const router = layout.router!.rect;
      assert.ok(ys.every((y) => y > router.y + router.h));
      const onBus = (y: number) => ys.includes(y);
      for (const m of layout.machines) for (const a of m.attachments) assert.ok(onBus(a.to));
      for (const d of layout.router!.drops) for (const j of d.joints) assert.ok(onBus(j.y));
    });

    it(`${site.stack}: services stacked inside their machine's box`, () => {
      for (const m of layout.machines) {
        let previous = m.head.y;
        for (const s of m.services) {
          assert.ok(s.rule.y > previous && s.rule.y < m.rect.y + m.rect.h);
          assert.ok(s.rule.x >= m.rect.x && s.rule.x2 <= m.rect.x + m.rect.w);
          previous = s.label.y;
        }
      }
    });

    it(`${site.stack}: a frame around the cluster and each node with guests, guests inside`, () => {
      const kids = (id: string) => diagram.nodes.filter((n) => n.parent === id);
      const framed = diagram.nodes.filter(
        (n) =>
          n.kind === "cluster" ||
          (n.kind === "pve-node" && kids(n.id).some((k) => k.kind === "guest")),
      );
      assert.equal(layout.frames.length, framed.length);
      const [cluster, ...nodes] = layout.frames;
      for (const frame of nodes) assert.ok(inside(frame.rect, cluster!.rect));
      const guests = new Set(diagram.nodes.filter((n) => n.kind === "guest").map((n) => n.label));
      const guestBoxes = layout.machines.filter((m) => guests.has(m.head.block.lines[0]!.text));
      assert.equal(guestBoxes.length, guests.size);
      for (const m of guestBoxes) assert.ok(nodes.some((f) => inside(m.rect, f.rect)));
    });
  }

  it("blocks measure their widest line and count their lines", () => {
    const b = block("label", ["a · b", "a much longer detail line that wraps · at its separator"]);
    assert.equal(b.lines.length, 4);
    assert.equal(b.height, 16 + 3 * 14);
    assert.equal(b.width, "a much longer detail line that wraps".length * 10.5 * 0.6);
  });
});

describe("federation layout", () => {
  const registry = siteModel(HOME).registry!;
  const layout = federationLayout(federationDiagram(registry, { member: "alexis" }));

  it("one box per member, none overlapping, this site highlighted", () => {
    assert.equal(layout.members.length, registry.members.length);
    const boxes = layout.members.map((m) => m.rect);
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => assert.ok(disjoint(a, b))));
    assert.equal(layout.members.filter((m) => m.highlight).length, 1);
    const page: Rect = { x: 0, y: 0, w: layout.width, h: layout.height };
    for (const box of boxes) assert.ok(inside(box, page));
  });

  it("tunnels start and end on box borders; highlighted ones last", () => {
    const onBorder = (p: { x: number; y: number }) =>
      layout.members.some(({ rect: r }) => {
        const near = (a: number, b: number) => Math.abs(a - b) < 1e-6;
        const inX = p.x >= r.x - 1e-6 && p.x <= r.x + r.w + 1e-6;
        const inY = p.y >= r.y - 1e-6 && p.y <= r.y + r.h + 1e-6;
        return (
          (inX && (near(p.y, r.y) || near(p.y, r.y + r.h))) ||
          (inY && (near(p.x, r.x) || near(p.x, r.x + r.w)))
        );
      });
    for (const t of layout.tunnels) assert.ok(onBorder(t.from) && onBorder(t.to));
    const flags = layout.tunnels.map((t) => t.highlight);
    assert.deepEqual(
      flags,
      [...flags].sort((a, b) => Number(a) - Number(b)),
    );
  });
});

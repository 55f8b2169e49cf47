/**
 * The review tools: the offline plan diff of generated plans (100, 1,000 and 3,000
 * resources, a tenth of them changed, a few added and removed), in-process and as CI runs it
 * (a fresh `plan-diff` process), a line diff of a long text, and the diagrams of the example
 * stacks (model, graph, Mermaid and SVG).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diffLines } from "../src/cli/line-diff";
import type { Json, Plan, PlannedResource } from "../src/cli/mock-runtime";
import { diffPlans, parsePlanPair } from "../src/cli/plan-changes";
import { renderPlanDiff } from "../src/cli/plan-markdown";
import { loadSite, stackFileSource } from "../src/config/load";
import { federationDiagram, siteDiagram } from "../src/diagram/graph";
import { toMermaid } from "../src/diagram/mermaid";
import { toSvg } from "../src/diagram/svg";
import { buildModel } from "../src/model";
import { ok, run, scriptCommand } from "./command";
import { measure, type BenchSuite, type Figure } from "./types";
import { planned } from "../test/helpers/planned";

const ROOT = join(__dirname, "..");
const RUNS = 5;

function resource(i: number, version: number): PlannedResource {
  const inputs: { [key: string]: Json } = {
    name: `object-${i}`,
    comment: `generated object ${i}`,
    enabled: true,
    port: 1000 + (i % 500),
    addresses: [`10.${i % 250}.${(i * 7) % 250}.0/24`, `10.${(i + 1) % 250}.0.0/24`],
    settings: {
      mtu: 1500,
      vlan: i % 4000,
      tags: ["a", "b", `t${i % 10}`],
      nested: { depth: { x: i } },
    },
    password: "[secret]",
  };
  if (version > 0 && i % 10 === 0) {
    (inputs.settings as { [key: string]: Json }).mtu = 9000;
    inputs.comment = `changed object ${i}`;
  }
  return {
    type: i % 3 === 0 ? "docker:index/container:Container" : "pulumi-nodejs:dynamic/fortios:Object",
    name: `object-${i}`,
    parent: `homelab:index:Homelab::site`,
    custom: true,
    provider: { ref: "pulumi:providers:docker::site-docker", default: false },
    inputs,
    options: {
      protect: false,
      retainOnDelete: i % 7 === 0,
      deleteBeforeReplace: false,
      ignoreChanges: [],
      dependsOn: i > 0 ? [`docker:index/container:Container::object-${i - 1}`] : [],
      aliases: [],
    },
  };
}

/** A plan of `count` resources; the head changes 10%, removes 2% and adds 2%. */
export function generatedPlan(count: number, head: boolean): Plan {
  const component = (type: string, name: string, parent: string | null): PlannedResource => ({
    ...planned(type, name, parent),
    custom: false,
    provider: null,
  });
  const resources: PlannedResource[] = [
    component("pulumi:pulumi:Stack", "homelab-site", null),
    component("homelab:index:Homelab", "site", "pulumi:pulumi:Stack::homelab-site"),
  ];
  const extra = Math.floor(count / 50);
  for (let i = 0; i < count - 2; i++) {
    if (head && i % 50 === 1) continue;
    resources.push(resource(i, head ? 1 : 0));
  }
  if (head) for (let i = 0; i < extra; i++) resources.push(resource(count + i, 1));
  return { stack: "site", project: "homelab", resources, outputs: { count } };
}

function model(stack: string) {
  const file = `Pulumi.${stack}.yaml`;
  return buildModel(
    loadSite(stackFileSource(join(ROOT, file), stack, file), { root: ROOT, requireSecrets: false }),
  ).model;
}

export const reviewSuite: BenchSuite = {
  name: "review tools: plan diff and diagrams",
  async run(): Promise<Figure[]> {
    const figures: Figure[] = [];
    const dir = mkdtempSync(join(tmpdir(), "bench-review-"));
    for (const count of [100, 1000, 3000]) {
      const base = { label: "base.json", text: JSON.stringify(generatedPlan(count, false)) };
      const head = { label: "head.json", text: JSON.stringify(generatedPlan(count, true)) };
      let lines = 0;
      const wall = await measure(RUNS, () => {
        const plans = parsePlanPair(base, head);
        lines = renderPlanDiff(diffPlans(plans.base, plans.head), { limit: 0 }).split("\n").length;
      });
      figures.push({
        name: `plan-diff of two ${count}-resource plans (in-process: parse, diff, Markdown)`,
        value: wall,
        unit: "ms",
        detail: { "ms/resource": Number((wall / count).toFixed(4)), "Markdown lines": lines },
      });
      if (count === 3000) {
        writeFileSync(join(dir, "base.json"), base.text);
        writeFileSync(join(dir, "head.json"), head.text);
        const fresh = await measure(3, () => {
          const command = scriptCommand("plan-diff", [
            join(dir, "base.json"),
            join(dir, "head.json"),
          ]);
          ok(run(command), "plan-diff");
        });
        figures.push({
          name: `npm run plan-diff, ${count} resources (fresh process)`,
          value: fresh,
          unit: "ms",
        });
      }
    }

    const before = Array.from({ length: 2000 }, (_, i) => `line ${i}: ${"x".repeat(i % 40)}`);
    const after = before.map((l, i) => (i % 100 === 0 ? `${l} changed` : l));
    figures.push({
      name: "line diff of a 2,000-line text with 20 edits",
      value: await measure(RUNS, () => diffLines(before, after)),
      unit: "ms",
    });

    for (const stack of ["home", "annex"]) {
      let nodes = 0;
      const wall = await measure(RUNS, () => {
        const m = model(stack);
        const site = siteDiagram(m);
        nodes = site.nodes.length;
        toMermaid(site);
        toSvg(site);
        if (m.registry && m.config.federation) {
          const fed = federationDiagram(m.registry, { member: m.config.federation.member });
          toMermaid(fed);
          toSvg(fed);
        }
      });
      figures.push({
        name: `diagrams of ${stack} (validate, model, graph, Mermaid and SVG of every view)`,
        value: wall,
        unit: "ms",
        detail: { nodes },
      });
    }
    return figures;
  },
};

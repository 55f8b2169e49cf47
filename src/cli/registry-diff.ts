/**
 * `npm run registry-diff -- <base.yaml> <head.yaml> [--level <n>]`
 *
 * What a change of the federation registry does, as Markdown for a pull request: members
 * joining and leaving, each member's changed fields, registry settings, the peerings that
 * appear or disappear, and the members that must act (src/model/federation-diff.ts). Both
 * files are read and validated as the program reads a registry; every problem of both is
 * reported with its file and line. CI adds it to the plan report when a registry changes.
 */
import { resolve } from "node:path";
import { ConfigError, type Problem } from "../config/errors";
import type { Member, Registry } from "../config/federation";
import { readRegistry } from "../config/registry";
import { plural } from "../lib/text";
import {
  diffFederation,
  isEmptyDiff,
  type FederationDiff,
  type FieldChange,
  type MemberAction,
} from "../model/federation-diff";
import { countOption, fileLabel, parseCliArgs, projectRoot, runCli } from "./common";
import { code, markdownText } from "./plan-markdown";

const USAGE = `usage: npm run registry-diff -- <base.yaml> <head.yaml> [--level <n>]

Compares two versions of a federation registry (stacks/federation.yaml) and prints the change
as Markdown: members added and removed, changed fields, peerings added and removed, and which
members must act (run pulumi up, or reconfigure from their peering sheets).
  --level <n>   heading level of the summary line (default 3)`;

const EDGES: Readonly<Record<Member["edge"], string>> = {
  fortigate: "FortiGate",
  unifi: "UniFi",
  unmanaged: "unmanaged router",
};

function renderField(change: FieldChange): string {
  const head = `${code(change.field)}: `;
  if ("added" in change) {
    const items = [
      ...change.added.map((v) => `+ ${code(v)}`),
      ...change.removed.map((v) => `− ${code(v)}`),
    ];
    return head + items.join(", ");
  }
  const show = (v: string | undefined) => (v === undefined ? "(unset)" : code(v));
  return `${head}${show(change.before)} → ${show(change.after)}`;
}

function describeMember(m: Member): string {
  const parts = [
    `number ${m.number}`,
    `AS ${m.asn}`,
    `endpoint ${code(m.endpoint)}`,
    `prefixes ${m.prefixes.map(code).join(", ")}`,
    EDGES[m.edge],
    ...(m.contact !== undefined ? [`contact ${markdownText(m.contact)}`] : []),
  ];
  return `${code(m.id)} (${markdownText(m.name)}): ${parts.join(" · ")}`;
}

/**
 * Only a FortiGate member's tunnels and BGP are built by this program (load.ts refuses a
 * membership on any other edge): the others configure their side from the peering sheets.
 */
function renderAction(action: MemberAction): string {
  const managed = action.edge === "fortigate";
  const who = `${code(action.id)} (${EDGES[action.edge]})`;
  if (action.membership === "leaves") {
    return managed
      ? `- ${who} leaves: remove \`homelab:federation\` and \`fortigate.federation\` from its stack (it no longer checks against this registry) and run \`pulumi up\`, which removes its tunnels`
      : `- ${who} leaves: remove its side of the tunnels from its router`;
  }
  const parts = action.peerings.map((p) => {
    const peer = code(p.peer);
    if (p.kind === "added") return `new peering with ${peer}`;
    if (p.kind === "removed") return `peering with ${peer} removed`;
    return `peering with ${peer} changes (${p.what.join(", ")})`;
  });
  const peers = action.peerings.filter((p) => p.kind === "added").map((p) => code(p.peer));
  const keys = !peers.length
    ? ""
    : managed
      ? ` First agree a pre-shared key with ${peers.join(", ")} out of band and set it: ${action.newSecrets.map((s) => code(`pulumi config set --secret homelab:${s}`)).join(", ")}.`
      : ` Agree a pre-shared key with ${peers.join(", ")} out of band.`;
  const how = managed
    ? "runs `pulumi up` on its stack"
    : `configures its router from its peering sheets (${code(`npm run peering-sheet -- --member <peer> --peer ${action.id}`)})`;
  const joins = action.membership === "joins" ? " joins and" : "";
  return `- ${who}${joins} ${how}: ${parts.join("; ")}.${keys}`;
}

/** The summary line of a registry change. */
export function federationSummary(diff: FederationDiff, file: string): string {
  const members = [
    diff.added.length ? `${plural(diff.added.length, "member")} added` : "",
    diff.removed.length ? `${plural(diff.removed.length, "member")} removed` : "",
    diff.changed.length ? `${plural(diff.changed.length, "member")} changed` : "",
    diff.settings.length ? plural(diff.settings.length, "setting") + " changed" : "",
    diff.pairsAdded.length ? `${plural(diff.pairsAdded.length, "peering")} added` : "",
    diff.pairsRemoved.length ? `${plural(diff.pairsRemoved.length, "peering")} removed` : "",
    diff.actions.length ? `${plural(diff.actions.length, "member")} must act` : "",
  ].filter(Boolean);
  const body = members.length ? members.join(", ") : "no change to the federation";
  return `Federation ${code(diff.after.name)} (${code(file)}): ${body}`;
}

/** The registry change as Markdown (GitHub flavour). */
export function renderFederationDiff(diff: FederationDiff, file: string, level = 3): string {
  const h = (n: number) => "#".repeat(Math.min(6, n));
  const lines = [`${h(level)} ${federationSummary(diff, file)}`, ""];
  if (isEmptyDiff(diff)) return lines.join("\n").trimEnd() + "\n";
  if (diff.added.length || diff.removed.length || diff.changed.length) {
    lines.push(`${h(level + 1)} Members`, "");
    for (const m of diff.added) lines.push(`- added: ${describeMember(m)}`);
    for (const m of diff.removed) lines.push(`- removed: ${code(m.id)} (${markdownText(m.name)})`);
    for (const c of diff.changed) {
      lines.push(`- changed: ${code(c.id)}`, ...c.changes.map((f) => `  - ${renderField(f)}`));
    }
    lines.push("");
  }
  if (diff.settings.length) {
    lines.push(`${h(level + 1)} Registry settings`, "");
    lines.push(...diff.settings.map((f) => `- ${renderField(f)}`), "");
  }
  if (diff.pairsAdded.length || diff.pairsRemoved.length) {
    lines.push(`${h(level + 1)} Peerings`, "");
    for (const [a, b] of diff.pairsAdded) lines.push(`- added: ${code(a)} ↔ ${code(b)}`);
    for (const [a, b] of diff.pairsRemoved) lines.push(`- removed: ${code(a)} ↔ ${code(b)}`);
    lines.push("");
  }
  if (diff.actions.length) {
    lines.push(`${h(level + 1)} Who must act once this is merged`, "");
    lines.push(...diff.actions.map(renderAction), "");
  } else {
    lines.push("No member's tunnels or BGP sessions change: nobody needs to act.", "");
  }
  return lines.join("\n").trimEnd() + "\n";
}

/** Reads both registries; every problem of both ends the run as one ConfigError. */
function readBoth(root: string, paths: readonly string[]): [Registry, Registry] {
  const problems: Problem[] = [];
  const registries = paths.map((path) => {
    const label = fileLabel(root, resolve(process.cwd(), path));
    const read = readRegistry(root, label, { insideProject: false });
    if ("unreadable" in read) {
      const why = read.missing ? "file not found" : `it ${read.unreadable}`;
      problems.push({ file: label, path: [], message: `cannot read ${label}: ${why}` });
      return undefined;
    }
    problems.push(...read.problems);
    return read.problems.length === 0 ? read.registry : undefined;
  });
  if (problems.length > 0) throw new ConfigError(problems, "Cannot compare the registries");
  return registries as [Registry, Registry];
}

/** The command, given the arguments after its name (sets `process.exitCode`). */
export const main = (argv: string[]): Promise<void> =>
  runCli(USAGE, () => {
    const { values, positionals } = parseCliArgs(argv, USAGE, { level: { type: "string" } }, [
      "<base.yaml>",
      "<head.yaml>",
    ]);
    const level = countOption(values.level, "--level", 3, 1);
    const root = projectRoot();
    const [base, head] = readBoth(root, positionals);
    const file = fileLabel(root, resolve(process.cwd(), positionals[1] as string));
    process.stdout.write(renderFederationDiff(diffFederation(base, head), file, level));
    return 0;
  });

if (require.main === module) void main(process.argv.slice(2));

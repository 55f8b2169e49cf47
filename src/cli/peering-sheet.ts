/**
 * `npm run peering-sheet -- --member X --peer Y [--json]`: prints everything member Y needs
 * to configure its side of the peering with member X (for routers this program does not
 * manage), derived from the registry exactly as X's stack derives its own side. Never a
 * pre-shared key: only which secret holds it and how to exchange it.
 */
import { join, resolve } from "node:path";
import { ConfigError } from "../config/errors";
import { printableLines } from "../lib/display";
import type { Registry } from "../config/federation";
import { readRegistry } from "../config/registry";
import { unknownReference } from "../config/problems";
import { readYaml } from "../config/yaml";
import { peeringSheet, type PeeringSheet, type SheetStack } from "../model/peering-sheet";
import { peersOf } from "../model/federation";
import { UsageError, fileLabel, parseCli, projectRoot, runCli, stackNames } from "./common";

const DEFAULT_REGISTRY = "stacks/federation.yaml";

const USAGE = `usage: npm run peering-sheet -- --member <id> --peer <id> [--json] [--registry <file>]

Prints everything member <peer> needs to configure its side of the peering with member
<member> (endpoints, tunnel addresses, IKEv2/IPsec parameters, BGP), derived from the
registry exactly as <member>'s own stack derives its side. The pre-shared key is never
printed: the sheet says which stack secret holds it.
  --member <id>      the member whose side this program manages (X)
  --peer <id>        the member the sheet is for (Y)
  --json             one JSON document instead of text
  --registry <file>  registry file (default: the project's ${DEFAULT_REGISTRY})`;

/** Reads and validates the registry; problems end the run as a ConfigError. */
export function loadRegistry(root: string, file: string): Registry {
  const read = readRegistry(root, file, { insideProject: false });
  if ("unreadable" in read) {
    const why = read.missing ? "file not found" : `it ${read.unreadable}`;
    throw new ConfigError([{ file, path: [], message: `cannot read ${file}: ${why}` }]);
  }
  if (read.problems.length > 0 || !read.registry) throw new ConfigError(read.problems);
  return read.registry;
}

/** Stacks of the project whose site is `member` of the registry `registryFile`. */
export function stacksOfMember(root: string, registryFile: string, member: string): SheetStack[] {
  const out: SheetStack[] = [];
  for (const stack of stackNames(root)) {
    const file = `Pulumi.${stack}.yaml`;
    const yaml = readYaml(join(root, file), file);
    const config = (yaml.value as { config?: Record<string, unknown> } | undefined)?.config;
    const membership = config?.["homelab:federation"] as
      { member?: unknown; registry?: unknown } | undefined;
    if (membership?.member !== member) continue;
    const registry =
      typeof membership.registry === "string" ? membership.registry : DEFAULT_REGISTRY;
    if (resolve(root, registry) === resolve(root, registryFile)) out.push({ stack, file });
  }
  return out;
}

function row(label: string, value: string | number): string {
  return `  ${label.padEnd(26)}${value}`;
}

/** The sheet as text, one section per thing to configure. */
export function formatSheet(sheet: PeeringSheet): string {
  const { local: y, remote: x, tunnel, ike, ipsec, bgp, psk } = sheet;
  const holder =
    psk.memberStacks.length > 0
      ? `${x.id}'s stack holds it as the secret ${psk.memberSecret} (${psk.memberStacks.map((s) => `stack ${s.stack}, ${s.file}`).join("; ")}).`
      : `${x.id} holds it (no stack of this project is member ${x.id}; with this program it is the secret ${psk.memberSecret}).`;
  const lines = [
    `${sheet.federation} peering sheet: ${y.id} (${y.name}) <-> ${x.id} (${x.name})`,
    `For ${y.id}'s router: everything it needs to configure its side of the peering with ${x.id}.`,
    `Derived from ${sheet.registry}, exactly as ${x.id}'s side is; "local" is ${y.id}, "remote" is ${x.id}.`,
    "",
    "Endpoints",
    row(`local (${y.id})`, tunnel.localEndpoint),
    row(`remote gateway (${x.id})`, tunnel.remoteGateway),
    "",
    `Tunnel (route-based IPsec, one /${tunnel.prefixLength} of the transfer pool)`,
    row("transfer network", tunnel.network),
    row("interface name", `${tunnel.interfaceName} (suggested; at most 15 characters)`),
    row("local address", `${tunnel.localAddress}/${tunnel.prefixLength}`),
    row("remote address", tunnel.remoteAddress),
    row(
      "traffic selectors",
      `${tunnel.trafficSelectors.local} <-> ${tunnel.trafficSelectors.remote}`,
    ),
    "",
    "IKE (phase 1)",
    row("version", "IKEv2"),
    row("authentication", ike.authentication),
    row(`local ID (${y.id})`, `${ike.localId.value} (${ike.localId.type})`),
    row(`remote ID (${x.id})`, `${ike.remoteId.value} (${ike.remoteId.type})`),
    row("proposals", ike.proposals.join(" ")),
    row("DH groups", ike.dhGroups.join(" ")),
    row("lifetime", `${ike.lifetime} s`),
    "",
    "IPsec (phase 2, ESP)",
    row("proposals", ipsec.proposals.join(" ")),
    row("PFS", `yes, DH groups ${ipsec.pfsGroups.join(" ")}`),
    row("lifetime", `${ipsec.lifetime} s`),
    "",
    "  Proposals are in FortiOS names, strongest first; the same list on both sides.",
    "  strongSwan (swanctl.conf):",
    row("  ike proposals", sheet.strongswan.ikeProposals),
    row("  esp proposals", sheet.strongswan.espProposals),
    "",
    "BGP",
    row("local ASN", bgp.localAsn),
    row("remote ASN", bgp.remoteAsn),
    row("router id", bgp.routerId),
    row("neighbor", `${bgp.neighbor} (remote-as ${bgp.remoteAsn})`),
    row("keepalive / holdtime", `${bgp.keepalive} s / ${bgp.holdtime} s`),
    row("max prefixes", `${bgp.maxPrefix} (tear the session down above it)`),
    row(`accept from ${x.id}`, bgp.accept.join(" ")),
    row(`announce to ${x.id}`, bgp.announce.join(" ")),
    `  Accept routes inside ${x.id}'s prefixes (each prefix or a more-specific of it) and reject`,
    `  everything else; announce only ${y.id}'s own prefixes.`,
    "",
    "Pre-shared key (never printed here)",
    `  ${holder}`,
    `  Exchange it ${psk.exchange}.`,
    `  ${y.id} configures the same value; if ${y.id} runs this program too, as ${psk.peerSecret}.`,
  ];
  if (x.contact) lines.push(`  Contact for ${x.id}: ${x.contact}`);
  // The registry is validated (no control characters); printed text stays inert regardless.
  return printableLines(lines.join("\n")) + "\n";
}

export interface SheetRequest {
  /** The member whose side this program manages (X). */
  readonly member: string;
  /** The member the sheet is for (Y). */
  readonly peer: string;
  readonly json: boolean;
  /** The registry file, as messages name it. */
  readonly registryFile: string;
  /** The project's stacks whose site is `member` (stacksOfMember). */
  readonly memberStacks: SheetStack[];
}

/**
 * What the command prints for a request against a validated registry: the sheet as text or
 * JSON. A member the registry does not declare, a member with itself and members that do not
 * peer are usage errors.
 */
export function sheetOutput(registry: Registry, request: SheetRequest): string {
  const { member, peer, registryFile } = request;
  const ids = registry.members.map((m) => m.id);
  for (const [flag, id] of [
    ["--member", member],
    ["--peer", peer],
  ] as const) {
    if (!ids.includes(id))
      throw new UsageError(`${flag}: ${unknownReference("member", id, ids, registryFile)}`);
  }
  if (member === peer)
    throw new UsageError(
      `--member and --peer are both "${member}": a member does not peer with itself`,
    );
  const peers = peersOf(registry, member);
  if (!peers.includes(peer)) {
    throw new UsageError(
      `"${member}" and "${peer}" do not peer in ${registryFile}: ${member}'s peers are ${peers.length > 0 ? peers.map((p) => `"${p}"`).join(", ") : "none"}`,
    );
  }
  const sheet = peeringSheet(registry, member, peer, {
    registryFile,
    memberStacks: request.memberStacks,
  });
  return request.json ? JSON.stringify(sheet, null, 2) + "\n" : formatSheet(sheet);
}

/** The command, given the arguments after its name (sets `process.exitCode`). */
export const main = (argv: string[]): Promise<void> =>
  runCli(USAGE, () => {
    const values = parseCli(argv, USAGE, {
      member: { type: "string" },
      peer: { type: "string" },
      json: { type: "boolean", default: false },
      registry: { type: "string" },
    });
    if (!values.member) throw new UsageError("--member <id> is required");
    if (!values.peer) throw new UsageError("--peer <id> is required");
    const root = projectRoot();
    // A --registry path is relative to where the command runs; the default to the project.
    const registryFile = values.registry
      ? fileLabel(root, resolve(process.cwd(), values.registry))
      : DEFAULT_REGISTRY;
    const registry = loadRegistry(root, registryFile);
    const output = sheetOutput(registry, {
      member: values.member,
      peer: values.peer,
      json: values.json,
      registryFile,
      memberStacks: stacksOfMember(root, registryFile, values.member),
    });
    process.stdout.write(output);
    return 0;
  });

if (require.main === module) void main(process.argv.slice(2));

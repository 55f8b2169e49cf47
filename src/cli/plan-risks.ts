/**
 * What a plan change puts at risk (plan-changes.ts makes the diff): which resources are
 * stateful and what deleting or re-creating one loses, which input changes make the provider
 * replace a resource, which added resources look like removed ones renamed without an alias,
 * and the warnings of a diff. Pure.
 *
 * What replaces a resource, from the providers' own schemas (an offline plan runs no Diff):
 * - Docker volumes: name, labels, driver and driver options are ForceNew
 *   (kreuzwerker/terraform-provider-docker internal/provider/resource_docker_volume.go).
 * - Generated passwords: every input RequiresReplace (hashicorp/terraform-provider-random
 *   internal/provider/resource_password.go).
 * - Proxmox storages: the id and what the storage is made of RequiresReplace
 *   (bpg/terraform-provider-proxmox fwprovider/storage/schema_factory.go, resource_*.go).
 * - Storages made through the API (a local Command): `triggers` is replaceOnChanges
 *   (pulumi/pulumi-command provider/cmd/pulumi-resource-command/schema.json).
 * - Our UniFi objects: path, kind, controller and site (src/providers/unifi/provider.ts diff).
 * - Any resource whose provider changes, unless the new provider's DiffConfig finds both
 *   configurations interchangeable (pulumi/pulumi pkg/resource/deploy/step_generator.go
 *   `providerChanged`); none whose old provider the new one answers to by alias.
 */
import { commonEnds } from "./line-diff";
import type { PlannedResource } from "./mock-runtime";
import { SECRET_MARK as SECRET } from "./plan-marks";
import type {
  PlanWarning,
  ResourceChange,
  ResourceEntry,
  ValueChange,
  WarningKind,
} from "./plan-changes";
import { refOf } from "../lib/urn";

/** Input fields (top-level keys, or dotted paths below them) whose change replaces. */
type ReplacedBy = "any input" | readonly string[];

/** A stateful resource type: what deleting or re-creating one loses. */
export interface StatefulType {
  readonly pattern: RegExp;
  /** Only resources whose name matches (a generic type, e.g. a local Command). */
  readonly name?: RegExp;
  readonly what: string;
  /** Holds data: a new one without protect or retainOnDelete is flagged. */
  readonly data: boolean;
  /** Input changes the provider cannot make in place: it re-creates the resource. */
  readonly replacedBy?: ReplacedBy;
}

const UNIFI_IDENTITY = ["path", "kind", "connection.controller", "connection.site"];

/**
 * Resource types whose deletion or re-creation loses something: data (a volume, a guest's
 * disks, a DNS record: they must be protected or retained), a generated value (a password: a
 * new one would differ from what the services already use), or what clients depend on (a
 * network, the WireGuard server, a storage definition).
 */
export const STATEFUL_TYPES: readonly StatefulType[] = [
  {
    pattern: /^docker:index\/volume:Volume$/,
    what: "a Docker volume and its data",
    data: true,
    replacedBy: ["name", "labels", "driver", "driverOpts"],
  },
  {
    pattern: /^cloudflare:index\/(dnsRecord:DnsRecord|record:Record)$/,
    what: "a DNS record",
    data: true,
  },
  {
    pattern: /^pulumi-nodejs:dynamic\/unifi:DnsRecord$/,
    what: "a DNS record",
    data: true,
    replacedBy: UNIFI_IDENTITY,
  },
  {
    pattern: /^proxmoxve:(index|cloned)\/(vm|vmLegacy|vm2Legacy|container|containerLegacy):/,
    what: "a Proxmox guest and its disks",
    data: true,
  },
  { pattern: /^proxmoxve:node\/disk\//, what: "a disk", data: true },
  {
    pattern: /^random:index\/random(Password|String|Bytes):/,
    what: "a generated secret (a new one would differ from the one in use)",
    data: false,
    replacedBy: "any input",
  },
  {
    pattern: /^pulumi-nodejs:dynamic\/unifi:Network$/,
    what: "a UniFi network: its VLAN drops its clients and DHCP leases until the new one is up, under a new id",
    data: false,
    replacedBy: UNIFI_IDENTITY,
  },
  {
    pattern: /^pulumi-nodejs:dynamic\/unifi:WireGuardServer$/,
    what: "the UniFi WireGuard server: every client's tunnel drops until the new one is up, under a new id",
    data: false,
    replacedBy: UNIFI_IDENTITY,
  },
  {
    pattern: /^proxmoxve:storage\//,
    what: "a Proxmox storage definition: the disks and backups on it are unreachable until it is defined again",
    data: false,
    replacedBy: [
      "resourceId",
      "volumeGroup",
      "thinPool",
      "zfsPool",
      "path",
      "server",
      "export",
      "datastore",
      "username",
      "password",
      "namespace",
      "encryptionKey",
      "generateEncryptionKey",
      "preallocation",
      "options",
      "snapshotAsVolumeChain",
    ],
  },
  {
    pattern: /^command:local:Command$/,
    name: /-storage-/,
    what: "a Proxmox storage definition: the disks and backups on it are unreachable until it is defined again",
    data: false,
    replacedBy: ["triggers"],
  },
];

function statefulType(resource: Pick<PlannedResource, "type" | "name">): StatefulType | undefined {
  return STATEFUL_TYPES.find(
    (t) => t.pattern.test(resource.type) && (t.name?.test(resource.name) ?? true),
  );
}

/** What deleting or re-creating a resource loses, when it loses anything. */
export function statefulWhat(resource: Pick<PlannedResource, "type" | "name">): string | undefined {
  return statefulType(resource)?.what;
}

function holdsData(resource: Pick<PlannedResource, "type" | "name">): boolean {
  return statefulType(resource)?.data ?? false;
}

/** The changed inputs that make the provider replace a stateful resource (none: in place). */
export function replacingChanges(
  resource: Pick<PlannedResource, "type" | "name">,
  inputs: readonly ValueChange[],
): ValueChange[] {
  const by = statefulType(resource)?.replacedBy;
  if (!by) return [];
  if (by === "any input") return [...inputs];
  return inputs.filter((c) =>
    by.some((field) => {
      const path = `inputs.${field}`;
      return c.path === path || c.path.startsWith(`${path}.`) || c.path.startsWith(`${path}[`);
    }),
  );
}

// ----- renames without an alias ----------------------------------------------------------

/**
 * What differs between two resource names, as "old middle → new middle" once their common
 * leading and trailing `-` parts are taken away ("home-services-immich-data" and
 * "home-services-photos-data": "immich → photos"); undefined when they share no part.
 */
function substitution(from: string, to: string): string | undefined {
  const a = from.split("-");
  const b = to.split("-");
  const { head, tail } = commonEnds(a, b);
  if (head + tail === 0) return undefined;
  return `${a.slice(head, a.length - tail).join("-")} → ${b.slice(head, b.length - tail).join("-")}`;
}

/**
 * Added resources that look like removed ones renamed, one to one: an added twin (same type,
 * parent and inputs) when the match is unique, else a resource of the same type whose name
 * differs by the substitution most resources share (a renamed service renames its volumes,
 * containers and passwords alike). Returns the removed entry of each added index.
 */
export function likelyRenames(
  removed: readonly PlannedResource[],
  added: readonly PlannedResource[],
  twinKey: (resource: PlannedResource) => string,
): Map<number, number> {
  const out = new Map<number, number>();
  const taken = new Set<number>();
  const removedTwins = indexesBy(removed, twinKey);
  const addedTwins = indexesBy(added, twinKey);
  added.forEach((resource, i) => {
    const twins = removedTwins.get(twinKey(resource)) ?? [];
    if (twins.length === 1 && addedTwins.get(twinKey(resource))?.length === 1) {
      out.set(i, twins[0]!);
      taken.add(twins[0]!);
    }
  });
  const candidates: { from: number; to: number; key: string }[] = [];
  const removedByType = indexesBy(removed, (r) => r.type);
  added.forEach((resource, to) => {
    if (out.has(to)) return;
    for (const from of removedByType.get(resource.type) ?? []) {
      if (taken.has(from)) continue;
      const key = substitution(removed[from]!.name, resource.name);
      if (key !== undefined) candidates.push({ from, to, key });
    }
  });
  const frequency = new Map<string, number>();
  for (const c of candidates) frequency.set(c.key, (frequency.get(c.key) ?? 0) + 1);
  candidates.sort(
    (x, y) => frequency.get(y.key)! - frequency.get(x.key)! || x.key.length - y.key.length,
  );
  for (const c of candidates) {
    if (out.has(c.to) || taken.has(c.from)) continue;
    out.set(c.to, c.from);
    taken.add(c.from);
  }
  return out;
}

function indexesBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number[]> {
  const map = new Map<string, number[]>();
  items.forEach((item, i) => map.set(key(item), [...(map.get(key(item)) ?? []), i]));
  return map;
}

// ----- warnings --------------------------------------------------------------------------

/** What the diff found, as warningsOf needs it. */
export interface DiffParts {
  readonly added: readonly ResourceEntry[];
  readonly removed: readonly ResourceEntry[];
  readonly changed: readonly ResourceChange[];
  /** The removed resource of each added ref that looks like it renamed without an alias. */
  readonly renamedFrom: ReadonlyMap<string, PlannedResource>;
}

type Warn = (kind: WarningKind, resource: PlannedResource, message: string) => void;

/** Every warning of a diff, in order: removed, changed, provider changes, added. */
export function warningsOf(parts: DiffParts): PlanWarning[] {
  const out: PlanWarning[] = [];
  const warn: Warn = (kind, resource, message) =>
    out.push({ kind, ref: refOf(resource), parent: resource.parent, message });
  for (const { resource } of parts.removed) removedWarning(resource, warn);
  for (const change of parts.changed) changeWarnings(change, warn);
  providerWarnings(parts.changed, warn);
  for (const { resource } of parts.added) {
    const was = parts.renamedFrom.get(refOf(resource));
    if (was) renameWarning(resource, was, warn);
    const what = statefulWhat(resource);
    if (
      what &&
      holdsData(resource) &&
      !resource.options.protect &&
      !resource.options.retainOnDelete
    ) {
      warn(
        "stateful-unprotected",
        resource,
        `holds ${what} but is neither protected nor retainOnDelete: a later change could delete it`,
      );
    }
  }
  return out;
}

function removedWarning(resource: PlannedResource, warn: Warn): void {
  const what = statefulWhat(resource);
  if (resource.options.protect) {
    warn(
      "delete-protected",
      resource,
      `removed while protected: \`pulumi up\` fails until protect is turned off${what ? `, and deleting it then loses ${what}` : ""}`,
    );
  } else if (resource.options.retainOnDelete) {
    warn(
      "delete-retained",
      resource,
      `removed from the stack; retainOnDelete leaves it in place${what ? ` (${what})` : ""}, no longer managed by Pulumi`,
    );
  } else if (what) {
    warn("delete-stateful", resource, `removed: deleting it loses ${what}`);
  }
}

/** What a replacement of `resource` does, after "Pulumi replaces it". */
function replacementOutcome(resource: PlannedResource, what: string | undefined): string {
  const losing = what ? `, losing ${what}` : "";
  if (resource.options.protect) return `${losing} (protect makes \`pulumi up\` fail)`;
  if (resource.options.retainOnDelete && what)
    return `: the old one stays in place, unmanaged, and the new one starts anew (${what} stays behind)`;
  return losing;
}

function changeWarnings(change: ResourceChange, warn: Warn): void {
  const a = change.before.options;
  const b = change.after.options;
  const what = statefulWhat(change.after);
  const precious = a.protect || a.retainOnDelete || what !== undefined;
  if (change.moved && precious) {
    warn(
      "replace-moved",
      change.after,
      `its URN changes (ancestor types ${change.moved.from} → ${change.moved.to}): without an alias Pulumi deletes and recreates it${replacementOutcome(change.before, what)}`,
    );
  }
  const replacing = replacingChanges(change.after, change.inputs);
  if (replacing.length > 0 && !change.provider) {
    const fields = replacing.map((c) => `\`${c.path}\``).join(", ");
    warn(
      "replace-stateful",
      change.after,
      `${fields} cannot change in place: Pulumi replaces it (deletes and re-creates it)${replacementOutcome(change.before, what)}`,
    );
  }
  if (a.protect && !b.protect) {
    warn(
      "protect-off",
      change.after,
      `protect is turned off: a later change can now delete or replace it${what ? `, losing ${what}` : ""}`,
    );
  }
  if (a.retainOnDelete && !b.retainOnDelete) {
    warn(
      "retain-off",
      change.after,
      `retainOnDelete is turned off: removing it from the program will now delete it${what ? `, losing ${what}` : ""}`,
    );
  }
  if (!a.deleteBeforeReplace && b.deleteBeforeReplace && precious) {
    warn(
      "delete-before-replace",
      change.after,
      `deleteBeforeReplace is turned on: a replacement deletes it before its successor exists${what === "a DNS record" ? " (the name stops resolving meanwhile)" : ""}`,
    );
  }
  for (const c of change.inputs) {
    if (c.before === SECRET && c.after !== undefined && c.after !== SECRET) {
      warn(
        "secret-now-plain",
        change.after,
        `\`${c.path}\` was a secret and is now plain text: it would be stored unencrypted in the state`,
      );
    }
  }
}

/**
 * One warning per provider change (old provider → new one), on the new provider: how many
 * resources move and what the stateful ones among them lose if the engine replaces them.
 */
function providerWarnings(changed: readonly ResourceChange[], warn: Warn): void {
  const groups = new Map<string, ResourceChange[]>();
  for (const change of changed) {
    if (!change.provider) continue;
    const key = `${change.provider.from}\u0000${change.provider.to}`;
    groups.set(key, [...(groups.get(key) ?? []), change]);
  }
  for (const group of groups.values()) {
    const { from, to } = group[0]!.provider!;
    const lost = new Map<string, number>();
    for (const c of group) {
      const what = statefulWhat(c.after);
      if (what) lost.set(what, (lost.get(what) ?? 0) + 1);
    }
    const losing =
      lost.size > 0 ? `, losing ${[...lost].map(([what, n]) => `${what} (×${n})`).join(", ")}` : "";
    const count = group.length === 1 ? "1 resource moves" : `${group.length} resources move`;
    const provider = { type: to.split("::")[0] ?? to, name: to.slice(to.indexOf("::") + 2) };
    warn(
      "provider-change",
      { ...group[0]!.after, ...provider, parent: null },
      `${count} to this provider from \`${from}\`: the engine replaces (deletes and re-creates) each of them unless the new provider's DiffConfig finds both configurations interchangeable${losing}. If what the provider is named after was renamed (a Docker host), declare renamedFrom so that its provider keeps its identity`,
    );
  }
}

function renameWarning(resource: PlannedResource, was: PlannedResource, warn: Warn): void {
  const what = statefulWhat(resource);
  if (!what) return;
  const old = `\`${refOf(was)}\``;
  const fate = was.options.protect
    ? "which is protected: `pulumi up` fails until protect is turned off"
    : was.options.retainOnDelete
      ? "which retainOnDelete leaves in place, unused and unmanaged"
      : "which is deleted";
  const message = holdsData(resource)
    ? `looks like ${old} renamed without an alias: this is a new one and starts empty (${what}); the data stays in ${old}, ${fate}. Declare renamedFrom on the renamed entry so that Pulumi keeps the same resource`
    : `looks like ${old} renamed without an alias: Pulumi creates this one and deletes ${old}, losing ${what}. Declare renamedFrom on the renamed entry so that Pulumi keeps the same resource`;
  warn("rename-not-kept", resource, message);
}

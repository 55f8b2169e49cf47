/**
 * Whether a change replaces a resource, as its provider decides, for the types the guard
 * rails care about. A plan cannot run the provider's diff, so this is a table per type,
 * taken from each provider's own code (cited below) and held to it by tests where the
 * provider is ours (test/policies/replace.test.ts drives the FortiOS provider's `diff`).
 * For any other type the answer is "not replaced"; only `pulumi preview` knows better.
 */
import { FORTIOS_OBJECT, PROXMOX_GUEST, UNIFI_PREFIX, DOCKER_CONTAINER } from "./kinds";
import type { GuardChange, GuardResource } from "./types";

/**
 * FortiOS attributes a change of which replaces the object: the provider's
 * IMMUTABLE_ATTRIBUTES (src/providers/fortios/provider.ts), a test checks they agree.
 */
export const FORTIOS_IMMUTABLE: Readonly<Record<string, readonly string[]>> = {
  "system/interface": ["type", "vlanid", "interface"],
  "vpn.ipsec/phase1-interface": ["type"],
};

/**
 * Docker container inputs its provider updates in place; a change of any other input
 * replaces the container (kreuzwerker/terraform-provider-docker
 * internal/provider/resource_docker_container.go: every other attribute is ForceNew;
 * resource_docker_container_funcs.go resourceDockerContainerUpdate handles these, and
 * `healthcheck`, `destroy_grace_seconds`, `wait*` only live in the state).
 */
const DOCKER_UPDATABLE = new Set([
  "restart",
  "maxRetryCount",
  "cpuShares",
  "memory",
  "memoryReservation",
  "cpuSet",
  "memorySwap",
  "mustRun",
  "healthcheck",
  "destroyGraceSeconds",
  "wait",
  "waitTimeout",
]);

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function changedKeys(before: GuardResource, after: GuardResource): string[] {
  const keys = new Set([...Object.keys(before.inputs), ...Object.keys(after.inputs)]);
  return [...keys].filter((k) => !same(before.inputs[k], after.inputs[k])).sort();
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object"
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** Names of the resources a FortiOS object names (its `referents`, URNs). */
function referentNames(resource: GuardResource): string[] {
  const referents = resource.inputs.referents;
  if (referents === null || typeof referents !== "object") return [];
  return Object.values(referents as Record<string, unknown>)
    .filter((v): v is string => typeof v === "string")
    .map((urn) => urn.slice(urn.lastIndexOf("::") + 2));
}

function fortiosReasons(
  before: GuardResource,
  after: GuardResource,
  replaced: ReadonlySet<string>,
): string[] {
  const reasons: string[] = [];
  const path = after.inputs.path as string;
  if (!same(before.inputs.path, after.inputs.path)) reasons.push("its CMDB path changes");
  if (!same(before.inputs.key, after.inputs.key)) reasons.push("its key changes");
  const vdom = (r: GuardResource) => field(r.inputs.connection, "vdom") ?? "root";
  if (!same(vdom(before), vdom(after))) reasons.push("its VDOM changes");
  for (const attribute of FORTIOS_IMMUTABLE[path] ?? []) {
    const a = field(before.inputs.body, attribute);
    const b = field(after.inputs.body, attribute);
    if (a !== undefined && b !== undefined && !same(a, b))
      reasons.push(
        `\`${attribute}\` changes (${JSON.stringify(a)} → ${JSON.stringify(b)}), which FortiOS cannot change in place`,
      );
  }
  // A referent replaced delete-before-create replaces this object too (the provider's diff
  // answers "replace" when `referents` is unknown; every FortiOS replacement with the same
  // key is delete-before-create).
  for (const name of referentNames(after)) {
    if (replaced.has(name)) reasons.push(`it names ${name}, which is replaced`);
  }
  return reasons;
}

function unifiReasons(before: GuardResource, after: GuardResource): string[] {
  const reasons: string[] = [];
  if (!same(before.inputs.path, after.inputs.path)) reasons.push("its API path changes");
  for (const k of ["controller", "site"]) {
    if (!same(field(before.inputs.connection, k), field(after.inputs.connection, k)))
      reasons.push(`its ${k} changes`);
  }
  if (!same(before.inputs.kind ?? "object", after.inputs.kind ?? "object"))
    reasons.push("its kind changes");
  return reasons;
}

function guestReasons(before: GuardResource, after: GuardResource): string[] {
  const reasons: string[] = [];
  // bpg/terraform-provider-proxmox proxmoxtf/resource/vm/vm.go: vm_id is ForceNew (CustomizeDiff),
  // and a node change is a migration only with `migrate`.
  if (!same(before.inputs.vmId, after.inputs.vmId)) reasons.push("its VM id changes");
  if (!same(before.inputs.nodeName, after.inputs.nodeName) && after.inputs.migrate !== true)
    reasons.push("its node changes without `migrate`");
  return reasons;
}

/**
 * Why `change` replaces its resource (empty: an update, or a type this table does not
 * know). `replaced` holds the names already found replaced earlier in the change.
 */
export function replaceReasons(change: GuardChange, replaced: ReadonlySet<string>): string[] {
  const { before, after } = change;
  const reasons: string[] = [];
  if (change.moved) reasons.push("its URN changes (no alias)");
  if (before.type !== after.type) reasons.push("its type changes");
  if (after.type === FORTIOS_OBJECT) reasons.push(...fortiosReasons(before, after, replaced));
  else if (after.type.startsWith(UNIFI_PREFIX)) reasons.push(...unifiReasons(before, after));
  else if (PROXMOX_GUEST.test(after.type)) reasons.push(...guestReasons(before, after));
  else if (after.type === DOCKER_CONTAINER) {
    const forced = changedKeys(before, after).filter((k) => !DOCKER_UPDATABLE.has(k));
    if (forced.length > 0)
      reasons.push(
        `${forced.map((k) => `\`${k}\``).join(", ")} change${forced.length === 1 ? "s" : ""} (Docker re-creates the container)`,
      );
  } else if (/^docker:index\/volume:Volume$|^random:index\//.test(after.type)) {
    // Every input of a Docker volume and of a random value is ForceNew / RequiresReplace.
    const keys = changedKeys(before, after);
    if (keys.length > 0)
      reasons.push(
        `${keys.map((k) => `\`${k}\``).join(", ")} change (every input of this type forces a new one)`,
      );
  }
  return reasons;
}

/** Inputs whose change restarts a container or may restart a guest (for maintenance). */
export function restartReasons(change: GuardChange): string[] {
  const keys = changedKeys(change.before, change.after);
  if (keys.length === 0) return [];
  if (change.after.type === DOCKER_CONTAINER) {
    // An in-place update (restart policy, limits) does not restart a running container.
    const forced = keys.filter((k) => !DOCKER_UPDATABLE.has(k));
    return forced.length > 0
      ? [`${forced.map((k) => `\`${k}\``).join(", ")} change: Docker re-creates the container`]
      : [];
  }
  // bpg's provider reboots a running VM after an update that needs it (reboot_after_update):
  // any change but its tags and description may.
  const relevant = keys.filter((k) => k !== "tags" && k !== "description");
  return relevant.length > 0
    ? [`${relevant.map((k) => `\`${k}\``).join(", ")} change: the guest may reboot`]
    : [];
}

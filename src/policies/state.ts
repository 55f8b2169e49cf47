/**
 * The guard rails over one stack's resources (the `stack` policies of catalog.ts): pure
 * functions of the resources' inputs and options, shared by the policy pack and `npm run plan`.
 */
import { POLICIES } from "./catalog";
import {
  forwards,
  guardedKind,
  CLOUDFLARE_RECORD,
  FORTIOS_OBJECT,
  PROXMOX_GUEST,
  scalarText,
} from "./kinds";
import type { GuardResource, Violation } from "./types";

const SECRET = "[secret]";
const UNKNOWN = "[unknown]";

/**
 * Every data-holding resource is protected or retainOnDelete. Where retainOnDelete is not
 * known (a policy pack), only what `protect` alone must show is checked: the program
 * protects every guest (src/components/proxmox/guests.ts); volumes and DNS records are
 * retained, which a pack cannot see.
 */
export function statefulRetained(resources: readonly GuardResource[]): Violation[] {
  const p = POLICIES.statefulRetained;
  const out: Violation[] = [];
  for (const r of resources) {
    const kind = guardedKind(r);
    if (!kind?.data || r.protect) continue;
    if (r.retainOnDelete === false) {
      out.push({
        policy: p.name,
        level: p.level,
        resource: r.name,
        message: `${r.name} holds ${kind.what} but is neither protected nor retainOnDelete: a later change could delete it; set protect or retainOnDelete on it in its component`,
      });
    } else if (r.retainOnDelete === undefined && PROXMOX_GUEST.test(r.type)) {
      out.push({
        policy: p.name,
        level: p.level,
        resource: r.name,
        message: `${r.name} holds ${kind.what} but is not protected: every guest is protected (src/components/proxmox/guests.ts), so that no change replaces or deletes it unnoticed`,
      });
    }
  }
  return out;
}

function filterOf(neighbor: Record<string, unknown>, direction: "in" | "out"): boolean {
  return [`prefix-list-${direction}`, `route-map-${direction}`, `filter-list-${direction}`].some(
    (k) => typeof neighbor[k] === "string" && neighbor[k] !== "",
  );
}

/** Every BGP neighbor of the FortiGate filters what it accepts and what it announces. */
export function bgpFiltered(resources: readonly GuardResource[]): Violation[] {
  const p = POLICIES.bgpFiltered;
  const out: Violation[] = [];
  for (const r of resources) {
    if (r.type !== FORTIOS_OBJECT || r.inputs.path !== "router/bgp") continue;
    const body = r.inputs.body as { neighbor?: unknown } | undefined;
    const neighbors = Array.isArray(body?.neighbor)
      ? (body.neighbor as Record<string, unknown>[])
      : [];
    for (const n of neighbors) {
      const missing = (["in", "out"] as const).filter((d) => !filterOf(n, d));
      if (missing.length === 0) continue;
      out.push({
        policy: p.name,
        level: p.level,
        resource: r.name,
        message: `BGP neighbor ${scalarText(n.ip, "?")} (${scalarText(n.description, "no description")}) has no ${missing.join(" and no ")}bound filter: every session filters both ways (prefix-list-in/-out), so a peer can neither leak nor be sent a route it is not registered for`,
      });
    }
  }
  return out;
}

/** The value most resources share, and every resource whose value differs. */
function outliers<T extends { value: string }>(
  items: readonly T[],
  expected?: string,
): { expected?: string; odd: T[] } {
  if (items.length === 0) return { odd: [] };
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i.value, (counts.get(i.value) ?? 0) + 1);
  const majority =
    expected ??
    [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
  return { expected: majority, odd: items.filter((i) => i.value !== majority) };
}

/** Every WAN forward goes to the proxy; every public DNS record points at one origin. */
export function publicBehindProxy(resources: readonly GuardResource[]): Violation[] {
  const p = POLICIES.publicBehindProxy;
  const out: Violation[] = [];
  const fwds = forwards(resources).map((f) => ({ ...f, value: f.target }));
  const proxy = fwds.find((f) => f.port === "443")?.target;
  for (const f of fwds) {
    if (proxy === undefined) {
      out.push({
        policy: p.name,
        level: p.level,
        resource: f.resource.name,
        message: `forwards WAN port ${f.port} to ${f.target}, but nothing receives port 443 (the reverse proxy): publish services through the proxy (homelab:proxy.publish), not with port forwards`,
      });
    } else if (f.target !== proxy) {
      out.push({
        policy: p.name,
        level: p.level,
        resource: f.resource.name,
        message: `forwards WAN port ${f.port} to ${f.target}, not to the reverse proxy (${proxy}): a public service goes through the proxy (homelab:proxy.publish and the service's expose)`,
      });
    }
  }
  const records = resources
    .filter(
      (r) =>
        CLOUDFLARE_RECORD.test(r.type) && ["A", "AAAA", "CNAME"].includes(String(r.inputs.type)),
    )
    .map((r) => ({ resource: r, value: scalarText(r.inputs.content) }))
    .filter((r) => r.value !== UNKNOWN);
  const { expected, odd } = outliers(records);
  for (const r of odd) {
    out.push({
      policy: p.name,
      level: p.level,
      resource: r.resource.name,
      message: `public record ${scalarText(r.resource.inputs.name)} points at ${r.value}, the others at ${expected ?? "?"}: a public name points at the site's origin (homelab:cloudflare.origin), where the proxy answers`,
    });
  }
  return out;
}

const SECRET_KEY =
  /(^x_|passphrase|password|passwd|psksecret|secret$|secret_?key|token$|private_?key)/i;
const SECRET_ENV = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|(?<!PUBLIC)_KEY)$/i;

/** A flag or a file path is not a secret (MARIADB_RANDOM_ROOT_PASSWORD=yes, *_FILE paths). */
const NOT_A_SECRET = /^(yes|no|true|false|on|off|[01]|\/.*)$/i;

function plainAt(value: unknown): boolean {
  return (
    typeof value === "string" &&
    value !== "" &&
    value !== SECRET &&
    value !== UNKNOWN &&
    !NOT_A_SECRET.test(value)
  );
}

/** Paths of plain strings under secret-named keys, anywhere in a value. */
function secretNamedPaths(value: unknown, path: string, out: string[]): void {
  if (Array.isArray(value)) value.forEach((v, i) => secretNamedPaths(v, `${path}[${i}]`, out));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === "secretFields") continue;
      const at = path ? `${path}.${k}` : k;
      if (SECRET_KEY.test(k) && plainAt(v)) out.push(at);
      else secretNamedPaths(v, at, out);
    }
  }
}

/**
 * No secret in a plain input. Needs inputs where secrets are marked "[secret]" (a plan):
 * a pack sees them unwrapped and cannot tell, so it does not run this one.
 */
export function noPlainSecret(resources: readonly GuardResource[]): Violation[] {
  const p = POLICIES.noPlainSecret;
  const out: Violation[] = [];
  for (const r of resources) {
    const paths: string[] = [];
    secretNamedPaths(r.inputs, "", paths);
    const body = (r.inputs.body ?? {}) as Record<string, unknown>;
    const fields = Array.isArray(r.inputs.secretFields) ? (r.inputs.secretFields as unknown[]) : [];
    for (const f of fields)
      if (typeof f === "string" && plainAt(body[f]) && !paths.includes(`body.${f}`))
        paths.push(`body.${f}`);
    const envs = Array.isArray(r.inputs.envs) ? (r.inputs.envs as unknown[]) : [];
    envs.forEach((e, i) => {
      if (typeof e !== "string") return;
      const at = e.indexOf("=");
      if (at > 0 && SECRET_ENV.test(e.slice(0, at)) && plainAt(e.slice(at + 1)))
        paths.push(`envs[${i}] (${e.slice(0, at)})`);
    });
    for (const path of paths) {
      out.push({
        policy: p.name,
        level: p.level,
        resource: r.name,
        message: `\`${path}\` holds a plain-text value where a secret belongs: it would be stored unencrypted in the state; pass it as a Pulumi secret (pulumi.secret, or a { secret: <name> } reference in the stack file)`,
      });
    }
  }
  return out;
}

/**
 * Every stack policy over a stack's resources. `secretsVisible`: whether secrets show as
 * "[secret]" (a plan) rather than their values (a policy pack).
 */
export function stackViolations(
  resources: readonly GuardResource[],
  options: { secretsVisible: boolean },
): Violation[] {
  return [
    ...statefulRetained(resources),
    ...bgpFiltered(resources),
    ...publicBehindProxy(resources),
    ...(options.secretsVisible ? noPlainSecret(resources) : []),
  ];
}

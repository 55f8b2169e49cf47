/**
 * The gateway's plan under former names (`renamedFrom` on its networks and WireGuard server,
 * and on the proxy's host, which the WAN exposure is named after): the roles its objects had
 * before the renames. Roles derive from names in many places (`net-<network>`, the allows'
 * default names, address groups, the exposure's rule and group), so instead of guessing them,
 * the same plan is made again with the former names put back; `withFormerRoles` pairs the
 * objects by position.
 */
import type { SiteNetwork } from "../../config/networks";
import { formerNames } from "../../config/renames";
import type { UnifiConfig } from "../../config/unifi";

/** What can be renamed: names of networks, and the proxy's host. */
interface Renamed {
  readonly kind: "network" | "host";
  readonly name: string;
  /** Oldest first. */
  readonly formers: readonly string[];
}

/** The inputs of the gateway's plan that carry names. */
export interface NamedInputs {
  readonly config: UnifiConfig;
  readonly networks: readonly SiteNetwork[];
  readonly publish?: {
    readonly host: string;
    readonly hostFormerNames: readonly string[];
    readonly sourceName: string;
  };
}

function renamedEntries(input: NamedInputs): Renamed[] {
  const { networks, wireguard } = input.config;
  const entries: Renamed[] = [...networks, ...(wireguard ? [wireguard] : [])]
    .filter((n) => formerNames(n).length > 0)
    .map((n) => ({ kind: "network", name: n.name, formers: formerNames(n) }));
  const publish = input.publish;
  if (publish && publish.hostFormerNames.length > 0)
    entries.push({ kind: "host", name: publish.host, formers: publish.hostFormerNames });
  return entries;
}

/** The inputs with each renamed thing under the name `chosen` gives it. */
function withNames<I extends NamedInputs>(input: I, chosen: ReadonlyMap<Renamed, string>): I {
  const networks = new Map<string, string>();
  let host: string | undefined;
  for (const [entry, former] of chosen) {
    if (entry.kind === "network") networks.set(entry.name, former);
    else host = former;
  }
  const n = (name: string) => networks.get(name) ?? name;
  const ref = (value: string | string[]) => (typeof value === "string" ? n(value) : value.map(n));
  const { config, publish } = input;
  return {
    ...input,
    config: {
      ...config,
      networks: config.networks.map((network) => ({ ...network, name: n(network.name) })),
      wireguard: config.wireguard && { ...config.wireguard, name: n(config.wireguard.name) },
      firewall: {
        ...config.firewall,
        allow: config.firewall.allow.map((rule) => ({
          ...rule,
          from: ref(rule.from),
          to: ref(rule.to),
        })),
      },
    },
    networks: input.networks.map((network) => ({ ...network, name: n(network.name) })),
    publish: publish && {
      ...publish,
      host: host ?? publish.host,
      sourceName: publish.sourceName.split("+").map(n).join("+"),
    },
  };
}

/**
 * The inputs under former names: every renamed thing at once, at each step back (the most
 * recent former names first, then older ones), and each renamed thing alone under each of
 * its former names (renames applied in different runs). None when nothing was renamed.
 */
export function formerInputs<I extends NamedInputs>(input: I): I[] {
  const entries = renamedEntries(input);
  if (entries.length === 0) return [];
  const out: I[] = [];
  const steps = Math.max(...entries.map((e) => e.formers.length));
  for (let back = 0; back < steps; back++) {
    const chosen = new Map(
      entries.map((e) => [e, e.formers[Math.max(0, e.formers.length - 1 - back)]!]),
    );
    out.push(withNames(input, chosen));
  }
  if (entries.length > 1) {
    for (const entry of entries)
      for (const former of entry.formers) out.push(withNames(input, new Map([[entry, former]])));
  }
  return out;
}

/**
 * The port ledger: every host port the services model publishes, with the service and the
 * config path that ask for it and why, in the order the model decides them. A port published
 * twice on one host is a problem, reported at the second use.
 */
import { appOf, CUSTOM_APP } from "../../catalog";
import type { Problem } from "../../config/errors";
import { configKey } from "../../config/stack";
import type { StackDraft } from "./drafts";
import { exposurePath, type Exposed } from "./exposures";
import type { ServicesSite } from "./site";
import type { PortUse } from "./types";

export class PortLedger {
  private readonly list: PortUse[];
  constructor() {
    this.list = [];
  }
  /** Records a host port the model publishes. */
  publish(use: PortUse): void {
    this.list.push(use);
  }
  /** Every use, in the order recorded. */
  get uses(): readonly PortUse[] {
    return this.list;
  }
  /** Ports published twice on the same host, as problems of `file`. */
  problems(file: string): Problem[] {
    return portClashes(this.list).map(({ use, first }) => {
      const owner = first.service === use.service ? "this service" : `service "${first.service}"`;
      const fix = use.why.startsWith("web port")
        ? "set expose.hostPort to a free port"
        : "publish it on another host port, or move one of them to another host";
      return {
        file,
        path: use.source,
        message: `port ${use.port}/${use.protocol} on host "${use.host}" is already published by ${owner} (${first.why}): ${fix}`,
      };
    });
  }
}

/** Ports published twice on the same host (the second and later uses). */
export function portClashes(ports: readonly PortUse[]): { use: PortUse; first: PortUse }[] {
  const first = new Map<string, PortUse>();
  const out: { use: PortUse; first: PortUse }[] = [];
  for (const use of ports) {
    const key = `${use.host}/${use.port}/${use.protocol}`;
    const earlier = first.get(key);
    if (!earlier) first.set(key, use);
    else if (earlier.service !== use.service || earlier.why !== use.why)
      out.push({ use, first: earlier });
  }
  return out;
}

/**
 * Step: a part exposed through a proxy on another host publishes its web port on its own
 * host (`expose.hostPort`, by default the container port), unless it uses the host network.
 */
export function publishUpstreams(
  site: ServicesSite,
  exposed: readonly Exposed[],
  drafts: readonly StackDraft[],
  ledger: PortLedger,
): void {
  const proxyHost = site.proxyHost;
  for (const x of exposed) {
    const draft = drafts.find((d) => d.name === x.service.name);
    const spec = draft?.parts[x.part];
    if (!draft || !spec || !proxyHost || spec.hostNetwork || x.host === proxyHost) continue;
    const external = x.exposure.hostPort ?? x.port;
    (draft.publish[x.part] ??= []).push({ internal: x.port, external, protocol: "tcp" });
    const at = exposurePath(x.index, x.exposure);
    ledger.publish({
      host: x.host,
      port: external,
      protocol: "tcp",
      service: x.service.name,
      source: x.exposure.hostPort ? [...at, "hostPort"] : at,
      why: `web port for the proxy on ${proxyHost}`,
    });
  }
}

/** Step: the host ports services declare (`ports`) and those their catalog parts publish. */
export function recordDeclaredPorts(
  site: ServicesSite,
  drafts: readonly StackDraft[],
  ledger: PortLedger,
): void {
  site.config.services.forEach((service, index) => {
    service.ports.forEach((p, i) => {
      if (p.host === undefined) return;
      ledger.publish({
        host: service.host,
        port: p.host,
        protocol: p.protocol,
        service: service.name,
        source: [configKey("services"), index, "ports", i, "host"],
        why: "declared port",
      });
    });
    const app = appOf(service);
    if (!app || service.app === CUSTOM_APP) return;
    const draft = drafts.find((d) => d.name === service.name);
    for (const [part, spec] of Object.entries(draft?.parts ?? {})) {
      for (const p of spec.ports ?? []) {
        if (p.host === undefined) continue;
        ledger.publish({
          host: draft!.placement[part]!,
          port: p.host,
          protocol: p.protocol ?? "tcp",
          service: service.name,
          source: [configKey("services"), index, "host"],
          why: `${app.title} ${part} port ${p.container}`,
        });
      }
    }
  });
}

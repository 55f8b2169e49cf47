/**
 * FortiGate checks, through the FortiOS monitor API (read-only, `GET /api/v2/monitor/...`):
 * every federation BGP neighbor Established, the routes received from it and the ones this
 * site originates, every federation tunnel's SAs up, the SDN routes installed, and (the
 * federation check) each peer's routes inside exactly its registered prefixes.
 *
 * Endpoints, from Fortinet's own Ansible collection (fortinet-ansible-dev/ansible-galaxy-
 * fortios-collection, plugins/modules/fortios_monitor_fact.py: `router_bgp_neighbors` →
 * `router/bgp/neighbors`, `router_bgp_paths` → `router/bgp/paths`, `vpn_ipsec` → `vpn/ipsec`
 * (param `tunnel`), `router_ipv4` → `router/ipv4` (params `ip_mask`, `gateway`, `type`,
 * `interface`)). The collection documents the paths and parameters, not the answers; the
 * fields read here are those of recorded device answers: `neighbor_ip`, `remote_as`,
 * `state` ("Established", "Idle", "Connect", "Active", "OpenSent", "OpenConfirm"),
 * `admin_status`, `local_ip` (prometheus-community/fortigate_exporter's bgp neighbor probe);
 * `nlri_prefix`, `nlri_prefix_len`, `learned_from`, `next_hop`, `origin`, `is_best` (the
 * FortiOS Go SDK's `MonitorRouterBgpPathsResult`); `name`, `proxyid[].status` ("up"/"down"),
 * `proxyid[].p2name`, `rgwy` (fortigate_exporter testdata ipsec.jsonnet, FortiOS 6.0) and
 * `ip_mask` ("10.0.0.0/8"), `gateway`, `interface`, `type` (fortigate_exporter testdata
 * ipv4-routes.jsonnet, FortiOS 7.4.7).
 *
 * What the monitor API cannot show: the routes sent to one neighbor (FortiOS has no
 * per-neighbor advertised-routes endpoint in that list), so "sent" is checked as "in this
 * BGP table as originated here, the session Established and the out-filter the plan's";
 * what actually arrives is the peer's own `received` check.
 */
import type { FortigateEndpoint } from "../devices/connection";
import type { SiteModel } from "../model";
import { containsPrefix, lengthOfMask, parsePrefix, type Prefix } from "../lib/net";
import { HttpClient } from "../providers/http";
import { fail, ok, skip, unreadable, type Row } from "./report";
import { failFast, unanswered } from "./reach";

/** One monitor endpoint's `results`, or why it could not be read; `close` ends its connections. */
export type MonitorReader = ((path: string) => Promise<unknown[]>) & { close?: () => void };

/** Reads the monitor API with the REST API admin's token (never in a message). */
export function fortigateMonitor(endpoint: FortigateEndpoint, token: string): MonitorReader {
  const http = new HttpClient({
    baseUrl: `https://${endpoint.host}:${endpoint.port}`,
    tls: endpoint.tls,
    retries: 2,
    secrets: () => [token],
    label: `FortiGate ${endpoint.host}`,
  });
  const read = failFast(async (path: string) => {
    const response = await http.request({
      method: "GET",
      path: `/api/v2/monitor/${path}`,
      query: { vdom: endpoint.vdom },
      headers: { authorization: `Bearer ${token}` },
    });
    if (response.status === 401 || response.status === 403)
      throw new Error(
        `FortiGate ${endpoint.host} refused the token (HTTP ${response.status}): check FORTIOS_API_TOKEN and the admin's trusted hosts`,
      );
    if (response.status !== 200)
      throw new Error(`GET monitor/${path} answered HTTP ${response.status}`);
    const results = (response.json as { results?: unknown } | undefined)?.results;
    if (!Array.isArray(results)) throw new Error(`GET monitor/${path} answered no results list`);
    return results as unknown[];
  }, unanswered);
  return Object.assign(read, { close: () => http.close() });
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" ? (v as Obj) : {});
const str = (v: unknown): string =>
  typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "";

/** A BGP path of `router/bgp/paths` as a prefix ("10.2.0.0/24"), and who it came from. */
interface Path {
  readonly prefix: string;
  readonly learnedFrom: string;
}

function pathsOf(results: readonly unknown[]): Path[] {
  return results.map((r) => {
    const o = obj(r);
    return {
      prefix: `${str(o.nlri_prefix)}/${str(o.nlri_prefix_len)}`,
      learnedFrom: str(o.learned_from),
    };
  });
}

/** "10.1.0.0 255.255.255.0" (the CMDB's spelling) → "10.1.0.0/24". */
function cidrOf(ipMask: string): string {
  const [address, mask] = ipMask.split(" ");
  return `${address ?? ""}/${lengthOfMask(mask ?? "") ?? 32}`;
}

const parsed = (text: string): Prefix | undefined => parsePrefix(text)?.prefix;

/** Whether `inner` lies in one of `outers`. */
function inside(inner: string, outers: readonly string[]): boolean {
  const p = parsed(inner);
  return (
    p !== undefined &&
    outers.some((o) => {
      const q = parsed(o);
      return q !== undefined && containsPrefix(q, p);
    })
  );
}

const list = (items: readonly string[]): string => (items.length > 0 ? items.join(", ") : "none");

/** What this site originates in BGP: the plan's network table (see src/model/fortigate/bgp.ts). */
export function originatedPrefixes(model: SiteModel): string[] {
  const object = model.fortigate?.objects.find(
    (o) => o.kind === "CmdbObject" && o.spec.path === "router/bgp",
  );
  if (!object || object.kind !== "CmdbObject") return [];
  const body = (object.spec.fallback?.body ?? object.spec.body) as {
    network?: { prefix: string }[];
  };
  return (body.network ?? []).map((n) => cidrOf(n.prefix));
}

interface Monitor {
  neighbors?: unknown[];
  paths?: Path[];
  ipsec?: unknown[];
  routes?: unknown[];
  errors: Record<string, unknown>;
}

async function readMonitor(read: MonitorReader): Promise<Monitor> {
  const out: Monitor = { errors: {} };
  const get = async (key: "neighbors" | "paths" | "ipsec" | "routes", path: string) => {
    try {
      const results = await read(path);
      if (key === "paths") out.paths = pathsOf(results);
      else out[key] = results;
    } catch (error) {
      out.errors[key] = error;
    }
  };
  await get("neighbors", "router/bgp/neighbors");
  await get("paths", "router/bgp/paths");
  await get("ipsec", "vpn/ipsec");
  await get("routes", "router/ipv4");
  return out;
}

/** Every FortiGate check of the site, in the brief's order. */
export async function checkFortigate(model: SiteModel, read: MonitorReader): Promise<Row[]> {
  if (!model.fortigate) return [];
  const m = await readMonitor(read);
  const peerings = model.federation?.peerings ?? [];
  const neighborIps = new Set(peerings.map((p) => p.remoteAddress));
  const rows: Row[] = [];
  const originated = originatedPrefixes(model);
  for (const p of peerings) {
    const target = `${p.peer} ${p.remoteAddress}`;
    let established = false;
    if (!m.neighbors) rows.push(unreadable("bgp-neighbor", target, m.errors.neighbors));
    else {
      const n = m.neighbors.map(obj).find((x) => str(x.neighbor_ip) === p.remoteAddress);
      if (!n)
        rows.push(
          fail(
            "bgp-neighbor",
            target,
            `not a BGP neighbor of the FortiGate (router/bgp neighbor ${p.remoteAddress} missing: run pulumi up)`,
          ),
        );
      else if (str(n.remote_as) !== String(p.remoteAsn))
        rows.push(
          fail("bgp-neighbor", target, `remote AS ${str(n.remote_as)}, registered ${p.remoteAsn}`),
        );
      else if (str(n.state) !== "Established")
        rows.push(
          fail(
            "bgp-neighbor",
            target,
            `state ${str(n.state) || "unknown"}, not Established: is the tunnel ${p.interfaceName} up?`,
          ),
        );
      else {
        established = true;
        rows.push(ok("bgp-neighbor", target, `Established, AS ${p.remoteAsn}`));
      }
    }
    if (!m.paths) {
      rows.push(unreadable("bgp-received", p.peer, m.errors.paths));
      rows.push(unreadable("bgp-sent", p.peer, m.errors.paths));
      rows.push(unreadable("federation-prefixes", p.peer, m.errors.paths));
      continue;
    }
    const received = [
      ...new Set(m.paths.filter((x) => x.learnedFrom === p.remoteAddress).map((x) => x.prefix)),
    ].sort();
    const uncovered = p.acceptPrefixes.filter((r) => !received.some((x) => inside(x, [r])));
    rows.push(
      uncovered.length > 0
        ? fail(
            "bgp-received",
            p.peer,
            `nothing received inside ${list(uncovered)} (received: ${list(received)})`,
          )
        : ok("bgp-received", p.peer, `${list(received)}`),
    );
    const local = new Set(
      m.paths.filter((x) => !neighborIps.has(x.learnedFrom)).map((x) => x.prefix),
    );
    const notOriginated = originated.filter((x) => !local.has(x));
    rows.push(
      notOriginated.length > 0
        ? fail(
            "bgp-sent",
            p.peer,
            `not in the BGP table as originated here: ${list(notOriginated)}`,
          )
        : !established
          ? fail("bgp-sent", p.peer, `nothing is sent: the session is not Established`)
          : ok("bgp-sent", p.peer, `${list(originated)} (the peer's own verify sees what arrives)`),
    );
    const foreign = received.filter((x) => !inside(x, p.acceptPrefixes));
    rows.push(
      foreign.length > 0
        ? fail(
            "federation-prefixes",
            p.peer,
            `announces ${list(foreign)}, outside its registered ${list(p.acceptPrefixes)}: our in-filter should have refused it (prefix list ${p.interfaceName}-in drifted?)`,
          )
        : ok(
            "federation-prefixes",
            p.peer,
            `every route inside its registered ${list(p.acceptPrefixes)}`,
          ),
    );
  }
  for (const p of peerings) {
    if (!m.ipsec) {
      rows.push(unreadable("ipsec-sa", p.interfaceName, m.errors.ipsec));
      continue;
    }
    const tunnel = m.ipsec.map(obj).find((t) => str(t.name) === p.interfaceName);
    const sas = Array.isArray(tunnel?.proxyid) ? tunnel.proxyid.map(obj) : [];
    const down = sas.filter((s) => str(s.status) !== "up").map((s) => str(s.p2name) || "?");
    rows.push(
      !tunnel
        ? fail(
            "ipsec-sa",
            p.interfaceName,
            `no such tunnel on the FortiGate (phase1-interface ${p.interfaceName} missing: run pulumi up)`,
          )
        : sas.length === 0
          ? fail(
              "ipsec-sa",
              p.interfaceName,
              `no phase 2 SA: IKE with ${p.remoteGateway} is not negotiated`,
            )
          : down.length > 0
            ? fail(
                "ipsec-sa",
                p.interfaceName,
                `SA down: ${down.join(", ")} (to ${p.remoteGateway})`,
              )
            : ok(
                "ipsec-sa",
                p.interfaceName,
                `${sas.length} SA${sas.length > 1 ? "s" : ""} up to ${str(tunnel.rgwy) || p.remoteGateway}`,
              ),
    );
  }
  for (const route of model.routes) {
    if (!m.routes) {
      rows.push(unreadable("sdn-route", route.dst, m.errors.routes));
      continue;
    }
    const entries = m.routes.map(obj).filter((r) => str(r.ip_mask) === route.dst);
    const via = entries.find((r) => str(r.gateway) === route.gateway);
    rows.push(
      via
        ? ok(
            "sdn-route",
            route.dst,
            `via ${route.gateway} (${str(via.type)}, ${str(via.interface)})`,
          )
        : entries.length > 0
          ? fail(
              "sdn-route",
              route.dst,
              `installed via ${entries.map((r) => str(r.gateway)).join(", ")}, not ${route.gateway}`,
            )
          : fail(
              "sdn-route",
              route.dst,
              `not in the routing table (expected via ${route.gateway}: is the static route there and ${route.gateway} reachable?)`,
            ),
    );
  }
  if (peerings.length === 0 && model.routes.length === 0)
    rows.push(
      skip(
        "fortigate",
        model.fortigate.connection.host,
        "no federation peering and no SDN route to check",
      ),
    );
  return rows;
}

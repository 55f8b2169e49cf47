/**
 * The FortiGate emulator's monitor API (`GET /api/v2/monitor/...`, read-only): the live state
 * verify reads, set by tests (a session down, an SA down, a route missing). Paths and query
 * parameters are those of Fortinet's Ansible collection (plugins/modules/fortios_monitor_fact.py:
 * `router/bgp/neighbors`, `router/bgp/paths`, `vpn/ipsec` with `tunnel`, `router/ipv4` with
 * `ip_mask`, `gateway`, `type`, `interface`); the answers' fields are those of recorded
 * devices (prometheus-community/fortigate_exporter's probes and testdata: ipsec.jsonnet,
 * ipv4-routes.jsonnet; the FortiOS Go SDK's MonitorRouterBgpPathsResult), in the same
 * envelope as the CMDB's (`http_method`, `results`, `vdom`, `path`, `name`, `status`).
 */
export interface BgpNeighborState {
  readonly neighbor_ip: string;
  readonly local_ip: string;
  readonly remote_as: number;
  readonly admin_status: boolean;
  /** "Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established". */
  readonly state: string;
  readonly type: "ipv4";
}

export interface BgpPathState {
  readonly nlri_prefix: string;
  readonly nlri_prefix_len: number;
  readonly learned_from: string;
  readonly next_hop: string;
  readonly origin: "igp" | "egp" | "incomplete";
  readonly is_best: boolean;
}

export interface IpsecSaState {
  readonly proxy_src: { subnet: string; port: number; protocol: number; protocol_name: string }[];
  readonly proxy_dst: { subnet: string; port: number; protocol: number; protocol_name: string }[];
  readonly status: "up" | "down";
  readonly p2name: string;
  readonly p2serial: number;
  readonly expire: number;
  readonly incoming_bytes: number;
  readonly outgoing_bytes: number;
}

export interface IpsecTunnelState {
  readonly proxyid: IpsecSaState[];
  readonly name: string;
  readonly comments: string;
  readonly "wizard-type": string;
  readonly creation_time: number;
  readonly type: "automatic" | "manual" | "dialup";
  readonly incoming_bytes: number;
  readonly outgoing_bytes: number;
  readonly rgwy: string;
}

export interface Ipv4RouteState {
  readonly ip_version: 4;
  readonly type: "connect" | "static" | "bgp" | "ospf" | "kernel";
  readonly origin: string;
  readonly ip_mask: string;
  readonly distance: number;
  readonly metric: number;
  readonly priority: number;
  readonly vrf: number;
  readonly gateway: string;
  readonly non_rc_gateway: string;
  readonly interface: string;
  readonly is_tunnel_route?: boolean;
  readonly tunnel_parent?: string;
  readonly install_date?: number;
}

/** What the monitor endpoints answer; tests mutate it. */
export interface MonitorState {
  neighbors: BgpNeighborState[];
  paths: BgpPathState[];
  ipsec: IpsecTunnelState[];
  routes: Ipv4RouteState[];
}

export function emptyMonitor(): MonitorState {
  return { neighbors: [], paths: [], ipsec: [], routes: [] };
}

/** A phase 2 SA of `tunnel` (0.0.0.0/0 selectors, as route-based tunnels negotiate). */
export function sa(tunnel: string, status: "up" | "down" = "up"): IpsecSaState {
  const any = [{ subnet: "0.0.0.0/0.0.0.0", port: 0, protocol: 0, protocol_name: "" }];
  return {
    proxy_src: any,
    proxy_dst: any,
    status,
    p2name: tunnel,
    p2serial: 1,
    expire: 3400,
    incoming_bytes: 18961,
    outgoing_bytes: 37172,
  };
}

export function tunnel(name: string, rgwy: string, sas: IpsecSaState[]): IpsecTunnelState {
  return {
    proxyid: sas,
    name,
    comments: "",
    "wizard-type": "custom",
    creation_time: 270801,
    type: "automatic",
    incoming_bytes: 18961,
    outgoing_bytes: 37172,
    rgwy,
  };
}

/** A path of the BGP table ("10.2.0.0/24" learned from a neighbor, or originated: "0.0.0.0"). */
export function path(cidr: string, learnedFrom: string): BgpPathState {
  const [prefix, length] = cidr.split("/");
  return {
    nlri_prefix: prefix!,
    nlri_prefix_len: Number(length),
    learned_from: learnedFrom,
    next_hop: learnedFrom,
    origin: "igp",
    is_best: true,
  };
}

export function route(
  cidr: string,
  gateway: string,
  iface: string,
  type: Ipv4RouteState["type"],
): Ipv4RouteState {
  return {
    ip_version: 4,
    type,
    origin: "unspecified",
    ip_mask: cidr,
    distance: type === "connect" ? 0 : type === "bgp" ? 20 : 10,
    metric: 0,
    priority: type === "connect" ? 0 : 1,
    vrf: 0,
    gateway,
    non_rc_gateway: gateway,
    interface: iface,
  };
}

/** The `results` of a monitor path, or undefined for a path the device does not have. */
export function monitorResults(
  state: MonitorState,
  path: string,
  query: URLSearchParams,
): unknown[] | undefined {
  switch (path) {
    case "router/bgp/neighbors":
      return state.neighbors;
    case "router/bgp/paths":
      return state.paths;
    case "vpn/ipsec": {
      const only = query.get("tunnel");
      return only ? state.ipsec.filter((t) => t.name === only) : state.ipsec;
    }
    case "router/ipv4":
      return state.routes.filter((r) =>
        (["ip_mask", "gateway", "type", "interface"] as const).every(
          (key) => !query.has(key) || String(r[key]) === query.get(key),
        ),
      );
    default:
      return undefined;
  }
}

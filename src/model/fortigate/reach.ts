/**
 * What the FortiGate must reach, checked on its topology before anything is planned: the
 * gateway of every site route, every local network its policies name (behind one of its
 * interfaces, a route or a tunnel), and the published proxy. Each is a configuration
 * problem, at the key that can fix it.
 */
import type { Problem } from "../../config/errors";
import { BUILTIN_NETWORKS } from "../../config/networks";
import { Problems } from "../../config/problems";
import { configKey } from "../../config/stack";
import type { PathSegment } from "../../config/errors";
import type { FortigatePlanInput } from ".";
import { describePrefixes, type FortigateTopology } from "./topology";

export function reachProblems(input: FortigatePlanInput, topology: FortigateTopology): Problem[] {
  const fg = input.config;
  const out = new Problems(input.file);
  const root = configKey("fortigate");
  for (const route of topology.unreachable) {
    out.add(
      [root, "interfaces"],
      `the route to ${route.dst} (${route.description}) goes via ${route.gateway}, which is on no FortiGate interface subnet: give the interface facing it an address in that subnet`,
    );
  }
  const networks = new Map(input.networks.map((n) => [n.name, n]));
  /** Local networks named at `path`; built-in and unknown names are the config rules' part. */
  const checkLocal = (refs: readonly string[], path: PathSegment[]) => {
    refs.forEach((ref, i) => {
      if ((BUILTIN_NETWORKS as readonly string[]).includes(ref)) return;
      const network = networks.get(ref);
      if (network && !topology.interfacesForNetwork(network)) {
        out.add(
          [...path, i],
          `network "${ref}" (${describePrefixes(network)}) is behind no FortiGate interface: no interface subnet holds it and no static route leads to it`,
        );
      }
    });
  };
  if (fg.federation) checkLocal(fg.federation.networks, [root, "federation", "networks"]);
  if (fg.dialupVpn) checkLocal(fg.dialupVpn.access, [root, "dialupVpn", "access"]);
  if (fg.internet) checkLocal(fg.internet.networks, [root, "internet", "networks"]);
  fg.tunnels.forEach((tunnel, t) => {
    checkLocal(tunnel.localNetworks, [root, "tunnels", t, "localNetworks"]);
  });
  const publish = input.publish;
  if (publish) {
    if (!fg.interfaces.some((i) => i.role === "wan")) {
      out.add(
        [root, "interfaces"],
        `the reverse proxy is published on the WAN (homelab:proxy.publish), which needs an interface with role: wan`,
      );
    }
    if (!topology.interfaceTowards(input.networks, publish.address)) {
      out.add(
        [configKey("proxy"), "host"],
        `the proxy host "${publish.host}" (${publish.address}) is behind no FortiGate interface, so the WAN cannot be forwarded to it`,
      );
    }
  }
  return out.list;
}

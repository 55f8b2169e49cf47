/**
 * UniFi checks, through the endpoints the UniFi provider already uses (GETs only): the
 * gateway's networks present with their VLANs and subnets (`rest/networkconf`), the
 * WireGuard server present and enabled on its port and pool (the same collection, purpose
 * `remote-user-vpn`, `vpn_type` `wireguard-server`; field names of ubiquiti-community/go-unifi
 * unifi/network.generated.go), and the firewall generation the console runs against the one
 * the stack pins (src/providers/unifi/detect.ts, what the program asks before any write).
 *
 * What these endpoints cannot show: whether a WireGuard client completes a handshake (the
 * controller keeps no handshake state in them) or a VLAN carries traffic on a switch port.
 */
import type { SiteModel } from "../model";
import type { NetworkSpec, WireGuardSpec } from "../devices/unifi/bodies";
import { collectionPath } from "../devices/unifi/api";
import type { UnifiClient, UnifiObject } from "../providers/unifi/client";
import { detectController } from "../providers/unifi/detect";
import { fail, ok, unreadable, type Row } from "./report";

const text = (v: unknown): string =>
  typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "";

function checkNetwork(spec: NetworkSpec, found: readonly UnifiObject[]): Row {
  const same = found.filter((n) => n.name === spec.name && n.purpose !== "remote-user-vpn");
  const n = same[0];
  const target = `${spec.name} vlan ${spec.vlan}`;
  if (!n) return fail("unifi-network", target, "not on the controller: run pulumi up");
  if (n.enabled === false) return fail("unifi-network", target, "present but disabled");
  if (Number(n.vlan) !== spec.vlan || n.vlan_enabled === false)
    return fail(
      "unifi-network",
      target,
      `VLAN ${n.vlan_enabled === false ? "disabled" : text(n.vlan) || "none"}, planned ${spec.vlan}`,
    );
  if (spec.purpose !== "vlan-only") {
    const subnet = `${spec.gateway}/${spec.prefixLength}`;
    if (text(n.ip_subnet) !== subnet)
      return fail(
        "unifi-network",
        target,
        `subnet ${text(n.ip_subnet) || "none"}, planned ${subnet}`,
      );
  }
  return ok(
    "unifi-network",
    target,
    `${text(n.purpose)}${n.ip_subnet ? ` ${text(n.ip_subnet)}` : ""}`,
  );
}

function checkWireGuard(spec: WireGuardSpec, found: readonly UnifiObject[]): Row {
  const n = found.find((x) => x.name === spec.name && x.purpose === "remote-user-vpn");
  const target = spec.name;
  const subnet = `${spec.gateway}/${spec.prefixLength}`;
  if (!n) return fail("unifi-wireguard", target, "no WireGuard server of that name: run pulumi up");
  if (n.vpn_type !== "wireguard-server")
    return fail("unifi-wireguard", target, `vpn_type ${text(n.vpn_type)}, not wireguard-server`);
  if (n.enabled !== true) return fail("unifi-wireguard", target, "the server is disabled");
  if (Number(n.local_port) !== spec.port)
    return fail(
      "unifi-wireguard",
      target,
      `listens on ${text(n.local_port)}, planned ${spec.port}`,
    );
  if (text(n.ip_subnet) !== subnet)
    return fail("unifi-wireguard", target, `pool ${text(n.ip_subnet)}, planned ${subnet}`);
  return ok("unifi-wireguard", target, `enabled on udp/${spec.port}, pool ${subnet}`);
}

/** Every UniFi check of the site. */
export async function checkUnifi(model: SiteModel, client: UnifiClient): Promise<Row[]> {
  const plan = model.unifi;
  if (!plan) return [];
  const rows: Row[] = [];
  const networks = plan.objects.flatMap((o) => (o.kind === "Network" ? [o.spec] : []));
  const servers = plan.objects.flatMap((o) =>
    o.kind === "WireGuardServer" ? [o.spec.server] : [],
  );
  let found: UnifiObject[] | undefined;
  let error: unknown;
  try {
    found = await client.list(collectionPath(plan.connection.site, "networkconf"));
  } catch (e) {
    error = e;
  }
  for (const spec of networks)
    rows.push(
      found
        ? checkNetwork(spec, found)
        : unreadable("unifi-network", `${spec.name} vlan ${spec.vlan}`, error),
    );
  for (const spec of servers)
    rows.push(
      found ? checkWireGuard(spec, found) : unreadable("unifi-wireguard", spec.name, error),
    );
  const configured = model.config.unifi?.firewall.mode ?? "auto";
  const target = `firewall ${configured}`;
  try {
    const facts = await detectController(client);
    const runs = facts.zoneBasedFirewall ? "zone" : "legacy";
    rows.push(
      configured === "auto" || configured === runs
        ? ok(
            "unifi-firewall",
            target,
            `the console runs the ${runs === "zone" ? "zone-based" : "legacy"} firewall${facts.version ? ` (Network ${facts.version})` : ""}`,
          )
        : fail(
            "unifi-firewall",
            target,
            `the console runs the ${runs === "zone" ? "zone-based" : "legacy"} firewall, the stack pins ${configured}: its rules are not the ones applied`,
          ),
    );
  } catch (e) {
    rows.push(unreadable("unifi-firewall", target, e));
  }
  return rows;
}

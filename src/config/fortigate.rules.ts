/**
 * The rules of `homelab:fortigate` within the section, beyond each field's schema: a
 * refinement of the schema (paths relative to the section). Interfaces, DHCP servers,
 * routes and tunnels name interfaces the section declares; aggregates, VLANs and tunnel
 * addresses are consistent. What the section names elsewhere is checked by
 * edge.references.ts; what needs the FortiGate's topology (reachability), by its plan
 * (src/model/fortigate/reach.ts).
 *
 * The schema imports this file, and stack.ts imports the schema: nothing here may import
 * stack.ts or what imports it (networks.ts), or loading would go round in a circle.
 */
import type { PathSegment } from "./errors";
import type { FortigateConfig } from "./fortigate";
import { checkGateway, checkRange, unknownReference, type Problems } from "./problems";
import { formatPrefix, isHostOf, maskOf, parseAddressWithPrefix, parseIPv4 } from "../lib/net";

type Interface = FortigateConfig["interfaces"][number];

/** Aggregates list their ports once; VLANs have a declared parent and a unique id on it. */
function checkInterfaces(fg: FortigateConfig, out: Problems): void {
  const names = fg.interfaces.map((i) => i.name);
  const memberOf = new Map<string, string>();
  const vlanIds = new Map<string, Map<number, string>>();
  fg.interfaces.forEach((iface: Interface, i) => {
    const path: PathSegment[] = ["interfaces", i];
    if (iface.type === "aggregate") {
      if (!iface.members || iface.members.length === 0) {
        out.add(
          [...path, "members"],
          "an aggregate needs its member ports, e.g. members: [internal1, internal2]",
        );
      }
      iface.members?.forEach((member, m) => {
        const other = memberOf.get(member);
        if (other)
          out.add(
            [...path, "members", m],
            `port "${member}" is already a member of aggregate "${other}"`,
          );
        memberOf.set(member, iface.name);
        if (names.includes(member)) {
          out.add(
            [...path, "members", m],
            `port "${member}" is also declared as an interface: an aggregate member cannot carry its own configuration`,
          );
        }
      });
    } else if (iface.members) {
      out.add(
        [...path, "members"],
        `members apply to aggregate interfaces only (this one is ${iface.type})`,
      );
    }
    if (iface.type === "vlan") {
      if (!iface.parent)
        out.add([...path, "parent"], "a vlan interface needs its parent interface");
      else if (!names.includes(iface.parent))
        out.add([...path, "parent"], unknownReference("interface", iface.parent, names));
      if (iface.vlanId === undefined)
        out.add([...path, "vlanId"], "a vlan interface needs a vlanId (1-4094)");
      else if (iface.parent) {
        const ids = vlanIds.get(iface.parent) ?? new Map<number, string>();
        const other = ids.get(iface.vlanId);
        if (other)
          out.add(
            [...path, "vlanId"],
            `VLAN ${iface.vlanId} is already used by "${other}" on ${iface.parent}: VLAN ids must be unique per parent`,
          );
        ids.set(iface.vlanId, iface.name);
        vlanIds.set(iface.parent, ids);
      }
    }
    if (iface.mode === "dhcp" && iface.ip)
      out.add(
        [...path, "ip"],
        "an interface in dhcp mode gets its address from DHCP: remove ip or use mode: static",
      );
  });
}

/** A DHCP server runs on a declared interface with a static address, inside its subnet. */
function checkDhcp(fg: FortigateConfig, out: Problems): void {
  const names = fg.interfaces.map((i) => i.name);
  fg.dhcp.forEach((server, i) => {
    const path: PathSegment[] = ["dhcp", i];
    if (!names.includes(server.interface)) {
      out.add([...path, "interface"], unknownReference("interface", server.interface, names));
      return;
    }
    const iface = fg.interfaces.find((x) => x.name === server.interface);
    const ip = iface?.ip ? parseAddressWithPrefix(iface.ip) : undefined;
    if (!ip) {
      out.add(
        [...path, "interface"],
        `interface "${server.interface}" has no static ip, so it cannot serve DHCP`,
      );
      return;
    }
    const subnet = { network: (ip.address & maskOf(ip.length)) >>> 0, length: ip.length };
    checkRange(out, [...path, "range"], server.range, subnet, ip.address);
    if (server.gateway) checkGateway(out, [...path, "gateway"], server.gateway, subnet);
    server.reservations.forEach((r, k) => {
      const address = parseIPv4(r.ip);
      if (address !== undefined && !isHostOf(subnet, address)) {
        out.add([...path, "reservations", k, "ip"], `${r.ip} is outside ${formatPrefix(subnet)}`);
      }
    });
  });
}

/** Routes, the federation, the dial-up VPN and tunnels name declared interfaces. */
function checkInterfaceRefs(fg: FortigateConfig, out: Problems): void {
  const names = fg.interfaces.map((i) => i.name);
  const tunnelNames = [
    ...fg.tunnels.map((t) => t.name),
    ...(fg.dialupVpn ? [fg.dialupVpn.name] : []),
  ];
  const devices = [...names, ...tunnelNames];
  fg.staticRoutes.forEach((route, i) => {
    if (!devices.includes(route.device))
      out.add(["staticRoutes", i, "device"], unknownReference("interface", route.device, devices));
  });
  const uses: [string | undefined, PathSegment[]][] = [
    [fg.federation?.interface, ["federation", "interface"]],
    [fg.dialupVpn?.interface, ["dialupVpn", "interface"]],
    [fg.internet?.interface, ["internet", "interface"]],
    ...fg.tunnels.map((t, i): [string, PathSegment[]] => [
      t.interface,
      ["tunnels", i, "interface"],
    ]),
  ];
  for (const [name, path] of uses) {
    if (name !== undefined && !names.includes(name))
      out.add(path, unknownReference("interface", name, names));
  }
  const internet = fg.interfaces.find((i) => i.name === fg.internet?.interface);
  if (internet && internet.role !== "wan")
    out.add(
      ["internet", "interface"],
      `interface "${internet.name}" has role ${internet.role}: the Internet is reached through a WAN interface (give it role: wan, or name the WAN interface here)`,
    );
  for (const t of tunnelNames) {
    if (names.includes(t))
      out.add(
        ["interfaces"],
        `interface name "${t}" is also a tunnel name: FortiOS creates an interface per tunnel`,
      );
  }
}

/** A static tunnel's address is one end of a /31 or /30 (the other end is the peer's). */
function checkTunnelAddresses(fg: FortigateConfig, out: Problems): void {
  fg.tunnels.forEach((tunnel, t) => {
    if (!tunnel.localAddress) return;
    const parsed = parseAddressWithPrefix(tunnel.localAddress);
    if (parsed && parsed.length !== 30 && parsed.length !== 31) {
      out.add(
        ["tunnels", t, "localAddress"],
        `a tunnel address is one end of a /31 or /30 (the other end is the peer's): ${tunnel.localAddress} is a /${parsed.length}`,
      );
    }
  });
}

/** The section on its own (a refinement of its schema; paths are relative to it). */
export function fortigateRules(fg: FortigateConfig, out: Problems): void {
  checkInterfaces(fg, out);
  checkDhcp(fg, out);
  checkInterfaceRefs(fg, out);
  checkTunnelAddresses(fg, out);
}

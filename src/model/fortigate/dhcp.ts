/** Step: a DHCP server per configured interface, with an id derived from the interface. */
import { dhcpServer } from "../../devices/fortios/tables";
import { dottedMask, formatIPv4, parseRange } from "../../lib/net";
import { must, type FortigateContext } from "./context";
import { idsOf } from "./topology";

export function planDhcp(ctx: FortigateContext): void {
  const { fg, topology } = ctx;
  const idOf = idsOf(
    fg.dhcp.map((d) => `dhcp:${d.interface}`),
    fg.idBase,
  );
  for (const server of fg.dhcp) {
    const address = must(
      topology.addressOf(server.interface),
      `the address of DHCP interface ${server.interface}`,
    );
    const range = must(parseRange(server.range), `the DHCP range of ${server.interface}`);
    const dns = server.dns.slice(0, 4);
    ctx.add(
      `dhcp-${server.interface}`,
      dhcpServer({
        id: idOf(`dhcp:${server.interface}`),
        interface: server.interface,
        status: "enable",
        "default-gateway": server.gateway ?? formatIPv4(address.address),
        netmask: dottedMask(address.length),
        "lease-time": server.leaseSeconds,
        "dns-service": dns.length > 0 ? "specify" : "local",
        ...Object.fromEntries(dns.map((ip, i) => [`dns-server${i + 1}`, ip])),
        ...(server.domain !== undefined ? { domain: server.domain } : {}),
        "ip-range": [
          { id: 1, "start-ip": formatIPv4(range.first), "end-ip": formatIPv4(range.last) },
        ],
        "reserved-address": server.reservations.map((r, i) => ({
          id: i + 1,
          ip: r.ip,
          mac: r.mac.toLowerCase(),
          ...(r.description !== undefined ? { description: r.description } : {}),
        })),
      }),
      [ctx.interfaceRole(server.interface)],
    );
  }
}

/**
 * Step: the site's internal names, when the FortiGate is the one that serves them
 * (src/model/internal-dns.ts): a DNS database (FortiOS `system/dns-database`, a primary
 * zone of the internal domain in the shadow view, authoritative, one A record per name) and
 * a DNS server (`system/dns-server`, mode recursive: the shadow databases, then forwarding
 * to the system DNS) on each LAN interface with an address, which is what the FortiGate's
 * DHCP servers hand out as DNS server unless told otherwise (`dns-service local`). Attribute
 * names and options: Fortinet's FortiOS 7.4 schema (test/emulators/fortigate-schema-7.4.json,
 * from the fortios Ansible collection's fortios_system_dns_database/_dns_server).
 */
import type { FortigateConfig } from "../../config/fortigate";
import { dnsDatabase, dnsServer } from "../../devices/fortios/tables";
import type { InternalZone } from "../internal-dns";
import type { FortigateContext } from "./context";
import type { FortigateTopology } from "./topology";

/** FortiOS limits a DNS database's name to 35 characters. */
const NAME_LIMIT = 35;
/** The zone's default TTL: short, so a moved service is found again within minutes. */
const ZONE_TTL = 300;

/** Whether the FortiGate serves names: it is the resolver and the zone has any. */
export function servesNames(zone: InternalZone | undefined): zone is InternalZone {
  return zone !== undefined && zone.records.length > 0;
}

/** The LAN interfaces the DNS server listens on (static, with an address), in config order. */
export function dnsInterfaces(fg: FortigateConfig, topology: FortigateTopology): string[] {
  return fg.interfaces
    .filter((i) => i.role === "lan" && i.mode === "static" && topology.addressOf(i.name))
    .map((i) => i.name);
}

export function planDns(ctx: FortigateContext): void {
  const zone = ctx.dns;
  if (!servesNames(zone)) return;
  const records = [...zone.records].sort((a, b) => a.hostname.localeCompare(b.hostname));
  ctx.add(
    "dns-zone",
    dnsDatabase({
      name: zone.domain.length <= NAME_LIMIT ? zone.domain : "internal",
      domain: zone.domain,
      type: "primary",
      view: "shadow",
      authoritative: "enable",
      ttl: ZONE_TTL,
      status: "enable",
      "dns-entry": records.map((r, i) => ({
        id: i + 1,
        status: "enable",
        type: "A",
        hostname: r.hostname,
        ip: r.address,
      })),
    }),
  );
  for (const name of dnsInterfaces(ctx.fg, ctx.topology)) {
    ctx.add(`dns-${name}`, dnsServer({ name, mode: "recursive" }), [ctx.interfaceRole(name)]);
  }
}

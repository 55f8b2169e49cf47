/** `homelab:unifi`: a UniFi gateway (UDM/UXG): networks, WireGuard and firewall policy. */
import { z } from "zod";
import {
  addressRange,
  cidr,
  deviceTls,
  doc,
  ipv4,
  name,
  port,
  strict,
  url,
  vlanId,
  text,
} from "./primitives";
import { refineWith, uniqueBy } from "./problems";
import { unifiRules } from "./unifi.rules";

const networkRef = z.union([name, z.array(name).min(1)], {
  error: "must be a network name or a list of network names",
});

/** The names of a network reference (a name or a list). */
export function networkNamesOf(ref: string | readonly string[]): string[] {
  return typeof ref === "string" ? [ref] : [...ref];
}

/**
 * How many explicit allows the gateway takes: the legacy firewall gives each a rule index
 * between the established/related rule and the final drop (src/model/unifi/names.ts).
 */
export const MAX_LEGACY_ALLOWS = 998;

export const unifiNetworkSchema = strict({
  name: doc(name, "Network name (also its name in firewall rules).", ["servers"]),
  vlan: doc(
    vlanId.refine((v) => v >= 2 && v <= 4018, {
      error: "UniFi accepts VLAN ids 2-4018 for new networks (1 is the untagged default LAN)",
    }),
    "802.1Q VLAN id.",
    [10],
  ),
  cidr: doc(cidr, "Subnet.", ["10.0.10.0/24"]),
  gateway: doc(ipv4, "Gateway address of the UniFi gateway on this VLAN.", ["10.0.10.1"]),
  purpose: doc(
    z.enum(["corporate", "guest", "vlan-only"]),
    "corporate: routed LAN; guest: guest network; vlan-only: layer 2 only.",
  ).default("corporate"),
  dhcp: doc(
    strict({
      range: doc(addressRange, "Addresses handed out.", ["10.0.10.100-10.0.10.199"]),
      dns: doc(z.array(ipv4).max(4), "DNS servers (default: the gateway).").default([]),
      leaseSeconds: doc(z.number().int().min(60), "Lease time in seconds.", [86400]).default(86400),
    }),
    "DHCP server on this network (omit for none; not for vlan-only networks).",
  ).optional(),
  domain: doc(z.string(), "Domain name handed out by DHCP.", ["home.arpa"]).optional(),
  isolated: doc(z.boolean(), "Network isolation (clients cannot reach other VLANs).").default(
    false,
  ),
  internetAccess: doc(
    z.boolean(),
    "Clients may reach the internet (false: local traffic only).",
  ).default(true),
  igmpSnooping: doc(z.boolean(), "IGMP snooping (multicast only to the ports that asked).").default(
    false,
  ),
  description: doc(text(), "A note for people (not sent to the controller).").optional(),
});

export const wireguardSchema = strict({
  name: doc(name, "Name of the VPN network.", ["wireguard"]),
  cidr: doc(cidr, "Client address pool.", ["10.0.3.0/24"]),
  gateway: doc(ipv4, "Server address inside the pool.", ["10.0.3.1"]),
  port: doc(port, "UDP port the server listens on.", [51820]).default(51820),
  dns: doc(z.array(ipv4).max(4), "DNS servers pushed to clients (at most 4).", [
    ["10.0.10.1"],
  ]).default([]),
  wanInterface: doc(
    z.string().regex(/^wan[2-9]?$/, {
      error: "must be the WAN's name: wan, or wan2 to wan9, e.g. wan2",
    }),
    "WAN the server listens on.",
  ).default("wan"),
});

export const allowRuleSchema = strict({
  name: doc(
    z.string().min(1).max(64),
    'Rule name, unique (default: "<from> to <to>", lists joined with +).',
  ).optional(),
  from: doc(
    networkRef,
    "Source network name(s): the gateway's VLANs (not vlan-only) or its WireGuard pool.",
    ["users"],
  ),
  to: doc(networkRef, "Destination network name(s), as for from.", ["servers"]),
  protocol: doc(
    z.enum(["all", "tcp", "udp", "tcp_udp", "icmp"]),
    "IP protocol matched (ports need tcp, udp or tcp_udp).",
  ).default("all"),
  ports: doc(
    z.array(
      z.union(
        [
          port,
          z.string().regex(/^\d{1,5}-\d{1,5}$/, {
            error: "must be a port number or a range first-last, e.g. 8000-8100",
          }),
        ],
        { error: "must be a port number (1-65535) or a range first-last, e.g. 8000-8100" },
      ),
    ),
    "Destination ports (tcp/udp): numbers or ranges like 8000-8100 (1-65535, lower port first).",
  ).optional(),
  description: doc(text(), "A note for people (not sent to the controller).").optional(),
});

/** An allow's name: given, or "<from> to <to>" (lists joined with +). */
export function allowRuleName(rule: AllowRule): string {
  const { from, to } = rule;
  return rule.name ?? `${networkNamesOf(from).join("+")} to ${networkNamesOf(to).join("+")}`;
}

/** The section's fields (its rules, in unifi.rules.ts, refine it below). */
const unifiFields = strict({
  controller: doc(url, "Console address (UniFi OS).", ["https://10.0.20.1"]),
  site: doc(
    z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, {
      error:
        'must be the site\'s short name, not its description (it is a segment of every API path): letters, digits, "-" and "_", as the controller makes them, e.g. default or 3kz8w7xq',
    }),
    "Network application site name (not the description).",
    ["default"],
  ).default("default"),
  auth: doc(
    z.enum(["apiKey", "password"]),
    "apiKey (Network 9+, secret homelab:unifiApiKey) or a local admin (secret homelab:unifiPassword).",
  ).default("apiKey"),
  username: doc(z.string(), "Local admin user (auth: password).").optional(),
  tls: deviceTls.default({ insecureSkipVerify: false }),
  adopt: doc(
    z.boolean(),
    "Take over objects that already exist on the controller with the same name (natural key) instead of failing.",
  ).default(false),
  networks: doc(
    z
      .array(unifiNetworkSchema)
      .superRefine(uniqueBy((n) => n.name, "network name", ["name"]))
      .superRefine(uniqueBy((n) => n.vlan, "VLAN id", ["vlan"])),
    "VLAN networks of the gateway.",
  ).default([]),
  wireguard: doc(
    wireguardSchema,
    "WireGuard remote-access server (key: homelab:wireguardPrivateKey).",
  ).optional(),
  firewall: doc(
    strict({
      mode: doc(
        z.enum(["auto", "zone", "legacy"]),
        "zone: zone-based policies (Network 9+ after the upgrade to the zone-based firewall); legacy: LAN_IN/WAN_IN rules; auto: a real run asks the controller, an offline plan assumes zone and says so.",
      ).default("auto"),
      interVlan: doc(
        z.enum(["deny", "allow"]),
        "Default for traffic between site networks.",
      ).default("deny"),
      allow: doc(
        z.array(allowRuleSchema).superRefine(uniqueBy(allowRuleName, "rule name", ["name"])),
        "Explicit allows between networks.",
      ).default([]),
    }),
    "Firewall policy between the site's networks.",
  ).default({ mode: "auto", interVlan: "deny", allow: [] }),
});

export const unifiSchema = doc(
  unifiFields.superRefine(refineWith(unifiRules)),
  "The UniFi gateway and its network application.",
);

export type UnifiConfig = z.infer<typeof unifiFields>;
export type UnifiNetwork = z.infer<typeof unifiNetworkSchema>;
export type AllowRule = z.infer<typeof allowRuleSchema>;

/**
 * Cross-field rules of one site: gateways inside their subnets, no overlapping subnets,
 * unique VLAN ids and names, references that resolve, nothing on powered-off nodes.
 * Runs on sections that passed their schema; each rule names the exact path and the fix.
 */
import type { PathSegment, Problem } from "./errors";
import {
  Problems,
  checkGateway,
  checkNetworkRefs,
  checkRange,
  checkUnique,
  dockerHostNames,
  subnetOf,
  unknownReference,
} from "./problems";
import { referenceProblems } from "./references";
import { configKey, type SiteConfig } from "./stack";
import { formatPrefix, isHostOf, parseAddressWithPrefix, parseIPv4, maskOf } from "../lib/net";
import { BUILTIN_NETWORKS, networkNames, siteNetworks } from "./networks";
import { CATALOG, CUSTOM_APP, declarableApps } from "../catalog";
import { unpinnedReason, retag } from "../catalog/types";
import { planAddresses } from "../model/address-plan";
import {
  describePrefixes,
  fortigateRoutes,
  interfacesForNetwork,
  interfaceTowards,
} from "../model/fortigate-topology";
import { proxyPublish } from "../model/publish";
import { sdnRoutes } from "../model/routes";
import { dockerHosts } from "../model/hosts";
import {
  appOf,
  exposuresOf,
  exposurePath,
  partNamesOf,
  portClashes,
  RESERVED_SERVICE_NAMES,
  servicesModel,
} from "../model/services";
import { allowRuleName, MAX_LEGACY_ALLOWS } from "../model/unifi";

function checkFortigate(config: SiteConfig, out: Problems, allNetworks: readonly string[]): void {
  const fg = config.fortigate;
  if (!fg) return;
  const root = configKey("fortigate");
  const names = fg.interfaces.map((i) => i.name);
  checkUnique(
    out,
    fg.interfaces,
    (i) => i.name,
    (i) => [root, "interfaces", i, "name"],
    "interface name",
  );
  const memberOf = new Map<string, string>();
  const vlanIds = new Map<string, Map<number, string>>();
  fg.interfaces.forEach((iface, i) => {
    const path: PathSegment[] = [root, "interfaces", i];
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
  const ifaceIp = (name: string) => {
    const iface = fg.interfaces.find((i) => i.name === name);
    return iface?.ip ? parseAddressWithPrefix(iface.ip) : undefined;
  };
  fg.dhcp.forEach((server, i) => {
    const path: PathSegment[] = [root, "dhcp", i];
    if (!names.includes(server.interface)) {
      out.add([...path, "interface"], unknownReference("interface", server.interface, names));
      return;
    }
    const ip = ifaceIp(server.interface);
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
  checkUnique(
    out,
    fg.dhcp,
    (d) => d.interface,
    (i) => [root, "dhcp", i, "interface"],
    "DHCP interface",
  );
  const devices = [
    ...names,
    ...fg.tunnels.map((t) => t.name),
    ...(fg.dialupVpn ? [fg.dialupVpn.name] : []),
  ];
  fg.staticRoutes.forEach((route, i) => {
    if (!devices.includes(route.device)) {
      out.add(
        [root, "staticRoutes", i, "device"],
        unknownReference("interface", route.device, devices),
      );
    }
  });
  if (fg.federation) {
    if (!names.includes(fg.federation.interface)) {
      out.add(
        [root, "federation", "interface"],
        unknownReference("interface", fg.federation.interface, names),
      );
    }
    checkNetworkRefs(out, allNetworks, fg.federation.networks, [root, "federation", "networks"]);
    if (!config.federation) {
      out.add(
        [root, "federation"],
        "this site is not a federation member: add homelab:federation (member: <id>) or remove this block",
      );
    }
  }
  if (config.federation && !fg.federation) {
    out.add(
      [root],
      "the site is a federation member with a FortiGate edge: add fortigate.federation (interface and networks)",
    );
  }
  if (fg.dialupVpn) {
    const vpn = fg.dialupVpn;
    if (!names.includes(vpn.interface)) {
      out.add(
        [root, "dialupVpn", "interface"],
        unknownReference("interface", vpn.interface, names),
      );
    }
    checkNetworkRefs(out, allNetworks, vpn.access, [root, "dialupVpn", "access"]);
  }
  fg.tunnels.forEach((tunnel, i) => {
    if (!names.includes(tunnel.interface)) {
      out.add(
        [root, "tunnels", i, "interface"],
        unknownReference("interface", tunnel.interface, names),
      );
    }
    checkNetworkRefs(out, allNetworks, tunnel.localNetworks, [root, "tunnels", i, "localNetworks"]);
  });
  const tunnelNames = [
    ...fg.tunnels.map((t) => t.name),
    ...(fg.dialupVpn ? [fg.dialupVpn.name] : []),
  ];
  tunnelNames.forEach((t) => {
    if (names.includes(t))
      out.add(
        [root, "interfaces"],
        `interface name "${t}" is also a tunnel name: FortiOS creates an interface per tunnel`,
      );
  });
  checkFortigateReach(config, out);
}

/**
 * What the FortiGate must reach: every network its policies name (behind one of its
 * interfaces, a route or a tunnel), the gateways of the site's routes, the published proxy;
 * and what BGP and tunnel addresses need.
 */
function checkFortigateReach(config: SiteConfig, out: Problems): void {
  const fg = config.fortigate!;
  const root = configKey("fortigate");
  const networks = siteNetworks(config);
  const { routes, unreachable } = fortigateRoutes(fg, sdnRoutes(config));
  for (const route of unreachable) {
    out.add(
      [root, "interfaces"],
      `the route to ${route.dst} (${route.description}) goes via ${route.gateway}, which is on no FortiGate interface subnet: give the interface facing it an address in that subnet`,
    );
  }
  const checkLocal = (
    refs: readonly string[],
    path: PathSegment[],
    allowed: readonly string[],
    what: string,
  ) => {
    refs.forEach((ref, i) => {
      if ((BUILTIN_NETWORKS as readonly string[]).includes(ref)) {
        if (!allowed.includes(ref))
          out.add(
            [...path, i],
            `"${ref}" is not a network of this site: ${what} lists local networks by name${allowed.length ? ` (or ${allowed.map((a) => `"${a}"`).join(", ")})` : ""}`,
          );
        return;
      }
      const network = networks.find((n) => n.name === ref);
      if (!network) return; // reported as an unknown network
      if (!interfacesForNetwork(fg, network, routes)) {
        out.add(
          [...path, i],
          `network "${ref}" (${describePrefixes(network)}) is behind no FortiGate interface: no interface subnet holds it and no static route leads to it`,
        );
      }
    });
  };
  if (fg.federation) {
    checkLocal(fg.federation.networks, [root, "federation", "networks"], [], "federation.networks");
  }
  if (fg.dialupVpn) {
    checkLocal(
      fg.dialupVpn.access,
      [root, "dialupVpn", "access"],
      config.federation ? ["federation"] : [],
      "dialupVpn.access",
    );
  }
  fg.tunnels.forEach((tunnel, t) => {
    checkLocal(tunnel.localNetworks, [root, "tunnels", t, "localNetworks"], [], "localNetworks");
    if (tunnel.localAddress) {
      const parsed = parseAddressWithPrefix(tunnel.localAddress);
      if (parsed && parsed.length !== 30 && parsed.length !== 31) {
        out.add(
          [root, "tunnels", t, "localAddress"],
          `a tunnel address is one end of a /31 or /30 (the other end is the peer's): ${tunnel.localAddress} is a /${parsed.length}`,
        );
      }
    }
  });
  if (fg.bgp && !config.federation) {
    out.add(
      [root, "bgp"],
      "BGP runs with the federation (its AS number and router id come from the registry): add homelab:federation, or remove bgp",
    );
  }
  const publish = proxyPublish(
    config,
    dockerHosts(config, planAddresses(config.proxmox)),
    networks,
  );
  if (publish) {
    if (!fg.interfaces.some((i) => i.role === "wan")) {
      out.add(
        [root, "interfaces"],
        `the reverse proxy is published on the WAN (homelab:proxy.publish), which needs an interface with role: wan`,
      );
    }
    if (!interfaceTowards(fg, networks, routes, publish.address)) {
      out.add(
        [configKey("proxy"), "host"],
        `the proxy host "${publish.host}" (${publish.address}) is behind no FortiGate interface, so the WAN cannot be forwarded to it`,
      );
    }
  }
}

function checkUnifi(config: SiteConfig, out: Problems, allNetworks: readonly string[]): void {
  const uf = config.unifi;
  if (!uf) return;
  const root = configKey("unifi");
  checkUnique(
    out,
    uf.networks,
    (n) => n.name,
    (i) => [root, "networks", i, "name"],
    "network name",
  );
  checkUnique(
    out,
    uf.networks,
    (n) => n.vlan,
    (i) => [root, "networks", i, "vlan"],
    "VLAN id",
  );
  uf.networks.forEach((network, i) => {
    const prefix = subnetOf(network.cidr);
    if (!prefix) return;
    checkGateway(out, [root, "networks", i, "gateway"], network.gateway, prefix);
    if (network.dhcp) {
      checkRange(
        out,
        [root, "networks", i, "dhcp", "range"],
        network.dhcp.range,
        prefix,
        parseIPv4(network.gateway),
      );
    }
  });
  if (uf.wireguard) {
    const prefix = subnetOf(uf.wireguard.cidr);
    if (prefix) checkGateway(out, [root, "wireguard", "gateway"], uf.wireguard.gateway, prefix);
  }
  if (uf.auth === "password" && !uf.username) {
    out.add([root, "username"], "auth: password needs the local admin username");
  }
  uf.networks.forEach((network, i) => {
    if (network.purpose === "vlan-only" && network.dhcp) {
      out.add(
        [root, "networks", i, "dhcp"],
        "a vlan-only network is layer 2 only (no gateway on the console), so it has no DHCP server: remove dhcp, or make the network corporate",
      );
    }
  });
  // Allows are between the networks the console routes: its VLANs and the WireGuard pool.
  const routed = [
    ...uf.networks.filter((n) => n.purpose !== "vlan-only").map((n) => n.name),
    ...(uf.wireguard ? [uf.wireguard.name] : []),
  ];
  const layer2 = uf.networks.filter((n) => n.purpose === "vlan-only").map((n) => n.name);
  const checkEnds = (refs: string | readonly string[], path: PathSegment[]) => {
    const list = typeof refs === "string" ? [refs] : refs;
    list.forEach((ref, j) => {
      const at = typeof refs === "string" ? path : [...path, j];
      if (routed.includes(ref)) return;
      if (layer2.includes(ref)) {
        out.add(
          at,
          `network "${ref}" is vlan-only (layer 2, not routed by the console), so no firewall rule sees its traffic: make it corporate, or leave it out`,
        );
      } else if (allNetworks.includes(ref)) {
        out.add(
          at,
          `"${ref}" is not a network of the UniFi gateway: allows are between its networks (${routed.map((n) => `"${n}"`).join(", ")}); WAN exposure comes from homelab:proxy.publish`,
        );
      } else {
        out.add(at, unknownReference("network", ref, routed));
      }
    });
  };
  checkUnique(
    out,
    uf.firewall.allow,
    (rule) => allowRuleName(rule),
    (i) => [root, "firewall", "allow", i, "name"],
    "rule name",
  );
  if (uf.firewall.allow.length > MAX_LEGACY_ALLOWS) {
    out.add(
      [root, "firewall", "allow"],
      `at most ${MAX_LEGACY_ALLOWS} allow rules fit between the console's rule indexes (there are ${uf.firewall.allow.length}): merge some`,
    );
  }
  uf.firewall.allow.forEach((rule, i) => {
    checkEnds(rule.from, [root, "firewall", "allow", i, "from"]);
    checkEnds(rule.to, [root, "firewall", "allow", i, "to"]);
    if (rule.ports && !["tcp", "udp", "tcp_udp"].includes(rule.protocol)) {
      out.add(
        [root, "firewall", "allow", i, "ports"],
        `ports need protocol tcp, udp or tcp_udp (this rule is ${rule.protocol})`,
      );
    }
  });
}

function checkServices(config: SiteConfig, out: Problems, allNetworks: readonly string[]): void {
  const hostsRoot = configKey("hosts");
  checkUnique(
    out,
    config.hosts,
    (h) => h.name,
    (i) => [hostsRoot, i, "name"],
    "host name",
  );
  const guestNames = config.proxmox?.guests.map((g) => g.name) ?? [];
  config.hosts.forEach((host, i) => {
    if (guestNames.includes(host.name)) {
      out.add(
        [hostsRoot, i, "name"],
        `host name "${host.name}" is also a Proxmox guest: a guest with docker is already a host`,
      );
    }
  });
  const docker = dockerHostNames(config);
  const everyHost = [...config.hosts.map((h) => h.name), ...guestNames];
  const requireDocker = (host: string, path: PathSegment[]): void => {
    if (docker.includes(host)) return;
    if (everyHost.includes(host)) {
      out.add(path, `host "${host}" does not run Docker: add a docker block to it`);
    } else {
      out.add(path, unknownReference("Docker host", host, docker));
    }
  };
  const root = configKey("services");
  checkUnique(
    out,
    config.services,
    (s) => s.name,
    (i) => [root, i, "name"],
    "service name",
  );
  config.services.forEach((service, i) => {
    requireDocker(service.host, [root, i, "host"]);
    for (const [part, host] of Object.entries(service.placement ?? {})) {
      requireDocker(host, [root, i, "placement", part]);
    }
    const exposures =
      service.expose === undefined
        ? []
        : Array.isArray(service.expose)
          ? service.expose
          : [service.expose];
    exposures.forEach((exposure, e) => {
      const path: PathSegment[] = Array.isArray(service.expose)
        ? [root, i, "expose", e]
        : [root, i, "expose"];
      if (Array.isArray(exposure.access))
        checkNetworkRefs(out, allNetworks, exposure.access, [...path, "access"]);
      if (exposure.public && !config.site.domains.public) {
        out.add(
          [...path, "public"],
          "a public service needs the site's public domain: set homelab:site.domains.public",
        );
      }
    });
    service.volumes.forEach((volume, v) => {
      if (!volume.nfs) return;
      const host = config.hosts.find((h) => h.name === volume.nfs?.host);
      const path: PathSegment[] = [root, i, "volumes", v, "nfs"];
      if (!host)
        out.add(
          [...path, "host"],
          unknownReference(
            "host",
            volume.nfs.host,
            config.hosts.map((h) => h.name),
          ),
        );
      else if (!host.nfs?.exports.some((x) => x.name === volume.nfs?.export)) {
        out.add(
          [...path, "export"],
          unknownReference(
            "NFS export",
            volume.nfs.export,
            host.nfs?.exports.map((x) => x.name) ?? [],
            `host "${host.name}"`,
          ),
        );
      }
    });
  });
  if (config.proxy) {
    const proxyRoot = configKey("proxy");
    requireDocker(config.proxy.host, [proxyRoot, "host"]);
    if (config.proxy.crowdsec)
      requireDocker(config.proxy.crowdsec.host, [proxyRoot, "crowdsec", "host"]);
    const sources = config.proxy.publish?.sources;
    if (Array.isArray(sources))
      checkNetworkRefs(out, allNetworks, sources, [proxyRoot, "publish", "sources"]);
  }
  if (config.sso) {
    const ssoRoot = configKey("sso");
    requireDocker(config.sso.host, [ssoRoot, "host"]);
    if (config.sso.ldap) requireDocker(config.sso.ldap.host, [ssoRoot, "ldap", "host"]);
    const serviceNames = config.services.map((s) => s.name);
    config.sso.oidcClients.forEach((client, i) => {
      if (!serviceNames.includes(client))
        out.add([ssoRoot, "oidcClients", i], unknownReference("service", client, serviceNames));
    });
  }
}

/** Keys only `app: custom` services may set. */
const CUSTOM_ONLY_KEYS = [
  "image",
  "webPort",
  "command",
  "entrypoint",
  "healthcheck",
  "restart",
  "capAdd",
  "privileged",
  "hostNetwork",
  "hostPid",
  "readOnlyRootFs",
] as const;

/** Rules that need the catalog: apps, parts, hostnames, SSO, ports. */
function checkCatalog(config: SiteConfig, out: Problems): void {
  const root = configKey("services");
  const before = out.list.length;
  const apps = declarableApps();
  const hostnames = new Map<string, string>();
  if (config.sso) hostnames.set(config.sso.hostname, "homelab:sso (login portal)");
  config.services.forEach((service, i) => {
    const path: PathSegment[] = [root, i];
    if ((RESERVED_SERVICE_NAMES as readonly string[]).includes(service.name)) {
      out.add(
        [...path, "name"],
        `service name "${service.name}" is reserved for the containers of homelab:${service.name === "sso" ? "sso" : "proxy"}: rename the service`,
      );
    }
    const builtin = CATALOG[service.app];
    if (builtin?.internal) {
      out.add(
        [...path, "app"],
        `${builtin.title} is set up by homelab:${builtin.name === "authelia" || builtin.name === "lldap" ? "sso" : "proxy"}, not declared as a service`,
      );
      return;
    }
    const app = appOf(service);
    if (!app) {
      out.add([...path, "app"], unknownReference("application", service.app, apps, "the catalog"));
      return;
    }
    if (service.app === CUSTOM_APP) {
      if (!service.image) {
        out.add(
          [...path, "image"],
          "app: custom needs an image pinned to a version tag, e.g. ghcr.io/ellite/wallos:2.38",
        );
      } else {
        const reason = unpinnedReason(service.image);
        if (reason)
          out.add([...path, "image"], `image "${service.image}" ${reason}: pin a version tag`);
      }
    } else {
      for (const key of CUSTOM_ONLY_KEYS) {
        if (service[key] !== undefined) {
          out.add(
            [...path, key],
            `${key} is for app: custom; ${app.title} comes from the catalog${key === "image" ? " (use version to change its tag)" : ""}`,
          );
        }
      }
      if (service.version) {
        const reason = unpinnedReason(retag("x", service.version));
        if (reason)
          out.add(
            [...path, "version"],
            `version "${service.version}" ${reason.replace("uses the floating tag", "is the floating tag")}: pin a version`,
          );
      }
    }
    const parts = partNamesOf(app, service);
    for (const part of Object.keys(service.placement ?? {})) {
      if (!parts.includes(part))
        out.add([...path, "placement", part], unknownReference("part", part, parts, app.title));
    }
    exposuresOf(service).forEach((exposure, e) => {
      const at = exposurePath(service, i, e);
      const part = exposure.part ?? app.webPart;
      if (exposure.part !== undefined && !parts.includes(exposure.part)) {
        out.add([...at, "part"], unknownReference("part", exposure.part, parts, app.title));
      }
      const port = exposure.port ?? (part === app.webPart ? app.webPort : undefined);
      if (port === undefined || port === 0) {
        out.add(
          at,
          service.app === CUSTOM_APP
            ? "a custom service needs webPort (or expose.port) to be exposed"
            : `${app.title} has no web interface to expose: remove expose or give expose.port`,
        );
      }
      if (!config.proxy) {
        out.add(at, "an exposed service needs the site's reverse proxy: declare homelab:proxy");
      }
      if (exposure.access === "sso" && !config.sso) {
        out.add(
          [...at, "access"],
          "access: sso needs an SSO provider on the site: declare homelab:sso (Authelia), or use open or a list of networks",
        );
      }
      if (exposure.proxied !== undefined && !exposure.public) {
        out.add(
          [...at, "proxied"],
          "proxied applies to public names: set public: true or remove it",
        );
      }
      if (
        exposure.proxied === false &&
        exposure.public &&
        config.proxy?.publish?.sources === "cloudflare"
      ) {
        out.add(
          [...at, "proxied"],
          "a DNS-only name would be unreachable: homelab:proxy.publish.sources only admits Cloudflare's ranges; remove proxied: false",
        );
      }
      const other = hostnames.get(exposure.hostname);
      if (other) {
        out.add(
          [...at, "hostname"],
          `hostname "${exposure.hostname}" is already declared by ${other}: each hostname is served by one service`,
        );
      } else hostnames.set(exposure.hostname, `service "${service.name}"`);
    });
    service.connect.forEach((target, c) => {
      const peer = config.services.find((s) => s.name === target);
      if (!peer) {
        out.add(
          [...path, "connect", c],
          unknownReference(
            "service",
            target,
            config.services.map((s) => s.name).filter((n) => n !== service.name),
          ),
        );
      } else if (peer.host !== service.host) {
        out.add(
          [...path, "connect", c],
          `service "${target}" runs on "${peer.host}", not on "${service.host}": containers reach each other by name on the same host only`,
        );
      }
    });
  });
  config.sso?.oidcClients.forEach((client, k) => {
    const service = config.services.find((s) => s.name === client);
    const app = service ? appOf(service) : undefined;
    if (service && app && !app.oidc) {
      out.add(
        [configKey("sso"), "oidcClients", k],
        `${app.title} has no OpenID Connect login in the catalog: remove "${client}" from oidcClients`,
      );
    }
  });
  const proxy = config.proxy;
  if (proxy?.kind === "caddy") {
    const caddyOnly =
      "the official Caddy image and this project's build have no such module; use kind: traefik or remove it";
    if (proxy.middlewares.rateLimit)
      out.add(
        [configKey("proxy"), "middlewares", "rateLimit"],
        `rate limiting on Caddy: ${caddyOnly}`,
      );
    if (proxy.middlewares.geoBlock)
      out.add(
        [configKey("proxy"), "middlewares", "geoBlock"],
        `geo-blocking on Caddy: ${caddyOnly}`,
      );
  }
  const cf = config.cloudflare;
  const publicDomain = config.site.domains.public;
  if (cf && publicDomain && publicDomain !== cf.zone && !publicDomain.endsWith(`.${cf.zone}`)) {
    out.add(
      [configKey("cloudflare"), "zone"],
      `the site's public domain ${publicDomain} is not in zone ${cf.zone}: use the zone that holds it`,
    );
  }
  if (out.list.length > before) return;
  // Ports published twice on one host (needs a consistent configuration).
  const model = servicesModel({
    config,
    hosts: dockerHosts(config, planAddresses(config.proxmox)),
    networks: siteNetworks(config),
  });
  for (const { use, first } of portClashes(model.ports)) {
    const owner = first.service === use.service ? "this service" : `service "${first.service}"`;
    const fix = use.why.startsWith("web port")
      ? "set expose.hostPort to a free port"
      : "publish it on another host port, or move one of them to another host";
    out.add(
      use.source,
      `port ${use.port}/${use.protocol} on host "${use.host}" is already published by ${owner} (${first.why}): ${fix}`,
    );
  }
}

/** Every cross-field problem of the site. */
export function validateSite(config: SiteConfig, file: string): Problem[] {
  const out = new Problems(file);
  const allNetworks = networkNames(siteNetworks(config));
  out.list.push(...referenceProblems(config, file));
  checkFortigate(config, out, allNetworks);
  checkUnifi(config, out, allNetworks);
  checkServices(config, out, allNetworks);
  if (out.list.length === 0) checkCatalog(config, out);
  if (config.fortigate && config.unifi) {
    out.add(
      [configKey("unifi")],
      "a site has one edge router: declare homelab:fortigate or homelab:unifi, not both",
    );
  }
  return out.list;
}

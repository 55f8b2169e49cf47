/**
 * Internal names served on every site, and the SSO portal where its clients are: the offline
 * plan of a FortiGate site without Pi-hole (test/fixtures/sites/fortigate-names.yaml), and
 * variants of it written to a temporary directory (Pi-hole added, Gitea made internal, no
 * edge router, a resolver of one's own).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { ConfigError, formatPath } from "../../src/config/errors";
import { stackFileSource } from "../../src/config/load";
import { planStack } from "../../src/cli/offline";
import type { Plan } from "../../src/cli/mock-runtime";
import { siteDiagram } from "../../src/diagram/graph";
import { evaluateSite } from "../../src/evaluate";
import type { SiteModel } from "../../src/model";
import { byName, ROOT } from "../helpers/plan";

const FIXTURE = join(ROOT, "test", "fixtures", "sites", "fortigate-names.yaml");
const UNIFI = join(ROOT, "test", "fixtures", "sites", "vlan-unifi.yaml");

type Config = Record<string, unknown> & {
  "homelab:services": Record<string, unknown>[];
  "homelab:site": Record<string, unknown>;
};

const dir = mkdtempSync(join(tmpdir(), "names-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The fixture (or `from`) with `change` applied, written as a stack file; its path. */
function variant(name: string, change: (config: Config) => void, from = FIXTURE): string {
  const doc = parse(readFileSync(from, "utf8")) as { config: Config };
  change(doc.config);
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, stringify(doc));
  return path;
}

function evaluate(path: string): SiteModel {
  return evaluateSite(stackFileSource(path, "names", "names.yaml"), {
    root: ROOT,
    requireSecrets: false,
  }).model;
}

const fortigatePaths = (model: SiteModel) =>
  (model.fortigate?.objects ?? []).flatMap((o) => (o.kind === "CmdbObject" ? [o.spec.path] : []));

describe("the FortiGate serves the internal names on a site without Pi-hole", () => {
  let plan: Plan;
  before(async () => {
    plan = (await planStack(ROOT, "names", FIXTURE)).plan;
  });

  it("a DNS database of home.arpa: the services to the proxy, the node and the guest", () => {
    const zone = byName(plan, "names-fortigate-dns-zone");
    assert.equal(zone.inputs.path, "system/dns-database");
    assert.equal(zone.inputs.key, "home.arpa");
    assert.deepEqual(zone.inputs.body, {
      name: "home.arpa",
      domain: "home.arpa",
      type: "primary",
      view: "shadow",
      authoritative: "enable",
      ttl: 300,
      status: "enable",
      "dns-entry": [
        { id: 1, status: "enable", type: "A", hostname: "auth", ip: "10.20.0.10" },
        { id: 2, status: "enable", type: "A", hostname: "docker1", ip: "10.20.0.10" },
        { id: 3, status: "enable", type: "A", hostname: "git", ip: "10.20.0.10" },
        { id: 4, status: "enable", type: "A", hostname: "grafana", ip: "10.20.0.10" },
        { id: 5, status: "enable", type: "A", hostname: "pve1", ip: "172.24.0.11" },
      ],
    });
  });

  it("a DNS server on each LAN interface (the vnet's VLAN too) and the dial-up tunnel, none on the WAN", () => {
    const servers = plan.resources.filter((r) => r.inputs.path === "system/dns-server");
    assert.deepEqual(
      servers.map((r) => r.inputs.body),
      [
        { name: "lan", mode: "recursive" },
        { name: "apps", mode: "recursive" },
        { name: "vpn", mode: "recursive" },
      ],
    );
    // The LAN's DHCP hands out the FortiGate itself as DNS server.
    const dhcp = byName(plan, "names-fortigate-dhcp-lan").inputs.body as Record<string, unknown>;
    assert.equal(dhcp["dns-service"], "local");
  });

  it("the dial-up clients are handed the FortiGate's LAN address, for home.arpa only", () => {
    const p1 = byName(plan, "names-fortigate-p1-vpn");
    const body = p1.inputs.body as Record<string, unknown>;
    assert.deepEqual(
      [body["mode-cfg"], body["dns-mode"], body["ipv4-dns-server1"], body["ipv4-dns-server2"]],
      ["enable", "manual", "172.24.0.1", undefined],
    );
    assert.deepEqual(body["internal-domain-list"], [{ "domain-name": "home.arpa" }]);
    assert.deepEqual(p1.inputs.fallback, { missing: "internal-domain-list" }, "before 7.4.1");
    // The tunnel's DNS server comes with the phase1 (FortiOS creates its interface).
    const tunnel = byName(plan, "names-fortigate-dns-vpn");
    assert.ok(
      tunnel.options.dependsOn.some((d) => d.endsWith("::names-fortigate-p1-vpn")),
      String(tunnel.options.dependsOn),
    );
  });

  it("a public OIDC client makes the portal public: Gitea is sent to auth.example.net", () => {
    const setup = JSON.stringify(byName(plan, "names-services-gitea-oidc-setup").inputs);
    assert.match(setup, /https:\/\/auth\.example\.net\/\.well-known\/openid-configuration/);
    assert.doesNotMatch(setup, /auth\.home\.arpa/);
    const record = byName(plan, "names-dns-auth.example.net");
    assert.equal(record.inputs.name, "auth.example.net");
    const caddyfile = JSON.stringify(byName(plan, "names-services-proxy-caddy").inputs);
    assert.match(caddyfile, /auth\.example\.net \{/);
  });

  it("the diagram shows the portal the plan publishes", () => {
    const d = siteDiagram(evaluate(FIXTURE));
    assert.deepEqual(d.nodes.find((n) => n.id === "infra_sso")?.details, [
      "SSO",
      "auth.example.net",
    ]);
  });
});

describe("who serves the internal names, and the SSO portal, in the variants", () => {
  it("with Pi-hole on the site, Pi-hole does: the FortiGate has no DNS database", () => {
    const model = evaluate(
      variant("pihole", (c) => {
        c["homelab:services"].push({ name: "pihole", app: "pihole", host: "docker1" });
      }),
    );
    const paths = fortigatePaths(model);
    assert.ok(paths.includes("system/interface"));
    assert.ok(!paths.includes("system/dns-database") && !paths.includes("system/dns-server"));
  });

  it("with internalResolver: external, nothing here serves them", () => {
    const model = evaluate(
      variant("external", (c) => {
        (c["homelab:site"].domains as Record<string, unknown>).internalResolver = "external";
      }),
    );
    assert.ok(!fortigatePaths(model).includes("system/dns-database"));
  });

  it("with no public SSO client the portal stays internal, and the diagram says so", () => {
    const model = evaluate(
      variant("internal-gitea", (c) => {
        c["homelab:services"][0]!.expose = { hostname: "git", access: ["lan", "apps"] };
      }),
    );
    assert.equal(model.services?.ssoPortal, "https://auth.home.arpa");
    assert.ok(!model.services?.publicRecords.some((r) => r.name === "auth.example.net"));
    const d = siteDiagram(model);
    assert.deepEqual(d.nodes.find((n) => n.id === "infra_sso")?.details, ["SSO", "auth.home.arpa"]);
  });

  it("a site with internal names and no resolver at all is refused, at the internal domain", () => {
    const path = variant("no-resolver", (c) => {
      delete c["homelab:fortigate"];
      delete c["homelab:cloudflare"];
      const px = c["homelab:proxmox"] as { sdn: { zones: { vnets: Record<string, unknown>[] }[] } };
      delete px.sdn.zones[0]!.vnets[0]!.routedBy;
      c["homelab:proxy"] = { kind: "caddy", host: "docker1" };
      c["homelab:services"][1]!.expose = { hostname: "grafana", access: ["apps"] };
      c["homelab:services"][0]!.expose = { hostname: "git", access: "open" };
    });
    let error: unknown;
    try {
      evaluate(path);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError, String(error));
    assert.deepEqual(
      error.problems.map((p) => [formatPath(p.path), p.message]),
      [
        [
          "homelab:site.domains.internal",
          "nothing serves the internal names (git.home.arpa, grafana.home.arpa, auth.home.arpa): the site runs no Pi-hole and has no edge router this project manages (homelab:fortigate serves them from its DNS database, homelab:unifi as static DNS records). Add a pihole service, declare the edge router, or set domains.internalResolver: external if a DNS server of your own answers for home.arpa",
        ],
      ],
    );
  });

  it("on a UniFi site the console serves them as static DNS records, unless external", () => {
    const services = (c: Config) => {
      c["homelab:hosts"] = [{ name: "box", address: "10.0.20.5", docker: {} }];
      c["homelab:proxy"] = { kind: "caddy", host: "box" };
      c["homelab:services"] = [
        { name: "ntfy", app: "ntfy", host: "box", expose: { hostname: "ntfy" } },
      ];
    };
    const records = (model: SiteModel) =>
      (model.unifi?.objects ?? []).filter((o) => o.kind === "DnsRecord").map((o) => o.spec);
    const site = evaluate(variant("unifi", services, UNIFI));
    assert.deepEqual(records(site), [{ name: "ntfy.home.arpa", type: "A", value: "10.0.20.5" }]);
    const external = evaluate(
      variant(
        "unifi-external",
        (c) => {
          services(c);
          c["homelab:site"].domains = { internal: "home.arpa", internalResolver: "external" };
        },
        UNIFI,
      ),
    );
    assert.deepEqual(records(external), []);
  });
});

describe("the dial-up clients' DNS, by who serves the internal names", () => {
  const phase1 = (model: SiteModel) => {
    const p1 = model.fortigate?.objects.find((o) => o.role === "p1-vpn");
    assert.ok(p1?.kind === "CmdbObject", "the plan has the dial-up phase1");
    return p1.spec.body as Record<string, unknown>;
  };
  const dnsOf = (body: Record<string, unknown>) => [
    body["dns-mode"],
    body["ipv4-dns-server1"],
    body["internal-domain-list"],
  ];
  const refused = (path: string): [string, string][] => {
    try {
      evaluate(path);
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error));
      return error.problems.map((p) => [formatPath(p.path), p.message]);
    }
    assert.fail("the site is refused");
  };
  const withPihole = (c: Config) => {
    c["homelab:services"].push({ name: "pihole", app: "pihole", host: "docker1" });
  };
  const dialup = (c: Config) =>
    (c["homelab:fortigate"] as { dialupVpn: Record<string, unknown> }).dialupVpn;

  it("with Pi-hole: its host's address, for home.arpa; no DNS server on the tunnel", () => {
    const model = evaluate(variant("vpn-pihole", withPihole));
    assert.deepEqual(dnsOf(phase1(model)), [
      "manual",
      "10.20.0.10",
      [{ "domain-name": "home.arpa" }],
    ]);
    assert.ok(!fortigatePaths(model).includes("system/dns-server"));
  });

  const refusals: {
    readonly title: string;
    readonly change: (c: Config) => void;
    readonly problem: [string, string];
  }[] = [
    {
      title: "with Pi-hole where the clients cannot go: refused at access, with the fix",
      change: (c) => {
        withPihole(c);
        dialup(c).access = ["lan"];
      },
      problem: [
        "homelab:fortigate.dialupVpn.access",
        "Pi-hole (10.20.0.10) serves the internal names (home.arpa), but it is in no network the dial-up clients reach, so they could not resolve them: add its network to access, or list the DNS servers to hand out in dns",
      ],
    },
    {
      title: "with Pi-hole on a host known by DNS name only: refused at dns",
      change: (c) => {
        c["homelab:hosts"] = [{ name: "nas", address: "nas.home.arpa", docker: {} }];
        c["homelab:services"].push({ name: "pihole", app: "pihole", host: "nas" });
      },
      problem: [
        "homelab:fortigate.dialupVpn.dns",
        "Pi-hole serves the internal names (home.arpa), but its host has no IPv4 address the FortiGate could hand to the dial-up clients: list the DNS servers to hand out in dns",
      ],
    },
    {
      title: "with the FortiGate serving them on no LAN the clients reach: refused at access",
      change: (c) => {
        c["homelab:networks"] = { office: { cidr: "192.168.50.0/24" } };
        const fg = c["homelab:fortigate"] as Record<string, unknown>;
        fg.staticRoutes = [{ dst: "192.168.50.0/24", gateway: "172.24.0.254", device: "lan" }];
        dialup(c).access = ["office"];
      },
      problem: [
        "homelab:fortigate.dialupVpn.access",
        "the FortiGate serves the internal names (home.arpa) on its LAN interfaces (lan 172.24.0.1, apps 10.20.0.1), none of them in a network the dial-up clients reach, so they could not resolve them: add one of those networks to access, or list the DNS servers to hand out in dns",
      ],
    },
    {
      title: "more DNS servers than the phase1 holds: refused at dns",
      change: (c) => {
        dialup(c).dns = ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"];
      },
      problem: [
        "homelab:fortigate.dialupVpn.dns",
        "must list at most 3 servers: the phase1 has ipv4-dns-server1 to ipv4-dns-server3",
      ],
    },
  ];
  refusals.forEach(({ title, change, problem }, i) => {
    it(title, () => {
      assert.deepEqual(refused(variant(`vpn-refused-${i}`, change)), [problem]);
    });
  });

  it("with internalResolver: external, none (the FortiGate's own DNS), unless dns lists some", () => {
    const external = (c: Config) => {
      (c["homelab:site"].domains as Record<string, unknown>).internalResolver = "external";
    };
    const none = evaluate(variant("vpn-external", external));
    assert.deepEqual(dnsOf(phase1(none)), ["auto", undefined, undefined]);
    assert.ok(!fortigatePaths(none).includes("system/dns-server"));
    const given = evaluate(
      variant("vpn-external-given", (c) => {
        external(c);
        dialup(c).dns = ["192.0.2.53"];
      }),
    );
    assert.deepEqual(dnsOf(phase1(given)), [
      "manual",
      "192.0.2.53",
      [{ "domain-name": "home.arpa" }],
    ]);
  });
});

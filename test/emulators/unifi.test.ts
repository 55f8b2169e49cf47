/**
 * The emulated UniFi OS console behaves as the reference describes the real one: field
 * rules, semantic checks with their api.err codes, PUT merges, controller-filled fields,
 * v2 specifics. (The provider tests rely on these behaviours.)
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { collectionPath } from "../../src/devices/unifi/api";
import { UnifiError } from "../../src/providers/unifi/errors";
import { TEST_API_KEY, type UnifiEmulatorOptions } from "./unifi";
import { UnifiClient } from "../../src/providers/unifi/client";
import { testClient, testConnection, useConsoles } from "./unifi-fixtures";

const consoles = useConsoles();

async function start(options: UnifiEmulatorOptions = {}) {
  const { emulator, url } = await consoles(options);
  return { emulator, client: testClient(url), url };
}

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof UnifiError, String(error));
    return error.code;
  }
  return "ok";
}

const NET = collectionPath("default", "networkconf");
const GROUP = collectionPath("default", "firewallgroup");
const RULE = collectionPath("default", "firewallrule");
const FORWARD = collectionPath("default", "portforward");
const POLICY = collectionPath("default", "firewall-policies");
const ZONE = collectionPath("default", "firewall/zone");
const MIGRATION = "/proxy/network/v2/api/site/default/site-feature-migration";

const lan = (name: string, vlan: number, third: number, extra: Record<string, unknown> = {}) => ({
  name,
  purpose: "corporate",
  vlan_enabled: true,
  vlan,
  ip_subnet: `10.0.${third}.1/24`,
  dhcpd_enabled: true,
  dhcpd_start: `10.0.${third}.100`,
  dhcpd_stop: `10.0.${third}.200`,
  ...extra,
});

describe("UniFi emulator: networks", () => {
  it("answers GET / with 200 (UniFi OS) and 401 without credentials", async () => {
    const { url, client } = await start();
    assert.equal((await client.http.request({ method: "GET", path: "/" })).status, 200);
    const anonymous = await client.http.request({ method: "GET", path: NET });
    assert.equal(anonymous.status, 401);
    assert.deepEqual(anonymous.json, {
      meta: { rc: "error", msg: "api.err.LoginRequired" },
      data: [],
    });
    void url;
  });

  it("stores a VLAN network with the fields the controller fills, and its zone", async () => {
    const { client, emulator } = await start();
    const [doc] = await client.classic("POST", NET, lan("servers", 10, 10));
    assert.match(String(doc?._id), /^[0-9a-f]{24}$/);
    assert.ok(doc?.site_id);
    const internal = emulator.find("firewall/zone", (z) => z.zone_key === "internal")!;
    assert.equal(doc?.firewall_zone_id, internal._id);
    assert.ok((internal.network_ids as string[]).includes(String(doc?._id)));
  });

  it("enforces VLAN, subnet and DHCP rules with the controller's codes", async () => {
    const { client } = await start();
    await client.classic("POST", NET, lan("servers", 10, 10));
    assert.equal(await code(client.classic("POST", NET, lan("again", 10, 11))), "api.err.VlanUsed");
    const { vlan: _v, vlan_enabled: _e, ...noVlan } = lan("untagged", 12, 12);
    assert.equal(
      await code(client.classic("POST", NET, noVlan)),
      "api.err.VlanUsed",
      "omitted vlan is 1, the default LAN's",
    );
    assert.equal(
      await code(client.classic("POST", NET, lan("x", 13, 13, { vlan_enabled: false }))),
      "api.err.VlanUsed",
    );
    assert.equal(
      await code(client.classic("POST", NET, lan("x", 14, 10))),
      "api.err.SubnetOverlapped",
    );
    assert.equal(
      await code(client.classic("POST", NET, lan("x", 15, 15, { ip_subnet: "10.0.15.0/24" }))),
      "api.err.IncorrectIPSubnetSpec",
    );
    assert.equal(
      await code(client.classic("POST", NET, lan("x", 16, 16, { dhcpd_start: "10.0.99.1" }))),
      "api.err.InvalidDHCPRange",
    );
    assert.equal(
      await code(client.classic("POST", NET, lan("x", 17, 17, { dhcpd_start: "10.0.17.201" }))),
      "api.err.InvalidDHCPRange",
    );
    assert.equal(
      await code(client.classic("POST", NET, lan("x", 1, 18))),
      "api.err.InvalidPayload",
    );
    assert.equal(
      await code(client.classic("POST", NET, lan("x", 19, 19, { dhcpdv6_enable: true }))),
      "api.err.InvalidPayload",
    );
    assert.equal(
      await code(client.classic("POST", NET, lan("servers", 20, 20))),
      "ok",
      "duplicate names are accepted",
    );
  });

  it("needs the WireGuard private key, returns it in clear, and rewrites local_port as a string", async () => {
    const { client } = await start();
    const wg = {
      name: "wg",
      purpose: "remote-user-vpn",
      vpn_type: "wireguard-server",
      ip_subnet: "10.0.3.1/24",
      local_port: 51820,
    };
    assert.equal(await code(client.classic("POST", NET, wg)), "api.err.WireguardMissingPrivateKey");
    const key = "oK56DE9Ue9zK76rAc8pBl6opph+1v36lm7cXXsQKrQM=";
    const [doc] = await client.classic("POST", NET, { ...wg, x_wireguard_private_key: key });
    assert.equal(doc?.local_port, "51820");
    assert.equal(doc?.wireguard_id, 1);
    const [read] = await client.classic("GET", `${NET}/${doc._id!}`);
    assert.equal(read?.x_wireguard_private_key, key);
  });

  it("merges a PUT into the stored object, validates the whole, and refuses unknown ids", async () => {
    const { client } = await start();
    const [doc] = await client.classic("POST", NET, lan("servers", 10, 10));
    const [merged] = await client.classic("PUT", `${NET}/${doc!._id!}`, {
      domain_name: "home.arpa",
    });
    assert.equal(merged?.domain_name, "home.arpa");
    assert.equal(merged?.vlan, 10, "untouched fields stay");
    assert.equal(
      await code(client.classic("PUT", `${NET}/${doc!._id!}`, { dhcpd_stop: "10.0.10.50" })),
      "api.err.InvalidDHCPRange",
    );
    assert.equal(
      await code(client.classic("PUT", `${NET}/0123456789abcdef01234567`, { name: "x" })),
      "api.err.IdInvalid",
    );
    const [def] = (await client.list(NET)).filter((n) => n.name === "Default");
    assert.equal(await code(client.classic("DELETE", `${NET}/${def!._id!}`)), "api.err.Invalid");
  });

  it("answers a PUT with data: [] when told to (UDM SE firmware)", async () => {
    const { client } = await start({ emptyPutAnswer: true });
    const [doc] = await client.classic("POST", NET, lan("servers", 10, 10));
    assert.deepEqual(
      await client.classic("PUT", `${NET}/${doc!._id!}`, { domain_name: "home.arpa" }),
      [],
    );
  });
});

describe("UniFi emulator: firewall groups, legacy rules, port forwards", () => {
  it("keeps group names unique and members well-formed", async () => {
    const { client } = await start();
    const post = (name: string, group_type: string, member: string) =>
      code(client.classic("POST", GROUP, { name, group_type, group_members: [member] }));
    assert.equal(await post("cf", "address-group", "173.245.48.0/20"), "ok");
    assert.equal(await post("cf", "port-group", "80"), "api.err.FirewallGroupExisted");
    assert.equal(await post("p", "port-group", "99999"), "api.err.InvalidPayload");
    assert.equal(await post("a", "address-group", "not-an-ip"), "api.err.InvalidPayload");
  });

  it("keeps legacy rule indexes unique per ruleset and one group of each type per side", async () => {
    const { client } = await start({ version: "8.6.9" });
    const [a] = await client.classic("POST", GROUP, {
      name: "a",
      group_type: "address-group",
      group_members: ["10.0.0.0/24"],
    });
    const [b] = await client.classic("POST", GROUP, {
      name: "b",
      group_type: "address-group",
      group_members: ["10.0.1.0/24"],
    });
    const rule = (name: string, index: number, extra: Record<string, unknown> = {}) => ({
      name,
      ruleset: "LAN_IN",
      rule_index: index,
      action: "accept",
      ...extra,
    });
    await client.classic("POST", RULE, rule("r1", 2001));
    assert.equal(
      await code(client.classic("POST", RULE, rule("r2", 2001))),
      "api.err.FirewallRuleIndexExisted",
    );
    assert.equal(
      await code(client.classic("POST", RULE, rule("r2", 2001, { ruleset: "WAN_IN" }))),
      "ok",
    );
    assert.equal(
      await code(client.classic("POST", RULE, rule("r3", 3000))),
      "api.err.InvalidPayload",
    );
    assert.equal(
      await code(
        client.classic("POST", RULE, rule("r4", 2004, { src_firewallgroup_ids: [a!._id, b!._id] })),
      ),
      "api.err.FirewallGroupTypeExists",
    );
  });

  it("refuses legacy rules on a zone-based console", async () => {
    const { client } = await start();
    assert.equal(
      await code(
        client.classic("POST", RULE, {
          name: "r",
          ruleset: "LAN_IN",
          rule_index: 2000,
          action: "drop",
        }),
      ),
      "api.err.FirewallRuleIndexOutOfRange",
    );
  });

  it("checks port forwards and adds their predefined policy on the zone-based firewall", async () => {
    const { client, emulator } = await start();
    const forward = {
      name: "https",
      fwd: "10.0.10.11",
      dst_port: "443",
      fwd_port: "443",
      proto: "tcp",
    };
    assert.equal(
      await code(
        client.classic("POST", FORWARD, { ...forward, dst_port: "80,443", fwd_port: "8080" }),
      ),
      "api.err.IncorrectMultiportFwdPort",
    );
    assert.equal(
      await code(
        client.classic("POST", FORWARD, {
          ...forward,
          src_limiting_enabled: true,
          src_limiting_type: "firewall_group",
          src_firewall_group_id: "0123456789abcdef01234567",
        }),
      ),
      "api.err.InvalidPayload",
    );
    const [doc] = await client.classic("POST", FORWARD, forward);
    assert.ok(
      emulator.find("firewall-policies", (p) => p.origin_id === doc?._id && p.predefined === true),
    );
    await client.classic("DELETE", `${FORWARD}/${doc!._id!}`);
    assert.equal(
      emulator.find("firewall-policies", (p) => p.origin_id === doc?._id),
      undefined,
    );
  });
});

describe("UniFi emulator: v2 zone-based firewall", () => {
  it("serves zones as a list only, and policies with the v2 rules", async () => {
    const { client, emulator } = await start();
    const zones = await client.list(ZONE);
    const internal = zones.find((z) => z.zone_key === "internal")!;
    const gone = await client.http.request({
      method: "GET",
      path: `${ZONE}/${internal._id!}`,
      headers: { "x-api-key": TEST_API_KEY },
    });
    assert.equal(gone.status, 405);
    const policy = {
      name: "p",
      action: "BLOCK",
      source: { zone_id: internal._id, matching_target: "ANY" },
      destination: {
        zone_id: internal._id,
        matching_target: "IP",
        matching_target_type: "SPECIFIC",
        ips: ["10.0.0.1"],
        port_matching_type: "SPECIFIC",
        port: 443,
      },
    };
    const created = (await client.v2("POST", POLICY, policy)) as Record<string, unknown>;
    assert.equal(created.index, 10000);
    assert.equal(
      (created.destination as { port: unknown }).port,
      "443",
      "ports come back as strings",
    );
    assert.equal(
      await code(client.v2("PUT", `${POLICY}/${String(created._id)}`, policy)),
      "api.err.ServerError",
      "a v2 PUT needs _id",
    );
    assert.equal(
      await code(
        client.v2("POST", POLICY, {
          ...policy,
          source: { zone_id: internal._id, matching_target: "NETWORK", network_ids: [] },
        }),
      ),
      "api.err.MissingFirewallPolicySourceMatchingTargetType",
    );
    assert.equal(
      await code(
        client.v2("POST", POLICY, {
          ...policy,
          destination: {
            zone_id: internal._id,
            matching_target: "IP",
            matching_target_type: "SPECIFIC",
            ips: [],
          },
        }),
      ),
      "api.err.EmptyFirewallDestinationIps",
    );
    const predefined = emulator.find("firewall-policies", (p) => p.predefined === true)!;
    assert.equal(
      await code(client.v2("DELETE", `${POLICY}/${predefined._id}`)),
      "api.err.FirewallPolicyPredefined",
    );
    const deleted = await client.http.request({
      method: "DELETE",
      path: `${POLICY}/${String(created._id)}`,
      headers: { "x-api-key": TEST_API_KEY },
    });
    assert.equal(deleted.status, 204);
  });

  it("reorders the listed policies of a zone pair", async () => {
    const { client } = await start();
    const internal = (await client.list(ZONE)).find((z) => z.zone_key === "internal")!._id!;
    const make = async (name: string) =>
      (
        (await client.v2("POST", POLICY, {
          name,
          action: "ALLOW",
          source: { zone_id: internal, matching_target: "ANY" },
          destination: { zone_id: internal, matching_target: "ANY" },
        })) as { _id: string }
      )._id;
    const [a, b, c] = [await make("a"), await make("b"), await make("c")];
    await client.v2("PUT", `${POLICY}/batch-reorder`, {
      source_zone_id: internal,
      destination_zone_id: internal,
      before_predefined_ids: [c, a, b],
      after_predefined_ids: [],
    });
    const order = (await client.list(POLICY))
      .filter((p) => p.predefined === false)
      .sort((x, y) => Number(x.index) - Number(y.index))
      .map((p) => p.name);
    assert.deepEqual(order, ["c", "a", "b"]);
  });

  it("has no zones on a legacy console and no static DNS when told so", async () => {
    const { client } = await start({ version: "8.6.9", staticDns: false });
    assert.equal(await code(client.list(ZONE)), "api.err.NotFound");
    assert.equal(
      await code(client.list(collectionPath("default", "static-dns"))),
      "api.err.NotFound",
    );
  });
});

describe("UniFi emulator: what issue 12 found consoles do", () => {
  it("checks classic writes against every field of the controller's own definitions", async () => {
    const { client } = await start();
    // A field the controller knows but the provider never sends is accepted; an unknown one
    // is refused with the field named.
    const known = await client.classic(
      "POST",
      NET,
      lan("boot", 60, 60, { dhcpd_boot_enabled: false }),
    );
    assert.equal(known[0]?.dhcpd_boot_enabled, false);
    assert.equal(
      await code(client.classic("POST", NET, lan("typo", 61, 61, { dhcpdv6_enable: true }))),
      "api.err.InvalidPayload",
    );
  });

  it("answers 200 [] for the zone-based firewall's lists on a Network 9 site not upgraded", async () => {
    const { client } = await start({ version: "9.5.21", firewall: "legacy" });
    assert.deepEqual(await client.list(ZONE), []);
    assert.deepEqual(await client.list(POLICY), []);
    assert.deepEqual(await client.list(MIGRATION), []);
    assert.equal(
      await code(client.v2("POST", POLICY, { name: "p", action: "ALLOW" })),
      "api.err.Invalid",
    );
    const upgraded = await start();
    assert.deepEqual(
      (await upgraded.client.list(MIGRATION)).map((m) => m.feature),
      ["ZONE_BASED_FIREWALL"],
    );
    assert.equal(
      await code((await start({ version: "8.6.9" })).client.list(MIGRATION)),
      "api.err.NotFound",
    );
  });

  it("appends each new policy to the end of its zone pair, whatever index is sent", async () => {
    const { client } = await start();
    const zones = await client.list(ZONE);
    const id = (key: string) => zones.find((z) => z.zone_key === key)!._id!;
    const make = async (name: string, src: string, dst: string) =>
      (await client.v2("POST", POLICY, {
        name,
        action: "BLOCK",
        index: 1,
        source: { zone_id: id(src), matching_target: "ANY" },
        destination: { zone_id: id(dst), matching_target: "ANY" },
      })) as { index: number };
    assert.equal((await make("a", "internal", "internal")).index, 10000);
    assert.equal((await make("b", "vpn", "internal")).index, 10000, "another pair");
    assert.equal((await make("c", "internal", "internal")).index, 10001);
  });

  it("refuses a return-traffic request on a BLOCK, ICMP or into External, and keeps a companion", async () => {
    const { client, emulator } = await start();
    const zones = await client.list(ZONE);
    const id = (key: string) => zones.find((z) => z.zone_key === key)!._id!;
    const policy = (extra: Record<string, unknown>) => ({
      name: "p",
      action: "ALLOW",
      protocol: "tcp",
      create_allow_respond: true,
      source: { zone_id: id("internal"), matching_target: "ANY" },
      destination: { zone_id: id("internal"), matching_target: "ANY" },
      ...extra,
    });
    const refused = "api.err.FirewallPolicyCreateRespondTrafficPolicyNotAllowed";
    assert.equal(await code(client.v2("POST", POLICY, policy({ action: "BLOCK" }))), refused);
    assert.equal(await code(client.v2("POST", POLICY, policy({ protocol: "icmp" }))), refused);
    const external = { zone_id: id("external"), matching_target: "ANY" };
    assert.equal(await code(client.v2("POST", POLICY, policy({ destination: external }))), refused);
    assert.equal(
      await code(
        client.v2("POST", POLICY, policy({ action: "BLOCK", create_allow_respond: false })),
      ),
      "ok",
    );

    const created = (await client.v2("POST", POLICY, policy({ name: "web" }))) as Record<
      string,
      unknown
    >;
    const companions = () =>
      emulator.docs("firewall-policies").filter((p) => p.origin_id === created._id);
    assert.deepEqual(
      companions().map((c) => [c.name, c.predefined, c.connection_state_type]),
      [["web (Return)", true, "RESPOND_ONLY"]],
    );
    // ALLOW → BLOCK with the stored `true` is refused; with `false` it goes through and the
    // companion goes with it.
    const path = `${POLICY}/${String(created._id)}`;
    assert.equal(await code(client.v2("PUT", path, { ...created, action: "BLOCK" })), refused);
    await client.v2("PUT", path, { ...created, action: "BLOCK", create_allow_respond: false });
    assert.equal(companions().length, 0);
    await client.v2("PUT", path, { ...created, create_allow_respond: true });
    assert.equal(companions().length, 1);
    await client.v2("DELETE", path);
    assert.equal(companions().length, 0);
  });

  it("refuses a policy naming a network under a zone it is not in (a guest network is in Hotspot)", async () => {
    const { client } = await start();
    const guest = (
      await client.classic("POST", NET, lan("guests", 70, 70, { purpose: "guest" }))
    )[0]!;
    const zones = await client.list(ZONE);
    const id = (key: string) => zones.find((z) => z.zone_key === key)!._id!;
    assert.equal(guest.firewall_zone_id, id("hotspot"));
    const to = (zone: string) => ({
      name: `guests in ${zone}`,
      action: "BLOCK",
      source: {
        zone_id: id(zone),
        matching_target: "NETWORK",
        matching_target_type: "SPECIFIC",
        network_ids: [guest._id],
      },
      destination: { zone_id: id("internal"), matching_target: "ANY" },
    });
    assert.equal(await code(client.v2("POST", POLICY, to("internal"))), "api.err.InvalidPayload");
    assert.equal(await code(client.v2("POST", POLICY, to("hotspot"))), "ok");
  });

  it("does not keep the WireGuard server's wireguard_* fields, as the 9.5.21 capture has it", async () => {
    const { client } = await start();
    const [server] = await client.classic("POST", NET, {
      name: "wg",
      purpose: "remote-user-vpn",
      vpn_type: "wireguard-server",
      ip_subnet: "10.0.3.1/24",
      x_wireguard_private_key: "oK56DE9Ue9zK76rAc8pBl6opph+1v36lm7cXXsQKrQM=",
      wireguard_interface: "wan",
      wireguard_local_wan_ip: "any",
    });
    assert.equal(server?.wireguard_interface, undefined);
    assert.equal(server?.wireguard_local_wan_ip, undefined);
    const keeps = await start({ forgets: {} });
    const [kept] = await keeps.client.classic("POST", NET, { ...lan("x", 80, 80), is_nat: true });
    assert.equal(kept?.is_nat, true);
  });

  it("damages answers and rate-limits requests when a test tells it to", async () => {
    const { client, url, emulator } = await start();
    emulator.truncate("cut", { methods: ["GET"] });
    const raw = await client.http.request({
      method: "GET",
      path: GROUP,
      headers: { "x-api-key": TEST_API_KEY },
    });
    assert.equal(raw.status, 200);
    assert.equal(raw.json, undefined, `cut: ${raw.text}`);
    emulator.rateLimit("2", { methods: ["POST"] });
    // No retry here (retries: 0): the console's answer itself is under test.
    const once = new UnifiClient({
      connection: testConnection(url),
      credentials: { apiKey: TEST_API_KEY },
      retries: 0,
    });
    const limited = await once.http.request({
      method: "POST",
      path: GROUP,
      headers: { "x-api-key": TEST_API_KEY },
      body: { name: "g", group_type: "port-group", group_members: ["80"] },
    });
    assert.deepEqual([limited.status, limited.headers["retry-after"]], [429, "2"]);
    assert.equal(emulator.docs("firewallgroup").length, 0, "a 429 applies nothing");
    once.close();
  });
});

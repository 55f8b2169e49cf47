/**
 * The FortiGate emulator behaves as ../shared/reference/fortios-api.md documents: envelope,
 * status and error codes, mkey escaping, defaults, normalised spellings, masked secrets,
 * tables and nested tables, complex objects, VDOMs, the auto-created tunnel interface,
 * referential integrity, ordering, filters. Raw HTTP, so nothing of our client is assumed.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { HttpClient, type HttpResponse } from "../../src/providers/http";
import { EMULATOR_TOKEN, FortiGateEmulator, MASKED } from "./fortigate";
import { INHERIT } from "./fortigate-schema";
import { DEVICE_FINGERPRINT } from "./server";

let emulator: FortiGateEmulator;
let http: HttpClient;

before(async () => {
  emulator = new FortiGateEmulator({ vdoms: ["root", "lab"] });
  const url = await emulator.start();
  http = new HttpClient({ baseUrl: url, tls: { fingerprint: DEVICE_FINGERPRINT }, retries: 0 });
});
after(async () => {
  http.close();
  await emulator.stop();
});

type Body = Record<string, unknown>;

async function call(
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  options: { body?: unknown; query?: Record<string, string>; token?: string } = {},
): Promise<HttpResponse & { env: Body }> {
  const response = await http.request({
    method,
    path: `/api/v2/cmdb/${path}`,
    query: { vdom: "root", ...options.query },
    headers: { authorization: `Bearer ${options.token ?? EMULATOR_TOKEN}` },
    body: options.body,
    idempotent: true,
  });
  return { ...response, env: (response.json ?? {}) as Body };
}

const results = (r: { env: Body }) => r.env.results as Body[];

describe("FortiGate emulator", () => {
  it("wraps every answer in the envelope, HTTP status equal to http_status", async () => {
    const ok = await call("GET", "firewall/address");
    assert.equal(ok.status, 200);
    for (const key of [
      "http_method",
      "revision",
      "vdom",
      "path",
      "name",
      "status",
      "http_status",
      "serial",
      "version",
      "build",
    ]) {
      assert.ok(key in ok.env, key);
    }
    assert.equal(ok.env.path, "firewall");
    assert.equal(ok.env.name, "address");
    assert.equal(ok.env.status, "success");
    const created = await call("POST", "firewall/address", {
      body: { name: "e1", subnet: "10.0.0.0/8" },
    });
    assert.equal(created.env.mkey, "e1");
    assert.equal(created.env.revision_changed, true);
    assert.ok(typeof created.env.old_revision === "string");
    assert.equal(created.env.results, undefined, "no results on writes");
    const dup = await call("POST", "firewall/address", { body: { name: "e1" } });
    assert.equal(dup.status, 500);
    assert.equal(dup.env.http_status, 500);
    assert.equal(dup.env.status, "error");
    assert.equal(dup.env.error, -5);
    const noop = await call("PUT", "firewall/address/e1", {
      body: { subnet: "10.0.0.0 255.0.0.0" },
    });
    assert.equal(noop.env.revision_changed, false);
    await call("DELETE", "firewall/address/e1");
  });

  it("authenticates with a Bearer token only; the trusted-host check comes first", async () => {
    assert.equal((await call("GET", "firewall/address", { token: "wrong" })).status, 401);
    const inUrl = await http.request({
      method: "GET",
      path: "/api/v2/cmdb/firewall/address",
      query: { access_token: EMULATOR_TOKEN },
    });
    assert.equal(inUrl.status, 401);
    assert.equal(inUrl.headers["www-authenticate"], 'error="invalid_token"');
    emulator.untrustedSource = 403;
    assert.equal((await call("GET", "firewall/address")).status, 403);
    emulator.untrustedSource = undefined;
  });

  it("404 for unknown paths and keys, 405 for POST/DELETE on complex objects", async () => {
    assert.equal((await call("GET", "firewall/nosuch")).status, 404);
    assert.equal((await call("GET", "firewall/address/nosuch")).status, 404);
    assert.equal((await call("PUT", "firewall/address/nosuch", { body: {} })).status, 404);
    assert.equal((await call("DELETE", "firewall/address/nosuch")).status, 404);
    assert.equal((await call("POST", "router/bgp", { body: {} })).status, 405);
    assert.equal((await call("DELETE", "router/bgp")).status, 405);
  });

  it("decodes each raw path segment: a key may contain a slash", async () => {
    await call("POST", "firewall/address", {
      body: { name: "10.9.0.0/16", subnet: "10.9.0.0/16" },
    });
    const got = await call("GET", "firewall/address/10.9.0.0%2F16");
    assert.equal(results(got)[0]!.name, "10.9.0.0/16");
    await call("DELETE", "firewall/address/10.9.0.0%2F16");
  });

  it("fills in defaults, normalises spellings, and adds q_origin_key", async () => {
    await call("POST", "system/interface", {
      body: {
        name: "v1",
        vdom: "root",
        type: "vlan",
        interface: "internal3",
        vlanid: "40",
        ip: "10.40.0.1/24",
        allowaccess: "ssh https ping ssh",
      },
    });
    const v1 = results(await call("GET", "system/interface/v1"))[0]!;
    assert.equal(v1.q_origin_key, "v1");
    assert.equal(v1.ip, "10.40.0.1 255.255.255.0", "CIDR becomes ip + dotted mask");
    assert.equal(v1.allowaccess, "ping https ssh", "schema order, de-duplicated");
    assert.equal(v1.vlanid, 40, "numbers as numbers");
    assert.equal(v1.status, "up");
    assert.equal(v1.mode, "static");
    assert.equal(v1["remote-ip"], "0.0.0.0 0.0.0.0");
    await call("POST", "vpn.ipsec/phase1-interface", {
      body: {
        name: "p1",
        interface: "wan1",
        "remote-gw": "192.0.2.1",
        psksecret: "s3cret-value",
        proposal: "aes256gcm-prfsha384 aes256-sha256",
        dhgrp: "21 20 14",
      },
    });
    const p1 = results(await call("GET", "vpn.ipsec/phase1-interface/p1"))[0]!;
    assert.equal(p1.proposal, "aes256-sha256 aes256gcm-prfsha384");
    assert.equal(p1.dhgrp, "14 20 21");
    assert.equal(p1.dpd, "on-demand");
    assert.equal(p1.keylife, 86400);
    assert.equal(p1.psksecret, MASKED, "secrets read back masked");
    const plain = await call("GET", "vpn.ipsec/phase1-interface/p1", {
      query: { "plain-text-password": "1" },
    });
    assert.equal(results(plain)[0]!.psksecret, "s3cret-value");
    await call("PUT", "router/bgp", {
      body: { as: 65010, neighbor: [{ ip: "10.0.0.2", "remote-as": 65011 }] },
    });
    const bgp = (await call("GET", "router/bgp")).env.results as Body;
    assert.equal(bgp.as, "65010", "as is a string on FortiOS >= 7.2.1");
    const [neighbor] = bgp.neighbor as Body[];
    assert.equal(neighbor!["remote-as"], "65011");
    assert.equal(neighbor!["keep-alive-timer"], INHERIT);
    assert.equal(neighbor!.q_origin_key, "10.0.0.2");
    assert.equal(bgp.redistribute, undefined, "FortiOS 7.4's schema (Ansible) has no redistribute");
    await call("PUT", "router/bgp", { body: { as: null, neighbor: [] } });
    await call("DELETE", "vpn.ipsec/phase1-interface/p1");
    await call("DELETE", "system/interface/v1");
  });

  it("rejects what the device rejects, with its codes", async () => {
    const bad = async (method: "POST" | "PUT", path: string, body: Body) =>
      (await call(method, path, { body })).env;
    assert.equal(
      (await bad("POST", "firewall/address", { name: "x", subnet: "10.0.0.300/8" })).error,
      -651,
    );
    assert.equal(
      (await bad("POST", "firewall/address", { name: "x", type: "nonsense" })).error,
      -651,
    );
    assert.equal((await bad("POST", "router/static", { "seq-num": 3, distance: 0 })).error, -650);
    assert.equal(
      (
        await bad("POST", "system/interface", {
          name: "way-too-long-name",
          vdom: "root",
          type: "loopback",
        })
      ).error,
      -1,
    );
    const tunnel = await bad("POST", "system/interface", {
      name: "t",
      vdom: "root",
      type: "tunnel",
    });
    assert.equal(tunnel.error, -158);
    assert.match(String(tunnel.cli_error), /^Please input vlanid\./);
    assert.equal(
      (await bad("POST", "system/interface", { name: "wan9", vdom: "root", type: "physical" }))
        .error,
      -651,
    );
    const policy = await bad("POST", "firewall/policy", {
      srcintf: [{ name: "wan1" }],
      dstintf: [{ name: "nosuch" }],
      srcaddr: [{ name: "all" }],
      dstaddr: [{ name: "all" }],
      service: [{ name: "ALL" }],
      schedule: "always",
    });
    assert.equal(policy.error, -651);
    assert.match(String(policy.cli_error), /^node_check_object fail! for name nosuch/);
  });

  it("creates the tunnel interface with its phase1, refuses to delete referenced objects (-23)", async () => {
    await call("POST", "vpn.ipsec/phase1-interface", {
      body: { name: "t1", interface: "wan1", "remote-gw": "192.0.2.9", psksecret: "k" },
    });
    const tunnel = results(await call("GET", "system/interface/t1"))[0]!;
    assert.equal(tunnel.type, "tunnel");
    assert.equal(tunnel.interface, "wan1");
    assert.equal(
      (
        await call("POST", "system/interface", {
          body: { name: "t1", vdom: "root", type: "loopback" },
        })
      ).env.error,
      -5,
    );
    assert.equal(
      (await call("PUT", "system/interface/t1", { body: { ip: "169.254.0.1/32" } })).env.error,
      -117,
    );
    assert.equal(
      (
        await call("PUT", "system/interface/t1", {
          body: { ip: "169.254.0.1/32", "remote-ip": "169.254.0.2/31" },
        })
      ).status,
      200,
    );
    await call("POST", "vpn.ipsec/phase2-interface", { body: { name: "t1", phase1name: "t1" } });
    await call("POST", "router/static", {
      body: { "seq-num": 7, dst: "10.99.0.0/16", device: "t1" },
    });
    const used = (await call("DELETE", "vpn.ipsec/phase1-interface/t1")).env;
    assert.equal(used.error, -23);
    assert.match(
      String(used.cli_error),
      /vpn\.ipsec\/phase2-interface t1 \(phase1name\), router\/static 7 \(device\)/,
    );
    assert.equal(
      (await call("DELETE", "system/interface/t1")).env.error,
      -23,
      "the tunnel interface goes only with its phase1",
    );
    await call("DELETE", "router/static/7");
    await call("DELETE", "vpn.ipsec/phase2-interface/t1");
    assert.equal((await call("DELETE", "vpn.ipsec/phase1-interface/t1")).status, 200);
    assert.equal((await call("GET", "system/interface/t1")).status, 404);
  });

  it("aggregates claim free physical ports; a VLAN id cannot change (-522)", async () => {
    await call("POST", "system/interface", {
      body: {
        name: "agg",
        vdom: "root",
        type: "aggregate",
        member: [{ "interface-name": "internal4" }, { "interface-name": "internal5" }],
      },
    });
    assert.equal(results(await call("GET", "system/interface/internal4"))[0]!.aggregate, "agg");
    assert.equal(
      (
        await call("POST", "system/interface", {
          body: {
            name: "agg2",
            vdom: "root",
            type: "aggregate",
            member: [{ "interface-name": "internal4" }],
          },
        })
      ).env.error,
      -651,
      "a port belongs to one aggregate",
    );
    await call("POST", "system/interface", {
      body: { name: "v9", vdom: "root", type: "vlan", interface: "agg", vlanid: 9 },
    });
    assert.equal(
      (await call("PUT", "system/interface/v9", { body: { vlanid: 10 } })).env.error,
      -522,
    );
    assert.equal((await call("DELETE", "system/interface/agg")).env.error, -23, "its VLAN uses it");
    await call("DELETE", "system/interface/v9");
    await call("DELETE", "system/interface/agg");
    assert.equal(results(await call("GET", "system/interface/internal4"))[0]!.aggregate, "");
    assert.equal(
      (await call("DELETE", "system/interface/wan1")).status,
      500,
      "physical ports stay",
    );
  });

  it("router/bgp neighbors also through their sub-path", async () => {
    const created = await call("POST", "router/bgp/neighbor", {
      body: { ip: "10.1.1.2", "remote-as": "65002" },
    });
    assert.equal(created.env.mkey, "10.1.1.2");
    assert.equal(
      results(await call("GET", "router/bgp/neighbor/10.1.1.2"))[0]!["remote-as"],
      "65002",
    );
    await call("PUT", "router/bgp/neighbor/10.1.1.2", { body: { description: "peer" } });
    assert.equal(
      ((emulator.complex("router/bgp").neighbor as Body[])[0] ?? {}).description,
      "peer",
    );
    await call("DELETE", "router/bgp/neighbor/10.1.1.2");
    assert.deepEqual(emulator.complex("router/bgp").neighbor, []);
  });

  it("router/bgp redistribute: unknown to the 7.4 schema; fixed entries where the device has it", async () => {
    const refused = await call("PUT", "router/bgp", {
      body: { redistribute: [{ name: "static", status: "enable" }] },
    });
    assert.equal(refused.env.error, -61);
    assert.match(String(refused.env.cli_error), /command parse error before 'redistribute'/);
    const withIt = new FortiGateEmulator({ bgpRedistribute: true });
    const url = await withIt.start();
    const other = new HttpClient({
      baseUrl: url,
      tls: { fingerprint: DEVICE_FINGERPRINT },
      retries: 0,
    });
    const put = async (path: string, body: unknown) =>
      (
        await other.request({
          method: path.includes("connected") && body === undefined ? "DELETE" : "PUT",
          path: `/api/v2/cmdb/${path}`,
          query: { vdom: "root" },
          headers: { authorization: `Bearer ${EMULATOR_TOKEN}` },
          body,
          idempotent: true,
        })
      ).json as Body;
    try {
      assert.deepEqual(
        (withIt.complex("router/bgp").redistribute as Body[]).map(
          (r) => `${String(r.name)}:${String(r.status)}`,
        ),
        ["connected:disable", "rip:disable", "ospf:disable", "static:disable", "isis:disable"],
      );
      assert.equal((await put("router/bgp/redistribute/connected", undefined)).http_status, 405);
      await put("router/bgp/redistribute/static", { status: "enable" });
      assert.equal((withIt.complex("router/bgp").redistribute as Body[])[3]!.status, "enable");
      assert.equal(
        (await put("router/bgp", { redistribute: [{ name: "bogus", status: "enable" }] })).error,
        -651,
      );
      await put("router/bgp", { redistribute: [] });
      assert.equal((withIt.complex("router/bgp").redistribute as Body[])[3]!.status, "disable");
    } finally {
      other.close();
      await withIt.stop();
    }
  });

  it("validates every body against Fortinet's schema of FortiOS 7.4, with the device's codes", async () => {
    const bad = async (path: string, body: Body) => (await call("POST", path, { body })).env;
    const unknown = await bad("firewall/address", { name: "u", "no-such-attribute": 1 });
    assert.deepEqual(
      [unknown.error, unknown.http_status, unknown.status],
      [-61, 500, "error"],
      "an attribute the schema does not have",
    );
    assert.equal(
      (await bad("router/prefix-list", { name: "p", rule: [{ id: 1, le: 33 }] })).error,
      -650,
    );
    assert.equal((await bad("router/prefix-list", { name: "p", bogus: [] })).error, -61);
    assert.equal(
      (
        await bad("vpn.ipsec/phase1-interface", {
          name: "x",
          interface: "wan1",
          psksecret: "k",
          "eap-identity": "ask",
        })
      ).error,
      -651,
      "an option the schema does not list",
    );
    assert.equal(
      (
        await bad("vpn.ipsec/phase1-interface", {
          name: "x",
          interface: "wan1",
          psksecret: "k",
          dhgrp: "14 99",
        })
      ).error,
      -651,
      "a multi-value option with a word the schema does not list",
    );
    assert.equal(
      (await bad("user/group", { name: "g".repeat(36), member: [] })).error,
      -1,
      "longer than the schema allows (user group names: 35)",
    );
    assert.equal(
      (await bad("firewall/addrgrp", { name: "g", member: [{ "interface-name": "all" }] })).error,
      -61,
      "a table element keyed by another attribute than the schema's",
    );
    assert.equal(
      (
        await bad("system/interface", {
          name: "l9",
          vdom: "root",
          type: "loopback",
          ipv6: { "ip6-allowaccess": "ping", nope: 1 },
        })
      ).error,
      -61,
      "nested objects too",
    );
    const schema = await call("GET", "router/bgp", { query: { action: "schema" } });
    const children = (schema.env.results as Body).children as Record<string, Body>;
    assert.equal(schema.env.action, "schema");
    assert.equal(children.redistribute, undefined);
    assert.equal(children.neighbor!.mkey, "ip");
    const p1 = (await call("GET", "vpn.ipsec/phase1-interface", { query: { action: "schema" } }))
      .env.results as Body;
    const p1Children = p1.children as Record<string, Body>;
    assert.deepEqual(
      [
        p1.mkey,
        p1Children.name!.size,
        p1Children.keylife!["min-value"],
        p1Children.dhgrp!.multiple_values,
      ],
      ["name", 15, 120, true],
    );
  });

  it("keeps VDOMs apart; vdom=a,b answers one envelope per VDOM; unknown VDOM is refused", async () => {
    await call("POST", "firewall/address", {
      body: { name: "lab-only", subnet: "10.7.0.0/16" },
      query: { vdom: "lab" },
    });
    assert.equal((await call("GET", "firewall/address/lab-only")).status, 404);
    const both = await call("GET", "firewall/address", { query: { vdom: "root,lab" } });
    const envelopes = both.json as Body[];
    assert.deepEqual(
      envelopes.map((e) => e.vdom),
      ["root", "lab"],
    );
    assert.deepEqual(
      (envelopes[1]!.results as Body[]).map((a) => a.name),
      ["all", "none", "lab-only"],
    );
    assert.equal(
      (await call("GET", "firewall/address", { query: { vdom: "nosuch" } })).status,
      403,
    );
    assert.deepEqual(
      results(await call("GET", "system/interface", { query: { vdom: "lab" } })),
      [],
      "the global interface table lists a VDOM's interfaces only",
    );
    await call("DELETE", "firewall/address/lab-only", { query: { vdom: "lab" } });
  });

  it("orders policies and moves them; filters, formats and pages lists", async () => {
    const policy = (id: number) => ({
      policyid: id,
      name: `p${id}`,
      srcintf: [{ name: "wan1" }],
      dstintf: [{ name: "internal3" }],
      srcaddr: [{ name: "all" }],
      dstaddr: [{ name: "all" }],
      service: [{ name: "ALL" }],
      schedule: "always",
    });
    for (const id of [1, 2, 3]) await call("POST", "firewall/policy", { body: policy(id) });
    const auto = await call("POST", "firewall/policy", { body: { ...policy(0), name: "auto" } });
    assert.equal(auto.env.mkey, 4, "an omitted integer key is the next free one");
    await call("PUT", "firewall/policy/3", { query: { action: "move", before: "1" } });
    assert.deepEqual(emulator.keys("firewall/policy"), ["3", "1", "2", "4"]);
    const filtered = await call("GET", "firewall/policy", {
      query: { filter: "name==p2,name==auto", format: "policyid|name" },
    });
    assert.deepEqual(results(filtered), [
      { q_origin_key: 2, policyid: 2, name: "p2" },
      { q_origin_key: 4, policyid: 4, name: "auto" },
    ]);
    const page = await call("GET", "firewall/policy", { query: { start: "1", count: "2" } });
    assert.deepEqual(
      results(page).map((p) => p.policyid),
      [1, 2],
    );
    for (const id of [1, 2, 3, 4]) await call("DELETE", `firewall/policy/${id}`);
  });
});

/** What the device re-spells is still equal; what it changed is not. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  canonicalIpMask,
  equivalent,
  observed,
  project,
} from "../../src/providers/fortios/compare";
import { dottedMask, formatIPv4, maskOf } from "../../src/lib/net";

const ALLOW = ["ping", "https", "ssh", "snmp", "http", "fgfm", "ftm"];

describe("equivalent", () => {
  it("tolerates the device's spellings", () => {
    assert.ok(equivalent("10.0.0.0/24", "10.0.0.0 255.255.255.0", "subnet"));
    assert.ok(equivalent("10.0.0.1 255.255.255.0", "10.0.0.1/24", "ip"));
    assert.ok(equivalent("10.0.0.0/255.255.0.0", "10.0.0.0 255.255.0.0", "dst"));
    assert.ok(equivalent("https ssh ping", "ping https ssh", "allowaccess"));
    assert.ok(equivalent("21 20", "20 21", "dhgrp"));
    assert.ok(equivalent("4200000001", 4200000001, "as"));
    assert.ok(equivalent(30, "30", "keepalive-timer"));
    assert.ok(equivalent([{ name: "lan" }], [{ q_origin_key: "lan", name: "lan" }], "srcintf"));
    assert.ok(
      equivalent(
        [{ name: "a" }, { name: "b" }],
        [
          { name: "b", q_origin_key: "b" },
          { name: "a", q_origin_key: "a" },
        ],
        "member",
      ),
      "member tables in any order",
    );
    assert.ok(
      equivalent(
        { ip: "10.0.0.2", "remote-as": "65002" },
        { ip: "10.0.0.2", "remote-as": "65002", weight: 4294967295 },
      ),
      "attributes we do not manage are ignored",
    );
  });

  it("sees real differences", () => {
    assert.ok(!equivalent("10.0.0.0/24", "10.0.0.0 255.255.254.0", "subnet"));
    assert.ok(!equivalent("10.0.0.0/24", "10.0.1.0 255.255.255.0", "subnet"));
    assert.ok(!equivalent("ping https", "ping https ssh", "allowaccess"));
    assert.ok(!equivalent("ping https ssh", "ping https", "allowaccess"));
    assert.ok(!equivalent("a b", "b a", "comment"), "order matters outside multi-value options");
    assert.ok(!equivalent(30, 31, "x"));
    assert.ok(!equivalent([{ name: "a" }], [{ name: "a" }, { name: "b" }], "member"));
    assert.ok(
      !equivalent([{ name: "a" }, { name: "a" }], [{ name: "a" }, { name: "b" }], "member"),
    );
    assert.ok(!equivalent({ ip: "10.0.0.2" }, {}, "neighbor"));
    assert.ok(!equivalent("x", undefined));
    assert.equal(canonicalIpMask("10.0.0.0 255.0.255.0"), undefined, "non-contiguous mask");
    assert.equal(canonicalIpMask("lan"), undefined);
  });

  it("multi-value options are Fortinet's schema's, per table and attribute path", () => {
    const phase1 = "vpn.ipsec/phase1-interface";
    assert.ok(
      equivalent(
        "rsa-2048-sha256 rsa-2048-sha512",
        "rsa-2048-sha512 rsa-2048-sha256",
        "signature-hash-alg",
        phase1,
      ),
    );
    assert.ok(
      equivalent(
        { allowaccess: "ssh ping" },
        { allowaccess: "ping ssh" },
        "secondaryip",
        "system/interface",
      ),
      "nested: secondaryip.allowaccess",
    );
    assert.ok(
      equivalent(
        { "ip6-allowaccess": "ssh ping" },
        { "ip6-allowaccess": "ping ssh" },
        "ipv6",
        "system/interface",
      ),
      "nested object: ipv6.ip6-allowaccess",
    );
    assert.ok(
      !equivalent("10.0.0.1 10.0.0.2", "10.0.0.2 10.0.0.1", "comment", "firewall/address"),
      "a text attribute is compared as text",
    );
    assert.ok(
      !equivalent("ping ssh", "ssh ping", "allowaccess", "firewall/address"),
      "not in that table",
    );
  });

  it("a fixed table only has to hold our entries; any other table exactly ours", () => {
    const ours = [{ name: "static", status: "enable" }];
    const device = [
      { name: "connected", status: "disable" },
      { name: "static", status: "enable" },
    ];
    assert.ok(equivalent(ours, device, "redistribute", "router/bgp"));
    assert.ok(!equivalent(ours, device, "network", "router/bgp"));
    assert.ok(!equivalent([{ name: "static", status: "disable" }], device, "redistribute"));
  });

  it("property: an address in any spelling equals itself, never another prefix", () => {
    fc.assert(
      fc.property(
        fc.nat(0xffffffff),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 32 }),
        (address, length, other) => {
          const a = formatIPv4(address);
          const cidr = `${a}/${length}`;
          assert.ok(equivalent(cidr, `${a} ${dottedMask(length)}`, "subnet"));
          assert.ok(
            equivalent(`${a} ${dottedMask(length)}`, `${a}/${dottedMask(length)}`, "subnet"),
          );
          if (other !== length)
            assert.ok(!equivalent(cidr, `${a} ${formatIPv4(maskOf(other))}`, "subnet"));
        },
      ),
    );
  });

  it("property: multi-value options are sets; device re-ordering never differs", () => {
    fc.assert(
      fc.property(
        fc.subarray(ALLOW, { minLength: 1 }),
        fc.subarray(ALLOW, { minLength: 1 }),
        (sent, read) => {
          const shuffled = [...sent].reverse().join(" ");
          assert.ok(equivalent(sent.join(" "), shuffled, "allowaccess"));
          const same =
            new Set(sent).size === new Set(read).size && sent.every((w) => read.includes(w));
          assert.equal(equivalent(sent.join(" "), read.join(" "), "allowaccess"), same);
        },
      ),
    );
  });

  it("property: a table read back with keys, defaults and in another order is equal", () => {
    const element = fc.record({
      id: fc.nat(1000),
      prefix: fc.constantFrom("10.0.0.0/8", "172.16.0.0/12"),
      le: fc.constant(32),
    });
    fc.assert(
      fc.property(fc.uniqueArray(element, { selector: (e) => e.id, maxLength: 6 }), (rules) => {
        const device = [...rules].reverse().map((r) => ({
          q_origin_key: r.id,
          id: r.id,
          action: "permit",
          prefix: `${r.prefix.split("/")[0] ?? ""} ${dottedMask(Number(r.prefix.split("/")[1]))}`,
          ge: "",
          le: r.le,
          flags: 0,
        }));
        assert.ok(equivalent(rules, device, "rule"));
        if (rules.length > 0) assert.ok(!equivalent(rules, device.slice(1), "rule"));
      }),
    );
  });
});

describe("observed", () => {
  const applied = {
    name: "lan",
    allowaccess: "ping https",
    member: [{ "interface-name": "internal1" }],
    psksecret: "sha256:abc",
  };

  it("keeps our spelling when nothing changed, the device's when it did", () => {
    const same = observed(
      applied,
      {
        name: "lan",
        allowaccess: "https ping",
        member: [{ q_origin_key: "internal1", "interface-name": "internal1" }],
        psksecret: "ENC XXXX",
        mtu: 1500,
      },
      ["psksecret"],
    );
    assert.deepEqual(same, { view: applied, drifted: [] });
    const changed = observed(
      applied,
      {
        name: "lan",
        allowaccess: "ping",
        member: [{ q_origin_key: "internal3", "interface-name": "internal3", extra: 1 }],
        psksecret: "",
      },
      ["psksecret"],
    );
    assert.deepEqual(changed.drifted, ["allowaccess", "member", "psksecret"]);
    assert.deepEqual(changed.view, {
      name: "lan",
      allowaccess: "ping",
      member: [{ "interface-name": "internal3" }],
      psksecret: "",
    });
  });

  it("projects the device's values onto the shape we manage", () => {
    assert.deepEqual(project({ a: 1 }, { a: 2, b: 3, q_origin_key: "x" }), { a: 2 });
    assert.deepEqual(project([{ name: "" }], [{ name: "x", q_origin_key: "x", other: 1 }]), [
      { name: "x" },
    ]);
  });
});

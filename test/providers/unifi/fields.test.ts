/** The controller's field rules as we encoded them: whole-value matching, nesting, unknown keys. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  describePattern,
  fieldViolations,
  formatViolation,
  matchesPattern,
  FIELD_RULES,
} from "../../../src/devices/unifi/fields";
import { CLASSIC_COLLECTIONS } from "../../../src/devices/unifi/api";
import CONTROLLER_FIELDS from "../../emulators/unifi-fields.json";

const fieldsOf = (
  collection: Parameters<typeof fieldViolations>[0],
  body: Record<string, unknown>,
) => fieldViolations(collection, body).map((v) => v.field);

describe("field rules", () => {
  it("match the whole value, as the controller's matches() does", () => {
    const vlan = FIELD_RULES.networkconf.vlan as string;
    for (const ok of ["2", "10", "4018", ""]) assert.ok(matchesPattern(vlan, ok), ok);
    for (const bad of ["1", "0", "4019", "10a", "a10", "-5"])
      assert.ok(!matchesPattern(vlan, bad), bad);
  });

  it("accept every VLAN id 2-4018 and refuse the others", () => {
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 5000 }), (vlan) => {
        const ok = fieldViolations("networkconf", { vlan }).length === 0;
        return ok === (vlan >= 2 && vlan <= 4018);
      }),
    );
  });

  it("check numbers and booleans through their text", () => {
    assert.deepEqual(fieldsOf("networkconf", { vlan_enabled: true, dhcpd_leasetime: 86400 }), []);
    assert.deepEqual(fieldsOf("networkconf", { vlan_enabled: "true", local_port: "51820" }), []);
    assert.deepEqual(fieldsOf("networkconf", { vlan_enabled: "yes", local_port: 70000 }), [
      "vlan_enabled",
      "local_port",
    ]);
  });

  it("want the gateway form of ip_subnet with a prefix length 1-32", () => {
    assert.deepEqual(fieldsOf("networkconf", { ip_subnet: "10.0.10.1/24" }), []);
    for (const bad of ["10.0.10.1", "10.0.10.1/33", "10.0.10.1/0", "300.0.0.1/24"]) {
      assert.deepEqual(fieldsOf("networkconf", { ip_subnet: bad }), ["ip_subnet"], bad);
    }
  });

  it("accept addresses with valid octets only", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 4, maxLength: 4 }),
        (o) => {
          const ok = fieldViolations("portforward", { fwd: o.join(".") }).length === 0;
          return ok === o.every((x) => x <= 255);
        },
      ),
    );
  });

  it("check ports, ranges and lists of at most 15", () => {
    assert.deepEqual(fieldsOf("portforward", { dst_port: "443", fwd_port: "8000-8100" }), []);
    assert.deepEqual(fieldsOf("portforward", { dst_port: "80,443,8000-8100" }), []);
    const sixteen = Array.from({ length: 16 }, (_, i) => String(1000 + i)).join(",");
    assert.deepEqual(fieldsOf("portforward", { dst_port: "0" }), ["dst_port"]);
    assert.deepEqual(fieldsOf("portforward", { dst_port: sixteen }), ["dst_port"]);
  });

  it("check each element of arrays and each field of nested objects", () => {
    assert.deepEqual(fieldsOf("firewallrule", { src_firewallgroup_ids: ["ab12", "a-b"] }), [
      "src_firewallgroup_ids[1]",
    ]);
    assert.deepEqual(
      fieldsOf("firewall-policies", {
        source: {
          zone_id: "0123456789abcdef01234567",
          matching_target: "NETWORK",
          network_ids: ["x"],
        },
        destination: { zone_id: "0123456789abcdef01234567", port: "80,443" },
      }),
      ["source.network_ids[0]"],
    );
    assert.deepEqual(fieldsOf("firewallgroup", { group_members: "10.0.0.0/8" }), ["group_members"]);
  });

  it("flag unknown fields, but not the controller's own", () => {
    const violations = fieldViolations("networkconf", {
      name: "x",
      dhcpdv6_enable: true,
      _id: "a",
      site_id: "b",
    });
    assert.deepEqual(violations, [
      { field: "dhcpdv6_enable", expected: "no such field", unknown: true },
    ]);
    assert.equal(
      formatViolation(violations[0]!),
      "dhcpdv6_enable: not a field of this object (the controller rejects unknown fields)",
    );
  });

  it("skip values on request (preview unknowns, masked secrets)", () => {
    const body = { vlan: "[secret]", name: "x" };
    assert.equal(fieldViolations("networkconf", body).length, 1);
    assert.equal(fieldViolations("networkconf", body, { skip: (v) => v === "[secret]" }).length, 0);
  });

  it("read domain names, rule indexes and rulesets as the controller does", () => {
    assert.deepEqual(fieldsOf("networkconf", { domain_name: "home.arpa" }), []);
    assert.deepEqual(fieldsOf("networkconf", { domain_name: "" }), []);
    assert.deepEqual(fieldsOf("networkconf", { domain_name: "bad_domain!" }), ["domain_name"]);
    assert.deepEqual(fieldsOf("firewallrule", { rule_index: 2000, ruleset: "LAN_IN" }), []);
    assert.deepEqual(fieldsOf("firewallrule", { rule_index: 3000, ruleset: "LANv6_LOCAL" }), [
      "rule_index",
    ]);
    assert.deepEqual(fieldsOf("firewallrule", { ruleset: "LAN_INN" }), ["ruleset"]);
  });

  it("explain enumerations as lists and other patterns as patterns", () => {
    assert.equal(describePattern("drop|reject|accept"), "one of drop, reject, accept");
    assert.match(
      describePattern("[0-9]+"),
      /^a value matching the controller's pattern \[0-9\]\+$/,
    );
    const [violation] = fieldViolations("firewallrule", { action: "allow" });
    assert.equal(formatViolation(violation!), "action: expected one of drop, reject, accept");
  });
});

describe("the classic rules are the controller's own", () => {
  it("every classic field we may send has the controller's pattern, verbatim", () => {
    const controller = CONTROLLER_FIELDS.collections as Record<string, Record<string, unknown>>;
    for (const collection of CLASSIC_COLLECTIONS) {
      const ours = FIELD_RULES[collection];
      assert.ok(Object.keys(ours).length > 2, collection);
      for (const [field, rule] of Object.entries(ours)) {
        assert.ok(field in controller[collection]!, `${collection}.${field} is not a field`);
        assert.deepEqual(rule, controller[collection]![field], `${collection}.${field}`);
      }
    }
    assert.equal(CONTROLLER_FIELDS.version, "9.5.21");
  });

  it("let through what the provider refuses itself: ports past 65535, reversed ranges", () => {
    // The controller's port list is (PORT|PORT-PORT)+(,…){0,14}: "65536" is "6553" then "6".
    assert.deepEqual(fieldsOf("portforward", { dst_port: "65536", fwd_port: "9100-9000" }), []);
    assert.deepEqual(fieldsOf("firewallgroup", { group_members: ["70000", "9-1"] }), []);
  });
});

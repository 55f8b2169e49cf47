/**
 * The guard rails' table of what replaces a FortiOS object (src/policies/replace.ts) held to
 * the provider's own `diff` (src/providers/fortios/provider.ts): for every attribute of the
 * bodies below, the provider asks for a replacement exactly when the table says so.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  FortiosProvider,
  type CmdbInputs,
  type CmdbOutputs,
} from "../../src/providers/fortios/provider";
import { UNKNOWN } from "../../src/providers/kit/values";
import { FORTIOS_IMMUTABLE, replaceReasons } from "../../src/policies/replace";
import type { GuardResource } from "../../src/policies";

const connection = { host: "10.0.0.1", port: 443, vdom: "root", tls: { insecureSkipVerify: true } };

/** A body per table, with attributes the plan sends and the ones the table names. */
const BODIES: Record<string, Record<string, unknown>> = {
  "system/interface": {
    name: "lan",
    type: "physical",
    vlanid: 10,
    interface: "internal1",
    ip: "10.0.0.1 255.255.255.0",
    allowaccess: "ping https",
    description: "LAN",
    role: "lan",
  },
  "vpn.ipsec/phase1-interface": {
    name: "fgn-camille",
    type: "ddns",
    interface: "wan1",
    proposal: "aes256gcm-prfsha384",
    dhgrp: "20",
    "remotegw-ddns": "fgn.camille.example.com",
    comments: "FGN peering",
  },
  "vpn.ipsec/phase2-interface": {
    name: "fgn-camille",
    phase1name: "fgn-camille",
    proposal: "aes256gcm",
  },
  "router/bgp": { as: "4200000001", "router-id": "10.0.0.1", "keepalive-timer": 30 },
};

/** A value other than `value`, of its kind. */
function other(value: unknown): unknown {
  return typeof value === "number" ? value + 1 : `${String(value)}-changed`;
}

function inputs(path: string, body: Record<string, unknown>): CmdbInputs {
  return {
    connection,
    path,
    key: path === "router/bgp" ? undefined : String(body.name),
    body,
    mode: "create-update-delete",
    adopt: false,
    version: "v1",
    referents: {},
  };
}

function guard(i: CmdbInputs): GuardResource {
  return {
    type: "pulumi-nodejs:dynamic/fortios:CmdbObject",
    name: "x",
    inputs: i as unknown as Record<string, unknown>,
    protect: false,
  };
}

describe("what replaces a FortiOS object: the guard rails agree with the provider's diff", () => {
  const provider = new FortiosProvider();
  for (const [path, body] of Object.entries(BODIES)) {
    it(`${path}: each attribute`, async () => {
      const before = inputs(path, body);
      const olds: CmdbOutputs = {
        ...before,
        applied: body as CmdbOutputs["applied"],
        salt: "salt",
        adopted: false,
      };
      for (const attribute of Object.keys(body)) {
        if (attribute === "name") continue;
        const after = inputs(path, { ...body, [attribute]: other(body[attribute]) });
        const diff = await provider.diff("id", olds, after);
        const providerReplaces = (diff.replaces ?? []).includes(`body.${attribute}`);
        const tableReplaces = (FORTIOS_IMMUTABLE[path] ?? []).includes(attribute);
        assert.equal(
          tableReplaces,
          providerReplaces,
          `${path} ${attribute}: the table says ${tableReplaces}, the provider ${providerReplaces}`,
        );
        const reasons = replaceReasons(
          { before: guard(before), after: guard(after), moved: false },
          new Set(),
        );
        assert.equal(
          reasons.length > 0,
          providerReplaces,
          `${path} ${attribute}: ${reasons.join("; ")}`,
        );
      }
    });
  }

  it("every attribute of the table is one of the bodies above (so each is tried)", () => {
    for (const [path, attributes] of Object.entries(FORTIOS_IMMUTABLE)) {
      for (const a of attributes) assert.ok(a in (BODIES[path] ?? {}), `${path} ${a}`);
    }
  });

  it("a referent replaced: the provider answers replace when the engine makes `referents` unknown, the table when it names a replaced one", async () => {
    const body = BODIES["vpn.ipsec/phase2-interface"]!;
    const before = {
      ...inputs("vpn.ipsec/phase2-interface", body),
      referents: { p1: "urn:pulumi:s::p::t::p1" },
    };
    const olds: CmdbOutputs = {
      ...before,
      applied: body as CmdbOutputs["applied"],
      salt: "salt",
      adopted: false,
    };
    const unknown = { ...before, referents: { p1: UNKNOWN } };
    assert.deepEqual((await provider.diff("id", olds, unknown)).replaces, ["referents"]);
    const change = { before: guard(before), after: guard(before), moved: false };
    assert.deepEqual(replaceReasons(change, new Set(["p1"])), ["it names p1, which is replaced"]);
    assert.deepEqual(replaceReasons(change, new Set()), []);
  });
});

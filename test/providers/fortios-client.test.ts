/**
 * The FortiOS REST client against the emulator (and a few hand-written devices): the token
 * as a Bearer header and never in the URL, the vdom parameter, mkey escaping, the envelope,
 * retries on 5xx only, and every failure in plain language without the token.
 */
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { after, describe, it } from "node:test";
import { FortiosError, invalidField } from "../../src/providers/fortios/failures";
import {
  FortiosClient,
  cmdbUrlPath,
  escapeMkey,
  isRetryable,
  type FortiosConnection,
} from "../../src/providers/fortios/client";
import { PATHS } from "../../src/devices/fortios/tables";
import { EMULATOR_TOKEN, MASKED, startFortiGate } from "../emulators/fortigate";
import {
  DEVICE_FINGERPRINT,
  EmulatorServer,
  type EmulatorRequest,
  type ServerOptions,
} from "../emulators/server";
import { plainBody, samples } from "./fortios-fixtures";
import { equivalent } from "../../src/providers/fortios/compare";

const stops: (() => Promise<void>)[] = [];
after(async () => {
  for (const stop of stops) await stop();
});

async function device(...args: Parameters<typeof startFortiGate>) {
  const started = await startFortiGate(...args);
  stops.push(() => started.emulator.stop());
  return started;
}

function clientFor(connection: FortiosConnection, token: string | null = EMULATOR_TOKEN) {
  return new FortiosClient(
    { ...connection, retries: 3 },
    { token: () => token ?? undefined, sleep: () => Promise.resolve() },
  );
}

async function failure(promise: Promise<unknown>): Promise<FortiosError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof FortiosError, `expected a FortiosError, got ${String(error)}`);
    return error;
  }
  assert.fail("the request succeeded");
}

/** A device that answers with `handler` (to see requests, or answer what the emulator does not). */
async function rawDevice(
  handler: (request: EmulatorRequest) => { status: number; body?: unknown },
  options: ServerOptions = {},
) {
  const server = new EmulatorServer(handler, options);
  const url = await server.start();
  stops.push(() => server.stop());
  const connection: FortiosConnection = {
    host: "127.0.0.1",
    port: Number(new URL(url).port),
    tls: { fingerprint: DEVICE_FINGERPRINT },
  };
  return { server, connection };
}

/** One attribute to update in each table. */
const UPDATES: Record<string, [string, string]> = {
  [PATHS.interface]: ["description", "updated"],
  [PATHS.address]: ["comment", "updated"],
  [PATHS.addrgrp]: ["comment", "updated"],
  [PATHS.vip]: ["comment", "updated"],
  [PATHS.policy]: ["comments", "updated"],
  [PATHS.staticRoute]: ["comment", "updated"],
  [PATHS.prefixList]: ["comments", "updated"],
  [PATHS.phase1]: ["comments", "updated"],
  [PATHS.phase2]: ["comments", "updated"],
  [PATHS.dhcpServer]: ["domain", "example.internal"],
  [PATHS.routeMap]: ["comments", "updated"],
  [PATHS.userLocal]: ["status", "disable"],
  [PATHS.userGroup]: ["group-type", "guest"],
};

describe("requests", () => {
  it("sends the token as a Bearer header, never in the URL, and always the vdom", async () => {
    const seen: EmulatorRequest[] = [];
    const { connection } = await rawDevice((request) => {
      seen.push(request);
      return { status: 200, body: { status: "success", http_status: 200, results: [] } };
    });
    await clientFor({ ...connection, vdom: "lab" }).list(PATHS.address);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.headers.authorization, `Bearer ${EMULATOR_TOKEN}`);
    assert.equal(seen[0]!.query.get("vdom"), "lab");
    assert.equal(seen[0]!.query.has("access_token"), false);
    assert.ok(!seen[0]!.rawPath.includes(EMULATOR_TOKEN));
  });

  it("escapes mkeys so that one key is one path segment", async () => {
    assert.equal(escapeMkey("10.0.0.0/24"), "10.0.0.0%2F24");
    assert.equal(escapeMkey("a b(c)'!*#?%"), "a%20b%28c%29%27%21%2A%23%3F%25");
    assert.equal(escapeMkey(".."), "%2E%2E");
    assert.equal(escapeMkey(10042), "10042");
    assert.equal(
      cmdbUrlPath("vpn.ipsec/phase1-interface", "to dc"),
      "/api/v2/cmdb/vpn.ipsec/phase1-interface/to%20dc",
    );
    const { connection, emulator } = await device();
    const client = clientFor(connection);
    for (const name of ["10.0.0.0/24", "odd name (#1) 50% 'quoted'?"]) {
      await client.create(PATHS.address, { name, subnet: "10.0.0.0/24" });
      assert.equal((await client.get(PATHS.address, name))?.name, name);
      await client.update(PATHS.address, name, { comment: "updated" });
      assert.equal(emulator.entry(PATHS.address, name)?.comment, "updated");
      assert.equal(await client.delete(PATHS.address, name), true);
      assert.equal(emulator.entry(PATHS.address, name), undefined);
    }
  });

  it("targets the VDOM of the connection", async () => {
    const { connection, emulator } = await device({ vdoms: ["root", "lab"] });
    const lab = clientFor({ ...connection, vdom: "lab" });
    await lab.create(PATHS.address, { name: "only-in-lab", subnet: "10.1.0.0/16" });
    assert.ok(emulator.entry(PATHS.address, "only-in-lab", "lab"));
    assert.equal(emulator.entry(PATHS.address, "only-in-lab", "root"), undefined);
    assert.equal(await clientFor(connection).get(PATHS.address, "only-in-lab"), undefined);
    const error = await failure(clientFor({ ...connection, vdom: "nosuch" }).list(PATHS.address));
    assert.match(error.message, /needs read permission .* must have access to VDOM "nosuch"/);
  });

  it("reads tables (with a filter), entries and complex objects from the envelope", async () => {
    const { connection } = await device();
    const client = clientFor(connection);
    const all = await client.list(PATHS.address);
    assert.deepEqual(
      all.map((a) => a.name),
      ["all", "none"],
    );
    assert.deepEqual(
      (await client.list(PATHS.address, { filter: "name==none" })).map((a) => a.name),
      ["none"],
    );
    assert.equal((await client.get(PATHS.address, "all"))?.q_origin_key, "all");
    assert.equal(await client.get(PATHS.address, "missing"), undefined);
    const bgp = await client.getComplex(PATHS.bgp);
    assert.equal(bgp["keepalive-timer"], 60);
  });

  it("creates, reads, updates and deletes an entry of every table the edge uses", async () => {
    const { connection, emulator } = await device();
    const client = clientFor(connection);
    const list = samples();
    for (const { spec } of list) {
      const body = plainBody(spec);
      if (spec.key === undefined || spec.mode === "update-only") {
        await client.update(spec.path, spec.key, body);
      } else {
        const mkey = await client.create(spec.path, body);
        assert.equal(String(mkey), String(spec.key));
      }
      const back =
        spec.key === undefined
          ? await client.getComplex(spec.path)
          : await client.get(spec.path, spec.key);
      assert.ok(back, `${spec.path} ${String(spec.key)} reads back`);
      for (const [attribute, value] of Object.entries(body)) {
        if (spec.secretFields.includes(attribute)) {
          assert.equal(back[attribute], MASKED, "secrets read back masked");
        } else {
          assert.ok(
            equivalent(value, back[attribute], attribute),
            `${spec.path} ${attribute}: sent ${JSON.stringify(value)}, read ${JSON.stringify(back[attribute])}`,
          );
        }
      }
    }
    // Update one attribute of each created entry, then delete in reverse order.
    for (const { spec } of [...list].reverse()) {
      if (spec.key === undefined) {
        await client.update(spec.path, undefined, spec.reset ?? {});
        assert.deepEqual(emulator.complex(spec.path).neighbor, []);
        continue;
      }
      if (spec.mode === "update-only") continue;
      const [attribute, value] = UPDATES[spec.path]!;
      await client.update(spec.path, spec.key, { [attribute]: value });
      assert.equal(emulator.entry(spec.path, spec.key)?.[attribute], value);
      assert.equal(await client.delete(spec.path, spec.key), true);
      assert.equal(emulator.entry(spec.path, spec.key), undefined);
    }
    assert.equal(await client.delete(PATHS.address, "net-lan"), false, "already gone");
  });

  it("keeps at most maxInFlight requests in flight (default 4)", async () => {
    const { connection, emulator } = await device({}, { latencyMs: 20 });
    const client = clientFor(connection);
    await Promise.all(Array.from({ length: 16 }, () => client.list(PATHS.address)));
    assert.equal(emulator.server.count(), 16);
    assert.ok(emulator.server.maxInFlight <= 4, `max in flight ${emulator.server.maxInFlight}`);
    assert.ok(emulator.server.maxInFlight >= 2, "requests did overlap");
  });
});

describe("retries", () => {
  const response = (status: number, body?: unknown) => ({
    status,
    headers: {},
    text: body === undefined ? "" : JSON.stringify(body),
    json: body,
  });

  it("classifies 502/503/504 and a 500 without a FortiOS code as retryable, nothing else", () => {
    assert.equal(isRetryable(response(503)), true);
    assert.equal(isRetryable(response(502)), true);
    assert.equal(isRetryable(response(504)), true);
    assert.equal(isRetryable(response(500)), true);
    assert.equal(isRetryable(response(500, { status: "error", http_status: 500 })), true);
    assert.equal(isRetryable(response(500, { status: "error", error: -651 })), false);
    assert.equal(isRetryable(response(500, { status: "error", error: -5 })), false);
    for (const status of [400, 401, 403, 404, 405, 424, 429]) {
      assert.equal(isRetryable(response(status)), false, String(status));
    }
  });

  it("retries a busy device, never a real answer", async () => {
    let calls = 0;
    const { connection } = await rawDevice(() => {
      calls++;
      return calls < 3
        ? { status: 500, body: "<html>busy</html>" }
        : { status: 200, body: { status: "success", http_status: 200, results: [] } };
    });
    assert.deepEqual(await clientFor(connection).list(PATHS.address), []);
    assert.equal(calls, 3);
    calls = 0;
    const { connection: strict } = await rawDevice(() => {
      calls++;
      return {
        status: 500,
        body: {
          status: "error",
          http_status: 500,
          error: -651,
          cli_error: "node_check_object fail! for name x\n",
        },
      };
    });
    await failure(clientFor(strict).update(PATHS.address, "a", { comment: "x" }));
    assert.equal(calls, 1, "a FortiOS error code is an answer");
  });

  it("gives up on a device that stays busy, in plain language", async () => {
    const { connection } = await rawDevice(() => ({ status: 503, body: "busy" }));
    const error = await failure(clientFor(connection).get(PATHS.address, "lan"));
    assert.equal(error.kind, "device");
    assert.match(
      error.message,
      /^FortiGate 127\.0\.0\.1:\d+ failed to answer GET firewall\/address "lan" \(HTTP 503\) after the retries: the device may be overloaded or restarting; run again later\.$/,
    );
  });
});

describe("errors in plain language, without the token", () => {
  it("401: the token or the trusted hosts", async () => {
    const { connection, emulator } = await device();
    const wrong = await failure(
      clientFor(connection, "not-the-token-0123456789").list(PATHS.address),
    );
    assert.equal(wrong.kind, "auth");
    assert.equal(wrong.status, 401);
    assert.match(
      wrong.message,
      /^FortiGate 127\.0\.0\.1:\d+ refused the API token \(HTTP 401\)\. Either the token is wrong \(set homelab:fortigateApiToken to the key shown by "execute api-user generate-key <admin>"\), or this machine is not a trusted host of the REST API admin: its trusthost list \(config system api-user > edit <admin> > config trusthost\) must contain the address the FortiGate sees for this machine\.$/,
    );
    emulator.untrustedSource = 401;
    const untrusted = await failure(clientFor(connection).list(PATHS.address));
    assert.match(untrusted.message, /trusted host of the REST API admin/);
  });

  it("403: access profile, VDOM and trusted hosts", async () => {
    const { connection, emulator } = await device();
    emulator.readOnlyProfile = true;
    const error = await failure(clientFor(connection).create(PATHS.address, { name: "x" }));
    assert.equal(error.kind, "auth");
    assert.match(
      error.message,
      /^FortiGate 127\.0\.0\.1:\d+ denied POST firewall\/address \(HTTP 403\)\. The REST API admin is not allowed to do this: its access profile \(accprofile\) needs read-write permission for this part of the configuration, the admin must have access to VDOM "root", and this machine's address must be in the admin's trusted hosts \(config trusthost\)\.$/,
    );
    emulator.readOnlyProfile = false;
    emulator.untrustedSource = 403;
    assert.match(
      (await failure(clientFor(connection).list(PATHS.address))).message,
      /trusted hosts/,
    );
  });

  it("names a missing token and how to set it", async () => {
    const { connection } = await device();
    const error = await failure(clientFor(connection, null).list(PATHS.address));
    assert.equal(error.kind, "config");
    assert.match(
      error.message,
      /^no API token for FortiGate 127\.0\.0\.1:\d+: set it with "pulumi config set --secret homelab:fortigateApiToken"/,
    );
  });

  it("-5 already exists, 404/-3 not found, 405 on a complex object", async () => {
    const { connection } = await device();
    const client = clientFor(connection);
    const exists = await failure(client.create(PATHS.address, { name: "all" }));
    assert.equal(exists.kind, "exists");
    assert.equal(exists.code, -5);
    assert.match(
      exists.message,
      /^firewall\/address "all" already exists on FortiGate .* \(FortiOS error -5\)\.$|^firewall\/address already exists/,
    );
    const missing = await failure(client.update(PATHS.address, "nosuch", { comment: "x" }));
    assert.equal(missing.kind, "not-found");
    assert.match(
      missing.message,
      /^firewall\/address "nosuch" does not exist on FortiGate .* in VDOM "root" \(HTTP 404\)\.$/,
    );
    const method = await failure(client.create(PATHS.bgp, { as: "65001" }));
    assert.equal(method.kind, "method");
    assert.match(
      method.message,
      /does not allow POST on router\/bgp \(HTTP 405\): complex objects such as router\/bgp can only be read and updated \(PUT\), never created or deleted\./,
    );
    const path = await failure(client.list("firewall/nosuch"));
    assert.match(
      path.message,
      /has no firewall\/nosuch in VDOM "root" \(HTTP 404\): check fortigate\.vdom, and that this FortiOS version has this table\./,
    );
  });

  it("-651 names the field and the value; -23 says what uses the object", async () => {
    const { connection } = await device();
    const client = clientFor(connection);
    const invalid = await failure(
      client.create(PATHS.policy, {
        policyid: 5,
        name: "p",
        srcintf: [{ name: "wan1" }],
        dstintf: [{ name: "internal3" }],
        srcaddr: [{ name: "homeNetwork" }],
        dstaddr: [{ name: "all" }],
        service: [{ name: "ALL" }],
        schedule: "always",
      }),
    );
    assert.equal(invalid.kind, "invalid");
    assert.equal(invalid.code, -651);
    assert.match(
      invalid.message,
      /^FortiGate .* rejected POST firewall\/policy \(FortiOS error -651\): the value "homeNetwork" of name is invalid: check the spelling of options, the format of addresses, and that every referenced object \(interface, address, prefix list, phase1\) exists\. FortiOS says: node_check_object fail! for name homeNetwork; value parse error before 'homeNetwork'\.$/,
    );
    assert.deepEqual(
      invalidField("node_check_object fail! for name homeNetwork\n\nvalue parse error"),
      {
        field: "name",
        value: "homeNetwork",
      },
    );
    await client.create(PATHS.address, { name: "a", subnet: "10.0.0.0/8" });
    await client.create(PATHS.addrgrp, { name: "g", member: [{ name: "a" }] });
    const used = await failure(client.delete(PATHS.address, "a"));
    assert.equal(used.kind, "in-use");
    assert.match(
      used.message,
      /^cannot delete firewall\/address "a" on FortiGate .*: it is still used by other objects \(FortiOS error -23\)\. .* FortiOS says: entry is used by firewall\/addrgrp g member \(name\)\.$/,
    );
  });

  it("other codes: tunnel creation (-158), out of range (-650), 424", async () => {
    const { connection } = await device();
    const client = clientFor(connection);
    const tunnel = await failure(
      client.create(PATHS.interface, { name: "t1", vdom: "root", type: "tunnel" }),
    );
    assert.match(
      tunnel.message,
      /\(HTTP 500, FortiOS error -158: a VLAN interface needs a valid VLAN id: set vlanid \(1-4094\); tunnel interfaces cannot be created directly, they come with their phase1\)\. FortiOS says: Please input vlanid\.; object set operator error, -158 discard the setting\./,
    );
    const range = await failure(
      client.create(PATHS.staticRoute, { "seq-num": 1, distance: 300, device: "wan1" }),
    );
    assert.match(
      range.message,
      /FortiOS error -650: an integer value is out of range: check the allowed range of the field\)/,
    );
    const { connection: old } = await rawDevice(() => ({
      status: 424,
      body: { status: "error", http_status: 424, cli_error: "missing required attribute" },
    }));
    const dependency = await failure(clientFor(old).create(PATHS.address, { name: "x" }));
    assert.match(
      dependency.message,
      /refused POST firewall\/address \(HTTP 424: a duplicate, a missing required attribute or an invalid value\)\. FortiOS says: missing required attribute\./,
    );
  });

  it("never puts the token in an error, its message, stack or inspection", async () => {
    const echo = await rawDevice((request) => ({
      status: 500,
      body: {
        status: "error",
        http_status: 500,
        error: -651,
        cli_error: `node_check_object fail! for token ${String(request.headers.authorization)}`,
      },
    }));
    const { connection: impostor } = await rawDevice(() => ({ status: 200 }), { cert: "other" });
    const errors = [
      await failure(clientFor(echo.connection).update(PATHS.address, "x", { comment: "y" })),
      await failure(clientFor(impostor).list(PATHS.address)),
      await failure(
        clientFor(echo.connection, EMULATOR_TOKEN).create("firewall/address", { name: "z" }),
      ),
    ];
    assert.equal(errors[1]!.kind, "transport");
    assert.match(errors[1]!.message, /TLS: the device certificate has fingerprint/);
    for (const error of errors) {
      for (const text of [
        error.message,
        error.stack ?? "",
        inspect(error, { depth: 10 }),
        JSON.stringify(error),
        error.cliError ?? "",
      ]) {
        assert.ok(!text.includes(EMULATOR_TOKEN), `token leaked in: ${text.slice(0, 200)}`);
      }
    }
    assert.match(errors[0]!.message, /\[redacted\]/);
  });
});

/**
 * The UniFi client against the emulated console: both auth modes, CSRF, re-login, the two
 * envelopes, site selection, errors in plain language without credentials.
 */
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { describe, it } from "node:test";
import { collectionPath } from "../../../src/devices/unifi/api";
import { explainCode, UnifiError } from "../../../src/providers/unifi/errors";
import { TEST_API_KEY, TEST_PASSWORD } from "../../emulators/unifi";
import { testClient, useConsoles } from "../../emulators/unifi-fixtures";

const console_ = useConsoles();
const client = testClient;

async function failure(promise: Promise<unknown>): Promise<UnifiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof UnifiError, `expected a UnifiError, got ${String(error)}`);
    return error;
  }
  assert.fail("the call succeeded");
}

const NETWORKS = collectionPath("default", "networkconf");
const GROUPS = collectionPath("default", "firewallgroup");
const DNS = collectionPath("default", "static-dns");

function noSecretIn(error: Error, ...secrets: string[]): void {
  for (const text of [error.message, error.stack ?? "", inspect(error, { depth: 5 })]) {
    for (const secret of secrets)
      assert.ok(!text.includes(secret), `a credential leaked into: ${text}`);
  }
}

describe("API key auth", () => {
  it("sends X-API-KEY, unwraps the classic envelope and the v2 bare JSON", async () => {
    const { emulator, url } = await console_();
    const c = client(url);
    const networks = await c.list(NETWORKS);
    assert.deepEqual(
      networks.map((n) => n.name),
      ["Default", "Internet 1"],
    );
    const zones = await c.list(collectionPath("default", "firewall/zone"));
    assert.equal(zones.length, 6);
    assert.equal(await c.version(), "9.5.21");
    assert.deepEqual(await c.sites(), [{ name: "default", desc: "Default" }]);
    assert.equal(emulator.logins, 0, "an API key needs no login");
  });

  it("explains a missing key before sending anything", async () => {
    const { emulator, url } = await console_();
    const error = await failure(client(url, {}, {}).list(NETWORKS));
    assert.equal(error.kind, "auth");
    assert.match(
      error.message,
      /^no UniFi API key: create one in the Network application \(Settings > Control Plane > Integrations\) and set it with pulumi config set --secret homelab:unifiApiKey/,
    );
    assert.equal(emulator.server.count(), 0);
  });

  it("explains a rejected key, without the key", async () => {
    const { url } = await console_();
    const wrong = "not-the-right-key-0123456789";
    const error = await failure(client(url, {}, { apiKey: wrong }).list(NETWORKS));
    assert.equal(error.status, 401);
    assert.match(
      error.message,
      /the API key was rejected \(HTTP 401\): check the secret homelab:unifiApiKey; API keys need UniFi Network 9\.0\.114 or newer/,
    );
    noSecretIn(error, wrong);
  });

  it("explains a key that may read but not write (api.err.NoPermission)", async () => {
    const readOnly = "read-only-key-abcdef0123456789";
    const { url } = await console_({ readOnlyApiKey: readOnly });
    const c = client(url, {}, { apiKey: readOnly });
    assert.equal((await c.list(GROUPS)).length, 0);
    const error = await failure(
      c.classic("POST", GROUPS, { name: "x", group_type: "port-group", group_members: ["80"] }),
    );
    assert.equal(error.code, "api.err.NoPermission");
    assert.match(
      error.message,
      /may read but not change this: give the admin the Network application's full management role/,
    );
    noSecretIn(error, readOnly);
  });
});

describe("username/password auth", () => {
  const session = { auth: "password" as const, username: "admin" };

  it("logs in once, sends the CSRF token on writes, and keeps working", async () => {
    const { emulator, url } = await console_();
    const c = client(url, session, { password: TEST_PASSWORD });
    const [group] = await c.classic("POST", GROUPS, {
      name: "web",
      group_type: "port-group",
      group_members: ["80", "443"],
    });
    assert.equal(group?.name, "web");
    await c.classic("PUT", `${GROUPS}/${group._id!}`, { group_members: ["443"] });
    await c.classic("DELETE", `${GROUPS}/${group._id!}`);
    assert.equal(emulator.logins, 1);
    assert.equal(emulator.docs("firewallgroup").length, 0);
  });

  it("the console refuses a session write without the CSRF token", async () => {
    const { emulator, url } = await console_();
    const c = client(url, session, { password: TEST_PASSWORD });
    await c.list(GROUPS);
    // The same session cookie, without the CSRF header: what a client that forgets it gets.
    const cookie = (c as unknown as { session: { cookie: string } }).session.cookie;
    const response = await c.http.request({
      method: "POST",
      path: GROUPS,
      headers: { cookie },
      body: { name: "x", group_type: "port-group", group_members: ["1"] },
    });
    assert.equal(response.status, 403);
    assert.equal(response.text, "");
    assert.equal(emulator.docs("firewallgroup").length, 0);
  });

  it("logs in again, once, when the session expired", async () => {
    const { emulator, url } = await console_();
    const c = client(url, session, { password: TEST_PASSWORD });
    await c.list(NETWORKS);
    emulator.expireSessions();
    await c.classic("POST", GROUPS, {
      name: "after-expiry",
      group_type: "port-group",
      group_members: ["22"],
    });
    assert.equal(emulator.logins, 2);
    assert.equal(emulator.docs("firewallgroup").length, 1);
  });

  it("explains rejected credentials, without the password", async () => {
    const { url } = await console_();
    const wrong = "hunter2-but-longer";
    const error = await failure(client(url, session, { password: wrong }).list(NETWORKS));
    assert.equal(error.status, 403);
    assert.equal(error.code, "AUTHENTICATION_FAILED_INVALID_CREDENTIALS");
    assert.match(
      error.message,
      /login of "admin" refused \(HTTP 403\): the username or password was rejected: check homelab:unifi\.username and the secret homelab:unifiPassword/,
    );
    noSecretIn(error, wrong);
  });

  it("explains the login limit and does not hammer the console", async () => {
    const { emulator, url } = await console_({ loginLimit: 0 });
    const error = await failure(client(url, session, { password: TEST_PASSWORD }).list(NETWORKS));
    assert.equal(error.status, 429);
    assert.match(
      error.message,
      /refuses logins for a while \(too many attempts\): wait a minute and retry; an API key \(auth: apiKey\) avoids logins altogether/,
    );
    assert.equal(
      emulator.server.count((e) => e.path === "/api/auth/login"),
      1,
    );
  });

  it("explains a console that opens no session, refuses it, or refuses its writes", async () => {
    const noSession = await console_({ quirks: { loginWithoutSession: true } });
    const opened = await failure(
      client(noSession.url, session, { password: TEST_PASSWORD }).list(NETWORKS),
    );
    assert.match(
      opened.message,
      /the login answered 200 but opened no session \(the console may be throttling logins\): wait a minute and retry/,
    );

    const refused = await console_({ quirks: { refuseSessions: true } });
    const again = await failure(
      client(refused.url, session, { password: TEST_PASSWORD }).list(NETWORKS),
    );
    assert.match(
      again.message,
      /the session was refused again right after a fresh login \(HTTP 401\): does the local admin "admin" have access to the Network application\?/,
    );
    assert.equal(refused.emulator.logins, 2, "logged in again once, not more");

    const readOnly = await console_({ quirks: { refuseSessionWrites: true } });
    const c = client(readOnly.url, session, { password: TEST_PASSWORD });
    assert.equal((await c.list(GROUPS)).length, 0);
    const write = await failure(
      c.classic("POST", GROUPS, { name: "x", group_type: "port-group", group_members: ["1"] }),
    );
    assert.match(
      write.message,
      /POST \/proxy\/network\/api\/s\/default\/rest\/firewallgroup refused \(HTTP 403\) even with a fresh CSRF token: the admin may lack write access/,
    );
    assert.equal(readOnly.emulator.logins, 2);
  });

  it("needs a password and a username", async () => {
    const { url } = await console_();
    const error = await failure(client(url, session, {}).list(NETWORKS));
    assert.match(
      error.message,
      /^no UniFi password: set it with pulumi config set --secret homelab:unifiPassword/,
    );
    assert.throws(
      () => client(url, { auth: "password" }, { password: TEST_PASSWORD }),
      /auth: password needs the local admin's username: set homelab:unifi.username/,
    );
  });
});

describe("errors", () => {
  it("names the sites when the site does not exist, and the name when given the description", async () => {
    const { url } = await console_({
      sites: [
        { name: "default", desc: "Default" },
        { name: "x7k2p9", desc: "Annex" },
      ],
    });
    const byDesc = await failure(
      client(url, { site: "Annex" }).list(collectionPath("Annex", "networkconf")),
    );
    assert.match(
      byDesc.message,
      /site "Annex" does not exist: "Annex" is the description of site "x7k2p9"; set homelab:unifi\.site to "x7k2p9" \[api\.err\.NoSiteContext\]/,
    );
    const unknown = await failure(
      client(url, { site: "lab" }).list(collectionPath("lab", "networkconf")),
    );
    assert.match(
      unknown.message,
      /site "lab" does not exist: the controller's sites are "default" \(Default\), "x7k2p9" \(Annex\)/,
    );
    assert.equal(unknown.status, 200, "a soft failure: HTTP 200 with rc error");
    const v2 = await failure(
      client(url, { site: "lab" }).list(collectionPath("lab", "firewall/zone")),
    );
    assert.match(
      v2.message,
      /site "lab" does not exist: the controller's sites are "default" \(Default\), "x7k2p9" \(Annex\) \[api\.err\.InvalidSite\]/,
    );
    const notSite = await failure(
      client(url).list(
        collectionPath("default", "static-dns").replace("static-dns", "static-dns/none"),
      ),
    );
    assert.doesNotMatch(
      notSite.message,
      /does not exist: the controller's sites/,
      "other errors get no site hint",
    );
  });

  it("explains api.err codes and the field that failed", async () => {
    const { url } = await console_();
    const c = client(url);
    const vlan = await failure(
      c.classic("POST", NETWORKS, { name: "x", purpose: "corporate", ip_subnet: "10.9.0.1/24" }),
    );
    assert.equal(vlan.code, "api.err.VlanUsed");
    assert.match(
      vlan.message,
      /POST \/proxy\/network\/api\/s\/default\/rest\/networkconf failed: the VLAN id is already used by another network on the controller .* \[api\.err\.VlanUsed, HTTP 400\]$/,
    );
    const payload = await failure(
      c.classic("POST", NETWORKS, { name: "x", purpose: "corporate", vlan: 1 }),
    );
    assert.match(
      payload.message,
      /a field does not match the controller's rules.*\(field vlan does not match the controller's rule/,
    );
    const dup = await failure(
      (async () => {
        await c.v2("POST", DNS, { key: "a.home.arpa", record_type: "A", value: "10.0.0.1" });
        await c.v2("POST", DNS, { key: "a.home.arpa", record_type: "A", value: "10.0.0.2" });
      })(),
    );
    assert.equal(dup.code, "api.err.StaticDnsRecordAlreadyExists");
    assert.match(dup.message, /a static DNS record with this name and type already exists/);
    const gone = await failure(c.classic("GET", `${NETWORKS}/0123456789abcdef01234567`));
    assert.equal(gone.kind, "notFound");
  });

  it("has an explanation for every code the issue names", () => {
    for (const code of [
      "VlanUsed",
      "InvalidDHCPRange",
      "FirewallGroupExisted",
      "WireguardMissingPrivateKey",
      "LoginRequired",
      "NoPermission",
      "api.err.FirewallRuleIndexOutOfRange",
    ]) {
      assert.ok((explainCode(code) ?? "").length > 20, code);
    }
    assert.match(
      explainCode("api.err.WireguardMissingPrivateKey")!,
      /wg genkey \| pulumi config set --secret homelab:wireguardPrivateKey/,
    );
    assert.equal(explainCode("api.err.SomethingNew"), undefined);
  });

  it("retries a busy console (503) for reads", async () => {
    const { emulator, url } = await console_({
      server: { faults: { rate: 1, kinds: ["status-503"], methods: ["GET"] } },
    });
    const c = client(url);
    const pending = c.list(NETWORKS);
    await assert.rejects(pending, (e: UnifiError) => e.status === 503);
    assert.equal(emulator.server.count(), 5, "the first try and 4 retries");
    emulator.server.setFaults({ rate: 0.5, kinds: ["status-503"], seed: 3 });
    for (let i = 0; i < 5; i++) assert.equal((await c.list(NETWORKS)).length, 2);
  });

  it("refuses an impostor certificate before the key is sent", async () => {
    const { emulator, url } = await console_({ server: { cert: "other" } });
    const error = await failure(client(url).list(NETWORKS));
    assert.equal(error.kind, "transport");
    assert.match(error.message, /TLS: the device certificate has fingerprint/);
    assert.equal(emulator.server.count(), 0);
    noSecretIn(error, TEST_API_KEY);
  });
});

/**
 * Least privilege (issue 14, item 6): the internet-facing proxy's certificate resolver gets
 * its own DNS-edit-only Cloudflare token (`homelab:cloudflareDnsToken`), never the program's
 * zone token, which can also change the zone's settings. A real run needs it, with the
 * command that sets it, and refuses the zone token copied into it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { loadOffline } from "../../src/cli/offline";
import { runAsEngine } from "../helpers/runtime";
import { siteModel } from "../helpers/site";
import { ANNEX, HOME, pathOf } from "../helpers/sites";

const ROOT = join(__dirname, "..", "..");

describe("the Cloudflare token of the certificate resolver", () => {
  it("annex: Traefik's DNS challenge reads cloudflareDnsToken, the zone keeps cloudflareApiToken", () => {
    const annex = loadOffline(ROOT, ANNEX.stack, pathOf(ANNEX));
    const names = annex.loaded.secrets.map((s) => s.name);
    assert.ok(names.includes("cloudflareDnsToken") && names.includes("cloudflareApiToken"));
    const model = siteModel(ANNEX);
    assert.equal(model.services?.proxy?.kind, "traefik");
    assert.deepEqual(model.services?.proxy?.settings.cloudflareToken, {
      secret: "cloudflareDnsToken",
    });
    const traefik = model.services?.stacks
      .flatMap((s) => s.containers)
      .find((c) => "CF_DNS_API_TOKEN" in c.env);
    assert.deepEqual(traefik?.env.CF_DNS_API_TOKEN, { secret: "cloudflareDnsToken" });
    const everything = JSON.stringify(model.services?.stacks);
    assert.ok(!everything.includes('"cloudflareApiToken"'), "no container gets the zone token");
  });

  describe("under the engine (home, with the DNS challenge)", () => {
    const home = loadOffline(ROOT, HOME.stack, pathOf(HOME));
    const proxy = JSON.parse(home.config["homelab:proxy"]!) as { tls: { acme: string } };
    proxy.tls.acme = "cloudflare-dns";
    const config: Record<string, string> = {
      ...home.config,
      "homelab:proxy": JSON.stringify(proxy),
    };
    for (const key of home.secretKeys) config[key] = `set-${key}`;
    const keys = [...home.secretKeys];

    async function runError(extra: Record<string, string>, secretKeys: string[]): Promise<string> {
      try {
        await runAsEngine("home", { ...config, ...extra }, secretKeys);
      } catch (error) {
        assert.ok(pulumi.RunError.isInstance(error), String(error));
        return error.message;
      }
      return assert.fail("the program ran");
    }

    it("a missing DNS token is named with the command that sets it", async () => {
      const message = await runError({}, keys);
      assert.match(
        message,
        /homelab:cloudflareDnsToken\n {4}secret is not set \(Cloudflare API token of the proxy's ACME DNS challenge, a separate one: Zone > DNS > Edit and Zone > Zone > Read, on the zone only \(docs\/credentials\.md\)\)\. Set it with:\n {4}pulumi config set --secret homelab:cloudflareDnsToken --stack home\n/,
      );
    });

    it("the zone token copied into it is refused, without printing it", async () => {
      const token = "Zq3xW9vB7nK2mP4tR8sY1uC6dF0gH5jL2aE7iO9b";
      const message = await runError(
        { "homelab:cloudflareApiToken": token, "homelab:cloudflareDnsToken": token },
        [...keys, "homelab:cloudflareDnsToken"],
      );
      assert.match(
        message,
        /homelab:cloudflareDnsToken\n {4}holds the same token as homelab:cloudflareApiToken, which can also change the zone's settings/,
      );
      assert.match(message, /pulumi config set --secret homelab:cloudflareDnsToken --stack home/);
      assert.ok(!message.includes(token));
    });
  });
});

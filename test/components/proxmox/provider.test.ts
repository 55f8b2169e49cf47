/**
 * The provider's arguments pin every setting the plugin would otherwise take from
 * PROXMOX_VE_* variables, and the README names the ones it cannot pin.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { proxmoxSchema } from "../../../src/config/proxmox";
import { proxmoxConnection } from "../../../src/model/proxmox-plan";
import {
  AMBIENT_PROVIDER_ENV,
  AMBIENT_WITHOUT_SSH_ENV,
  MIN_TLS,
  apiToken,
  providerArgs,
} from "../../../src/components/proxmox/provider";

const ROOT = join(__dirname, "..", "..", "..");
const base = {
  endpoint: "https://10.0.0.11:8006/",
  apiTokenId: "pulumi@pve!t",
  nodes: [{ name: "pve1", address: "10.0.0.11" }],
};

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

describe("Proxmox provider arguments", () => {
  it("insecure is always explicit (false by default), TLS 1.3, no random ids, no ssh unless declared", () => {
    const token = pulumi.secret("x");
    const args = providerArgs(proxmoxConnection(proxmoxSchema.parse(base)), token);
    assert.equal(args.insecure, false);
    assert.equal(args.minTls, MIN_TLS);
    assert.equal(args.randomVmIds, false);
    assert.equal(args.endpoint, "https://10.0.0.11:8006/");
    assert.equal(args.apiToken, token);
    assert.equal(args.ssh, undefined);
    const optOut = providerArgs(
      proxmoxConnection(
        proxmoxSchema.parse({ ...base, tls: { insecureSkipVerify: true }, ssh: { agent: false } }),
      ),
      token,
    );
    assert.equal(optOut.insecure, true);
    assert.deepEqual(optOut.ssh, {
      username: "root",
      agent: false,
      agentForwarding: false,
      nodes: [{ name: "pve1", address: "10.0.0.11" }],
    });
  });

  it("the token joins the id and the secret, and stays secret", async () => {
    const token = apiToken("pulumi@pve!homelab", pulumi.secret("0f1e-uuid"));
    assert.equal(await valueOf(token), "pulumi@pve!homelab=0f1e-uuid");
    assert.equal(await pulumi.isSecret(token), true);
  });

  it("the guide names every variable the provider still reads; the README has the manual steps", () => {
    const guide = readFileSync(join(ROOT, "docs", "proxmox.md"), "utf8");
    for (const name of [...AMBIENT_PROVIDER_ENV, ...AMBIENT_WITHOUT_SSH_ENV]) {
      assert.ok(guide.includes(`\`${name}\``), `${name} is not in docs/proxmox.md`);
    }
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const start = readme.indexOf("\n## Proxmox: the manual steps\n");
    assert.ok(start >= 0, "README has the Proxmox manual steps");
    const manual = readme.slice(start, readme.indexOf("\n## ", start + 1));
    for (const text of ["pvecm create", "pvecm add", "quorum_votes: 2", "pvecm expected 1"]) {
      assert.ok(manual.includes(text), `README manual steps lack "${text}"`);
    }
    for (const text of [
      "pvecm create",
      "pveum user token add",
      "insecureSkipVerify",
      "pulumi state unprotect",
      "pvesm set local --content",
    ]) {
      assert.ok(guide.includes(text), `docs/proxmox.md lacks "${text}"`);
    }
  });
});

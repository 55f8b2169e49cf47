/**
 * FortiGate edge options: `adopt` reaches every object, the TLS CA file is read (relative to
 * the project) and passed as PEM text; a missing or non-PEM CA file is a clear error.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import type { Plan } from "../../src/cli/mock-runtime";
import { connectionOf } from "../../src/components/fortigate/edge";
import { buildModel } from "../../src/model";
import { DEVICE_CERT } from "../emulators/server";
import { loadHome } from "../model/fortigate-plan";
import { ROOT, ofType, plan } from "../helpers/plan";

const CA = "test/fixtures/tls/device-cert.pem";

let adopted: Plan;

before(async () => {
  const text = readFileSync(join(ROOT, "Pulumi.home.yaml"), "utf8");
  const changed = text.replace(
    / {4}tls:\n {6}fingerprint: "[0-9A-F:]+"\n/,
    `    adopt: true\n    tls:\n      ca: ${CA}\n`,
  );
  assert.notEqual(changed, text, "the home stack's FortiGate tls block was found");
  const file = join(mkdtempSync(join(tmpdir(), "fortigate-")), "Pulumi.home.yaml");
  writeFileSync(file, changed);
  adopted = await plan("home", file);
});

describe("FortiGate edge options", () => {
  it("adopt: true reaches every FortiOS object; the CA goes as PEM text", () => {
    const objects = ofType(adopted, "pulumi-nodejs:dynamic/fortios:CmdbObject");
    assert.ok(objects.length > 40);
    for (const o of objects) {
      assert.equal(o.inputs.adopt, true, o.name);
      const tls = (o.inputs.connection as { tls: { ca?: string; fingerprint?: string } }).tls;
      assert.equal(tls.ca, DEVICE_CERT);
      assert.equal(tls.fingerprint, undefined);
    }
  });

  it("a missing or non-PEM CA file is named with the fix", () => {
    const model = buildModel(loadHome()).model;
    const withCa = (ca: string) => ({
      ...model,
      config: {
        ...model.config,
        fortigate: { ...model.config.fortigate!, tls: { ca, insecureSkipVerify: false } },
      },
    });
    assert.throws(
      () => connectionOf(withCa("certs/nosuch.pem"), ROOT),
      (error: Error) => {
        assert.ok(pulumi.RunError.isInstance(error), "a RunError: printed without a stack trace");
        assert.equal(
          error.message,
          "homelab:fortigate.tls.ca: cannot read certs/nosuch.pem (file not found): give the path, relative to the project, of the PEM file of the CA that signed the FortiGate's certificate, or pin the certificate with tls.fingerprint instead",
        );
        return true;
      },
    );
    assert.throws(
      () => connectionOf(withCa("test/fixtures/tls/README.md"), ROOT),
      /homelab:fortigate\.tls\.ca: test\/fixtures\/tls\/README\.md is not a PEM certificate/,
    );
    assert.equal(connectionOf(withCa(CA), ROOT).tls.ca, DEVICE_CERT);
    assert.equal(connectionOf(model, ROOT).tls.ca, undefined);
  });
});

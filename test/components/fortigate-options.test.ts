/**
 * FortiGate edge options: `adopt` reaches every object, the TLS CA file is read when the
 * site loads (relative to the project) and passed as PEM text; a missing or non-PEM CA file
 * is a clear problem at its key and line.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import type { Plan } from "../../src/cli/mock-runtime";
import { ConfigError, formatPath, type Problem } from "../../src/config/errors";
import { loadSite, stackFileSource, type LoadedSite } from "../../src/config/load";
import { buildModel } from "../../src/model";
import { DEVICE_CERT } from "../emulators/server";
import { loadHome } from "../model/fortigate-plan";
import { ROOT, ofType, plan } from "../helpers/plan";
import { HOME, pathOf, variant, type StackFile } from "../helpers/sites";

const CA = "test/fixtures/tls/device-cert.pem";

let adopted: Plan;

/** The home stack file with its FortiGate trusting the CA file `ca` (and `adopt: true`). */
function homeWithCa(ca: string, adopt = ""): StackFile {
  return variant(HOME, (text) =>
    text.replace(
      / {4}tls:\n {6}fingerprint: "[0-9A-F:]+"\n/,
      `${adopt}    tls:\n      ca: ${ca}\n`,
    ),
  );
}

function load(site: StackFile): LoadedSite {
  return loadSite(stackFileSource(pathOf(site), "home", HOME.file), {
    root: ROOT,
    requireSecrets: false,
  });
}

/** The problems of the home stack with tls.ca: `ca`, the report, and the line of `ca:`. */
function problemsWithCa(ca: string): {
  problems: readonly Problem[];
  report: string;
  line: number;
} {
  const file = homeWithCa(ca);
  try {
    load(file);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    const line = readFileSync(pathOf(file), "utf8").split("\n").indexOf(`      ca: ${ca}`) + 1;
    return { problems: error.problems, report: error.message, line };
  }
  return assert.fail(`tls.ca: ${ca} loaded without a problem`);
}

before(async () => {
  adopted = await plan(homeWithCa(CA, "    adopt: true\n"));
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

  it("a missing or non-PEM CA file is named with the fix, at its line, when the site loads", () => {
    const missing = problemsWithCa("certs/nosuch.pem");
    assert.equal(missing.problems.length, 1);
    const [problem] = missing.problems as [Problem];
    assert.equal(
      `${formatPath(problem.path)}: ${problem.message}`,
      "homelab:fortigate.tls.ca: certs/nosuch.pem does not exist: give the path, relative to the project, of a PEM file holding the CA that signed the FortiGate's certificate (certificates only), or pin the certificate with tls.fingerprint instead",
    );
    assert.equal(problem.file, HOME.file);
    assert.equal(problem.line, missing.line, "the line of tls.ca");
    assert.doesNotMatch(missing.report, /\n\s+at /, "printed without a stack trace");
    const notPem = problemsWithCa("test/fixtures/tls/README.md").problems;
    assert.deepEqual(
      notPem.map((p) => `${formatPath(p.path)}: ${p.message}`),
      [
        'homelab:fortigate.tls.ca: test/fixtures/tls/README.md is not a PEM file of certificates (no "-----BEGIN CERTIFICATE-----" block): export the CA certificate in PEM (openssl x509 -in ca.der -inform der -out ca.pem)',
      ],
    );
    assert.equal(buildModel(load(homeWithCa(CA))).model.fortigate?.connection.tls.ca, DEVICE_CERT);
    assert.equal(buildModel(loadHome()).model.fortigate?.connection.tls.ca, undefined);
  });
});

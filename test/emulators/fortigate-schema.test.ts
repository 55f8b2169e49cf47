/**
 * The FortiOS 7.4 schema the emulator validates with: data extracted from Fortinet's own
 * sources by scripts/fortios-schema.mjs, regenerated identically from them (when the
 * mirrors are on this machine), the multi-value options the provider compares as sets
 * derived from the same data, and our notes adding nothing the vendor schema lacks.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PATHS } from "../../src/devices/fortios/tables";
import { MULTI_VALUE } from "../../src/providers/fortios/multi-value";
import { VENDOR, buildSchemas, strayNotes, type VendorAttribute } from "./fortigate-schema";

const ROOT = join(__dirname, "..", "..");
const MIRRORS = [
  "/work/.mirror/fortinet-ansible-dev+ansible-galaxy-fortios-collection/repo",
  "/work/.mirror/fortinetdev+terraform-provider-fortios/repo",
];

/** Dotted paths of the multi-value options with listed values, as the script derives them. */
function multiValues(attributes: Readonly<Record<string, VendorAttribute>>, prefix = ""): string[] {
  return Object.entries(attributes)
    .flatMap(([name, a]) =>
      a.type === "multi" && a.options
        ? [prefix + name]
        : a.children
          ? multiValues(a.children, `${prefix}${name}.`)
          : [],
    )
    .sort();
}

describe("FortiOS 7.4 schema (Fortinet's)", () => {
  it("is FortiOS 7.4.4 for every table the project writes, from Fortinet's collection and provider", () => {
    assert.equal(VENDOR.fortios, "7.4.4");
    assert.match(VENDOR.sources.ansible!.collection!, /^fortinet\.fortios \d/);
    for (const path of Object.values(PATHS)) {
      const table = VENDOR.tables[path];
      assert.ok(table, `${path} is in the extracted schema`);
      assert.equal(table.version, "7.4.4", path);
    }
    // A model-specific table the collection scanned on 7.4.2 only (a 60E has it).
    assert.equal(VENDOR.tables["system/virtual-switch"]?.version, "7.4.2");
  });

  it("holds what the plans rely on: EAP on phase1, sizes, ranges, references, disputed redistribute", () => {
    const p1 = VENDOR.tables[PATHS.phase1]!.attributes;
    assert.deepEqual(p1["eap-identity"]?.options, ["use-id-payload", "send-request"]);
    assert.deepEqual(p1.authusrgrp?.references, ["user/group"]);
    assert.equal(p1.name?.maxLength, 15);
    assert.deepEqual(p1.keylife?.range, [120, 172800]);
    assert.equal(p1.addke1, undefined, "addke1-7 come with 7.6");
    const bgp = VENDOR.tables[PATHS.bgp]!;
    assert.equal(bgp.attributes.redistribute, undefined, "the collection drops it after 7.2.0");
    assert.equal(bgp.disputed?.redistribute?.listedUpTo, "7.2.0");
    assert.equal(bgp.attributes.neighbor?.key, "ip");
    assert.equal(VENDOR.tables[PATHS.interface]!.attributes["ipv6-allowaccess"], undefined);
  });

  it("the provider's multi-value options are the schema's, per table", () => {
    for (const [path, list] of Object.entries(MULTI_VALUE))
      assert.deepEqual(list, multiValues(VENDOR.tables[path]!.attributes), path);
    assert.deepEqual(Object.keys(MULTI_VALUE).sort(), Object.values(PATHS).sort());
    assert.ok(MULTI_VALUE[PATHS.phase1]!.includes("signature-hash-alg"));
    assert.ok(MULTI_VALUE[PATHS.interface]!.includes("ipv6.ip6-allowaccess"));
  });

  it("our notes add defaults and spellings only to attributes the vendor schema has", () => {
    assert.deepEqual(strayNotes(), []);
    assert.equal(buildSchemas().length, Object.keys(VENDOR.tables).length);
  });

  it(
    "is regenerated identically from the mirrors of Fortinet's repositories",
    {
      skip: MIRRORS.every(existsSync)
        ? false
        : "the mirrors of Fortinet's repositories are not on this machine",
    },
    () => {
      const dir = mkdtempSync(join(tmpdir(), "fortios-schema-"));
      const json = join(dir, "schema.json");
      const ts = join(dir, "multi-value.ts");
      const run = spawnSync(
        process.execPath,
        [join(ROOT, "scripts", "fortios-schema.mjs"), "--json", json, "--ts", ts],
        { encoding: "utf8" },
      );
      assert.equal(run.status, 0, run.stderr);
      assert.equal(
        readFileSync(json, "utf8"),
        readFileSync(join(__dirname, "fortigate-schema-7.4.json"), "utf8"),
      );
      assert.equal(
        readFileSync(ts, "utf8"),
        readFileSync(join(ROOT, "src", "providers", "fortios", "multi-value.ts"), "utf8"),
      );
    },
  );
});

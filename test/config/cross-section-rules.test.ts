/**
 * The rules across sections run as soon as the sections they read are well-formed (issue 13,
 * "error-message last mile"): each rule of the table declares the `homelab:*` sections it
 * reads, the orchestrator skips a rule that reads a broken one, and one run reports the
 * schema problems of the broken sections with the references among the others. The
 * declarations are checked against what each rule actually reads: every rule runs on every
 * negative fixture and fixture site with a configuration that throws when a section it did
 * not declare is read.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tmpdir } from "node:os";
import { ConfigError } from "../../src/config/errors";
import { checkSite, stackFileSource, type ConfigSource } from "../../src/config/load";
import { evaluateSite } from "../../src/evaluate";
import { Problems } from "../../src/config/problems";
import {
  CROSS_SECTION_RULES,
  referenceProblems,
  type CrossSectionRule,
} from "../../src/config/references";
import {
  SECTION_NAMES,
  configKey,
  parseSections,
  siteConfigOf,
  type SectionName,
  type SiteConfig,
} from "../../src/config/stack";
import { ANNEX, HOME, ROOT, pathOf } from "../helpers/sites";

const INVALID = join(ROOT, "test", "fixtures", "invalid");

/** A configuration whose undeclared sections throw when a rule reads them. */
function guarded(config: SiteConfig, reads: readonly SectionName[], rule: string): SiteConfig {
  return new Proxy(config, {
    get(target, key, receiver) {
      if (
        typeof key === "string" &&
        (SECTION_NAMES as readonly string[]).includes(key) &&
        !reads.includes(key as SectionName)
      )
        throw new Error(`rule "${rule}" reads ${configKey(key)}, which it does not declare`);
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

interface Case {
  readonly label: string;
  readonly config: SiteConfig;
  readonly broken: ReadonlySet<string>;
}

/** Every stack the suite has: the negative fixtures that can be read, and the fixture sites. */
function cases(): Case[] {
  const files = [
    ...readdirSync(INVALID)
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => join(INVALID, f)),
    pathOf(HOME),
    pathOf(ANNEX),
  ];
  return files.flatMap((file) => {
    const source = stackFileSource(file, "fixture", file);
    if (source.unreadable) return [];
    const parsed = parseSections(source.values, file);
    const broken = new Set([...source.problems, ...parsed.problems].map((p) => String(p.path[0])));
    return [{ label: file, config: siteConfigOf(parsed.sections), broken }];
  });
}

function runs(rule: CrossSectionRule, c: Case): boolean {
  return rule.reads.every((s) => !c.broken.has(configKey(s)));
}

describe("the rules across sections declare what they read", () => {
  const all = cases();

  it("every rule reads only the sections it declares, on every fixture it runs on", () => {
    assert.ok(all.length > 150, `only ${all.length} stacks`);
    for (const rule of CROSS_SECTION_RULES) {
      for (const c of all.filter((x) => runs(rule, x))) {
        const out = new Problems(c.label);
        assert.doesNotThrow(
          () => rule.check(guarded(c.config, rule.reads, rule.name), out),
          `${c.label}: ${rule.name}`,
        );
      }
    }
  });

  it("every rule finds a problem on some fixture (the check above exercises it)", () => {
    for (const rule of CROSS_SECTION_RULES) {
      const found = all
        .filter((c) => runs(rule, c))
        .some((c) => {
          const out = new Problems(c.label);
          rule.check(c.config, out);
          return out.list.length > 0;
        });
      assert.ok(found, `no fixture breaks "${rule.name}"`);
    }
  });

  it("the guard catches a rule that reads a section it does not declare", () => {
    const home = all.find((c) => c.label === pathOf(HOME));
    assert.ok(home?.config.fortigate, "the home site has a FortiGate");
    const fortigate = CROSS_SECTION_RULES.find((r) => r.name === "FortiGate references");
    assert.ok(fortigate);
    assert.throws(() => {
      const narrowed = fortigate.reads.filter((s) => s !== "fortigate");
      fortigate.check(guarded(home.config, narrowed, "narrowed"), new Problems("f"));
    }, /reads homelab:fortigate, which it does not declare/);
  });
});

describe("a broken section hides only the rules that read it", () => {
  const reference = "second-pass-reference-into-broken-section.yaml";

  it("a rule reading a broken section would report a misleading reference: it is skipped", () => {
    const file = join(INVALID, reference);
    const source = stackFileSource(file, "fixture", reference);
    const parsed = parseSections(source.values, reference);
    assert.deepEqual(
      parsed.problems.map((p) => p.path[0]),
      [configKey("networks")],
    );
    const config = siteConfigOf(parsed.sections);
    // Run as if the broken section were merely absent: the UniFi allow names an unknown network.
    const unguarded = referenceProblems(config, reference);
    assert.ok(
      unguarded.some((p) => p.message.startsWith('unknown network "office"')),
      JSON.stringify(unguarded),
    );
    const skipped = referenceProblems(config, reference, (s) => s !== "networks");
    assert.deepEqual(skipped, []);
    // checkSite reports the schema problem alone.
    const check = checkSite(source, { root: ROOT, requireSecrets: false });
    assert.deepEqual(
      check.problems.map((p) => p.message),
      ['"198.51.100.300/32" is not an IPv4 prefix: write address/length, e.g. 10.0.10.0/24'],
    );
    assert.equal(check.derivable, false);
    assert.equal(check.site, undefined);
  });

  it("the other rules still run, with the schema problems, in one check", () => {
    const name = "second-pass-overlap-beside-broken-services.yaml";
    const check = checkSite(stackFileSource(join(INVALID, name), "fixture", name), {
      root: ROOT,
      requireSecrets: false,
    });
    const sections = check.problems.map((p) => p.path[0]);
    assert.ok(sections.includes(configKey("services")), "the schema problem of services");
    assert.ok(sections.includes(configKey("unifi")), "the overlap between unifi and networks");
  });

  it("a section the source already refused (the engine passed it as a secret) is broken too", () => {
    const file = "Pulumi.t.yaml";
    const source: ConfigSource = {
      stack: "t",
      file,
      values: {
        site: { name: "t" },
        hosts: [{ name: "box", address: "10.0.0.5", network: "lab" }],
      },
      keys: ["site", "hosts", "networks"],
      secrets: { isSet: () => false, isPlaintext: () => false },
      problems: [{ file, path: [configKey("networks")], message: "holds an encrypted value" }],
      reported: [[configKey("networks")]],
    };
    const check = checkSite(source, { root: ROOT, requireSecrets: false });
    // Not "unknown network "lab"" at homelab:hosts[0].network: the networks were not read.
    assert.deepEqual(
      check.problems.map((p) => p.path),
      [[configKey("networks")]],
    );
    // With the networks section well-formed and without "lab", the same rule does report.
    const without = checkSite(
      { ...source, values: { ...source.values, networks: {} }, problems: [], reported: [] },
      { root: ROOT, requireSecrets: false },
    );
    assert.ok(
      without.problems.some(
        (p) =>
          p.path.join(".") === `${configKey("hosts")}.0.network` &&
          p.message.startsWith('unknown network "lab"'),
      ),
      JSON.stringify(without.problems),
    );
  });

  it("the registry's problems come with a broken section, at their line in the registry", () => {
    const stack = join(mkdtempSync(join(tmpdir(), "second-pass-")), "Pulumi.t.yaml");
    writeFileSync(
      stack,
      [
        "config:",
        "  homelab:site: { name: t }",
        "  homelab:federation:",
        "    member: alpha",
        "    registry: test/fixtures/registry/duplicate-member.yaml",
        "  homelab:services:",
        "    - { name: vault, app: vaultwarden, hots: box }",
        "",
      ].join("\n"),
    );
    let error: unknown;
    try {
      evaluateSite(stackFileSource(stack, "t", "Pulumi.t.yaml"), {
        root: ROOT,
        requireSecrets: false,
      });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError);
    const registry = error.problems.find(
      (p) => p.file === "test/fixtures/registry/duplicate-member.yaml",
    );
    assert.equal(
      registry?.message,
      'member id "alpha" is already used at index 0: member ids must be unique',
    );
    assert.equal(typeof registry.line, "number");
    assert.ok(
      error.problems.some((p) => p.file === "Pulumi.t.yaml" && p.path[0] === configKey("services")),
    );
  });
});

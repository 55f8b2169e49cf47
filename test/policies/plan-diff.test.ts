/**
 * The guard rails offline, end to end: the plans of a fixture site (test/fixtures/policy/
 * home.yaml) before and after a change to the federation registry that makes a peer's
 * endpoint an address instead of a DNS name, so that its phase1 changes `type` and FortiOS
 * needs it replaced. `npm run plan-diff` shows the violations; `--enforce` fails on them (exit 3);
 * the stack's opt-in lets the change through.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { main as plan } from "../../src/cli/plan";
import { main as planDiff } from "../../src/cli/plan-diff";
import { ROOT, runMain } from "../helpers/cli";

const dir = mkdtempSync(join(tmpdir(), "guard-rails-"));
const FIXTURE = join(ROOT, "test", "fixtures", "policy", "home.yaml");
const REGISTRY = "registry: test/fixtures/policy/federation.yaml";
const TUNNEL = [
  "home-fortigate-p1-fgn-camille",
  "home-fortigate-tun-fgn-camille",
  "home-fortigate-p2-fgn-camille",
  "home-fortigate-bgp",
];

/** The fixture site with `edit` applied, written to the temporary directory. */
function stackFile(name: string, edit: (text: string) => string = (t) => t): string {
  const text = edit(readFileSync(FIXTURE, "utf8"));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const toIp = (text: string) => {
  assert.ok(text.includes(REGISTRY));
  return text.replace(REGISTRY, "registry: test/fixtures/policy/federation-ip.yaml");
};

async function planJson(file: string, out: string): Promise<string> {
  const result = await runMain(plan, ["--stack", "home", "--config", file, "--json"]);
  assert.equal(result.status, 0, result.stderr);
  const path = join(dir, out);
  writeFileSync(path, result.stdout);
  return path;
}

let base: string;
let head: string;

before(async () => {
  base = await planJson(FIXTURE, "base.json");
  head = await planJson(stackFile("head.yaml", toIp), "head.json");
});

describe("guard rails in the offline plan", () => {
  it("npm run plan prints the stack rules' verdict; --json carries the stack's guardrails", async () => {
    const text = await runMain(plan, ["--stack", "home", "--config", FIXTURE]);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /\n\nGuard rails: no violation\.\n/);
    const document = JSON.parse(readFileSync(base, "utf8")) as { guardrails: unknown };
    assert.deepEqual(document.guardrails, {
      maxDnsChanges: 5,
      allow: { replace: [], delete: [], maintenance: false, dnsChanges: false },
    });
  });

  it("a change that replaces a federation tunnel: plan-diff shows each replaced object and how to opt in", async () => {
    const result = await runMain(planDiff, [base, head]);
    assert.equal(result.status, 0, "a report: the violations do not fail it without --enforce");
    const block =
      /^### Stack `home`: 1 to change \(\d+ → \d+ resources\)\n\n> \[!CAUTION\]\n> \*\*Guard rails: 4 violations \(mandatory ones need an opt-in, README: Guard rails\)\.\*\*\n>\n((?:> - .*\n)+)\n#### Changed \(1\)\n/.exec(
        result.stdout,
      );
    assert.ok(block, result.stdout);
    const lines = block[1]!.trimEnd().split("\n");
    // One per object of the tunnel, in whatever order the program registers them.
    assert.deepEqual(
      lines.map((l) => /^> - \*\*(\w+)\*\* `([\w-]+)` `([\w.-]+)`/.exec(l)?.slice(1)).sort(),
      TUNNEL.map((name) => ["mandatory", "no-edge-replace", name]).sort(),
    );
    assert.match(
      lines.find((l) => l.includes("`home-fortigate-p1-fgn-camille`")) ?? "",
      /`type` changes \("ddns" → "static"\), which FortiOS cannot change in place\): it is the federation tunnel fgn-camille \(phase1\); to allow it for this change, add home-fortigate-p1-fgn-camille to homelab:guardrails\.allow\.replace/,
    );
    const enforced = await runMain(planDiff, [base, head, "--enforce"]);
    assert.equal(enforced.status, 3);
    assert.equal(enforced.stdout, result.stdout);
  });

  it("the same change with the opt-in: no violation, --enforce passes", async () => {
    const optIn = `\n  homelab:guardrails:\n    allow:\n      replace: [${TUNNEL.join(", ")}]\n`;
    const allowed = await planJson(
      stackFile("allowed.yaml", (t) => toIp(t) + optIn),
      "allowed.json",
    );
    const result = await runMain(planDiff, [base, allowed, "--enforce"]);
    assert.equal(result.status, 0, result.stdout);
    assert.doesNotMatch(result.stdout, /Guard rails/);
    assert.match(result.stdout, /^### Stack `home`: 1 to change/);
  });

  it("an opt-in nothing uses is advisory: --enforce passes, the report says to remove it", async () => {
    const stale = `\n  homelab:guardrails:\n    allow:\n      delete: [home-dns-photos.example.net]\n`;
    const same = await planJson(
      stackFile("stale.yaml", (t) => t + stale),
      "stale.json",
    );
    const result = await runMain(planDiff, [base, same, "--enforce"]);
    assert.equal(result.status, 0);
    assert.match(
      result.stdout,
      /> \[!NOTE\]\n> \*\*Guard rails: 1 violation\.\*\*\n>\n> - \*\*advisory\*\* `unused-opt-in` `home-dns-photos\.example\.net`: homelab:guardrails\.allow\.delete names home-dns-photos\.example\.net, which this change does not delete/,
    );
  });

  it("a plan document whose guardrails are malformed: a problem naming the file and key, exit 1", async () => {
    const document = JSON.parse(readFileSync(head, "utf8")) as Record<string, unknown>;
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ ...document, guardrails: { maxDnsChanges: "five" } }));
    const result = await runMain(planDiff, [base, bad]);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /^Cannot compare the plans: /);
    assert.match(result.stderr, /bad\.json {2}guardrails\.maxDnsChanges\n/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
  });
});

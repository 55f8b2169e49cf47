/**
 * What plan-diff flags, from plan JSON fixtures (test/fixtures/plan-diff/cases/*.json): each
 * case holds a base plan, a head plan and the warnings (kind and resource) and alias renames
 * the diff must find — cases that must be flagged and cases that must not. The documents go
 * through the same reader as `npm run plan-diff`.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { diffPlans, parsePlanPair } from "../../src/cli/plan-changes";
import { renderPlanDiff } from "../../src/cli/plan-markdown";
import { replacingChanges, statefulWhat } from "../../src/cli/plan-risks";

const DIR = join(__dirname, "..", "fixtures", "plan-diff", "cases");

interface Case {
  readonly about: string;
  readonly expect: { readonly warnings: [string, string][]; readonly renamed: [string, string][] };
  readonly base: unknown;
  readonly head: unknown;
}

function load(file: string) {
  const c = JSON.parse(readFileSync(join(DIR, file), "utf8")) as Case;
  const plans = parsePlanPair(
    { text: JSON.stringify(c.base), label: `${file}#base` },
    { text: JSON.stringify(c.head), label: `${file}#head` },
  );
  return { ...c, diff: diffPlans(plans.base, plans.head) };
}

const files = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .sort();

describe("plan-diff flags, from plan JSON fixtures", () => {
  it("has cases that must be flagged and cases that must not", () => {
    const cases = files.map(load);
    assert.ok(cases.filter((c) => c.expect.warnings.length > 0).length >= 10);
    assert.ok(cases.filter((c) => c.expect.warnings.length === 0).length >= 6);
  });

  for (const file of files) {
    it(file.replace(/\.json$/, ""), () => {
      const { diff, expect } = load(file);
      assert.deepEqual(
        diff.warnings.map((w) => [w.kind, w.ref]),
        expect.warnings,
      );
      assert.deepEqual(
        diff.changed.filter((c) => c.renamedFrom).map((c) => [c.ref, c.renamedFrom]),
        expect.renamed,
      );
      const markdown = renderPlanDiff(diff);
      if (expect.warnings.length === 0) {
        assert.doesNotMatch(markdown, /CAUTION/);
        // A rename with an alias deletes and adds nothing.
        if (expect.renamed.length > 0) {
          assert.equal(diff.added.length + diff.removed.length, 0);
          assert.match(markdown, /renamed from `[^`]+` \(an alias: the same resource/);
        }
      } else {
        assert.match(markdown, /> \[!CAUTION\]/);
        for (const w of diff.warnings) assert.ok(markdown.includes(w.ref), w.ref);
      }
    });
  }
});

describe("plan-diff flags: what each says is lost", () => {
  const message = (file: string, kind: string) =>
    load(file).diff.warnings.find((w) => w.kind === kind)?.message ?? "";

  it("a provider change: how many resources move, from which provider, and the data among them", () => {
    assert.match(
      message("provider-change.json", "provider-change"),
      /^2 resources move to this provider from `pulumi:providers:docker::lab-services-host-servo-provider`: the engine replaces \(deletes and re-creates\) each of them unless the new provider's DiffConfig finds both configurations interchangeable, losing a Docker volume and its data \(×1\)\. If what the provider is named after was renamed \(a Docker host\), declare renamedFrom/,
    );
    assert.doesNotMatch(
      message("provider-default-to-explicit.json", "provider-change"),
      /losing a Docker/,
    );
  });

  it("a rename without an alias: the new volume starts empty, the data stays in the old one", () => {
    const file = "service-renamed-without-alias.json";
    const diff = load(file).diff;
    const volume = diff.warnings.find(
      (w) => w.kind === "rename-not-kept" && w.ref.includes("volume"),
    )!;
    assert.match(
      volume.message,
      /^looks like `docker:index\/volume:Volume::lab-services-notes-volume-data` renamed without an alias: this is a new one and starts empty \(a Docker volume and its data\); the data stays in `[^`]+`, which retainOnDelete leaves in place, unused and unmanaged\. Declare renamedFrom/,
    );
    const password = diff.warnings.find(
      (w) => w.kind === "rename-not-kept" && w.ref.includes("password"),
    )!;
    assert.match(
      password.message,
      /Pulumi creates this one and deletes `[^`]+`, losing a generated secret/,
    );
    assert.match(
      renderPlanDiff(diff),
      /- `docker:index\/volume:Volume::lab-services-docs-volume-data` \(in `homelab:docker:Service::lab-services-docs`\) · retainOnDelete · looks like a rename of `docker:index\/volume:Volume::lab-services-notes-volume-data`/,
    );
  });

  it("a replacement names the fields that force it and what it loses", () => {
    assert.match(
      message("volume-replaced.json", "replace-stateful"),
      /^`inputs\.labels\[0\]\.value` cannot change in place: Pulumi replaces it \(deletes and re-creates it\): the old one stays in place, unmanaged, and the new one starts anew \(a Docker volume and its data stays behind\)$/,
    );
    assert.match(
      message("unifi-network-replaced.json", "replace-stateful"),
      /^`inputs\.connection\.site` cannot change in place: Pulumi replaces it \(deletes and re-creates it\), losing a UniFi network: its VLAN drops its clients and DHCP leases/,
    );
    assert.match(
      message("storage-replaced.json", "replace-stateful"),
      /^`inputs\.datastore` cannot change in place: .*losing a Proxmox storage definition: the disks and backups on it are unreachable/,
    );
    assert.match(
      message("password-replaced.json", "replace-stateful"),
      /^`inputs\.length` cannot change in place: .*losing a generated secret/,
    );
    assert.match(
      message("unifi-network-deleted.json", "delete-stateful"),
      /^removed: deleting it loses a UniFi network/,
    );
    assert.match(
      load("unifi-network-deleted.json").diff.warnings[1]!.message,
      /^removed: deleting it loses the UniFi WireGuard server: every client's tunnel drops/,
    );
  });

  it("replacing fields are the providers' own; a generic type is stateful by name only", () => {
    const change = (path: string) => [{ path, before: 1, after: 2 }];
    const volume = { type: "docker:index/volume:Volume", name: "v" };
    assert.equal(replacingChanges(volume, change("inputs.driverOpts.type")).length, 1);
    assert.equal(replacingChanges(volume, change("inputs.nameSuffix")).length, 0);
    const network = { type: "pulumi-nodejs:dynamic/unifi:Network", name: "n" };
    assert.equal(replacingChanges(network, change("inputs.body.vlan")).length, 0);
    assert.equal(replacingChanges(network, change("inputs.path")).length, 1);
    const container = { type: "docker:index/container:Container", name: "c" };
    assert.equal(replacingChanges(container, change("inputs.image")).length, 0);
    assert.equal(statefulWhat({ type: "command:local:Command", name: "x-snippets" }), undefined);
    assert.match(
      statefulWhat({ type: "command:local:Command", name: "lab-proxmox-storage-nas" }) ?? "",
      /Proxmox storage/,
    );
  });
});

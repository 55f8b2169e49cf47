/**
 * Each guard rail (src/policies) against plans that should and should not violate it: the
 * plan JSON fixture test/fixtures/policy/lab.plan.json (a small FortiGate site: a federation
 * tunnel, BGP, the proxy and DNS guests and containers, a volume, DNS records) passes every
 * rule; each case changes a copy of it the way a change or a bug would.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DEFAULT_GUARDRAILS, type GuardrailsConfig } from "../../src/config/guardrails";
import type { Plan, PlannedResource } from "../../src/cli/mock-runtime";
import { diffPlans, parsePlanDocument } from "../../src/cli/plan-changes";
import {
  diffViolations,
  guardResources,
  planViolations,
  violationsText,
} from "../../src/cli/plan-policy";
import { stackViolations, type Violation } from "../../src/policies";

const FIXTURE = join(__dirname, "..", "fixtures", "policy", "lab.plan.json");

function lab(): Plan {
  const { plan, problems } = parsePlanDocument(readFileSync(FIXTURE, "utf8"), "lab.plan.json");
  assert.deepEqual(problems, []);
  return plan!;
}

/** A copy of the fixture with `edit` applied to the named resource (or removed: null). */
function edited(
  base: Plan,
  edits: Record<string, ((r: PlannedResource) => PlannedResource) | null>,
): Plan {
  const resources = base.resources.flatMap((r) => {
    const edit = edits[r.name];
    if (edit === undefined) return [r];
    return edit === null ? [] : [edit(structuredClone(r))];
  });
  return { ...base, resources };
}

const body = (r: PlannedResource) => r.inputs.body as Record<string, unknown>;
const withBody = (patch: Record<string, unknown>) => (r: PlannedResource) =>
  ({ ...r, inputs: { ...r.inputs, body: { ...body(r), ...patch } } }) as PlannedResource;
const withInputs = (patch: Record<string, unknown>) => (r: PlannedResource) =>
  ({ ...r, inputs: { ...r.inputs, ...patch } }) as PlannedResource;
const withOptions = (patch: Record<string, unknown>) => (r: PlannedResource) =>
  ({ ...r, options: { ...r.options, ...patch } }) as PlannedResource;

const brief = (vs: readonly Violation[]) =>
  vs.map((v) => `${v.level} ${v.policy} ${v.resource ?? "(stack)"}`);

function change(
  head: Plan,
  guardrails: Partial<GuardrailsConfig["allow"]> = {},
  max = 5,
): Violation[] {
  const base = lab();
  const rails = { maxDnsChanges: max, allow: { ...DEFAULT_GUARDRAILS.allow, ...guardrails } };
  return diffViolations(diffPlans(base, head), head, rails);
}

describe("stack guard rails (npm run plan, and the pack where it can see)", () => {
  it("the fixture violates none", () => {
    assert.deepEqual(planViolations(lab()), []);
    assert.equal(violationsText([]), "Guard rails: no violation.");
  });

  it("bgp-filtered: a neighbor without an inbound filter", () => {
    const neighbor = {
      ip: "172.31.254.5",
      description: "Dorian",
      "prefix-list-out": "fgn-dorian-out",
    };
    const plan = edited(lab(), {
      "lab-fortigate-bgp": (r) =>
        withBody({ neighbor: [...(body(r).neighbor as unknown[]), neighbor] })(r),
    });
    const found = planViolations(plan);
    assert.deepEqual(brief(found), ["mandatory bgp-filtered lab-fortigate-bgp"]);
    assert.match(
      found[0]!.message,
      /^BGP neighbor 172\.31\.254\.5 \(Dorian\) has no inbound filter/,
    );
  });

  it("stateful-retained: a volume neither protected nor retained; a guest without protect where retainOnDelete is unknown (a pack)", () => {
    const plan = edited(lab(), {
      "lab-services-app-volume-data": withOptions({ retainOnDelete: false }),
      "lab-proxmox-guest-app": withOptions({ protect: false }),
    });
    assert.deepEqual(brief(planViolations(plan)), [
      "mandatory stateful-retained lab-services-app-volume-data",
    ]);
    const asPack = guardResources(plan).map((r) => ({ ...r, retainOnDelete: undefined }));
    assert.deepEqual(brief(stackViolations(asPack, { secretsVisible: false })), [
      "mandatory stateful-retained lab-proxmox-guest-app",
    ]);
  });

  it("public-behind-proxy: a forward to another host, a public record to another address", () => {
    const plan = edited(lab(), {
      "lab-fortigate-vip-pub-caddy-80": withBody({ mappedip: [{ range: "10.0.0.20" }] }),
      "lab-dns-vault.example.net": withInputs({ content: "10.0.0.20" }),
    });
    const found = planViolations(plan);
    assert.deepEqual(brief(found), [
      "mandatory public-behind-proxy lab-fortigate-vip-pub-caddy-80",
      "mandatory public-behind-proxy lab-dns-vault.example.net",
    ]);
    assert.match(
      found[0]!.message,
      /forwards WAN port 80 to 10\.0\.0\.20, not to the reverse proxy \(10\.0\.0\.10\)/,
    );
    assert.match(
      found[1]!.message,
      /vault\.example\.net points at 10\.0\.0\.20, the others at 203\.0\.113\.10/,
    );
    const noProxy = edited(lab(), { "lab-fortigate-vip-pub-caddy-443": null });
    assert.match(planViolations(noProxy)[0]!.message, /nothing receives port 443/);
  });

  it("no-plain-secret: a plain PSK, a plain secret-named variable; flags and file paths are not secrets", () => {
    const plan = edited(lab(), {
      "lab-fortigate-p1-fgn-camille": withBody({ psksecret: "hunter2-but-longer" }),
      "lab-services-app-server": (r) =>
        withInputs({ envs: [...(r.inputs.envs as string[]), "APP_SECRET_KEY=abc123def"] })(r),
    });
    const found = planViolations(plan);
    assert.deepEqual(brief(found), [
      "mandatory no-plain-secret lab-fortigate-p1-fgn-camille",
      "mandatory no-plain-secret lab-services-app-server",
    ]);
    assert.match(found[0]!.message, /^`body\.psksecret` holds a plain-text value/);
    assert.match(found[1]!.message, /^`envs\[4\] \(APP_SECRET_KEY\)`/);
    for (const v of found)
      assert.doesNotMatch(v.message, /hunter2|abc123/, "never quotes the value");
    // A pack sees secrets unwrapped: it does not run this rule.
    assert.deepEqual(stackViolations(guardResources(plan), { secretsVisible: false }), []);
  });

  it("prints mandatory violations first, each with its policy and resource", () => {
    const text = violationsText([
      { policy: "unused-opt-in", level: "advisory", resource: "x", message: "remove it" },
      { policy: "bgp-filtered", level: "mandatory", resource: "y", message: "filter it" },
    ]);
    assert.equal(
      text,
      "Guard rails: 2 violations (README, Guard rails)\n  [mandatory] bgp-filtered y: filter it\n  [advisory] unused-opt-in x: remove it",
    );
  });
});

describe("change guard rails (npm run plan-diff)", () => {
  it("no change, no violation", () => {
    assert.deepEqual(change(lab()), []);
  });

  it("a new stack (an empty base) has nothing to lose: its first up creates every DNS record", () => {
    const empty: Plan = { ...lab(), resources: [] };
    const head = lab();
    assert.deepEqual(
      diffViolations(diffPlans(empty, head), head, { ...DEFAULT_GUARDRAILS, maxDnsChanges: 0 }),
      [],
    );
    // The other way round, the whole stack removed: every stateful resource is refused.
    const gone = diffViolations(diffPlans(head, empty), empty, DEFAULT_GUARDRAILS);
    // 3 guests, the storage, the volume, the generated password, 6 DNS records, the API interface.
    assert.equal(
      gone.filter((v) => v.policy === "no-stateful-loss").length,
      13,
      brief(gone).join("\n"),
    );
  });

  it("no-stateful-loss: deleting a volume, a generated secret, a storage; allowed by name for this change", () => {
    const head = edited(lab(), {
      "lab-services-app-volume-data": null,
      "lab-services-generated-app-db-password": null,
      "lab-proxmox-storage-backup": null,
    });
    const found = change(head);
    assert.deepEqual(brief(found), [
      "mandatory no-stateful-loss lab-proxmox-storage-backup",
      "mandatory no-stateful-loss lab-services-app-volume-data",
      "mandatory no-stateful-loss lab-services-generated-app-db-password",
    ]);
    assert.match(
      found[1]!.message,
      /lab-services-app-volume-data is deleted: it is a Docker volume and its data \(retainOnDelete leaves it in place, unmanaged\); to allow it for this change, add lab-services-app-volume-data to homelab:guardrails\.allow\.delete/,
    );
    const allowed = change(head, {
      delete: [
        "lab-services-app-volume-data",
        "lab-services-generated-app-db-password",
        "lab-proxmox-storage-backup",
      ],
    });
    assert.deepEqual(allowed, []);
  });

  it("no-stateful-loss: replacing a guest (its VM id) or a generated secret (its length)", () => {
    const head = edited(lab(), {
      "lab-proxmox-guest-app": withInputs({ vmId: 120 }),
      "lab-services-generated-app-db-password": withInputs({ length: 40 }),
    });
    const found = change(head);
    assert.deepEqual(brief(found), [
      "mandatory no-stateful-loss lab-proxmox-guest-app",
      "mandatory no-stateful-loss lab-services-generated-app-db-password",
    ]);
    assert.match(found[0]!.message, /is replaced \(its VM id changes\)/);
    assert.deepEqual(
      change(head, {
        replace: ["lab-proxmox-guest-app", "lab-services-generated-app-db-password"],
      }),
      [],
    );
    // A guest whose node changes with `migrate` is migrated, not replaced; memory is an update.
    const moved = edited(lab(), {
      "lab-proxmox-guest-app": withInputs({ nodeName: "pve2", memory: { dedicated: 2048 } }),
    });
    assert.deepEqual(change(moved), []);
  });

  it("no-edge-replace: a federation phase1 whose type changes replaces its interface, its phase2 and BGP too", () => {
    const head = edited(lab(), {
      "lab-fortigate-p1-fgn-camille": withBody({
        type: "static",
        "remotegw-ddns": undefined,
        "remote-gw": "198.51.100.30",
      }),
    });
    const found = change(head);
    assert.deepEqual(brief(found), [
      "mandatory no-edge-replace lab-fortigate-p1-fgn-camille",
      "mandatory no-edge-replace lab-fortigate-tun-fgn-camille",
      "mandatory no-edge-replace lab-fortigate-p2-fgn-camille",
      "mandatory no-edge-replace lab-fortigate-bgp",
    ]);
    assert.match(
      found[0]!.message,
      /`type` changes \("ddns" → "static"\), which FortiOS cannot change in place\): it is the federation tunnel fgn-camille \(phase1\)/,
    );
    assert.match(
      found[3]!.message,
      /\(it names lab-fortigate-tun-fgn-camille, which is replaced\): it is the FortiGate's BGP/,
    );
    const all = [
      "lab-fortigate-p1-fgn-camille",
      "lab-fortigate-tun-fgn-camille",
      "lab-fortigate-p2-fgn-camille",
      "lab-fortigate-bgp",
    ];
    assert.deepEqual(change(head, { replace: all }), []);
    // Only part of the opt-in: the rest is still refused.
    assert.deepEqual(brief(change(head, { replace: all.slice(0, 2) })), [
      "mandatory no-edge-replace lab-fortigate-p2-fgn-camille",
      "mandatory no-edge-replace lab-fortigate-bgp",
    ]);
  });

  it("no-edge-replace: an update of the tunnel (its proposal) or of BGP is not a replacement", () => {
    const head = edited(lab(), {
      "lab-fortigate-p2-fgn-camille": withBody({ proposal: "aes256gcm aes128gcm" }),
      "lab-fortigate-bgp": withBody({ "keepalive-timer": 20 }),
    });
    assert.deepEqual(change(head), []);
  });

  it("no-edge-replace: the protected interface the API is reached through, when its type changes", () => {
    const head = edited(lab(), { "lab-fortigate-if-lan": withBody({ type: "aggregate" }) });
    const found = change(head);
    assert.deepEqual(brief(found), ["mandatory no-edge-replace lab-fortigate-if-lan"]);
    assert.match(
      found[0]!.message,
      /it is the interface lan, through which the FortiGate's API is reached/,
    );
  });

  it("maintenance-only: the proxy's and the DNS container re-created, the DNS guest rebooted; allowed in maintenance", () => {
    const head = edited(lab(), {
      "lab-services-proxy-caddy": withInputs({ image: "sha256:4567" }),
      "lab-services-pihole-server": withInputs({ image: "sha256:4567" }),
      "lab-proxmox-guest-pihole": withInputs({ memory: { dedicated: 2048 } }),
      "lab-services-app-server": withInputs({ image: "sha256:4567" }),
    });
    const found = change(head);
    assert.deepEqual(brief(found), [
      "mandatory maintenance-only lab-proxmox-guest-pihole",
      "mandatory maintenance-only lab-services-proxy-caddy",
      "mandatory maintenance-only lab-services-pihole-server",
    ]);
    assert.match(
      found[0]!.message,
      /\(`memory` change: the guest may reboot\): it is the guest serving the site's DNS \(10\.0\.0\.12, the resolver DHCP hands out\)/,
    );
    assert.match(
      found[1]!.message,
      /\(`image` change: Docker re-creates the container\): it is the reverse proxy's container \(port 443\)/,
    );
    assert.deepEqual(change(head, { maintenance: true }), []);
  });

  it("maintenance-only: an in-place update (restart policy) or a guest's tags restart nothing", () => {
    const head = edited(lab(), {
      "lab-services-proxy-caddy": withInputs({ restart: "always" }),
      "lab-proxmox-guest-caddy": withInputs({ tags: ["proxy"] }),
    });
    assert.deepEqual(change(head), []);
  });

  it("dns-change-limit: more records than the limit; at the limit; allowed for this change", () => {
    const names = ["app", "docs", "notes", "photos", "status", "vault"];
    const edits = Object.fromEntries(
      names.map((n) => [`lab-dns-${n}.example.net`, withInputs({ proxied: true })]),
    );
    const six = edited(lab(), edits);
    const found = change(six);
    assert.deepEqual(brief(found), ["mandatory dns-change-limit (stack)"]);
    assert.match(
      found[0]!.message,
      /^6 DNS records change \(at most 5 per change\): lab-dns-app\.example\.net, /,
    );
    assert.deepEqual(change(six, {}, 6), []);
    assert.deepEqual(change(six, { dnsChanges: true }), []);
    const removed = edited(lab(), { "lab-dns-app.example.net": null });
    assert.deepEqual(brief(change(removed, {}, 0)), [
      "mandatory no-stateful-loss lab-dns-app.example.net",
      "mandatory dns-change-limit (stack)",
    ]);
  });

  it("unused-opt-in: an opt-in the change does not use is advisory", () => {
    const found = change(lab(), {
      replace: ["lab-fortigate-bgp"],
      delete: ["lab-dns-app.example.net"],
    });
    assert.deepEqual(brief(found), [
      "advisory unused-opt-in lab-fortigate-bgp",
      "advisory unused-opt-in lab-dns-app.example.net",
    ]);
  });
});

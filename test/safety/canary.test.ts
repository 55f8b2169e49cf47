/**
 * Canary secrets (issue 14, item 1): a distinct value goes through every way a secret, or
 * something that looks like one, can reach the program, and every tool's output is searched
 * for it. None may appear: not in an error, a plan (text or JSON), `check`, a diagram
 * (Mermaid or SVG), a peering sheet, a plan-diff report, nor the RunError the program ends a
 * real run with.
 *
 * Paths:
 * - inline: an encrypted value inside a section of a stack file (`{ secure: … }`, what
 *   `pulumi config set --path --secret` writes);
 * - --path: the same under the engine, which passes the section decrypted and marked secret,
 *   with the canary at a password, at a number and at an address;
 * - {secret:}: a stack secret referenced by a section, and every fixed secret, under the
 *   engine (valid, so the program runs; and with another problem, so it reports);
 * - plain text where a secret belongs: a `{ secret }` position, a secret key in the stack
 *   file, a secret key the engine passes unencrypted;
 * - looks like one: a token, a UUID and a private key in keys that are no secrets (an
 *   address, a token id, a description, a registry contact and endpoint).
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { checkProject } from "../../src/cli/check";
import { diagramOf, render } from "../../src/cli/diagram";
import type { Plan } from "../../src/cli/mock-runtime";
import { loadOffline, planStack } from "../../src/cli/offline";
import { formatTree } from "../../src/cli/plan";
import { diffPlans } from "../../src/cli/plan-changes";
import { renderPlanDiff } from "../../src/cli/plan-markdown";
import { formatSheet, loadRegistry } from "../../src/cli/peering-sheet";
import { ConfigError, formatReport } from "../../src/config/errors";
import { peeringSheet } from "../../src/model/peering-sheet";
import { report, section } from "../../.github/scripts/plan-report.cjs";
import { runAsEngine } from "../helpers/runtime";
import { HOME as HOME_SITE, REGISTRY, pathOf } from "../helpers/sites";

const ROOT = join(__dirname, "..", "..");
const HOME = readFileSync(pathOf(HOME_SITE), "utf8");

/** Every canary, by the path it takes. */
const CANARY = {
  inline: "v1:CanaryInlineCipher7Qx2Lm9",
  pathPassword: "CanaryPathPassword4Rt8Zw1",
  pathNumber: "CanaryPathNumber6Hy3Kp5",
  pathAddress: "CanaryPathAddress2Jc7Vn4",
  reference: "CanaryReference9Wq4Ms6Xb",
  referenceB: "CanaryReferenceB3Tn8Lf2Gd",
  fixed: "CanaryFixedSecret5Pz1Ke7",
  plainRef: "CanaryPlainRef8Dv2Yh4",
  plainKey: "CanaryPlainKey1Gm6Rw3",
  plainEngine: "CanaryPlainEngine7Ns5Qa9",
  token: "Zq3xW9vB7nK2mP4tR8sY1uC6dF0gH5jL2aE7iO9b",
  uuid: "0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0",
  description: "CanaryDescriptionToken4Xk8Wp2Lq6",
  contact: "CanaryContactToken7Bn3Vc5Hj1",
  endpoint: "CanaryEndpointToken2Mz9Rf4Td8",
  privateKey: readFileSync(join(ROOT, "test/fixtures/tls/device-key.pem"), "utf8")
    .split("\n")[1]!
    .slice(0, 40),
} as const;

/** Fails with the canaries `text` holds. */
function assertNoCanary(text: string, where: string): void {
  const found = Object.entries(CANARY).filter(([, value]) => text.includes(value));
  assert.deepEqual(
    found.map(([name]) => name),
    [],
    `${where} echoes canary ${found.map(([n]) => n).join(", ")}:\n${text.slice(0, 3000)}`,
  );
}

/** What a tool prints: its output, or the report it ends with. Any other error fails. */
async function outputOf(run: () => string | Promise<string>): Promise<string> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ConfigError || pulumi.RunError.isInstance(error)) return error.message;
    throw error;
  }
}

function replaced(text: string, pairs: [string, string][]): string {
  let out = text;
  for (const [from, to] of pairs) {
    assert.ok(out.includes(from), `the home stack has ${JSON.stringify(from)}`);
    out = out.replace(from, to);
  }
  return out;
}

/** Stack files (offline paths), each in a project of its own. */
const STACKS: Record<string, string> = {
  inline: replaced(HOME, [
    ["password: { secret: pbsPassword }", `password: { secure: "${CANARY.inline}" }`],
  ]),
  plain: replaced(HOME, [
    ["password: { secret: pbsPassword }", `password: ${CANARY.plainRef}`],
    [
      "  homelab:federation:\n",
      `  homelab:fortigateApiToken: ${CANARY.plainKey}\n  homelab:federation:\n`,
    ],
  ]),
  looks: replaced(HOME, [
    ["apiTokenId: pulumi@pve!homelab", `apiTokenId: ${CANARY.uuid}`],
    ["host: 172.24.0.1\n", `host: ${CANARY.token}\n`],
  ]),
  "looks-key": replaced(HOME, [
    [
      "    datastore: alexis\n",
      `    datastore: "-----BEGIN PRIVATE KEY-----\\n${CANARY.privateKey}"\n`,
    ],
  ]),
  "looks-text": replaced(HOME, [
    [
      "description: Lenovo M710q Tiny, i3-7100T, 16 GB, 240 GB SSD + 1 TB HDD",
      `description: ${CANARY.description}`,
    ],
  ]),
};

const dir = mkdtempSync(join(tmpdir(), "homelab-canary-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A project with the registry, one canary stack and the files stacks name. */
function project(name: string, stack: string): string {
  const root = join(dir, name);
  mkdirSync(dirname(join(root, REGISTRY)), { recursive: true });
  cpSync(join(ROOT, "Pulumi.yaml"), join(root, "Pulumi.yaml"));
  cpSync(join(ROOT, REGISTRY), join(root, REGISTRY));
  writeFileSync(join(root, `Pulumi.${name}.yaml`), stack);
  return root;
}

/** Runs the home stack as the engine does: `config` decrypted, `secretKeys` marked secret. */
function engineRun(config: Record<string, string>, secretKeys: string[]): Promise<Plan> {
  return runAsEngine("home", config, secretKeys);
}

const home = loadOffline(ROOT, HOME_SITE.stack, pathOf(HOME_SITE));
/** The home stack's engine config with every secret set to a canary. */
function engineConfig(reference: string): Record<string, string> {
  const config = { ...home.config };
  for (const key of home.secretKeys) config[key] = `${CANARY.fixed}-${key}`;
  config["homelab:pbsPassword"] = reference;
  return config;
}

describe("canary secrets never appear in any tool's output", () => {
  for (const [name, text] of Object.entries(STACKS)) {
    it(`${name}: plan (text and JSON), check and diagrams refuse it without quoting it`, async () => {
      const root = project(name, text);
      const plan = await outputOf(async () => {
        const { plan } = await planStack(root, name);
        return `${formatTree(plan)}\n${JSON.stringify(plan)}`;
      });
      assert.match(plan, /^Invalid configuration/, `${name} is refused`);
      assertNoCanary(plan, `plan of ${name}`);
      const check = checkProject(root);
      assert.ok(check.problems.length > 0);
      assertNoCanary(formatReport(check.problems), `check of ${name}`);
      for (const format of ["mermaid", "svg"] as const) {
        for (const view of ["site", "federation"] as const) {
          const out = await outputOf(() => {
            const { loaded, model } = loadOffline(root, name);
            return render(diagramOf(model, loaded.file, view), format);
          });
          assertNoCanary(out, `diagram ${view} ${format} of ${name}`);
        }
      }
      // CI copies a failing plan's report into the pull request comment.
      const markdown = report({
        sections: [section({ stack: name, head: { ok: false, stdout: "", stderr: plan } })],
      });
      assertNoCanary(markdown, `plan-diff report of ${name}`);
    });
  }

  it("--path secret: the engine's decrypted section is reported without its values (RunError)", async () => {
    const proxmox = JSON.parse(home.config["homelab:proxmox"]!) as {
      storages: Record<string, unknown>[];
      nodes: Record<string, unknown>[];
    };
    proxmox.storages[2]!.password = CANARY.pathPassword;
    proxmox.storages[2]!.server = CANARY.pathAddress;
    proxmox.nodes[0]!.votes = CANARY.pathNumber;
    const error = await outputOf(async () => {
      await engineRun(
        { ...engineConfig(CANARY.reference), "homelab:proxmox": JSON.stringify(proxmox) },
        [...home.secretKeys, "homelab:pbsPassword", "homelab:proxmox"],
      );
      return "ran";
    });
    assert.match(error, /homelab:proxmox\n {4}holds an encrypted value/);
    assertNoCanary(error, "RunError of a --path secret");
  });

  it("plain text where a secret belongs, under the engine (RunError)", async () => {
    const config = {
      ...engineConfig(CANARY.reference),
      "homelab:fortigateApiToken": CANARY.plainEngine,
    };
    const error = await outputOf(async () => {
      await engineRun(
        config,
        [...home.secretKeys, "homelab:pbsPassword"].filter(
          (k) => k !== "homelab:fortigateApiToken",
        ),
      );
      return "ran";
    });
    assert.match(error, /homelab:fortigateApiToken\n {4}is stored in plain text/);
    assertNoCanary(error, "RunError of a plain-text secret");
  });

  it("looks like one, under the engine: a token typed in an address (RunError)", async () => {
    const cloudflare = home.config["homelab:cloudflare"]!.replace(
      /"ipv4":"[^"]+"/,
      `"ipv4":"${CANARY.token}"`,
    );
    const error = await outputOf(async () => {
      await engineRun({ ...engineConfig(CANARY.reference), "homelab:cloudflare": cloudflare }, [
        ...home.secretKeys,
        "homelab:pbsPassword",
      ]);
      return "ran";
    });
    assert.match(
      error,
      /homelab:cloudflare\.origin\.ipv4\n {4}a 40-character string is not an IPv4 address/,
    );
    assertNoCanary(error, "RunError of a token in an address");
  });

  it("{secret:} and every fixed secret: the plan (text, JSON, outputs) and plan-diff never show them", async () => {
    const secretKeys = [...home.secretKeys, "homelab:pbsPassword"];
    const a = await engineRun(engineConfig(CANARY.reference), secretKeys);
    const b = await engineRun(engineConfig(CANARY.referenceB), secretKeys);
    assert.ok(a.resources.length > 100, "the program ran");
    for (const plan of [a, b]) {
      assertNoCanary(JSON.stringify(plan, null, 2), "plan JSON");
      assertNoCanary(formatTree(plan), "plan text");
    }
    const diff = renderPlanDiff(diffPlans(a, b));
    assertNoCanary(diff, "plan-diff");
    const markdown = report({
      sections: [
        section({
          stack: "home",
          head: { ok: true, stdout: "", stderr: "" },
          diff: { ok: true, stdout: diff, stderr: "" },
        }),
      ],
    });
    assertNoCanary(markdown, "plan-diff report");
    // With another problem, the program reports it and none of the secrets it holds.
    const fortigate = home.config["homelab:fortigate"]!.replace("172.26.0.0/24", "10.254.0.0/24");
    const error = await outputOf(async () => {
      await engineRun(
        { ...engineConfig(CANARY.reference), "homelab:fortigate": fortigate },
        secretKeys,
      );
      return "ran";
    });
    assert.match(error, /^Invalid configuration: 1 problem/);
    assertNoCanary(error, "RunError with secrets set");
  });

  it("peering sheet: a registry with a token as contact or endpoint is refused without quoting it", async () => {
    const registry = readFileSync(join(ROOT, REGISTRY), "utf8");
    for (const [name, text] of [
      ["contact", registry.replace("contact: alexis@example.net", `contact: ${CANARY.contact}`)],
      ["endpoint", registry.replace(/endpoint: [^\n]+/, `endpoint: ${CANARY.endpoint}`)],
    ] as const) {
      assert.notEqual(text, registry);
      const root = project(`registry-${name}`, HOME);
      writeFileSync(join(root, REGISTRY), text);
      const sheet = await outputOf(() => {
        const loaded = loadRegistry(root, REGISTRY);
        return formatSheet(
          peeringSheet(loaded, "alexis", "baptiste", { registryFile: "x", memberStacks: [] }),
        );
      });
      assert.match(sheet, /^Invalid configuration/);
      assertNoCanary(sheet, `peering sheet with a ${name} canary`);
      assertNoCanary(formatReport(checkProject(root).problems), `check with a ${name} canary`);
    }
  });
});

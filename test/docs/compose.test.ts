/**
 * docs/compose.md's examples are valid configuration: its catalog service with a volume
 * backed by a host directory, and its custom service, in a site with the Docker host, the
 * networks and the proxy they name, pass `npm run check -- --stack` and plan.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { checkStack } from "../../src/cli/check";
import { planStack } from "../../src/cli/offline";
import { formatReport } from "../../src/config/errors";
import { ROOT } from "../helpers/sites";

const text = readFileSync(join(ROOT, "docs", "compose.md"), "utf8");
const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** A site around the examples' services (the names they use). */
function site(services: unknown[]): string {
  const config = {
    // No edge router nor Pi-hole here: a DNS server of the user's own serves the names.
    "homelab:site": { name: "t", domains: { internal: "home.arpa", internalResolver: "external" } },
    "homelab:networks": {
      lan: { cidr: "10.0.0.0/24", kind: "lan" },
      vpn: { cidr: "10.9.0.0/24", kind: "vpn" },
    },
    "homelab:hosts": [{ name: "docker1", address: "10.0.0.5", docker: {} }],
    "homelab:proxy": { kind: "caddy", host: "docker1" },
    "homelab:sso": { provider: "authelia", host: "docker1" },
    "homelab:services": services,
  };
  const file = join(mkdtempSync(join(tmpdir(), "compose-doc-")), "Pulumi.t.yaml");
  writeFileSync(file, stringify({ config }));
  return file;
}

describe("docs/compose.md", () => {
  it("its catalog service, with the volume backed by a host directory, validates and plans", async () => {
    const service = (parse(blocks[0]!) as { "homelab:services": Record<string, unknown>[] })[
      "homelab:services"
    ][0]!;
    const volumes = parse(blocks[1]!) as { volumes: unknown[] };
    const file = site([{ ...service, volumes: volumes.volumes }]);
    const { problems } = checkStack(ROOT, "t", file);
    assert.deepEqual(problems, [], formatReport(problems));
    const { plan } = await planStack(ROOT, "t", file);
    assert.ok(plan.resources.some((r) => r.name.includes("paperless")));
  });

  it("its custom service validates and plans", async () => {
    const custom = blocks.find((b) => b.startsWith("# Pulumi.<site>.yaml"))!;
    const services = (parse(custom) as { "homelab:services": unknown[] })["homelab:services"];
    const file = site(services);
    const { problems } = checkStack(ROOT, "t", file);
    assert.deepEqual(problems, [], formatReport(problems));
    const { plan } = await planStack(ROOT, "t", file);
    assert.ok(plan.resources.some((r) => r.name.includes("wallos")));
  });
});

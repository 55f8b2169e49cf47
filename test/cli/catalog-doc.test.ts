/**
 * docs/catalog.md, the catalog reference `npm run docs` generates: every application a
 * service may declare, with each part's image and the volumes and mount paths the
 * `volumes` rule accepts (the file's freshness: test/cli/diagram.test.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CATALOG, declarableApps, probeParts, volumePathsOf } from "../../src/catalog";
import { CUSTOM_APP } from "../../src/catalog";
import { catalogReference } from "../../src/cli/catalog-doc";
import type { ServiceConfig } from "../../src/config/services";

const doc = catalogReference();

describe("the catalog reference (docs/catalog.md)", () => {
  const apps = declarableApps().filter((a) => a !== CUSTOM_APP);
  it(`has a section per catalog application (${apps.length}), none for the proxy's or SSO's`, () => {
    const sections = [...doc.matchAll(/^## .* \(`app: ([a-z0-9-]+)`\)$/gm)].map((m) => m[1]);
    assert.deepEqual(sections, apps);
    assert.ok(apps.length >= 19, String(apps.length));
    assert.doesNotMatch(doc, /`app: (traefik|caddy|authelia|lldap|crowdsec)`/);
  });

  it("lists each part's image and every volume at the path the volumes rule accepts", () => {
    for (const id of apps) {
      const app = CATALOG[id]!;
      const section = doc.slice(doc.indexOf(`(\`app: ${id}\`)`)).split("\n## ")[0]!;
      for (const [part, spec] of Object.entries(probeParts(app, { name: id }))) {
        assert.ok(
          section.includes(`| \`${part}\` | ${spec.role} | \`${spec.image}\` |`),
          `${id}/${part}`,
        );
      }
      const service = { name: id } as ServiceConfig;
      for (const [volume, paths] of volumePathsOf(app, service)) {
        for (const path of paths)
          assert.ok(section.includes(`\`${volume}\`: \`${path}\``), `${id} ${volume}`);
      }
    }
  });

  it("says which keys are for app: custom only", () => {
    assert.match(doc, /- not `image`, `webPort`, .*`memoryMiB`: those are for `app: custom`\./);
  });
});

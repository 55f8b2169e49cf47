/**
 * The tools that only validate (`check`, `diagram`, `peering-sheet`) and the error paths of
 * `plan` load neither the program nor the Pulumi SDK: this file runs them in process, then
 * looks at what this process loaded. (Its own imports load neither either.)
 */
// test: own process (it looks at what this process loaded or changed; test/helpers/batch.js)
import assert from "node:assert/strict";
import { relative } from "node:path";
import { before, describe, it } from "node:test";
import { main as check } from "../../src/cli/check";
import { main as diagram } from "../../src/cli/diagram";
import { main as peeringSheet } from "../../src/cli/peering-sheet";
import { main as plan } from "../../src/cli/plan";
import { runMain } from "../helpers/cli";
import { HOME, REGISTRY, ROOT, pathOf, variant } from "../helpers/sites";

/** What this process loaded (the SDK closure modules' stand-ins, src/boot, are not loads). */
const loaded = () =>
  Object.entries(require.cache)
    .filter(([, m]) => !(m as { deferredStandIn?: boolean } | undefined)?.deferredStandIn)
    .map(([path]) => path);
const ours = (path: string) => relative(ROOT, path);

before(async () => {
  const broken = variant(HOME, (text) => text.replace("powered: false", "powerd: false")).file;
  const home = ["--stack", "home", "--config", pathOf(HOME)];
  const runs: [(argv: string[]) => Promise<void>, string[], number][] = [
    [check, home, 0],
    [diagram, [...home, "--view", "federation"], 0],
    [peeringSheet, ["--member", "alexis", "--peer", "camille", "--registry", REGISTRY], 0],
    [plan, ["--stack", "home", "--config", broken], 1],
    [plan, ["--stack", "no/such"], 2],
    [plan, [], 2],
  ];
  for (const [main, argv, status] of runs) {
    const result = await runMain(main, argv);
    assert.equal(result.status, status, `${argv.join(" ")}: ${result.stderr}`);
  }
});

describe("validating without the program or the SDK", () => {
  it("loads neither the program nor the mock runtime", () => {
    const program = loaded().filter((p) =>
      /\/src\/(program|index|components\/.*|cli\/mock-runtime|providers\/.*)\.ts$/.test(p),
    );
    assert.deepEqual(program.map(ours), []);
  });

  it("loads no Pulumi package at all", () => {
    assert.deepEqual(
      loaded().filter((p) => p.includes("/node_modules/@pulumi/")),
      [],
    );
  });
});

/**
 * The README shows real `npm run verify` output: the edge fixture against the emulators,
 * with an SA down and a container unhealthy. This test runs it again and compares (the
 * emulators' random ports aside), so the README stays what the command prints.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { sa } from "../emulators/fortigate-monitor";
import { ROOT } from "../helpers/cli";
import { Lab } from "./harness";

const lab = new Lab();
before(() => lab.start());
after(() => lab.stop());

const MARKER =
  /<!-- verify output -->\n+```text\n\$ npm run verify -- --stack edge\n([\s\S]*?)```\n+<!-- \/verify output -->/;
const ports = (text: string) => text.replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:<port>");

it("the README's verify output is what verify prints", async () => {
  lab.fortigate.monitor.ipsec[1]!.proxyid[0] = sa("fgn-charlie", "down");
  const c = lab.engine.containers[1]!;
  c.Health = { Status: "unhealthy", FailingStreak: 3 };
  c.Status = "Up 3 hours (unhealthy)";
  const run = await lab.verify([]);
  assert.equal(run.status, 1);
  const readme = MARKER.exec(readFileSync(join(ROOT, "README.md"), "utf8"));
  assert.ok(readme, "README.md has no verify output block");
  assert.equal(ports(readme[1]!), ports(run.stdout), `README block should be:\n${run.stdout}`);
});

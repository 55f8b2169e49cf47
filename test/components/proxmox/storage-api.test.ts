/**
 * The scripts that create iSCSI and LVM-on-iSCSI storages through the Proxmox API, run by a
 * real /bin/sh against a fake `curl` that records its arguments and standard input: the
 * upsert picks PUT or POST, delete only deletes what exists, failures fail the command, and
 * the token travels on stdin only.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import fc from "fast-check";
import { proxmoxSchema } from "../../../src/config/proxmox";
import {
  deleteScript,
  shQuote,
  upsertScript,
  type ApiTarget,
} from "../../../src/components/proxmox/storage-api";
import { apiBase, apiStorage, type ApiStorage } from "../../../src/model/proxmox";

const TOKEN = "pulumi@pve!homelab=0f1e2d3c-aaaa-bbbb-cccc-000000000000";
const dir = mkdtempSync(join(tmpdir(), "fake-curl-"));
after(() => rmSync(dir, { recursive: true, force: true }));

// A fake curl: logs each call (arguments, then stdin), answers the existence probe
// (`--output /dev/null`) from FAKE_EXISTS and every other call from FAKE_STATUS.
writeFileSync(
  join(dir, "curl"),
  `#!/bin/sh
{ echo "CALL"; for a in "$@"; do echo "ARG $a"; done; echo "STDIN $(cat)"; } >> "$FAKE_LOG"
case " $* " in
  *" --output /dev/null "*) [ "$FAKE_EXISTS" = yes ] && exit 0 || exit 22 ;;
esac
exit "\${FAKE_STATUS:-0}"
`,
);
chmodSync(join(dir, "curl"), 0o755);

interface Call {
  args: string[];
  stdin: string;
}

function run(
  script: string,
  env: { exists: boolean; status?: number },
): { status: number | null; calls: Call[] } {
  const log = join(dir, `log-${Math.random().toString(36).slice(2)}`);
  writeFileSync(log, "");
  const result = spawnSync("/bin/sh", ["-c", script], {
    encoding: "utf8",
    env: {
      PATH: `${dir}:${process.env.PATH ?? ""}`,
      PVE_API_TOKEN: TOKEN,
      FAKE_LOG: log,
      FAKE_EXISTS: env.exists ? "yes" : "no",
      FAKE_STATUS: String(env.status ?? 0),
    },
  });
  const calls: Call[] = [];
  for (const line of readFileSync(log, "utf8").split("\n")) {
    if (line === "CALL") calls.push({ args: [], stdin: "" });
    else if (line.startsWith("ARG ")) calls.at(-1)!.args.push(line.slice(4));
    else if (line.startsWith("STDIN ")) calls.at(-1)!.stdin = line.slice(6);
  }
  return { status: result.status, calls };
}

const home = proxmoxSchema.parse({
  endpoint: "https://172.24.0.11:8006/",
  apiTokenId: "pulumi@pve!homelab",
  nodes: [{ name: "pve1", address: "172.24.0.11" }],
  storages: [
    {
      name: "nas-iscsi",
      type: "iscsi",
      portal: "172.24.0.20",
      target: "iqn.2013-03.com.wdc:ex2ultra:pve",
    },
    {
      name: "nas-lvm",
      type: "lvm",
      volumeGroup: "vg-nas",
      base: { storage: "nas-iscsi", volume: "0.0.0.scsi-36001405" },
      shared: true,
    },
  ],
});
const iscsi = apiStorage(home.storages[0]!)!;
const lvm: ApiStorage = apiStorage(home.storages[1]!)!;
const target: ApiTarget = { base: apiBase(home.endpoint), insecure: false };
const URL = "https://172.24.0.11:8006/api2/json/storage";
/** The request part of a call: what follows the common `... --config -` options. */
const request = (call: Call) => call.args.slice(call.args.indexOf("--config") + 2);

describe("storages through the API", () => {
  it("shQuote: the shell reads back exactly the text it quoted", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary" }).filter((s) => !s.includes("\0")),
        (text) => {
          const out = spawnSync("/bin/sh", ["-c", `printf %s ${shQuote(text)}`], {
            encoding: "utf8",
          });
          assert.equal(out.stdout, text);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("create on a cluster without the storage: probe, then POST every option", () => {
    const { status, calls } = run(upsertScript(target, iscsi), { exists: false });
    assert.equal(status, 0);
    assert.equal(calls.length, 2);
    assert.deepEqual(request(calls[0]!), ["--output", "/dev/null", `${URL}/nas-iscsi`]);
    assert.deepEqual(request(calls[1]!), [
      "-X",
      "POST",
      URL,
      "--data-urlencode",
      "storage=nas-iscsi",
      "--data-urlencode",
      "type=iscsi",
      "--data-urlencode",
      "portal=172.24.0.20",
      "--data-urlencode",
      "target=iqn.2013-03.com.wdc:ex2ultra:pve",
      "--data-urlencode",
      "content=none",
    ]);
  });

  it("create on a cluster that has it (adoption) or update: PUT the changeable options only", () => {
    const { status, calls } = run(upsertScript(target, lvm), { exists: true });
    assert.equal(status, 0);
    assert.equal(calls.length, 2);
    assert.deepEqual(request(calls[1]!), [
      "-X",
      "PUT",
      `${URL}/nas-lvm`,
      "--data-urlencode",
      "content=images,rootdir",
      "--data-urlencode",
      "shared=1",
      "--data-urlencode",
      "delete=nodes",
    ]);
  });

  it("the token goes through curl's config on stdin, never in the arguments; ~/.curlrc is ignored", () => {
    const { calls } = run(upsertScript(target, lvm), { exists: false });
    for (const call of calls) {
      assert.equal(call.args[0], "-q", "-q must come first to skip ~/.curlrc");
      assert.ok(call.args.includes("--fail-with-body"));
      assert.deepEqual(
        call.args.slice(call.args.indexOf("--config"), call.args.indexOf("--config") + 2),
        ["--config", "-"],
      );
      assert.ok(!call.args.join(" ").includes(TOKEN), "token in the arguments");
      assert.ok(!call.args.includes("--insecure"));
      assert.equal(call.stdin, `header = "Authorization: PVEAPIToken=${TOKEN}"`);
    }
    const insecure = run(upsertScript({ ...target, insecure: true }, lvm), { exists: false });
    for (const call of insecure.calls) assert.ok(call.args.includes("--insecure"));
  });

  it("a failing API call fails the command (the plan stops, nothing is assumed)", () => {
    assert.notEqual(run(upsertScript(target, iscsi), { exists: false, status: 22 }).status, 0);
    assert.notEqual(run(upsertScript(target, iscsi), { exists: true, status: 22 }).status, 0);
  });

  it("delete: DELETE when the storage exists, nothing when it is already gone", () => {
    const present = run(deleteScript(target, iscsi), { exists: true });
    assert.equal(present.status, 0);
    assert.deepEqual(request(present.calls[1]!), ["-X", "DELETE", `${URL}/nas-iscsi`]);
    const gone = run(deleteScript(target, iscsi), { exists: false });
    assert.equal(gone.status, 0);
    assert.equal(gone.calls.length, 1);
  });

  it("apiBase drops trailing slashes", () => {
    assert.equal(apiBase("https://pve:8006//"), "https://pve:8006");
    assert.equal(apiBase("https://pve:8006"), "https://pve:8006");
  });
});

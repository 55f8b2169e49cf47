/**
 * The preload's caches stay bounded (src/boot/cache-dir.js): a cache directory that reached
 * its limit is emptied before the next write, once per process; the V8 code cache and the
 * `.ts` transform cache use it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JavaScript modules
const { makeRoom } = require("../../src/boot/cache-dir.js") as {
  makeRoom: (directory: string, limit: number) => boolean;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JavaScript modules
const codeCache = require("../../src/boot/code-cache.js") as {
  cacheDirectory: (root: string) => string;
  LIMIT: number;
};

const ROOT = join(__dirname, "..", "..");

function filled(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), "cache-dir-"));
  for (let i = 0; i < count; i++) writeFileSync(join(dir, `entry-${i}`), "x");
  return dir;
}

describe("bounded caches", () => {
  it("a directory under its limit is left as it is; one at its limit is emptied", () => {
    const under = filled(9);
    assert.equal(makeRoom(under, 10), false);
    assert.equal(readdirSync(under).length, 9);
    const full = filled(10);
    assert.equal(makeRoom(full, 10), true);
    assert.deepEqual(readdirSync(full), []);
    assert.equal(makeRoom(join(full, "missing"), 10), false, "not there yet: nothing to do");
  });

  it("checks a directory once per process", () => {
    const dir = filled(3);
    assert.equal(makeRoom(dir, 10), false);
    for (let i = 3; i < 12; i++) writeFileSync(join(dir, `entry-${i}`), "x");
    assert.equal(makeRoom(dir, 10), false);
    assert.equal(readdirSync(dir).length, 12);
  });

  it("the code cache empties a full directory before it writes its new entries", () => {
    const project = mkdtempSync(join(tmpdir(), "cache-dir-project-"));
    writeFileSync(join(project, "value.js"), "console.log('ok');\n");
    // The directory this process's flags would use: the child below runs with none.
    const probe = spawnSync(
      process.execPath,
      [
        "-e",
        `process.stdout.write(require(${JSON.stringify(join(ROOT, "src/boot/code-cache.js"))}).cacheDirectory(${JSON.stringify(project)}))`,
      ],
      { encoding: "utf8" },
    );
    const directory = probe.stdout;
    assert.ok(directory.startsWith(project), directory);
    mkdirSync(directory, { recursive: true });
    // A limit of 20 here (the default, codeCache.LIMIT, is 5000 files: 2.5 s to write).
    const limit = 20;
    assert.ok(limit < codeCache.LIMIT);
    for (let i = 0; i < limit; i++) writeFileSync(join(directory, `old-${i}`), "x");
    const run = spawnSync(
      process.execPath,
      [
        "-e",
        `require(${JSON.stringify(join(ROOT, "src/boot/code-cache.js"))}).enableCodeCache(${JSON.stringify(project)}, ${limit}); require(${JSON.stringify(join(project, "value.js"))});`,
      ],
      { encoding: "utf8" },
    );
    assert.equal(run.stdout, "ok\n", run.stderr);
    const left = readdirSync(directory);
    assert.equal(left.length, 1, "the old entries are gone, the new one written");
    assert.ok(!left[0]!.startsWith("old-"));
  });
});

/**
 * File references are configuration (src/config/files.ts, the registry reader): every bad
 * file a key can name is a problem at the key that quotes nothing of the file, and no file
 * can crash or hang a tool. The committed cases are negative fixtures (test/fixtures/invalid/
 * tls-ca-*, registry-*); these are the ones a repository cannot hold: a symbolic link out of
 * the project, a FIFO, a huge file, a file the user cannot read.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { MAX_CA_BYTES, pemCertificates, readTextFile } from "../../src/config/files";
import { readRegistry } from "../../src/config/registry";

const ROOT = join(__dirname, "..", "..");
const CERT = readFileSync(join(ROOT, "test/fixtures/tls/device-cert.pem"), "utf8");
const OTHER = readFileSync(join(ROOT, "test/fixtures/tls/other-cert.pem"), "utf8");
const KEY = readFileSync(join(ROOT, "test/fixtures/tls/device-key.pem"), "utf8");

const dir = mkdtempSync(join(tmpdir(), "homelab-files-"));
const project = join(dir, "project");
mkdirSync(project);
after(() => rmSync(dir, { recursive: true, force: true }));

const read = (name: string, maxBytes = MAX_CA_BYTES) =>
  readTextFile(name, { root: project, maxBytes });

describe("readTextFile", () => {
  it("reads a text file inside the project", () => {
    writeFileSync(join(project, "ca.pem"), CERT);
    assert.deepEqual(read("ca.pem"), { text: CERT });
    mkdirSync(join(project, "certs"));
    symlinkSync("../ca.pem", join(project, "certs", "link.pem"));
    assert.deepEqual(read("certs/link.pem"), { text: CERT }, "a link inside the project is fine");
  });

  it("refuses a path or a symbolic link out of the project, without reading it", () => {
    writeFileSync(join(dir, "outside.pem"), KEY);
    assert.deepEqual(read("../outside.pem"), { reason: "is outside the project" });
    assert.deepEqual(read(join(dir, "outside.pem")), { reason: "is outside the project" });
    symlinkSync(join(dir, "outside.pem"), join(project, "escape.pem"));
    assert.deepEqual(read("escape.pem"), {
      reason: "is a symbolic link to a file outside the project",
    });
    symlinkSync("loop-b", join(project, "loop-a"));
    symlinkSync("loop-a", join(project, "loop-b"));
    assert.deepEqual(read("loop-a"), { reason: "is a loop of symbolic links" });
  });

  it("refuses what is not a regular text file of a sensible size, without blocking", () => {
    assert.deepEqual(read("nope.pem"), { reason: "does not exist", missing: true });
    assert.deepEqual(read("ca.pem/x"), { reason: "does not exist", missing: true });
    assert.deepEqual(read("certs"), { reason: "is a directory, not a file" });
    const fifo = spawnSync("mkfifo", [join(project, "fifo")]);
    assert.equal(fifo.status, 0, "mkfifo");
    assert.deepEqual(read("fifo"), { reason: "is not a regular file (a device, socket or pipe)" });
    writeFileSync(join(project, "huge.pem"), "A".repeat(MAX_CA_BYTES + 1));
    assert.deepEqual(read("huge.pem"), { reason: "is 512 KiB, more than the 512 KiB it may be" });
    writeFileSync(join(project, "big.pem"), "A".repeat(3 * 1024 * 1024));
    assert.deepEqual(read("big.pem"), { reason: "is 3.0 MiB, more than the 512 KiB it may be" });
    writeFileSync(join(project, "bin.pem"), Buffer.from([0x30, 0x82, 0x00, 0x01]));
    assert.deepEqual(read("bin.pem"), { reason: "is not a text file (it holds binary data)" });
    writeFileSync(join(project, "latin1.pem"), Buffer.from([0x63, 0x61, 0xe9, 0x0a]));
    assert.deepEqual(read("latin1.pem"), { reason: "is not a text file (it is not UTF-8)" });
  });

  it("refuses a file the user cannot read (checked as an unprivileged user)", () => {
    writeFileSync(join(project, "secret.pem"), CERT);
    chmodSync(join(project, "secret.pem"), 0o000);
    chmodSync(dir, 0o755);
    chmodSync(project, 0o755);
    // As root every file is readable: run the reader as "nobody" then (uid 65534).
    const script = `const { readTextFile } = require(${JSON.stringify(join(ROOT, "src/config/files.ts"))});
process.stdout.write(JSON.stringify(readTextFile("secret.pem", { root: ${JSON.stringify(project)}, maxBytes: 1000000 })));`;
    const asRoot = process.getuid?.() === 0;
    const result = spawnSync(
      process.execPath,
      ["--require", join(ROOT, "src", "boot", "register.js"), "-e", script],
      {
        cwd: ROOT,
        encoding: "utf8",
        ...(asRoot ? { uid: 65534, gid: 65534, env: { ...process.env, HOME: dir } } : {}),
      },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { reason: "cannot be read (permission denied)" });
  });
});

describe("pemCertificates", () => {
  it("keeps only the certificate blocks, so nothing else of the file goes on", () => {
    const bundle = `subject=CN=one\n${CERT}\nsubject=CN=two\r\n${OTHER.replace(/\n/g, "\r\n")}`;
    assert.deepEqual(pemCertificates(bundle), { pem: `${CERT.trimEnd()}\n${OTHER}` });
  });

  it("refuses a private key anywhere in the file, even malformed, naming its line", () => {
    const result = pemCertificates(`${CERT}${KEY}`);
    assert.ok("reason" in result);
    assert.match(result.reason, /^holds a private key \(line 14\)/);
    const broken = pemCertificates(`${CERT}-----BEGIN EC PRIVATE KEY-----\nAAAA\n`);
    assert.ok("reason" in broken && broken.reason.startsWith("holds a private key"));
    for (const r of [result, broken]) assert.ok(!JSON.stringify(r).includes("MIG"));
  });
});

describe("the registry a stack names", () => {
  it("is read inside the project only, and a file that is no registry is never quoted", () => {
    writeFileSync(join(dir, "federation.yaml"), "version: 1\nmembers: []\n");
    assert.deepEqual(readRegistry(project, "../federation.yaml", { insideProject: true }), {
      unreadable: "is outside the project",
    });
    const secrets = "db_password: Zq3xW9vB7nK2mP4tR8sY1uC6\napi: [1, 2\n";
    writeFileSync(join(project, "secrets.yaml"), secrets);
    const broken = readRegistry(project, "secrets.yaml", { insideProject: true });
    assert.ok("problems" in broken);
    assert.equal(broken.problems.length, 1);
    assert.deepEqual(broken.problems[0]?.path, [], "no key of a file that is not a registry");
    assert.equal(broken.problems[0]?.line, 3);
    assert.doesNotMatch(JSON.stringify(broken.problems), /db_password|Zq3x|api/);
    writeFileSync(join(project, "other.yaml"), secrets.replace("[1, 2", "[1, 2]"));
    const other = readRegistry(project, "other.yaml", { insideProject: true });
    assert.ok("problems" in other);
    assert.deepEqual(
      other.problems.map((p) => p.message),
      [
        "other.yaml is not a federation registry: a registry is a YAML mapping with version: 1, name, transferPool and members (as stacks/federation.yaml), and this file holds a mapping without the keys version and members",
      ],
    );
  });
});

/**
 * The cloud-init user data of a Docker host VM, as text and as the YAML cloud-init reads:
 * Docker installed from Debian's packages, the login user in the docker group (which exists
 * before the user), the site's and the guest's keys, host keys kept if cloud-init runs again.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { DOCKER_PACKAGE, dockerUserData } from "../../src/model/proxmox-cloud-init";
import { siteModel } from "../helpers/site";
import { HOME } from "../helpers/sites";

const SITE_KEY =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE8auLriHFNj794SyKbVoA8bg7IK3HAW0P7PMozzrsyr me";
const GUEST_KEY = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY= ops # on-call: pager";

interface CloudConfig {
  hostname: string;
  fqdn: string;
  bootcmd: string[][];
  users: {
    name: string;
    groups: string[];
    sudo: string;
    lock_passwd: boolean;
    ssh_authorized_keys: string[];
  }[];
  ssh_pwauth: boolean;
  ssh_deletekeys: boolean;
  package_update: boolean;
  package_upgrade: boolean;
  packages: string[];
}

describe("cloud-init user data of a Docker host VM", () => {
  const text = dockerUserData({
    hostname: "immich",
    domain: "home.arpa",
    user: "debian",
    sshKeys: [SITE_KEY, GUEST_KEY],
  });
  const doc = parse(text) as CloudConfig;

  it("is a cloud-config document", () => {
    assert.equal(text.split("\n")[0], "#cloud-config");
    assert.equal(doc.hostname, "immich");
    assert.equal(doc.fqdn, "immich.home.arpa");
  });

  it("installs Docker from Debian's packages, after updating the image", () => {
    assert.equal(DOCKER_PACKAGE, "docker.io");
    assert.deepEqual(doc.packages, ["docker.io"]);
    assert.equal(doc.package_update, true);
    assert.equal(doc.package_upgrade, true);
    assert.match(text, /^packages:\n {2}- docker\.io$/m);
  });

  it("the login user is in the docker group, which exists (as a system group) before the user", () => {
    assert.equal(doc.users.length, 1);
    const user = doc.users[0]!;
    assert.equal(user.name, "debian");
    assert.deepEqual(user.groups, ["docker"]);
    assert.equal(user.lock_passwd, true);
    assert.equal(user.sudo, "ALL=(ALL) NOPASSWD:ALL");
    assert.deepEqual(doc.bootcmd, [
      ["sh", "-c", "getent group docker >/dev/null || groupadd --system docker"],
    ]);
    // bootcmd runs before users_groups (cloud-init's module order), so the group is there.
    assert.ok(text.indexOf("bootcmd:") < text.indexOf("users:"));
  });

  it("authorizes exactly the given keys, comments and all, and no password login", () => {
    assert.deepEqual(doc.users[0]!.ssh_authorized_keys, [SITE_KEY, GUEST_KEY]);
    assert.ok(text.includes(`      - ${JSON.stringify(SITE_KEY)}\n`));
    assert.equal(doc.ssh_pwauth, false);
  });

  it("keeps the host keys if cloud-init runs again (a new instance id), so ssh still trusts the host", () => {
    assert.equal(doc.ssh_deletekeys, false);
  });

  it("the home seed: every Docker host VM's user data carries the site's key and its own name", () => {
    const home = siteModel(HOME);
    const keys = home.config.site.sshKeys;
    const vms = home.proxmox!.guests.filter((g) => g.docker);
    assert.equal(vms.length, 10);
    for (const guest of vms) {
      const data = parse(guest.userData!.content) as CloudConfig;
      assert.equal(data.hostname, guest.name);
      assert.equal(data.users[0]!.name, guest.sshUser);
      assert.deepEqual(data.users[0]!.ssh_authorized_keys, keys);
      assert.deepEqual(data.packages, ["docker.io"]);
    }
  });
});

/**
 * Custom containers with the host's hardware (test/fixtures/sites/custom-devices.yaml) under
 * mocks: `devices` reach the Docker provider with every field explicit (the container path
 * defaults to the host's, permissions to rwm), `shmSizeMiB` becomes `shmSize` (MiB: the
 * provider multiplies by 1024², resource_docker_container_funcs.go), `tmpfs` mounts get the
 * catalog's options, and a container without them sets none of these inputs.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { Plan } from "../../src/cli/mock-runtime";
import { byName, plan } from "../helpers/plan";

const SITE = { stack: "hw", file: "test/fixtures/sites/custom-devices.yaml" };

let hw: Plan;
before(async () => {
  hw = await plan(SITE);
});

describe("custom containers with devices, shmSizeMiB and tmpfs", () => {
  it("passes a device under another name with the default permissions", () => {
    const z2m = byName(hw, "hw-services-z2m-main");
    assert.deepEqual(z2m.inputs.devices, [
      {
        hostPath: "/dev/serial/by-id/usb-ITead_Sonoff_Zigbee_3.0-if00",
        containerPath: "/dev/zigbee",
        permissions: "rwm",
      },
    ]);
    assert.equal(z2m.inputs.shmSize, undefined);
    assert.equal(z2m.inputs.tmpfs, undefined);
  });

  it("passes the GPU at its own path, sizes /dev/shm and mounts tmpfs on a read-only root", () => {
    const transcoder = byName(hw, "hw-services-transcoder-main");
    assert.deepEqual(transcoder.inputs.devices, [
      { hostPath: "/dev/dri/renderD128", containerPath: "/dev/dri/renderD128", permissions: "rw" },
    ]);
    assert.equal(transcoder.inputs.shmSize, 512);
    assert.deepEqual(transcoder.inputs.tmpfs, {
      "/tmp": "rw,noexec,nosuid",
      "/run": "rw,noexec,nosuid",
    });
    assert.equal(transcoder.inputs.readOnly, true);
    assert.equal(transcoder.inputs.privileged, false, "devices need no privileged mode");
  });
});

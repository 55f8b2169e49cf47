/**
 * Not part of the suite (not a *.test.ts file): run by run-tests.test.ts. A test awaits an
 * Output that never resolves while a server keeps the process alive, as a test of a
 * component against an emulator would: only the runner's time limit can end it.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";

const server = createServer();
before(() => new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening)));
after(() => server.close());

it("awaits an Output that never resolves", async () => {
  const never = pulumi.output(new Promise<string>(() => {}));
  const value = await new Promise<string>((resolve) => never.apply(resolve));
  assert.equal(value, "a value");
});

it("runs the next test", () => {
  assert.ok(server.listening);
});

/** The lifecycle driver used by the provider tests behaves like the dynamic-provider host. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import { MiniEngine } from "./engine";

/** A toy provider over a Map, counting writes. */
function toy() {
  const store = new Map<string, string>();
  let writes = 0;
  const provider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: { key: string; value: string }) {
      writes++;
      store.set(inputs.key, inputs.value);
      return { id: inputs.key, outs: { ...inputs } };
    },
    async diff(_id, olds: { key: string; value: string }, news: { key: string; value: string }) {
      return { changes: olds.value !== news.value, replaces: olds.key !== news.key ? ["key"] : [] };
    },
    async update(id, _olds, news: { key: string; value: string }) {
      writes++;
      store.set(id, news.value);
      return { outs: { ...news } };
    },
    async delete(id) {
      writes++;
      store.delete(id);
    },
    async read(id, props: { key: string }) {
      const value = store.get(id);
      return value === undefined
        ? { id: "", props: {} }
        : { id, props: { ...props, value }, inputs: { ...props, value } };
    },
  };
  return { provider, store, writes: () => writes };
}

describe("MiniEngine", () => {
  it("creates, then makes no write when nothing changed, then updates, replaces and deletes", async () => {
    const { provider, store, writes } = toy();
    const engine = new MiniEngine(provider);
    const v1 = [{ name: "a", inputs: { key: "a", value: "1" } }];
    assert.deepEqual(await engine.up(v1), [{ name: "a", op: "create" }]);
    const before = writes();
    assert.deepEqual(await engine.up(v1), [{ name: "a", op: "same" }]);
    assert.equal(writes(), before);
    assert.deepEqual(await engine.up([{ name: "a", inputs: { key: "a", value: "2" } }]), [
      { name: "a", op: "update" },
    ]);
    assert.deepEqual(await engine.up([{ name: "a", inputs: { key: "b", value: "2" } }]), [
      { name: "a", op: "replace" },
    ]);
    assert.deepEqual([...store.keys()], ["b"]);
    assert.deepEqual(await engine.up([]), [{ name: "a", op: "delete" }]);
    assert.equal(store.size, 0);
  });

  it("refresh reports drift and drops what disappeared", async () => {
    const { provider, store } = toy();
    const engine = new MiniEngine(provider);
    await engine.up([
      { name: "a", inputs: { key: "a", value: "1" } },
      { name: "b", inputs: { key: "b", value: "1" } },
    ]);
    assert.deepEqual(await engine.refresh(), []);
    store.set("a", "changed by hand");
    store.delete("b");
    assert.deepEqual(await engine.refresh(), ["a", "b"]);
    assert.equal(engine.state.has("b"), false);
    assert.deepEqual(await engine.preview([{ name: "a", inputs: { key: "a", value: "1" } }]), [
      { name: "a", op: "update" },
    ]);
  });
});

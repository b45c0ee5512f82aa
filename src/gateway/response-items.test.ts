import { test } from "node:test";
import assert from "node:assert/strict";
import { ResponseItemMemory, storesItems } from "./response-items.ts";

const message = (id: string, text: string) => ({ id, type: "message", role: "assistant", content: [{ type: "output_text", text }] });

test("references to remembered items are replaced by the items; others are left as sent", () => {
  const memory = new ResponseItemMemory();
  memory.remember([message("msg_a", "Let me check."), { id: "fc_b", type: "function_call", call_id: "call_1", name: "weather", arguments: "{}" }, "not an item", { type: "no id" }]);
  const input = [{ role: "user", content: "hi" }, { type: "item_reference", id: "msg_a" }, { type: "item_reference", id: "msg_unknown" }];
  const resolved = memory.resolve(input);
  assert.deepEqual(resolved, [{ role: "user", content: "hi" }, message("msg_a", "Let me check."), { type: "item_reference", id: "msg_unknown" }]);
  assert.equal(input[1]!.type, "item_reference", "the client's own input is not changed");
  assert.equal(memory.resolve([{ type: "item_reference", id: "msg_unknown" }]), undefined, "nothing known: undefined");
  assert.equal(memory.resolve("a string input"), undefined);
});

test("the oldest items go first when the count or the size limit is passed", () => {
  const memory = new ResponseItemMemory({ items: 2, bytes: 10_000 });
  memory.remember([message("m1", "one"), message("m2", "two"), message("m3", "three")]);
  assert.equal(memory.resolve([{ type: "item_reference", id: "m1" }]), undefined);
  assert.ok(memory.resolve([{ type: "item_reference", id: "m3" }]));
  const small = new ResponseItemMemory({ items: 100, bytes: 200 });
  small.remember([message("big", "x".repeat(150)), message("next", "y".repeat(100))]);
  assert.equal(small.resolve([{ type: "item_reference", id: "big" }]), undefined, "pushed out by size");
  assert.ok(small.resolve([{ type: "item_reference", id: "next" }]));
  small.remember([message("huge", "z".repeat(500))]);
  assert.equal(small.resolve([{ type: "item_reference", id: "huge" }]), undefined, "an item over the whole budget is not kept");
  assert.ok(small.resolve([{ type: "item_reference", id: "next" }]), "and does not push the others out");
});

test("store: false means the client will not refer to the answer", () => {
  assert.equal(storesItems({}), true);
  assert.equal(storesItems({ store: true }), true);
  assert.equal(storesItems({ store: false }), false);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { hasOwnKey, lookupTable, ownValue, setOwnValue } from "./own-keys.ts";

const PROPERTY_NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf", "__defineGetter__"];

test("a plain record has none of Object.prototype's names as own keys", () => {
  const record: Record<string, number> = { a: 1 };
  for (const name of PROPERTY_NAMES) {
    assert.equal(hasOwnKey(record, name), false, name);
    assert.equal(ownValue(record, name), undefined, name);
  }
  assert.equal(ownValue(record, "a"), 1);
  assert.equal(hasOwnKey(undefined, "a"), false);
  assert.equal(ownValue(null, "a"), undefined);
});

test("setOwnValue stores every name as an entry; `__proto__` does not become the prototype", () => {
  for (const name of PROPERTY_NAMES) {
    const record: Record<string, { id: string }> = {};
    setOwnValue(record, name, { id: name });
    assert.equal(Object.getPrototypeOf(record), Object.prototype, name);
    assert.deepEqual(Object.keys(record), [name]);
    assert.deepEqual(ownValue(record, name), { id: name });
    assert.equal(JSON.stringify(record), `{"${name}":{"id":"${name}"}}`);
  }
  // An existing `__proto__` entry is replaced, not the prototype.
  const parsed = JSON.parse('{"__proto__": 1}') as Record<string, number>;
  setOwnValue(parsed, "__proto__", 2);
  assert.deepEqual(Object.entries(parsed), [["__proto__", 2]]);
});

test("lookupTable answers only for its own keys and cannot be changed", () => {
  const table = lookupTable<Record<string, string>>({ qwen: "qwen-portal" });
  assert.equal(table.qwen, "qwen-portal");
  for (const name of PROPERTY_NAMES) {
    assert.equal(table[name], undefined, name);
    assert.equal(name in table, false, name);
  }
  assert.deepEqual(Object.keys(table), ["qwen"]);
  assert.throws(() => {
    (table as Record<string, string>).x = "y";
  }, TypeError);
});

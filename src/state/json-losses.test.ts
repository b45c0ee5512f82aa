import { test } from "node:test";
import assert from "node:assert/strict";
import { findJsonLoss } from "./json-losses.ts";
import { NonFiniteNumberError, parseJson5Text, parseJsonText } from "./json-text.ts";

const loss = (text: string) => findJsonLoss(text, JSON.parse(text));

test("a duplicate key: colons inside strings and escaped quotes do not fool the count", () => {
  assert.equal(loss(String.raw`{"a": "x\":y", "b": ":", "c": {"d": [":", "\\"]}}`), undefined);
  assert.deepEqual(loss(String.raw`{"a": "x\":y", "a": ":"}`), { kind: "duplicate-key" });
  assert.deepEqual(loss('{"__proto__": {}, "__proto__": {}}'), { kind: "duplicate-key" });
  assert.equal(loss('{"__proto__": {"a": 1}, "constructor": [{"toString": 2}]}'), undefined);
  assert.equal(loss("[1, 2]"), undefined);
  assert.equal(loss('"text"'), undefined);
});

test("a number that reads as infinity, with the path to it", () => {
  assert.deepEqual(loss('{"profiles": {"a:x": {"expires": 1e999}}}'), { kind: "non-finite-number", path: ["profiles", "a:x", "expires"], value: Infinity });
  assert.deepEqual(loss('{"l": [1, {"n": -1e400}]}'), { kind: "non-finite-number", path: ["l", 1, "n"], value: -Infinity });
  assert.deepEqual(loss(`{"digits": ${"9".repeat(400)}}`), { kind: "non-finite-number", path: ["digits"], value: Infinity });
  assert.deepEqual(loss("1e999"), { kind: "non-finite-number", path: [], value: Infinity });
  assert.equal(loss('{"big": 1.7e308, "small": 1e-999, "s": "1e999"}'), undefined);
  // A duplicate is reported first: its scanner says where.
  assert.deepEqual(loss('{"a": 1e999, "a": 1}'), { kind: "duplicate-key" });
});

test("parseJsonText refuses a non-finite number in words; JSON5's own Infinity is left to the schema", async () => {
  await assert.rejects(parseJsonText('{"usageStats": {"openai:a": {"cooldownUntil": 1e999, "errorCount": -1e999}}}'), (error: unknown) => {
    assert.ok(error instanceof NonFiniteNumberError);
    assert.equal(error.message, 'usageStats["openai:a"].cooldownUntil: expected a time in milliseconds since 1970, got a number too large to represent (it reads as infinity)');
    return true;
  });
  await assert.rejects(parseJson5Text('{"gateway": {"port": 1e999}}'), { message: "gateway.port: expected a number, got a number too large to represent (it reads as infinity)" });
  assert.deepEqual(await parseJson5Text("{gateway: {port: Infinity}}"), { gateway: { port: Infinity } });
});

// The edge check of chat requests: what the official SDKs send passes, and a
// malformed body is explained by field and type, never by its value.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ANTHROPIC_EXTRA_REQUESTS, ANTHROPIC_SDK_REQUESTS, OPENAI_SDK_REQUESTS } from "../../test/helpers/sdk-requests.ts";
import type { ApiFormat } from "./api-errors.ts";
import { MAX_NESTING, nestsDeeperThan } from "./request-nesting.ts";
import { explainMalformedRequest } from "./request-problem.ts";
import { isWellFormedRequest } from "./request-shape.ts";

const openaiBase = { model: "openai/gpt-5.2", messages: [{ role: "user", content: "hi" }] };
const anthropicBase = { model: "anthropic/claude-opus-4-6", max_tokens: 10, messages: [{ role: "user", content: "hi" }] };

test("every SDK-shaped request passes", async () => {
  const all: [ApiFormat, string, object][] = [
    ...Object.entries(OPENAI_SDK_REQUESTS).map(([name, body]): [ApiFormat, string, object] => ["openai", name, body]),
    ...Object.entries({ ...ANTHROPIC_SDK_REQUESTS, ...ANTHROPIC_EXTRA_REQUESTS }).map(([name, body]): [ApiFormat, string, object] => ["anthropic", name, body]),
  ];
  assert.ok(all.length >= 10);
  for (const [format, name, body] of all) {
    const copy = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
    const explained = isWellFormedRequest(format, copy) ? "" : (await explainMalformedRequest(format, copy)).message;
    assert.equal(explained, "", `${format} "${name}" was refused`);
  }
});

/** [format, body, expected message, expected param] */
const MALFORMED: [ApiFormat, Record<string, unknown>, string, string][] = [
  ["anthropic", { ...anthropicBase, messages: [{ role: "user", content: null }] }, "messages[0].content: expected a string or an array, got null.", "messages[0].content"],
  ["openai", { ...openaiBase, tools: {} }, "tools: expected an array, got an object.", "tools"],
  ["anthropic", { ...anthropicBase, tools: {} }, "tools: expected an array, got an object.", "tools"],
  [
    "openai",
    { ...openaiBase, messages: [{ role: "user", content: "x" }, { role: "assistant", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] }, { role: "tool", tool_call_id: 7, content: "r" }] },
    "messages[2].tool_call_id: expected a string, got a number.",
    "messages[2].tool_call_id",
  ],
  ["openai", { ...openaiBase, messages: [{ role: "user", content: [{ type: "text", text: 5 }] }] }, "messages[0].content[0].text: expected a string, got a number.", "messages[0].content[0].text"],
  ["openai", { ...openaiBase, messages: [{ role: "user", content: [{ type: "image_url", image_url: "https://x" }] }] }, "messages[0].content[0].image_url: expected an object, got a string.", "messages[0].content[0].image_url"],
  ["openai", { ...openaiBase, messages: [null] }, "messages[0]: expected an object, got null.", "messages[0]"],
  ["openai", { ...openaiBase, stream: "yes" }, "stream: expected a boolean, got a string.", "stream"],
  ["openai", { ...openaiBase, stop: { a: 1 } }, "stop: expected a string or an array, got an object.", "stop"],
  ["openai", { ...openaiBase, max_tokens: Infinity }, "max_tokens: expected a number, got a number out of range.", "max_tokens"],
  ["openai", { ...openaiBase, model: 5 }, "model: expected a string, got a number.", "model"],
  ["openai", { model: "openai/gpt-5.2" }, "messages: expected an array, got nothing.", "messages"],
  ["openai", { ...openaiBase, messages: [{ role: "assistant", tool_calls: [{ id: 1, function: { name: "f", arguments: {} } }] }] }, "messages[0].tool_calls[0].id: expected a string, got a number; messages[0].tool_calls[0].function.arguments: expected a string, got an object.", "messages[0].tool_calls[0].id"],
  ["anthropic", { ...anthropicBase, tool_choice: "auto" }, "tool_choice: expected an object, got a string.", "tool_choice"],
  ["anthropic", { ...anthropicBase, messages: [{ role: "assistant", content: [{ type: "tool_use", id: 5, name: "f", input: {} }] }] }, "messages[0].content[0].id: expected a string, got a number.", "messages[0].content[0].id"],
  [
    "anthropic",
    { ...anthropicBase, messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: [null] }] }] },
    "messages[0].content[0].content[0]: expected an object, got null.",
    "messages[0].content[0].content[0]",
  ],
  ["anthropic", { ...anthropicBase, messages: [{ role: "user", content: [{ type: "image", source: "https://x" }] }] }, "messages[0].content[0].source: expected an object, got a string.", "messages[0].content[0].source"],
  ["anthropic", { ...anthropicBase, messages: [{ role: "user", content: [{ text: "no type" }] }] }, "messages[0].content[0].type: expected a string, got nothing.", "messages[0].content[0].type"],
  ["anthropic", { ...anthropicBase, system: 5 }, "system: expected a string or an array, got a number.", "system"],
  ["anthropic", { ...anthropicBase, metadata: { user_id: 5 } }, "metadata.user_id: expected a string, got a number.", "metadata.user_id"],
];

test("a malformed body is refused with the field, what was expected and what came", async () => {
  for (const [format, body, message, param] of MALFORMED) {
    assert.equal(isWellFormedRequest(format, body), false, `${format} ${JSON.stringify(body)} passed`);
    assert.deepEqual(await explainMalformedRequest(format, body), { message, param });
  }
});

test("an explanation names types, never values", async () => {
  const secret = "sk-secret-value-that-must-not-echo";
  const body = { ...openaiBase, messages: [{ role: "user", content: [{ type: "text", text: [secret] }] }], user: { id: secret } };
  const problem = await explainMalformedRequest("openai", body);
  assert.equal(problem.message, "messages[0].content[0].text: expected a string, got an array; user: expected a string, got an object.");
  assert.ok(!problem.message.includes(secret));
});

test("at most three problems are listed, then how many more", async () => {
  const body = { ...openaiBase, temperature: "1", top_p: "1", max_tokens: "1", user: 1, stream: 1 };
  assert.equal((await explainMalformedRequest("openai", body)).message, "max_tokens: expected a number, got a string; temperature: expected a number, got a string; top_p: expected a number, got a string; and 2 more.");
});

function nested(levels: number): unknown {
  let value: unknown = "leaf";
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

test("nesting deeper than the limit is refused before it can overflow JSON.stringify", async () => {
  // The body itself is the first level.
  assert.equal(isWellFormedRequest("openai", { ...openaiBase, extra: nested(MAX_NESTING - 1) }), true);
  const deep = { ...openaiBase, tools: [{ type: "function", function: { name: "f", parameters: { x: nested(MAX_NESTING) } } }] };
  assert.equal(isWellFormedRequest("openai", deep), false);
  assert.deepEqual(await explainMalformedRequest("openai", deep), {
    message: `tools[0].function.parameters: arrays and objects nest more than ${MAX_NESTING} levels deep.`,
    param: "tools[0].function.parameters",
  });
  assert.equal(nestsDeeperThan(nested(3), 3), false);
  assert.equal(nestsDeeperThan(nested(4), 3), true);
  assert.equal(nestsDeeperThan("x", 0), false);
});

test("null counts as absent for optional fields, but not for required ones", () => {
  assert.equal(isWellFormedRequest("openai", { ...openaiBase, tools: null, tool_choice: null, stream: null, stop: null, user: null }), true);
  assert.equal(isWellFormedRequest("anthropic", { ...anthropicBase, system: null, tools: null, stop_sequences: null, metadata: null }), true);
  assert.equal(isWellFormedRequest("openai", { ...openaiBase, messages: null }), false);
  assert.equal(isWellFormedRequest("anthropic", { ...anthropicBase, messages: [{ role: null, content: "x" }] }), false);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { lastUserText, parseChatCommand } from "./chat-command.ts";

const aliases = { opus: "anthropic/claude-opus-4-6", Fast: "openai/gpt-5-mini" };

test("every command form, as the spec writes them", () => {
  assert.deepEqual(parseChatCommand("/model", aliases), { kind: "show" });
  assert.deepEqual(parseChatCommand("  /model  ", aliases), { kind: "show" });
  assert.deepEqual(parseChatCommand("/models", aliases), { kind: "list" });
  assert.deepEqual(parseChatCommand("/models openai", aliases), { kind: "list", provider: "openai" });
  assert.deepEqual(parseChatCommand("/model list", aliases), { kind: "list" });
  assert.deepEqual(parseChatCommand("/model status", aliases), { kind: "status" });
  assert.deepEqual(parseChatCommand("/model 3", aliases), { kind: "numeric", raw: "3" });
  assert.deepEqual(parseChatCommand("/model openai/gpt-5.2@openai:work", aliases), { kind: "select", raw: "openai/gpt-5.2@openai:work" });
  assert.deepEqual(parseChatCommand("/model: opus", aliases), { kind: "select", raw: "opus" });
  assert.deepEqual(parseChatCommand("/model:opus@anthropic:a", aliases), { kind: "select", raw: "opus@anthropic:a" });
  assert.deepEqual(parseChatCommand("/opus", aliases), { kind: "select", raw: "opus" }, "an alias shortcut");
  assert.deepEqual(parseChatCommand("/fast@openai:x", aliases), { kind: "select", raw: "fast@openai:x" }, "aliases match in any case");
  assert.deepEqual(parseChatCommand("/new", aliases), { kind: "new", word: "new" });
  assert.deepEqual(parseChatCommand("/reset", aliases), { kind: "new", word: "reset" });
});

test("what is not a command goes to the model", () => {
  for (const text of ["hello /model", "/modelx", "/model two words", "/model <script>", "/unknownalias", "/models a b", "model status", "/newer"]) {
    assert.equal(parseChatCommand(text, aliases), undefined, text);
  }
});

test("the newest message must be the user's, and only text", () => {
  assert.equal(lastUserText("openai-completions", { messages: [{ role: "system", content: "s" }, { role: "user", content: "/model" }] }), "/model");
  assert.equal(lastUserText("openai-completions", { messages: [{ role: "user", content: "/model" }, { role: "assistant", content: "x" }] }), undefined);
  assert.equal(lastUserText("openai-completions", { messages: [{ role: "user", content: [{ type: "text", text: "/model status" }] }] }), "/model status");
  assert.equal(lastUserText("openai-completions", { messages: [{ role: "user", content: [{ type: "text", text: "/model" }, { type: "image_url", image_url: { url: "data:," } }] }] }), undefined);
  assert.equal(lastUserText("anthropic-messages", { messages: [{ role: "user", content: [{ type: "text", text: "/models" }] }] }), "/models");
  assert.equal(lastUserText("anthropic-messages", { messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: "/model" }] }] }), undefined);
  assert.equal(lastUserText("openai-responses", { input: "/new" }), "/new");
  assert.equal(lastUserText("openai-responses", { input: [{ role: "user", content: [{ type: "input_text", text: "/reset" }] }] }), "/reset");
  assert.equal(lastUserText("openai-responses", { input: [{ type: "function_call_output", call_id: "c", output: "/model" }] }), undefined);
});

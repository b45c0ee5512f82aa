// The token estimate for count_tokens on providers that cannot count.
import { test } from "node:test";
import assert from "node:assert/strict";
import { countingUnsupported, estimateInputTokens } from "./count-tokens.ts";

test("characters / 4 over the text as it would be sent, 3 per message, 3 for the reply", () => {
  assert.equal(estimateInputTokens({ model: "m", messages: [{ role: "user", content: "abcdefgh" }] }), 2 + 3 + 3);
  // The system prompt is a message of its own.
  assert.equal(estimateInputTokens({ model: "m", system: "abcd", messages: [{ role: "user", content: "abcd" }] }), 2 + 6 + 3);
  // UTF-8 bytes: CJK text counts about one token per character.
  assert.equal(estimateInputTokens({ model: "m", messages: [{ role: "user", content: "日本語の文" }] }), 4 + 3 + 3);
});

test("tool calls, tool results and tool definitions count; images a flat 1,024; earlier thinking does not", () => {
  const tools = [{ name: "read", description: "read a file", input_schema: { type: "object", properties: { path: { type: "string" } } } }];
  const withTools = estimateInputTokens({
    model: "m",
    tools,
    messages: [
      { role: "user", content: "read it" },
      { role: "assistant", content: [{ type: "thinking", thinking: "x".repeat(4000), signature: "s" }, { type: "tool_use", id: "t1", name: "read", input: { path: "a" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "file body" }, { type: "image", source: { type: "base64", media_type: "image/png", data: "A".repeat(40_000) } }] },
    ],
  });
  // The tools as the hub holds them (name, description, parameters), not in any one API's wrapper.
  const toolBytes = JSON.stringify([{ name: "read", description: "read a file", parameters: tools[0]!.input_schema }]).length;
  const textBytes = "read it".length + "read".length + '{"path":"a"}'.length + "file body".length + toolBytes;
  // user, assistant, the tool result, user (the image): four messages.
  assert.equal(withTools, Math.ceil(textBytes / 4) + 4 * 3 + 3 + 1024);
});

test("a text document counts as its text; a request the adapter refuses is still estimated, from its JSON", () => {
  const document = { type: "document", source: { type: "text", media_type: "text/plain", data: "abcdefgh" } };
  assert.equal(estimateInputTokens({ model: "m", messages: [{ role: "user", content: [document] }] }), 2 + 3 + 3);
  const messages = [{ role: "user", content: "hi" }];
  const mcp_servers = [{ type: "url", url: "https://mcp.example.com", name: "x" }];
  // MCP servers make the request a 400 on /v1/messages for another API; counting it still answers.
  assert.equal(estimateInputTokens({ model: "m", system: "Be brief.", messages, mcp_servers }), Math.ceil((JSON.stringify(messages).length + "Be brief.".length) / 4));
});

test("a 404 or 405 that is not about the model means the provider has no counter", () => {
  assert.equal(countingUnsupported(404, undefined), true);
  assert.equal(countingUnsupported(405, "unknown"), true);
  assert.equal(countingUnsupported(404, "model_not_found"), false);
  assert.equal(countingUnsupported(400, "format"), false);
});

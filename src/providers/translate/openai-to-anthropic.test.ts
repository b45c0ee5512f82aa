// OpenAI-format client, Anthropic-format provider.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_MAX_TOKENS, PLACEHOLDER_USER_TEXT, toAnthropicRequest, toOpenAIResponse } from "./openai-to-anthropic.ts";
import type { AnthropicResponse, OpenAIChatRequest, OpenAIMessage } from "./types.ts";

const PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

function request(messages: OpenAIMessage[], extra: Partial<OpenAIChatRequest> = {}): OpenAIChatRequest {
  return { model: "anthropic/claude-opus-4-6", messages, ...extra };
}

describe("toAnthropicRequest", () => {
  test("system and developer messages join the top-level system prompt; parameters map; the rest is dropped", () => {
    const body = toAnthropicRequest(
      request(
        [
          { role: "system", content: "Be brief." },
          { role: "developer", content: [{ type: "text", text: "Use metric units." }] },
          { role: "user", content: "hi" },
        ],
        {
          max_completion_tokens: 100,
          max_tokens: 50,
          temperature: 0.3,
          top_p: 0.9,
          stop: "END",
          stream: true,
          stream_options: { include_usage: true },
          user: "user-1",
          n: 1,
          seed: 7,
          frequency_penalty: 0.5,
          logprobs: false,
          response_format: { type: "text" },
          reasoning_effort: "low",
        },
      ),
      "claude-opus-4-6",
    );
    assert.deepEqual(body, {
      model: "claude-opus-4-6",
      max_tokens: 100,
      messages: [{ role: "user", content: "hi" }],
      system: "Be brief.\n\nUse metric units.",
      temperature: 0.3,
      stop_sequences: ["END"],
      stream: true,
      metadata: { user_id: "user-1" },
    });
  });

  test("max_tokens falls back to the legacy field, then to a default Anthropic accepts", () => {
    assert.equal(toAnthropicRequest(request([{ role: "user", content: "x" }], { max_tokens: 77 }), "m").max_tokens, 77);
    assert.equal(toAnthropicRequest(request([{ role: "user", content: "x" }]), "m").max_tokens, DEFAULT_MAX_TOKENS);
    assert.equal(DEFAULT_MAX_TOKENS, 4096);
  });

  test("stop arrays keep usable sequences; temperature is clamped to Anthropic's range and wins over top_p; absent options stay absent", () => {
    const body = toAnthropicRequest(request([{ role: "user", content: "x" }], { stop: ["###", " ", "", "STOP"], temperature: 1.7, stream: false }), "m");
    assert.deepEqual(body.stop_sequences, ["###", "STOP"]);
    assert.equal(body.temperature, 1);
    assert.equal("stream" in body, false);
    assert.equal("system" in body, false);
    assert.equal("tools" in body, false);
    assert.equal("top_p" in body, false);
    assert.equal(toAnthropicRequest(request([{ role: "user", content: "x" }], { top_p: 0.5 }), "m").top_p, 0.5);
  });

  test("multi-turn text: same-role neighbours merge and the conversation starts with the user", () => {
    const body = toAnthropicRequest(
      request([
        { role: "assistant", content: "Hello! How can I help?" },
        { role: "user", content: "first" },
        { role: "user", content: [{ type: "text", text: "second" }, { type: "text", text: "third" }] },
        { role: "assistant", content: [{ type: "text", text: "answer" }] },
        { role: "assistant", content: "" },
        { role: "assistant", content: "more" },
        { role: "user", content: "thanks" },
      ]),
      "m",
    );
    assert.deepEqual(body.messages, [
      { role: "user", content: PLACEHOLDER_USER_TEXT },
      { role: "assistant", content: "Hello! How can I help?" },
      {
        role: "user",
        content: [
          { type: "text", text: "first" },
          { type: "text", text: "second" },
          { type: "text", text: "third" },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "text", text: "answer" },
          { type: "text", text: "more" },
        ],
      },
      { role: "user", content: "thanks" },
    ]);
  });

  test("a request with only a system prompt still sends one user message", () => {
    const body = toAnthropicRequest(request([{ role: "system", content: "Say hi." }]), "m");
    assert.deepEqual(body.messages, [{ role: "user", content: PLACEHOLDER_USER_TEXT }]);
    assert.equal(body.system, "Say hi.");
  });

  test("images: data URLs become base64 sources, http(s) URLs become url sources; PDFs become documents", () => {
    const body = toAnthropicRequest(
      request([
        {
          role: "user",
          content: [
            { type: "text", text: "What is in these?" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}`, detail: "high" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
            { type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } },
            { type: "input_audio", input_audio: { data: "AAAA", format: "wav" } },
          ],
        },
      ]),
      "m",
    );
    assert.deepEqual(body.messages[0]!.content, [
      { type: "text", text: "What is in these?" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: PNG_BASE64 } },
      { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" }, title: "a.pdf" },
    ]);
  });

  test("tool definitions, tool_choice and parallel_tool_calls", () => {
    const parameters = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const tools = [
      { type: "function", function: { name: "get_weather", description: "Weather for a city", parameters, strict: true } },
      { type: "function", function: { name: "now" } },
      { type: "custom", custom: { name: "grammar_tool" } },
    ];
    const messages: OpenAIMessage[] = [{ role: "user", content: "x" }];
    const body = toAnthropicRequest(request(messages, { tools }), "m");
    assert.deepEqual(body.tools, [
      { name: "get_weather", description: "Weather for a city", input_schema: parameters },
      { name: "now", input_schema: { type: "object", properties: {} } },
    ]);
    assert.equal("tool_choice" in body, false);

    const choice = (extra: Partial<OpenAIChatRequest>) => toAnthropicRequest(request(messages, { tools, ...extra }), "m").tool_choice;
    assert.deepEqual(choice({ tool_choice: "auto" }), { type: "auto" });
    assert.deepEqual(choice({ tool_choice: "none" }), { type: "none" });
    assert.deepEqual(choice({ tool_choice: "required" }), { type: "any" });
    assert.deepEqual(choice({ tool_choice: { type: "function", function: { name: "get_weather" } } }), { type: "tool", name: "get_weather" });
    assert.deepEqual(choice({ parallel_tool_calls: false }), { type: "auto", disable_parallel_tool_use: true });
    assert.deepEqual(choice({ tool_choice: "required", parallel_tool_calls: false }), { type: "any", disable_parallel_tool_use: true });
    assert.deepEqual(choice({ tool_choice: "none", parallel_tool_calls: false }), { type: "none" });
    assert.deepEqual(choice({ parallel_tool_calls: true }), undefined);
    // Without tools there is nothing to choose from.
    assert.equal("tool_choice" in toAnthropicRequest(request(messages, { tool_choice: "required" }), "m"), false);
  });

  test("tool calls become tool_use blocks and consecutive tool results share one user message, first", () => {
    const body = toAnthropicRequest(
      request([
        { role: "user", content: "Weather and time in Oslo?" },
        {
          role: "assistant",
          content: "Let me check.",
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
            { id: "functions.now:1", type: "function", function: { name: "now", arguments: "" } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "sunny, 21°C" },
        { role: "tool", tool_call_id: "functions.now:1", content: [{ type: "text", text: "12:00" }] },
        { role: "user", content: "And tomorrow?" },
      ]),
      "m",
    );
    assert.deepEqual(body.messages.slice(1), [
      {
        role: "assistant",
        content: [
          { type: "text", text: "Let me check." },
          { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Oslo" } },
          // Anthropic only accepts [a-zA-Z0-9_-] in ids; the result below gets the same id.
          { type: "tool_use", id: "functions_now_1", name: "now", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "call_1", content: "sunny, 21°C" },
          { type: "tool_result", tool_use_id: "functions_now_1", content: "12:00" },
          { type: "text", text: "And tomorrow?" },
        ],
      },
    ]);
  });

  test("an assistant turn with only tool calls and unparseable arguments still forms valid tool_use blocks", () => {
    const body = toAnthropicRequest(
      request([
        { role: "user", content: "go" },
        { role: "assistant", content: null, tool_calls: [{ id: "call_9", type: "function", function: { name: "f", arguments: '{"cut off' } }] },
        { role: "tool", tool_call_id: "call_9", content: "" },
      ]),
      "m",
    );
    assert.deepEqual(body.messages.slice(1), [
      { role: "assistant", content: [{ type: "tool_use", id: "call_9", name: "f", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "call_9" }] },
    ]);
  });
});

function anthropicResponse(extra: Partial<AnthropicResponse>): AnthropicResponse {
  return {
    id: "msg_01XFDUDYJgAACzvnptvVoYEL",
    type: "message",
    role: "assistant",
    model: "claude-opus-4-6",
    content: [{ type: "text", text: "Hello!" }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 6 },
    ...extra,
  };
}

describe("toOpenAIResponse", () => {
  test("text, ids, created and usage", () => {
    const before = Math.floor(Date.now() / 1000);
    const completion = toOpenAIResponse(anthropicResponse({}), "anthropic/claude-opus-4-6");
    assert.equal(completion.id, "chatcmpl-01XFDUDYJgAACzvnptvVoYEL");
    assert.equal(completion.object, "chat.completion");
    assert.ok(completion.created >= before && completion.created <= before + 2);
    assert.equal(completion.model, "anthropic/claude-opus-4-6");
    assert.deepEqual(completion.choices, [
      { index: 0, message: { role: "assistant", content: "Hello!", refusal: null }, finish_reason: "stop", logprobs: null },
    ]);
    assert.deepEqual(completion.usage, { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18, prompt_tokens_details: { cached_tokens: 0 } });
  });

  test("tool_use blocks become tool calls; thinking is dropped; cached tokens count as prompt tokens", () => {
    const completion = toOpenAIResponse(
      anthropicResponse({
        content: [
          { type: "thinking", thinking: "hmm", signature: "sig" },
          { type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Oslo", days: 2 } },
        ],
        stop_reason: "tool_use",
        usage: { input_tokens: 10, output_tokens: 20, cache_read_input_tokens: 100, cache_creation_input_tokens: 5 },
      }),
      "m",
    );
    assert.deepEqual(completion.choices[0]!.message, {
      role: "assistant",
      content: null,
      refusal: null,
      tool_calls: [{ id: "toolu_01", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo","days":2}' } }],
    });
    assert.equal(completion.choices[0]!.finish_reason, "tool_calls");
    assert.deepEqual(completion.usage, {
      prompt_tokens: 115,
      completion_tokens: 20,
      total_tokens: 135,
      prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 5 },
    });
  });

  test("stop reasons", () => {
    const finish = (stop_reason: AnthropicResponse["stop_reason"]) => toOpenAIResponse(anthropicResponse({ stop_reason }), "m").choices[0]!.finish_reason;
    assert.equal(finish("end_turn"), "stop");
    assert.equal(finish("stop_sequence"), "stop");
    assert.equal(finish("max_tokens"), "length");
    assert.equal(finish("tool_use"), "tool_calls");
    assert.equal(finish("refusal"), "content_filter");
    assert.equal(finish(null), "stop");
  });
});

// Anthropic upstream stream → OpenAI client stream.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SseParser, type SseTransformer } from "../sse.ts";
import { createAnthropicToOpenAIStream, toAnthropicRequest } from "./openai-to-anthropic.ts";
import type { OpenAIChatRequest, OpenAIMessage } from "./types.ts";

function request(messages: OpenAIMessage[]): OpenAIChatRequest {
  return { model: "anthropic/claude-opus-4-6", messages };
}

interface ClientEvent {
  event?: string;
  json?: Record<string, any>;
  done?: boolean;
}

/** Feeds upstream SSE bytes, cut into `size`-byte pieces, through the parser and transformer as the gateway does. */
function relay(transformer: SseTransformer, upstream: string, size = Infinity): string {
  const bytes = Buffer.from(upstream, "utf8");
  const parser = new SseParser();
  const decoder = new TextDecoder();
  let out = "";
  for (let at = 0; at < bytes.length; at += Math.min(size, bytes.length)) {
    const piece = bytes.subarray(at, at + Math.min(size, bytes.length));
    for (const event of parser.push(decoder.decode(piece, { stream: true }))) out += transformer.push(event);
  }
  for (const event of parser.end()) out += transformer.push(event);
  return out + transformer.end();
}

function clientEvents(text: string): ClientEvent[] {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()].map((event) =>
    event.data === "[DONE]" ? { done: true } : { ...(event.event ? { event: event.event } : {}), json: JSON.parse(event.data) },
  );
}

function anthropicSse(events: Array<Record<string, unknown>>): string {
  return events.map((data) => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`).join("");
}

const MESSAGE_START = {
  type: "message_start",
  message: {
    id: "msg_stream1",
    type: "message",
    role: "assistant",
    model: "claude-opus-4-6",
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 25, output_tokens: 1, cache_read_input_tokens: 5, cache_creation_input_tokens: 0 },
  },
};

const TOOL_STREAM = anthropicSse([
  MESSAGE_START,
  { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } },
  { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "The user wants weather." } },
  { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "EqQB" } },
  { type: "content_block_stop", index: 0 },
  { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
  { type: "ping" },
  { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "Checking Osló " } },
  { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "☀️ now." } },
  { type: "content_block_stop", index: 1 },
  { type: "content_block_start", index: 2, content_block: { type: "tool_use", id: "toolu_01", name: "get_weather", input: {} } },
  { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: "" } },
  { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: '{"city": ' } },
  { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: '"Osló"}' } },
  { type: "content_block_stop", index: 2 },
  { type: "content_block_start", index: 3, content_block: { type: "tool_use", id: "toolu_02", name: "now", input: {} } },
  { type: "content_block_delta", index: 3, delta: { type: "input_json_delta", partial_json: '{"tz":"CET"}' } },
  { type: "content_block_stop", index: 3 },
  { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 42 } },
  { type: "message_stop" },
]);

/** What an OpenAI client assembles from the chunks, the way the SDK's ChatCompletionStream does. */
function accumulate(events: ClientEvent[]) {
  const message: { role?: string; content: string; tool_calls: Array<{ id: string; type: string; function: { name: string; arguments: string } }> } = { content: "", tool_calls: [] };
  let finishReason: string | null = null;
  for (const { json } of events) {
    const choice = json?.choices?.[0];
    if (!choice) continue;
    if (choice.delta.role) message.role = choice.delta.role;
    message.content += choice.delta.content ?? "";
    for (const call of choice.delta.tool_calls ?? []) {
      const slot = (message.tool_calls[call.index] ??= { id: "", type: "", function: { name: "", arguments: "" } });
      if (call.id) slot.id = call.id;
      if (call.type) slot.type = call.type;
      if (call.function?.name) slot.function.name = call.function.name;
      slot.function.arguments += call.function?.arguments ?? "";
    }
    finishReason = choice.finish_reason ?? finishReason;
  }
  return { message, finishReason };
}

describe("createAnthropicToOpenAIStream", () => {
  test("a streamed tool call round trip, in awkward chunks, with usage", () => {
    for (const size of [Infinity, 1, 3, 7, 64]) {
      const events = clientEvents(relay(createAnthropicToOpenAIStream("anthropic/claude-opus-4-6", { includeUsage: true }), TOOL_STREAM, size));
      const chunks = events.filter((event) => event.json);
      for (const { json } of chunks) {
        assert.equal(json!.id, "chatcmpl-stream1");
        assert.equal(json!.object, "chat.completion.chunk");
        assert.equal(json!.model, "anthropic/claude-opus-4-6");
        assert.equal(typeof json!.created, "number");
      }
      assert.deepEqual(chunks[0]!.json!.choices, [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }]);
      assert.equal(chunks[0]!.json!.usage, null);
      // The first tool-call delta names the call; the rest carry argument fragments only.
      const toolDeltas = chunks.flatMap(({ json }) => json!.choices[0]?.delta.tool_calls ?? []);
      assert.deepEqual(toolDeltas, [
        { index: 0, id: "toolu_01", type: "function", function: { name: "get_weather", arguments: "" } },
        { index: 0, function: { arguments: '{"city": ' } },
        { index: 0, function: { arguments: '"Osló"}' } },
        { index: 1, id: "toolu_02", type: "function", function: { name: "now", arguments: "" } },
        { index: 1, function: { arguments: '{"tz":"CET"}' } },
      ]);
      const { message, finishReason } = accumulate(events);
      assert.equal(message.content, "Checking Osló ☀️ now.", `chunk size ${size}`);
      assert.equal(finishReason, "tool_calls");
      const usageChunk = chunks.at(-1)!.json!;
      assert.deepEqual(usageChunk.choices, []);
      assert.deepEqual(usageChunk.usage, { prompt_tokens: 30, completion_tokens: 42, total_tokens: 72, prompt_tokens_details: { cached_tokens: 5 } });
      assert.deepEqual(events.at(-1), { done: true });
      assert.equal(events.filter((event) => event.done).length, 1);

      // The client sends the calls back with results; the Anthropic upstream sees a matching pair.
      const next = toAnthropicRequest(
        request([
          { role: "user", content: "Weather?" },
          { role: "assistant", content: message.content, tool_calls: message.tool_calls as never },
          { role: "tool", tool_call_id: message.tool_calls[0]!.id, content: "sunny" },
          { role: "tool", tool_call_id: message.tool_calls[1]!.id, content: "12:00" },
        ]),
        "claude-opus-4-6",
      );
      assert.deepEqual(next.messages.slice(1), [
        {
          role: "assistant",
          content: [
            { type: "text", text: "Checking Osló ☀️ now." },
            { type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Osló" } },
            { type: "tool_use", id: "toolu_02", name: "now", input: { tz: "CET" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_01", content: "sunny" },
            { type: "tool_result", tool_use_id: "toolu_02", content: "12:00" },
          ],
        },
      ]);
    }
  });

  test("without include_usage there is no usage chunk and no usage field", () => {
    const events = clientEvents(relay(createAnthropicToOpenAIStream("m", { includeUsage: false }), TOOL_STREAM));
    for (const { json } of events) assert.equal(json && "usage" in json, json ? false : undefined);
    assert.equal(events.at(-2)!.json!.choices[0].finish_reason, "tool_calls");
    assert.deepEqual(events.at(-1), { done: true });
  });

  test("stop reasons and usage from message_delta", () => {
    const events = clientEvents(
      relay(
        createAnthropicToOpenAIStream("m", { includeUsage: true }),
        anthropicSse([
          MESSAGE_START,
          { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
          { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "cut" } },
          { type: "content_block_stop", index: 0 },
          { type: "message_delta", delta: { stop_reason: "max_tokens", stop_sequence: null }, usage: { output_tokens: 9, input_tokens: 40 } },
          { type: "message_stop" },
        ]),
      ),
    );
    assert.equal(events.at(-3)!.json!.choices[0].finish_reason, "length");
    assert.deepEqual(events.at(-2)!.json!.usage, { prompt_tokens: 45, completion_tokens: 9, total_tokens: 54, prompt_tokens_details: { cached_tokens: 5 } });
  });

  test("an Anthropic stop_sequence ends the OpenAI stream with finish_reason stop (OpenAI does not name the sequence either)", () => {
    const events = clientEvents(
      relay(
        createAnthropicToOpenAIStream("m", { includeUsage: false }),
        anthropicSse([
          MESSAGE_START,
          { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
          { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "1, 2, 3, " } },
          { type: "content_block_stop", index: 0 },
          { type: "message_delta", delta: { stop_reason: "stop_sequence", stop_sequence: "4," }, usage: { output_tokens: 5 } },
          { type: "message_stop" },
        ]),
      ),
    );
    assert.deepEqual(events.at(-2)!.json!.choices, [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }]);
    assert.ok(events.every(({ json }) => !JSON.stringify(json ?? {}).includes('"4,"')), "the sequence itself is not sent");
  });

  test("an upstream that stops mid tool call still gets a well-formed ending from end()", () => {
    const truncated = anthropicSse([
      MESSAGE_START,
      { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_9", name: "f", input: {} } },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"a":' } },
    ]);
    const transformer = createAnthropicToOpenAIStream("m", { includeUsage: true });
    const events = clientEvents(relay(transformer, truncated));
    assert.deepEqual(events.at(-3)!.json!.choices, [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }]);
    assert.equal(events.at(-2)!.json!.usage.prompt_tokens, 30);
    assert.deepEqual(events.at(-1), { done: true });
    assert.equal(transformer.end(), "", "end() twice adds nothing");
  });

  test("an empty upstream stream still yields role, finish and [DONE]", () => {
    const events = clientEvents(relay(createAnthropicToOpenAIStream("m", { includeUsage: false }), ""));
    assert.deepEqual(
      events.map((event) => (event.done ? "[DONE]" : event.json!.choices[0])),
      [
        { index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null },
        { index: 0, delta: {}, logprobs: null, finish_reason: "stop" },
        "[DONE]",
      ],
    );
  });

  test("an error event becomes an OpenAI error chunk and ends the stream", () => {
    const transformer = createAnthropicToOpenAIStream("m", { includeUsage: false });
    const text = relay(
      transformer,
      anthropicSse([MESSAGE_START, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, { type: "message_stop" }]),
    );
    const events = clientEvents(text);
    assert.deepEqual(events.at(-2)!.json, { error: { message: "Overloaded", type: "overloaded_error", param: null, code: null } });
    assert.deepEqual(events.at(-1), { done: true });
    assert.equal(events.filter((event) => event.done).length, 1);
  });
});

// OpenAI upstream stream → Anthropic client stream.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SseParser, type SseTransformer } from "../sse.ts";
import { createOpenAIToAnthropicStream, toOpenAIRequest } from "./anthropic-to-openai.ts";
import type { AnthropicMessage, AnthropicRequest } from "./types.ts";

function request(messages: AnthropicMessage[]): AnthropicRequest {
  return { model: "openai/gpt-5.2", max_tokens: 1024, messages };
}

interface ClientEvent {
  event?: string;
  json: Record<string, any>;
}

/** Feeds upstream SSE bytes, cut into `size`-byte pieces, through the parser and transformer as the gateway does. */
function relay(transformer: SseTransformer, upstream: string, size = Infinity): string {
  const bytes = Buffer.from(upstream, "utf8");
  const step = Math.min(size, Math.max(bytes.length, 1));
  const parser = new SseParser();
  const decoder = new TextDecoder();
  let out = "";
  for (let at = 0; at < bytes.length; at += step) {
    for (const event of parser.push(decoder.decode(bytes.subarray(at, at + step), { stream: true }))) out += transformer.push(event);
  }
  for (const event of parser.end()) out += transformer.push(event);
  return out + transformer.end();
}

function clientEvents(text: string): ClientEvent[] {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()].map((event) => ({ ...(event.event ? { event: event.event } : {}), json: JSON.parse(event.data) }));
}

function openAISse(chunks: Array<Record<string, unknown>>, done = true): string {
  const base = { id: "chatcmpl-up1", object: "chat.completion.chunk", created: 1_741_569_952, model: "gpt-5.2" };
  return chunks.map((chunk) => `data: ${JSON.stringify({ ...base, ...chunk })}\n\n`).join("") + (done ? "data: [DONE]\n\n" : "");
}

function delta(value: Record<string, unknown>, finish_reason: string | null = null) {
  return { choices: [{ index: 0, delta: value, finish_reason, logprobs: null }] };
}

const TOOL_STREAM = openAISse([
  delta({ role: "assistant", content: "", refusal: null }),
  delta({ content: "Let me " }),
  delta({ content: "check Osló ☀️." }),
  delta({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "get_weather", arguments: "" } }] }),
  delta({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
  delta({ tool_calls: [{ index: 0, function: { arguments: '"Osló"}' } }] }),
  delta({ tool_calls: [{ index: 1, id: "call_2", type: "function", function: { name: "now", arguments: '{"tz":"CET"}' } }] }),
  delta({}, "tool_calls"),
  { choices: [], usage: { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70, prompt_tokens_details: { cached_tokens: 10 } } },
]);

/** What an Anthropic client assembles from the events, the way the SDK's MessageStream does. */
function accumulate(events: ClientEvent[]) {
  let message: any;
  const json: Record<number, string> = {};
  for (const { json: event } of events) {
    if (event.type === "message_start") message = structuredClone(event.message);
    if (event.type === "content_block_start") message.content[event.index] = structuredClone(event.content_block);
    if (event.type === "content_block_delta" && event.delta.type === "text_delta") message.content[event.index].text += event.delta.text;
    if (event.type === "content_block_delta" && event.delta.type === "input_json_delta") json[event.index] = (json[event.index] ?? "") + event.delta.partial_json;
    if (event.type === "content_block_stop" && json[event.index] !== undefined) message.content[event.index].input = JSON.parse(json[event.index]!);
    if (event.type === "message_delta") Object.assign(message, event.delta, { usage: { ...message.usage, ...event.usage } });
  }
  return message;
}

describe("createOpenAIToAnthropicStream", () => {
  test("input tokens: 0 in message_start (not known yet), the upstream's count in the closing message_delta", () => {
    const upstream = openAISse([
      delta({ role: "assistant", content: "Hi" }),
      delta({}, "stop"),
      { choices: [], usage: { prompt_tokens: 31, completion_tokens: 2, total_tokens: 33 } },
    ]);
    const events = clientEvents(relay(createOpenAIToAnthropicStream("m"), upstream));
    assert.equal(events[0]!.json.message.usage.input_tokens, 0);
    const closing = events.find(({ json }) => json.type === "message_delta")!.json;
    assert.deepEqual(closing.usage, { input_tokens: 31, output_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    assert.equal(accumulate(events).usage.input_tokens, 31);
  });

  test("stop_sequence when the upstream names the client's stop sequence; end_turn when it only says stop", () => {
    const ending = (finishChoice: Record<string, unknown>, stops?: string[]) => {
      const upstream = openAISse([delta({ content: "1, 2, 3" }), { choices: [{ index: 0, delta: {}, finish_reason: "stop", ...finishChoice }] }]);
      const events = clientEvents(relay(createOpenAIToAnthropicStream("m", stops ? { stopSequences: stops } : {}), upstream));
      return events.find(({ json }) => json.type === "message_delta")!.json.delta;
    };
    assert.deepEqual(ending({ stop_reason: "4," }, ["4,"]), { stop_reason: "stop_sequence", stop_sequence: "4," });
    assert.deepEqual(ending({ matched_stop: "4," }, ["4,"]), { stop_reason: "stop_sequence", stop_sequence: "4," });
    assert.deepEqual(ending({}, ["4,"]), { stop_reason: "end_turn", stop_sequence: null });
    assert.deepEqual(ending({ stop_reason: "4," }), { stop_reason: "end_turn", stop_sequence: null });
  });

  test("a streamed tool call round trip, in awkward chunks, with usage", () => {
    for (const size of [Infinity, 1, 2, 5, 17]) {
      const events = clientEvents(relay(createOpenAIToAnthropicStream("openai/gpt-5.2"), TOOL_STREAM, size));
      for (const { event, json } of events) assert.equal(event, json.type, "each event line names its payload's type");
      assert.deepEqual(
        events.map(({ json }) => [json.type, json.index, json.delta?.type].filter((part) => part !== undefined).join(":")),
        [
          "message_start",
          "content_block_start:0",
          "content_block_delta:0:text_delta",
          "content_block_delta:0:text_delta",
          "content_block_stop:0",
          "content_block_start:1",
          "content_block_delta:1:input_json_delta",
          "content_block_delta:1:input_json_delta",
          "content_block_stop:1",
          "content_block_start:2",
          "content_block_delta:2:input_json_delta",
          "content_block_stop:2",
          "message_delta",
          "message_stop",
        ],
        `chunk size ${size}`,
      );
      assert.deepEqual(events[0]!.json.message, {
        id: "msg_up1",
        type: "message",
        role: "assistant",
        model: "openai/gpt-5.2",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      });
      assert.deepEqual(events[5]!.json.content_block, { type: "tool_use", id: "call_1", name: "get_weather", input: {} });
      const final = accumulate(events);
      assert.deepEqual(final.content, [
        { type: "text", text: "Let me check Osló ☀️." },
        { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Osló" } },
        { type: "tool_use", id: "call_2", name: "now", input: { tz: "CET" } },
      ]);
      assert.equal(final.stop_reason, "tool_use");
      assert.equal(final.stop_sequence, null);
      assert.deepEqual(final.usage, { input_tokens: 40, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 10 });

      // The client answers the calls; the OpenAI upstream sees matching ids.
      const next = toOpenAIRequest(
        request([
          { role: "user", content: "Weather?" },
          { role: "assistant", content: final.content },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: "call_1", content: "sunny" },
              { type: "tool_result", tool_use_id: "call_2", content: "12:00" },
            ],
          },
        ]),
        "gpt-5.2",
      );
      assert.deepEqual(next.messages.slice(1), [
        {
          role: "assistant",
          content: "Let me check Osló ☀️.",
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Osló"}' } },
            { id: "call_2", type: "function", function: { name: "now", arguments: '{"tz":"CET"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
        { role: "tool", tool_call_id: "call_2", content: "12:00" },
      ]);
    }
  });

  test("an upstream that ends without finish_reason or [DONE] still gets a well-formed ending", () => {
    const transformer = createOpenAIToAnthropicStream("m");
    const events = clientEvents(relay(transformer, openAISse([delta({ role: "assistant", content: "" }), delta({ content: "half a sen" })], false)));
    assert.deepEqual(
      events.map(({ json }) => json.type),
      ["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
    );
    assert.deepEqual(events[4]!.json.delta, { stop_reason: "end_turn", stop_sequence: null });
    assert.equal(transformer.end(), "", "end() twice adds nothing");
  });

  test("an empty upstream stream still yields a complete, empty message", () => {
    const events = clientEvents(relay(createOpenAIToAnthropicStream("m"), ""));
    assert.deepEqual(
      events.map(({ json }) => json.type),
      ["message_start", "message_delta", "message_stop"],
    );
    assert.match(events[0]!.json.message.id, /^msg_/);
  });

  test("length becomes max_tokens; tool calls sent whole, without index, each get a block", () => {
    const events = clientEvents(
      relay(
        createOpenAIToAnthropicStream("m"),
        openAISse([
          delta({
            tool_calls: [
              { id: "functions.a:0", type: "function", function: { name: "a", arguments: "{}" } },
              { id: "functions.b:1", type: "function", function: { name: "b", arguments: '{"x":1}' } },
            ],
          }),
          delta({}, "length"),
        ]),
      ),
    );
    const final = accumulate(events);
    assert.deepEqual(final.content, [
      { type: "tool_use", id: "functions_a_0", name: "a", input: {} },
      { type: "tool_use", id: "functions_b_1", name: "b", input: { x: 1 } },
    ]);
    assert.equal(final.stop_reason, "max_tokens");
  });

  test("an error chunk becomes an Anthropic error event and ends the stream", () => {
    const upstream = openAISse([delta({ content: "Hi" }), { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } }]);
    const events = clientEvents(relay(createOpenAIToAnthropicStream("m"), upstream));
    assert.deepEqual(events.at(-1), { event: "error", json: { type: "error", error: { type: "rate_limit_error", message: "Rate limit reached" } } });
  });
});

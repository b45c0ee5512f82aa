// The official SDKs are the strictest readers of what we write: each test here
// lets an SDK talk, through a fetch stub (no network), to a fake upstream of the
// other format, with our translation in between.
import { test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { SseParser, type SseTransformer } from "../sse.ts";
import { createAnthropicToOpenAIStream, toAnthropicRequest, toOpenAIResponse } from "./openai-to-anthropic.ts";
import { createOpenAIToAnthropicStream, toAnthropicResponse, toOpenAIRequest } from "./anthropic-to-openai.ts";
import type { AnthropicRequest, OpenAIChatRequest } from "./types.ts";

function translateStream(transformer: SseTransformer, upstream: string): string {
  const parser = new SseParser();
  let out = "";
  // Three characters at a time: awkward on purpose.
  for (let at = 0; at < upstream.length; at += 3) for (const event of parser.push(upstream.slice(at, at + 3))) out += transformer.push(event);
  for (const event of parser.end()) out += transformer.push(event);
  return out + transformer.end();
}

function reply(body: string, stream: boolean): Response {
  return new Response(body, { status: 200, headers: { "content-type": stream ? "text/event-stream" : "application/json" } });
}

function requestBody(init: RequestInit | undefined): Record<string, any> {
  return JSON.parse(String(init?.body));
}

const WEATHER_TOOL = { name: "get_weather", description: "Weather", schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } };

function anthropicUpstream(body: AnthropicRequest): string | object {
  const message = { id: "msg_sdk", type: "message", role: "assistant", model: body.model, stop_sequence: null };
  if (!body.stream) {
    return { ...message, content: [{ type: "text", text: "Let me look." }, { type: "tool_use", id: "toolu_sdk", name: "get_weather", input: { city: "Oslo" } }], stop_reason: "tool_use", usage: { input_tokens: 9, output_tokens: 4 } };
  }
  const events = [
    { type: "message_start", message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 9, output_tokens: 1 } } },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Let me look." } },
    { type: "content_block_stop", index: 0 },
    { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "toolu_sdk", name: "get_weather", input: {} } },
    { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"city":"Os' } },
    { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: 'lo"}' } },
    { type: "content_block_stop", index: 1 },
    { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 4 } },
    { type: "message_stop" },
  ];
  return events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join("");
}

test("the OpenAI SDK reads translated Anthropic replies, plain and streamed", async () => {
  const seen: AnthropicRequest[] = [];
  const openai = new OpenAI({
    apiKey: "test",
    baseURL: "http://gateway.invalid/v1",
    maxRetries: 0,
    fetch: async (_url, init) => {
      const client = requestBody(init) as OpenAIChatRequest;
      const upstreamRequest = toAnthropicRequest(client, "claude-opus-4-6");
      seen.push(upstreamRequest);
      const upstream = anthropicUpstream(upstreamRequest);
      if (typeof upstream !== "string") return reply(JSON.stringify(toOpenAIResponse(upstream as never, String(client.model))), false);
      const options = { includeUsage: client.stream_options?.include_usage === true };
      return reply(translateStream(createAnthropicToOpenAIStream(String(client.model), options), upstream), true);
    },
  });
  const tools: OpenAI.ChatCompletionTool[] = [{ type: "function", function: { name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, parameters: WEATHER_TOOL.schema } }];
  const params = { model: "anthropic/claude-opus-4-6", tools, messages: [{ role: "system" as const, content: "terse" }, { role: "user" as const, content: "Weather in Oslo?" }] };

  const plain = await openai.chat.completions.create(params);
  const streamed = await openai.chat.completions.stream({ ...params, stream_options: { include_usage: true } }).finalChatCompletion();
  for (const completion of [plain, streamed]) {
    const choice = completion.choices[0]!;
    assert.equal(choice.finish_reason, "tool_calls");
    assert.equal(choice.message.content, "Let me look.");
    const call = choice.message.tool_calls![0]!;
    assert.equal(call.id, "toolu_sdk");
    assert.equal(call.type === "function" && call.function.name, "get_weather");
    assert.deepEqual(call.type === "function" && JSON.parse(call.function.arguments), { city: "Oslo" });
    assert.equal(completion.usage?.total_tokens, 13);
  }
  assert.equal(seen[0]!.system, "terse");
  assert.deepEqual(seen[0]!.tools![0]!.input_schema, WEATHER_TOOL.schema);
});

function openAIUpstream(body: OpenAIChatRequest): string | object {
  const base = { id: "chatcmpl-sdk", created: 1_741_569_952, model: body.model };
  const call = { id: "call_sdk", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } };
  const usage = { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 };
  if (!body.stream) {
    return { ...base, object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: "Let me look.", refusal: null, tool_calls: [call] }, finish_reason: "tool_calls", logprobs: null }], usage };
  }
  const chunk = (delta: object, finish_reason: string | null = null) => ({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason, logprobs: null }] });
  const chunks = [
    chunk({ role: "assistant", content: "" }),
    chunk({ content: "Let me look." }),
    chunk({ tool_calls: [{ index: 0, id: call.id, type: "function", function: { name: "get_weather", arguments: "" } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":"Os' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: 'lo"}' } }] }),
    chunk({}, "tool_calls"),
    { ...base, object: "chat.completion.chunk", choices: [], usage },
  ];
  return chunks.map((data) => `data: ${JSON.stringify(data)}\n\n`).join("") + "data: [DONE]\n\n";
}

test("the Anthropic SDK reads translated OpenAI replies, plain and streamed", async () => {
  const seen: OpenAIChatRequest[] = [];
  const anthropic = new Anthropic({
    apiKey: "test",
    baseURL: "http://gateway.invalid",
    maxRetries: 0,
    fetch: async (_url, init) => {
      const client = requestBody(init) as AnthropicRequest;
      const upstreamRequest = toOpenAIRequest(client, "gpt-5.2");
      seen.push(upstreamRequest);
      const upstream = openAIUpstream(upstreamRequest);
      if (typeof upstream !== "string") return reply(JSON.stringify(toAnthropicResponse(upstream as never, client.model)), false);
      return reply(translateStream(createOpenAIToAnthropicStream(client.model), upstream), true);
    },
  });
  const params = {
    model: "openai/gpt-5.2",
    max_tokens: 256,
    system: "terse",
    tools: [{ name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, input_schema: WEATHER_TOOL.schema as Anthropic.Tool.InputSchema }],
    messages: [{ role: "user" as const, content: "Weather in Oslo?" }],
  };

  const plain = await anthropic.messages.create(params);
  const streamed = await anthropic.messages.stream(params).finalMessage();
  for (const message of [plain, streamed]) {
    assert.equal(message.stop_reason, "tool_use");
    assert.deepEqual(
      message.content.map((block) => ({ ...block })),
      [
        { type: "text", text: "Let me look." },
        { type: "tool_use", id: "call_sdk", name: "get_weather", input: { city: "Oslo" } },
      ],
    );
    assert.equal(message.usage.input_tokens, 9);
    assert.equal(message.usage.output_tokens, 4);
  }
  assert.deepEqual(seen[1]!.stream_options, { include_usage: true });
  assert.deepEqual(seen[0]!.messages[0], { role: "system", content: "terse" });
});

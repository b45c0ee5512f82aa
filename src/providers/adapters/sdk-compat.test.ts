// The official SDKs are the strictest readers of what we write: each test here
// lets an SDK talk, through a fetch stub (no network), to a fake upstream of
// another API, with the adapters in between as the gateway composes them: the
// client's API parses the request into the hub, the upstream's API builds its
// body; the upstream's answer is parsed into the hub and rendered for the
// client; a stream is decoded into hub events and encoded again.
import { test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { SseParser } from "../sse.ts";
import type { WireApi } from "./adapter.ts";
import { isProblem } from "./hub.ts";
import { ADAPTERS } from "./index.ts";

type Json = Record<string, any>;
/** A fake upstream: the body it was sent → a whole JSON answer, or SSE text when the body asks for a stream. */
type FakeUpstream = (body: Json) => string | object;

function reply(body: string, stream: boolean): Response {
  return new Response(body, { status: 200, headers: { "content-type": stream ? "text/event-stream" : "application/json" } });
}

/**
 * A fetch that answers as the gateway would for a `clientApi` client whose
 * model is served by a `upstreamApi` provider as `upstreamModel`; every body
 * sent upstream is pushed to `seen`.
 */
function gateway(clientApi: WireApi, upstreamApi: WireApi, upstreamModel: string, fake: FakeUpstream, seen: Json[]): typeof fetch {
  const client = ADAPTERS[clientApi].client!;
  const upstream = ADAPTERS[upstreamApi].upstream;
  return async (_url, init) => {
    const body = JSON.parse(String(init?.body)) as Json;
    const hub = client.parseRequest(body);
    assert.ok(!isProblem(hub), `parse: ${JSON.stringify(hub)}`);
    const upstreamBody = upstream.buildRequest(hub, upstreamModel);
    assert.ok(!isProblem(upstreamBody), `build: ${JSON.stringify(upstreamBody)}`);
    seen.push(upstreamBody);
    const answer = fake(upstreamBody);
    if (typeof answer !== "string") {
      const parsed = upstream.parseResponse(answer, hub);
      assert.ok(!isProblem(parsed), `parse response: ${JSON.stringify(parsed)}`);
      return reply(JSON.stringify(client.renderResponse(parsed, String(body.model))), false);
    }
    const decoder = upstream.streamDecoder(hub);
    const encoder = client.streamEncoder(String(body.model), body);
    const parser = new SseParser();
    let out = "";
    const pass = (events: ReturnType<SseParser["push"]>) => {
      for (const event of events) for (const hubEvent of decoder.decode(event)) out += encoder.encode(hubEvent);
    };
    // Three characters at a time: awkward on purpose.
    for (let at = 0; at < answer.length; at += 3) pass(parser.push(answer.slice(at, at + 3)));
    pass(parser.end());
    for (const hubEvent of decoder.end()) out += encoder.encode(hubEvent);
    return reply(out + encoder.end(), true);
  };
}

const WEATHER_TOOL = { name: "get_weather", description: "Weather", schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } };

/** An Anthropic upstream answering with text and a get_weather call; 9 tokens in, 4 out. */
const anthropicUpstream: FakeUpstream = (body) => {
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
};

/** An OpenAI Chat Completions upstream answering with text and a get_weather call; 9 tokens in, 4 out. */
const openAIUpstream: FakeUpstream = (body) => {
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
};

test("the OpenAI SDK reads Anthropic replies through the adapters, plain and streamed", async () => {
  const seen: Json[] = [];
  const openai = new OpenAI({ apiKey: "test", baseURL: "http://gateway.invalid/v1", maxRetries: 0, fetch: gateway("openai-completions", "anthropic-messages", "claude-opus-4-6", anthropicUpstream, seen) });
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
  assert.deepEqual(seen[0]!.tools[0].input_schema, WEATHER_TOOL.schema);
});

test("the Anthropic SDK reads OpenAI replies through the adapters, plain and streamed", async () => {
  const seen: Json[] = [];
  const anthropic = new Anthropic({ apiKey: "test", baseURL: "http://gateway.invalid", maxRetries: 0, fetch: gateway("anthropic-messages", "openai-completions", "gpt-5.2", openAIUpstream, seen) });
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

for (const [upstreamApi, upstreamModel, fake, callId] of [
  ["anthropic-messages", "claude-opus-4-6", anthropicUpstream, "toolu_sdk"],
  ["openai-completions", "gpt-5.2", openAIUpstream, "call_sdk"],
] as const) {
  test(`the OpenAI SDK's Responses client reads ${upstreamApi} replies through the adapters, plain and streamed`, async () => {
    const seen: Json[] = [];
    const openai = new OpenAI({ apiKey: "test", baseURL: "http://gateway.invalid/v1", maxRetries: 0, fetch: gateway("openai-responses", upstreamApi, upstreamModel, fake, seen) });
    const params = {
      model: `provider/${upstreamModel}`,
      instructions: "terse",
      input: "Weather in Oslo?",
      tools: [{ type: "function" as const, name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, parameters: WEATHER_TOOL.schema, strict: false }],
    };

    const plain = await openai.responses.create(params);
    const streamed = await openai.responses.stream(params).finalResponse();
    for (const response of [plain, streamed] as OpenAI.Responses.Response[]) {
      assert.equal(response.status, "completed");
      assert.equal(response.output_text, "Let me look.");
      const calls = response.output.filter((item): item is OpenAI.Responses.ResponseFunctionToolCall => item.type === "function_call");
      assert.equal(calls.length, 1);
      assert.equal(calls[0]!.call_id, callId);
      assert.equal(calls[0]!.name, "get_weather");
      assert.deepEqual(JSON.parse(calls[0]!.arguments), { city: "Oslo" });
      assert.equal(response.usage?.input_tokens, 9);
      assert.equal(response.usage?.output_tokens, 4);
      assert.equal(response.usage?.total_tokens, 13);
    }
    assert.equal(seen.length, 2);
    assert.equal(seen[0]!.stream, undefined);
    assert.equal(seen[1]!.stream, true);
  });
}

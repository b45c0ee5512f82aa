import { test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { SseParser } from "../sse.ts";
import { isProblem, type HubRequest, type HubResponse, type HubStreamEvent } from "./hub.ts";
import { openaiResponsesAdapter } from "./openai-responses/index.ts";

const client = openaiResponsesAdapter.client!;
const upstream = openaiResponsesAdapter.upstream;

function parse(body: Record<string, unknown>): HubRequest {
  const parsed = client.parseRequest({ model: "gpt-5", ...body });
  assert.ok(!isProblem(parsed), JSON.stringify(parsed));
  return parsed;
}

function encode(events: HubStreamEvent[], model = "gpt-5"): string {
  const encoder = client.streamEncoder(model);
  return events.map((event) => encoder.encode(event)).join("") + encoder.end();
}

function decode(sse: string): HubStreamEvent[] {
  const parser = new SseParser();
  const decoder = upstream.streamDecoder();
  const out: HubStreamEvent[] = [];
  for (let at = 0; at < sse.length; at += 7) for (const event of parser.push(sse.slice(at, at + 7))) out.push(...decoder.decode(event));
  for (const event of parser.end()) out.push(...decoder.decode(event));
  return [...out, ...decoder.end()];
}

const WEATHER = { type: "function", name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: false };

test("a string input is one user message; instructions and developer messages are the system", () => {
  assert.deepEqual(parse({ input: "hi", instructions: "terse" }), { model: "gpt-5", system: [{ kind: "text", text: "terse" }], messages: [{ role: "user", parts: [{ kind: "text", text: "hi" }] }], stream: false });
  const request = parse({ input: [{ role: "developer", content: "be brief" }, { role: "user", content: [{ type: "input_text", text: "a" }] }] });
  assert.deepEqual(request.system, [{ kind: "text", text: "be brief" }]);
});

test("input items: media, tool calls merged into one assistant turn, outputs into one user turn, reasoning", () => {
  const request = parse({
    input: [
      { role: "user", content: [{ type: "input_text", text: "look" }, { type: "input_image", detail: "high", image_url: "data:image/png;base64,AAAA" }, { type: "input_image", image_url: "https://x/y.png", detail: "auto" }, { type: "input_file", file_data: "data:application/pdf;base64,JVBE", filename: "a.pdf" }, { type: "input_file", file_id: "file_1" }] },
      { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "think" }], encrypted_content: "gAAAA" },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Let me look.", annotations: [] }] },
      { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Oslo"}' },
      { type: "function_call", call_id: "call_2", name: "get_weather", arguments: '{"city":"Rome"}' },
      { type: "function_call_output", call_id: "call_1", output: "sunny" },
      { type: "function_call_output", call_id: "call_2", output: [{ type: "input_text", text: "rain" }] },
    ],
    tools: [WEATHER],
    tool_choice: { type: "function", name: "get_weather" },
    text: { format: { type: "json_schema", name: "w", schema: { type: "object" }, strict: true }, verbosity: "low" },
    max_output_tokens: 100,
    temperature: 0.5,
    top_p: 0.9,
    reasoning: { effort: "low", summary: "auto" },
    safety_identifier: "u1",
    parallel_tool_calls: false,
    stream: true,
    store: false,
    include: ["reasoning.encrypted_content"],
    prompt_cache_key: "k",
  });
  assert.deepEqual(request.messages, [
    {
      role: "user",
      parts: [
        { kind: "text", text: "look" },
        { kind: "image", source: { type: "base64", mediaType: "image/png", data: "AAAA" }, detail: "high" },
        { kind: "image", source: { type: "url", url: "https://x/y.png" }, detail: "auto" },
        { kind: "file", source: { type: "base64", mediaType: "application/pdf", data: "JVBE" }, filename: "a.pdf" },
        { kind: "file", source: { type: "file_id", id: "file_1" } },
      ],
    },
    {
      role: "assistant",
      parts: [
        { kind: "thinking", text: "think", encrypted: "gAAAA" },
        { kind: "text", text: "Let me look." },
        { kind: "tool_call", id: "call_1", name: "get_weather", arguments: '{"city":"Oslo"}' },
        { kind: "tool_call", id: "call_2", name: "get_weather", arguments: '{"city":"Rome"}' },
      ],
    },
    {
      role: "user",
      parts: [
        { kind: "tool_result", toolCallId: "call_1", content: [{ kind: "text", text: "sunny" }] },
        { kind: "tool_result", toolCallId: "call_2", content: [{ kind: "text", text: "rain" }] },
      ],
    },
  ]);
  assert.deepEqual(request.tools, [{ name: "get_weather", description: "Weather", parameters: WEATHER.parameters, strict: false }]);
  assert.deepEqual(request.toolChoice, { type: "tool", name: "get_weather" });
  assert.deepEqual(request.responseFormat, { type: "json_schema", name: "w", schema: { type: "object" }, strict: true });
  assert.equal(request.maxTokens, 100);
  assert.equal(request.temperature, 0.5);
  assert.equal(request.topP, 0.9);
  assert.deepEqual(request.reasoning, { effort: "low" });
  assert.equal(request.user, "u1");
  assert.equal(request.parallelToolCalls, false);
  assert.equal(request.stream, true);
});

test("every refusal names its param", () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ previous_response_id: "resp_1", input: "hi" }, "previous_response_id"],
    [{ conversation: "conv_1", input: "hi" }, "conversation"],
    [{ background: true, input: "hi" }, "background"],
    [{ prompt: { id: "pmpt_1" } }, "prompt"],
    [{ top_logprobs: 3, input: "hi" }, "top_logprobs"],
    [{ input: "hi", tools: [WEATHER, { type: "custom" }] }, "tools[1].name"],
    [{ input: "hi", tools: [{ type: "namespace", name: "ns" }] }, "tools[0].tools"],
    [{ input: "hi", tools: [{ type: "namespace", name: "ns", tools: [{ type: "file_search" }] }] }, "tools[0].tools[0]"],
    [{ input: "hi", tools: [{ type: "mcp", server_label: "x" }] }, "tools[0]"],
    [{ input: "hi", tools: [{ type: "web_search" }], tool_choice: { type: "web_search" } }, "tool_choice"],
    [{ input: "hi", tool_choice: { type: "web_search_preview" } }, "tool_choice"],
    [{ input: "hi", text: { format: { type: "grammar" } } }, "text.format"],
    [{ input: "hi", reasoning: { effort: "extreme" } }, "reasoning.effort"],
    [{ input: 3 }, "input"],
    [{ input: [{ type: "item_reference", id: "msg_1" }] }, "input[0]"],
    [{ input: [{ type: "computer_call_output", call_id: "c" }] }, "input[0]"],
    [{ input: [{ role: "user", content: [{ type: "input_audio" }] }] }, "input[0].content[0]"],
    [{ input: [{ role: "user", content: [{ type: "input_image", detail: "auto" }] }] }, "input[0].content[0]"],
    [{ input: [{ role: "system", content: [{ type: "input_image", image_url: "https://x" }] }] }, "input[0].content"],
    [{ input: [{ role: "tool", content: "x" }] }, "input[0].role"],
  ];
  for (const [body, param] of cases) {
    const parsed = client.parseRequest({ model: "gpt-5", ...body });
    assert.ok(isProblem(parsed), `${JSON.stringify(body)} should be refused`);
    assert.equal(parsed.param, param, JSON.stringify(body));
  }
  const stateless = client.parseRequest({ model: "gpt-5", previous_response_id: "resp_1", input: "hi" });
  assert.match(isProblem(stateless) ? stateless.problem : "", /full conversation in input/);
  // background: false and ignored fields are fine
  assert.ok(!isProblem(client.parseRequest({ model: "m", input: "hi", background: false, store: true, metadata: { a: "b" }, truncation: "auto", service_tier: "flex" })));
});

const HUB_RESPONSE: HubResponse = {
  id: "chatcmpl-abc",
  model: "upstream-model",
  created: 1_700_000_000,
  parts: [
    { kind: "thinking", text: "hmm", encrypted: "gAAAA" },
    { kind: "text", text: "Let me look." },
    { kind: "tool_call", id: "call_1", name: "get_weather", arguments: '{"city":"Oslo"}' },
  ],
  stopReason: "tool_calls",
  usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 4, reasoningTokens: 2 },
};

test("a hub response renders as a Response object (golden)", () => {
  const rendered = client.renderResponse(HUB_RESPONSE, "client-model") as Record<string, any>;
  assert.equal(rendered.id, "resp_abc");
  assert.equal(rendered.object, "response");
  assert.equal(rendered.model, "client-model");
  assert.equal(rendered.status, "completed");
  assert.equal(rendered.created_at, 1_700_000_000);
  const [reasoning, message, call] = rendered.output;
  assert.match(reasoning.id, /^rs_/);
  assert.deepEqual({ ...reasoning, id: "" }, { id: "", type: "reasoning", summary: [{ type: "summary_text", text: "hmm" }], encrypted_content: "gAAAA", status: "completed" });
  assert.match(message.id, /^msg_/);
  assert.deepEqual(message.content, [{ type: "output_text", text: "Let me look.", annotations: [], logprobs: [] }]);
  assert.equal(message.role, "assistant");
  assert.match(call.id, /^fc_/);
  assert.deepEqual({ ...call, id: "" }, { id: "", type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Oslo"}', status: "completed" });
  assert.deepEqual(rendered.usage, { input_tokens: 10, input_tokens_details: { cached_tokens: 4 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 2 }, total_tokens: 15 });

  const cut = client.renderResponse({ ...HUB_RESPONSE, parts: [{ kind: "refusal", text: "no" }], stopReason: "max_tokens" }, "m") as Record<string, any>;
  assert.equal(cut.status, "incomplete");
  assert.deepEqual(cut.incomplete_details, { reason: "max_output_tokens" });
  assert.deepEqual(cut.output[0].content, [{ type: "refusal", refusal: "no" }]);
});

test("render → parse round-trips a response; an Anthropic signature survives as encrypted_content", () => {
  const rendered = client.renderResponse(HUB_RESPONSE, "m");
  const parsed = upstream.parseResponse(rendered);
  assert.ok(!isProblem(parsed));
  assert.deepEqual(parsed.parts, HUB_RESPONSE.parts);
  assert.equal(parsed.stopReason, "tool_calls");
  assert.deepEqual(parsed.usage, HUB_RESPONSE.usage);

  const signed = client.renderResponse({ ...HUB_RESPONSE, parts: [{ kind: "thinking", text: "t", signature: "sig" }] }, "m") as Record<string, any>;
  const back = parse({ input: [{ role: "user", content: "q" }, signed.output[0]] });
  assert.deepEqual(back.messages[1]!.parts, [{ kind: "thinking", text: "t", signature: "sig" }]);
  // …and never goes to OpenAI as encrypted reasoning
  assert.deepEqual((upstream.buildRequest(back, "gpt-5") as Record<string, any>).input, [{ role: "user", content: [{ type: "input_text", text: "q" }] }]);
});

test("an upstream Response: incomplete and failed", () => {
  const incomplete = upstream.parseResponse({ id: "resp_1", model: "gpt-5", created_at: 1, status: "incomplete", incomplete_details: { reason: "content_filter" }, output: [] });
  assert.ok(!isProblem(incomplete));
  assert.equal(incomplete.stopReason, "content_filter");
  const failed = upstream.parseResponse({ id: "resp_1", status: "failed", error: { code: "server_error", message: "boom" }, output: [] });
  assert.deepEqual(failed, { problem: "boom" });
  assert.equal(upstream.errorMessage({ error: { message: "bad key", type: "invalid_request_error" } }), "bad key");
  assert.equal(upstream.errorMessage("nope"), undefined);
  assert.equal(upstream.endpoint("https://api.openai.com/v1/", "gpt-5", true), "https://api.openai.com/v1/responses");
});

test("the upstream body: the reverse of the client side, stateless", () => {
  const request = parse({
    instructions: "terse",
    input: [
      { role: "user", content: "weather?" },
      { type: "reasoning", summary: [], encrypted_content: "gAAAA" },
      { type: "function_call", call_id: "call_1", name: "get_weather", arguments: "{}" },
      { type: "function_call_output", call_id: "call_1", output: "sunny" },
    ],
    tools: [WEATHER],
    tool_choice: "required",
    text: { format: { type: "json_object" } },
    reasoning: { effort: "high" },
    max_output_tokens: 50,
    user: "u",
  });
  assert.deepEqual(upstream.buildRequest(request, "gpt-5.1"), {
    model: "gpt-5.1",
    instructions: "terse",
    input: [
      { role: "user", content: [{ type: "input_text", text: "weather?" }] },
      { type: "reasoning", summary: [], encrypted_content: "gAAAA" },
      { type: "function_call", call_id: "call_1", name: "get_weather", arguments: "{}" },
      { type: "function_call_output", call_id: "call_1", output: "sunny" },
    ],
    store: false,
    stream: false,
    max_output_tokens: 50,
    tools: [{ type: "function", name: "get_weather", description: "Weather", parameters: WEATHER.parameters, strict: false }],
    tool_choice: "required",
    text: { format: { type: "json_object" } },
    reasoning: { effort: "high" },
    include: ["reasoning.encrypted_content"],
    safety_identifier: "u",
  });
  const stop = upstream.buildRequest({ ...request, stop: ["END"] }, "gpt-5");
  assert.ok(isProblem(stop) && stop.param === "stop");
  const topK = upstream.buildRequest({ ...request, topK: 3 }, "gpt-5");
  assert.ok(isProblem(topK) && topK.param === "top_k");
  // tool results with an error flag and media; plain thinking without encrypted content stays behind
  const mixed = upstream.buildRequest(
    {
      model: "m",
      system: [],
      stream: true,
      messages: [
        { role: "assistant", parts: [{ kind: "thinking", text: "plain" }, { kind: "refusal", text: "no" }] },
        { role: "user", parts: [{ kind: "tool_result", toolCallId: "c", isError: true, content: [{ kind: "text", text: "x" }] }, { kind: "image", source: { type: "url", url: "https://i" } }] },
      ],
    },
    "m",
  ) as Record<string, any>;
  assert.deepEqual(mixed.input, [
    { type: "message", role: "assistant", content: [{ type: "refusal", refusal: "no" }] },
    { type: "function_call_output", call_id: "c", output: "Error: x" },
    { role: "user", content: [{ type: "input_image", detail: "auto", image_url: "https://i" }] },
  ]);
});

const HUB_STREAM: HubStreamEvent[] = [
  { type: "start", id: "msg_01", model: "claude", created: 1_700_000_000 },
  { type: "part_start", index: 0, part: { kind: "thinking" } },
  { type: "thinking_delta", index: 0, text: "hm" },
  { type: "thinking_delta", index: 0, text: "m" },
  { type: "thinking_encrypted", index: 0, encrypted: "gAAAA" },
  { type: "part_stop", index: 0 },
  { type: "part_start", index: 1, part: { kind: "text" } },
  { type: "text_delta", index: 1, text: "Let me " },
  { type: "text_delta", index: 1, text: "look." },
  { type: "part_stop", index: 1 },
  { type: "part_start", index: 2, part: { kind: "tool_call", id: "call_1", name: "get_weather" } },
  { type: "tool_arguments_delta", index: 2, json: '{"city":' },
  { type: "tool_arguments_delta", index: 2, json: '"Oslo"}' },
  { type: "part_stop", index: 2 },
  { type: "finish", stopReason: "tool_calls", usage: { inputTokens: 9, outputTokens: 4 } },
];

test("the stream encoder: named events, sequence numbers from 0, no [DONE]", () => {
  const sse = encode(HUB_STREAM);
  assert.ok(!sse.includes("[DONE]"));
  const events = [...new SseParser().push(sse)];
  const data = events.map((event) => JSON.parse(event.data));
  events.forEach((event, at) => assert.equal(event.event, data[at].type));
  assert.deepEqual(data.map((event) => event.sequence_number), data.map((_, at) => at));
  assert.deepEqual(data.map((event) => event.type), [
    "response.created",
    "response.in_progress",
    "response.output_item.added",
    "response.reasoning_summary_part.added",
    "response.reasoning_summary_text.delta",
    "response.reasoning_summary_text.delta",
    "response.reasoning_summary_text.done",
    "response.reasoning_summary_part.done",
    "response.output_item.done",
    "response.output_item.added",
    "response.content_part.added",
    "response.output_text.delta",
    "response.output_text.delta",
    "response.output_text.done",
    "response.content_part.done",
    "response.output_item.done", // the message item closes when the tool call opens
    "response.output_item.added",
    "response.function_call_arguments.delta",
    "response.function_call_arguments.delta",
    "response.function_call_arguments.done",
    "response.output_item.done",
    "response.completed",
  ]);
  const delta = data.find((event) => event.type === "response.output_text.delta");
  assert.deepEqual(Object.keys(delta).sort(), ["content_index", "delta", "item_id", "logprobs", "output_index", "sequence_number", "type"]);
  const completed = data.at(-1);
  assert.equal(completed.response.id, "resp_01");
  assert.equal(completed.response.output.length, 3);
  assert.deepEqual(completed.response.usage.total_tokens, 13);
});

test("the stream decoder reads the encoder's own output back (round trip)", () => {
  const decoded = decode(encode(HUB_STREAM));
  const expected = HUB_STREAM.map((event) => (event.type === "start" ? { ...event, id: "resp_01", model: "gpt-5" } : event));
  // the encoder names the model the client asked for; usage comes back complete
  (expected.at(-1) as { usage: unknown }).usage = { inputTokens: 9, outputTokens: 4 };
  assert.deepEqual(decoded, expected);
});

test("stream errors: the encoder sends error and response.failed; the decoder turns both into a hub error", () => {
  const sse = encode([{ type: "start", id: "x", model: "m", created: 1 }, { type: "error", message: "overloaded", errorType: "overloaded_error" }, { type: "text_delta", index: 0, text: "late" }]);
  const types = [...new SseParser().push(sse)].map((event) => JSON.parse(event.data).type);
  assert.deepEqual(types, ["response.created", "response.in_progress", "error", "response.failed"]);
  assert.deepEqual(decode(sse).slice(1), [{ type: "error", message: "overloaded", errorType: "overloaded_error" }]);
  const failed = `event: response.failed\ndata: ${JSON.stringify({ type: "response.failed", sequence_number: 0, response: { status: "failed", error: { code: "server_error", message: "boom" } } })}\n\n`;
  assert.deepEqual(decode(failed), [{ type: "error", message: "boom", errorType: "server_error" }]);
  const cut = decode(encode(HUB_STREAM.slice(0, 5)));
  assert.equal(cut.at(-1)?.type, "error");
  const incomplete = decode(encode([HUB_STREAM[0]!, { type: "finish", stopReason: "max_tokens" }]));
  assert.deepEqual(incomplete.at(-1), { type: "finish", stopReason: "max_tokens", usage: { inputTokens: 0, outputTokens: 0 } });
});

test("the official OpenAI SDK reads what we render, plain and streamed", async () => {
  const bodies: Array<Record<string, unknown>> = [];
  const openai = new OpenAI({
    apiKey: "x",
    baseURL: "http://gateway.invalid/v1",
    maxRetries: 0,
    fetch: async (_url, init) => {
      const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
      bodies.push(body);
      const request = client.parseRequest(body);
      assert.ok(!isProblem(request));
      if (!request.stream) return new Response(JSON.stringify(client.renderResponse(HUB_RESPONSE, request.model)), { headers: { "content-type": "application/json" } });
      return new Response(encode(HUB_STREAM, request.model), { headers: { "content-type": "text/event-stream" } });
    },
  });
  const params = { model: "gpt-5", input: "Weather in Oslo?", tools: [WEATHER as OpenAI.Responses.FunctionTool] };
  const plain = await openai.responses.create(params);
  assert.equal(plain.output_text, "Let me look.");
  const streamedEvents: string[] = [];
  const stream = await openai.responses.create({ ...params, stream: true });
  for await (const event of stream) streamedEvents.push(event.type);
  assert.equal(streamedEvents.at(-1), "response.completed");
  const final = await openai.responses.stream(params).finalResponse();
  for (const response of [plain, final]) {
    assert.equal(response.output_text, "Let me look.");
    const call = response.output.find((item) => item.type === "function_call");
    assert.equal(call?.type === "function_call" && call.call_id, "call_1");
    assert.deepEqual(call?.type === "function_call" && JSON.parse(call.arguments), { city: "Oslo" });
    const reasoning = response.output.find((item) => item.type === "reasoning");
    assert.equal(reasoning?.type === "reasoning" && reasoning.summary[0]?.text, "hmm");
  }
  assert.equal(final.usage?.total_tokens, 13);
  assert.equal(bodies.length, 3);
});

test("usage: cached prompt tokens are inside input_tokens, in the API and in the hub (hub.ts HubUsage)", () => {
  const parsed = openaiResponsesAdapter.upstream.parseResponse({
    id: "resp_u",
    object: "response",
    created_at: 1,
    status: "completed",
    model: "gpt-5",
    output: [{ type: "message", id: "msg_u", role: "assistant", status: "completed", content: [{ type: "output_text", text: "hi", annotations: [] }] }],
    usage: { input_tokens: 14, input_tokens_details: { cached_tokens: 4 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 2 }, total_tokens: 19 },
  });
  assert.ok(!("problem" in parsed));
  assert.deepEqual((parsed as { usage: unknown }).usage, { inputTokens: 14, outputTokens: 5, cacheReadTokens: 4, reasoningTokens: 2 });
});

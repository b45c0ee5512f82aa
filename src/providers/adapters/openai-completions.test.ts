// The Chat Completions adapter on its own: golden cases ported from the retired
// per-pair translators' tests (their outputs frozen as literals), round trips
// through the hub, and what it refuses.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SseParser } from "../sse.ts";
import type { StreamDecoder, StreamEncoder } from "./adapter.ts";
import { isProblem, type HubRequest, type HubResponse, type HubStreamEvent } from "./hub.ts";
import { ADAPTERS } from "./index.ts";
import { openaiCompletionsAdapter } from "./openai-completions/index.ts";

const { client, upstream } = openaiCompletionsAdapter;
const clientSide = client!;
const PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

function parsed(body: Record<string, unknown>): HubRequest {
  const result = clientSide.parseRequest(body);
  assert.ok(!isProblem(result), `unexpected problem: ${JSON.stringify(result)}`);
  return result;
}

function built(request: HubRequest, model = "m"): Record<string, any> {
  const result = upstream.buildRequest(request, model);
  assert.ok(!isProblem(result));
  return result;
}

function hub(extra: Partial<HubRequest>): HubRequest {
  return { model: "x", system: [], messages: [], stream: false, ...extra };
}

describe("client side: parseRequest", () => {
  test("system and developer messages become system parts; parameters map; ignorable fields are ignored", () => {
    const request = parsed({
      model: "anthropic/claude-opus-4-6",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "developer", content: [{ type: "text", text: "Use metric" }, { type: "text", text: "units." }] },
        { role: "system", content: "" },
        { role: "user", content: "hi", name: "ann" },
      ],
      max_completion_tokens: 100,
      max_tokens: 50,
      temperature: 0.3,
      top_p: 0.9,
      stop: "END",
      stream: true,
      stream_options: { include_usage: true },
      user: "user-1",
      safety_identifier: "other",
      n: 1,
      seed: 7,
      frequency_penalty: 0.5,
      presence_penalty: 0.1,
      logprobs: false,
      store: true,
      metadata: { a: "b" },
      service_tier: "auto",
      prediction: { type: "content", content: "old text" },
      prompt_cache_key: "k",
      verbosity: "low",
      modalities: ["text"],
      response_format: { type: "text" },
      reasoning_effort: "low",
    });
    assert.deepEqual(request, {
      model: "anthropic/claude-opus-4-6",
      system: [
        { kind: "text", text: "Be brief." },
        { kind: "text", text: "Use metric\nunits." },
      ],
      messages: [{ role: "user", parts: [{ kind: "text", text: "hi" }] }],
      stream: true,
      maxTokens: 100,
      temperature: 0.3,
      topP: 0.9,
      stop: ["END"],
      responseFormat: { type: "text" },
      reasoning: { effort: "low" },
      user: "user-1",
    });
    assert.equal(parsed({ messages: [], max_tokens: 77, safety_identifier: "s" }).maxTokens, 77);
    assert.equal(parsed({ messages: [], safety_identifier: "s" }).user, "s");
    assert.deepEqual(parsed({ messages: [], stop: ["###", "STOP", 3] }).stop, ["###", "STOP"]);
    assert.equal("reasoning" in parsed({ messages: [], reasoning_effort: "none" }), false);
    assert.equal(parsed({ messages: [], top_k: 40 }).topK, 40);
  });

  test("content parts: text, images (data URLs → base64), files; tool calls, refusals, tool results grouped into one user message", () => {
    const request = parsed({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in these?" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}`, detail: "high" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
            { type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } },
            { type: "file", file: { file_id: "file-abc" } },
          ],
        },
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
        { role: "assistant", content: [{ type: "refusal", refusal: "I can't." }] },
        { role: "assistant", content: null, refusal: "Nor that." },
      ],
    });
    assert.deepEqual(request.messages, [
      {
        role: "user",
        parts: [
          { kind: "text", text: "What is in these?" },
          { kind: "image", source: { type: "base64", mediaType: "image/png", data: PNG_BASE64 }, detail: "high" },
          { kind: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
          { kind: "file", source: { type: "base64", mediaType: "application/pdf", data: "JVBERi0=" }, filename: "a.pdf" },
          { kind: "file", source: { type: "file_id", id: "file-abc" } },
        ],
      },
      {
        role: "assistant",
        parts: [
          { kind: "text", text: "Let me check." },
          { kind: "tool_call", id: "call_1", name: "get_weather", arguments: '{"city":"Oslo"}' },
          // Ids stay as the client wrote them; an Anthropic upstream's adapter makes them safe for it.
          { kind: "tool_call", id: "functions.now:1", name: "now", arguments: "" },
        ],
      },
      {
        role: "user",
        parts: [
          { kind: "tool_result", toolCallId: "call_1", content: [{ kind: "text", text: "sunny, 21°C" }] },
          { kind: "tool_result", toolCallId: "functions.now:1", content: [{ kind: "text", text: "12:00" }] },
        ],
      },
      { role: "user", parts: [{ kind: "text", text: "And tomorrow?" }] },
      { role: "assistant", parts: [{ kind: "refusal", text: "I can't." }] },
      { role: "assistant", parts: [{ kind: "refusal", text: "Nor that." }] },
    ]);
  });

  test("tools, tool_choice, parallel_tool_calls, allowed_tools, response formats", () => {
    const parameters = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const tools = [
      { type: "function", function: { name: "get_weather", description: "Weather for a city", parameters, strict: true } },
      { type: "function", function: { name: "now", strict: null } },
    ];
    const base = { messages: [{ role: "user", content: "x" }], tools };
    assert.deepEqual(parsed(base).tools, [
      { name: "get_weather", description: "Weather for a city", parameters, strict: true },
      { name: "now" },
    ]);
    const choice = (extra: Record<string, unknown>) => parsed({ ...base, ...extra }).toolChoice;
    assert.deepEqual(choice({ tool_choice: "auto" }), { type: "auto" });
    assert.deepEqual(choice({ tool_choice: "none" }), { type: "none" });
    assert.deepEqual(choice({ tool_choice: "required" }), { type: "required" });
    assert.deepEqual(choice({ tool_choice: { type: "function", function: { name: "get_weather" } } }), { type: "tool", name: "get_weather" });
    assert.equal(parsed({ ...base, parallel_tool_calls: false }).parallelToolCalls, false);
    const allowed = parsed({ ...base, tool_choice: { type: "allowed_tools", allowed_tools: { mode: "required", tools: [{ type: "function", function: { name: "now" } }] } } });
    assert.deepEqual([allowed.tools, allowed.toolChoice], [[{ name: "now" }], { type: "required" }]);

    const schema = { type: "object", properties: { a: { type: "number" } } };
    assert.deepEqual(parsed({ messages: [], response_format: { type: "json_object" } }).responseFormat, { type: "json_object" });
    assert.deepEqual(parsed({ messages: [], response_format: { type: "json_schema", json_schema: { name: "out", schema, strict: true, description: "d" } } }).responseFormat, {
      type: "json_schema",
      name: "out",
      schema,
      strict: true,
      description: "d",
    });
  });

  test("every refusal names its param", () => {
    const user = [{ role: "user", content: "x" }];
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ messages: user, n: 2 }, "n"],
      [{ messages: user, logprobs: true }, "logprobs"],
      [{ messages: user, top_logprobs: 3 }, "top_logprobs"],
      [{ messages: user, audio: { voice: "alloy", format: "wav" } }, "audio"],
      [{ messages: user, modalities: ["text", "audio"] }, "modalities"],
      [{ messages: user, functions: [{ name: "f" }] }, "functions"],
      [{ messages: user, function_call: "auto" }, "function_call"],
      [{ messages: user, logit_bias: { "50256": -100 } }, "logit_bias"],
      [{ messages: user, web_search_options: {} }, "web_search_options"],
      [{ messages: user, reasoning_effort: "ultra" }, "reasoning_effort"],
      [{ messages: user, response_format: { type: "grammar" } }, "response_format.type"],
      [{ messages: user, response_format: { type: "json_schema", json_schema: { schema: {} } } }, "response_format.json_schema.name"],
      [{ messages: user, tools: [{ type: "custom", custom: { name: "g" } }] }, "tools[0].type"],
      [{ messages: user, tools: [{ type: "function", function: { name: "f" } }], tool_choice: { type: "custom", custom: { name: "g" } } }, "tool_choice"],
      [{ messages: [{ role: "function", name: "f", content: "1" }] }, "messages[0].role"],
      [{ messages: [{ role: "user", content: [{ type: "text", text: "hi" }, { type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }] }] }, "messages[0].content[1].type"],
      [{ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png;base64" } }] }] }, "messages[0].content[0].image_url.url"],
      [{ messages: [{ role: "user", content: [{ type: "file", file: { filename: "a.pdf" } }] }] }, "messages[0].content[0].file"],
      [{ messages: [...user, { role: "assistant", content: null, audio: { id: "audio_1" } }] }, "messages[1].audio"],
      [{ messages: [...user, { role: "assistant", content: null, tool_calls: [{ id: "c", type: "custom", custom: { name: "g", input: "" } }] }] }, "messages[1].tool_calls[0].type"],
    ];
    for (const [body, param] of cases) {
      const result = clientSide.parseRequest(body);
      assert.ok(isProblem(result), `${param}: expected a problem`);
      assert.equal(result.param, param);
      assert.ok(result.problem.length > 0);
    }
  });

  test("__proto__ as a tool name or id is an ordinary string", () => {
    const request = parsed({
      messages: [
        { role: "user", content: "x" },
        { role: "assistant", content: null, tool_calls: [{ id: "__proto__", type: "function", function: { name: "__proto__", arguments: '{"__proto__":1}' } }] },
        { role: "tool", tool_call_id: "__proto__", content: "ok" },
      ],
      tools: [{ type: "function", function: { name: "__proto__", parameters: { type: "object" } } }],
      tool_choice: { type: "allowed_tools", allowed_tools: { mode: "auto", tools: [{ type: "function", function: { name: "__proto__" } }] } },
    });
    assert.deepEqual(request.tools, [{ name: "__proto__", parameters: { type: "object" } }]);
    assert.deepEqual(request.messages[1]!.parts, [{ kind: "tool_call", id: "__proto__", name: "__proto__", arguments: '{"__proto__":1}' }]);
    assert.deepEqual(request.messages[2]!.parts, [{ kind: "tool_result", toolCallId: "__proto__", content: [{ kind: "text", text: "ok" }] }]);
    const body = built(request);
    assert.equal(body.messages[1].tool_calls[0].function.name, "__proto__");
    assert.equal(body.messages[2].tool_call_id, "__proto__");
    assert.equal(Object.getPrototypeOf(body.messages[1].tool_calls[0]), Object.prototype);
    const response = upstream.parseResponse({
      id: "chatcmpl-p",
      choices: [{ index: 0, message: { role: "assistant", content: null, tool_calls: [{ id: "__proto__", type: "function", function: { name: "__proto__", arguments: "{}" } }] }, finish_reason: "__proto__" }],
    });
    assert.ok(!isProblem(response));
    assert.equal(response.stopReason, "tool_calls");
    assert.equal((clientSide.renderResponse({ ...response, stopReason: "__proto__" as never }, "m") as any).choices[0].finish_reason, "stop");
  });
});

describe("upstream side: buildRequest", () => {
  // What the retired Anthropic → OpenAI translator (toOpenAIRequest) built for the
  // Anthropic request this hub request comes from, frozen when it was removed.
  const GOLDEN_CHAT_REQUEST = {
    model: "gpt-5.2",
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Weather and a photo of Oslo?" },
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: [
          { id: "toolu_01", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
          { id: "toolu_02", type: "function", function: { name: "photo", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "toolu_01", content: "sunny" },
      { role: "tool", tool_call_id: "toolu_02", content: "Error: one photo" },
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0K" } },
          { type: "file", file: { filename: "spec.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } },
          { type: "text", text: "plain notes" },
          { type: "text", text: "Thanks!" },
        ],
      },
    ],
    max_completion_tokens: 1024,
    temperature: 0.2,
    top_p: 0.8,
    stop: ["END", "###"],
    stream: true,
    stream_options: { include_usage: true },
    tools: [{ type: "function", function: { name: "get_weather", description: "Weather", parameters: { type: "object" } } }],
    tool_choice: "required",
    parallel_tool_calls: false,
    user: "user-1",
  };

  test("builds what the retired Anthropic → OpenAI translator built for the same request", () => {
    const expected = GOLDEN_CHAT_REQUEST;
    const request = hub({
      system: [{ kind: "text", text: "Be brief." }],
      stream: true,
      maxTokens: 1024,
      temperature: 0.2,
      topP: 0.8,
      topK: 40,
      stop: ["END", "###"],
      user: "user-1",
      tools: [{ name: "get_weather", description: "Weather", parameters: { type: "object" } }],
      toolChoice: { type: "required" },
      parallelToolCalls: false,
      reasoning: { budgetTokens: 2000 },
      messages: [
        { role: "user", parts: [{ kind: "text", text: "Weather and a photo of Oslo?" }] },
        {
          role: "assistant",
          parts: [
            { kind: "thinking", text: "hmm", signature: "sig" },
            { kind: "text", text: "Checking." },
            { kind: "tool_call", id: "toolu_01", name: "get_weather", arguments: '{"city":"Oslo"}' },
            { kind: "tool_call", id: "toolu_02", name: "photo", arguments: "{}" },
          ],
        },
        {
          role: "user",
          parts: [
            { kind: "tool_result", toolCallId: "toolu_01", content: [{ kind: "text", text: "sunny" }] },
            {
              kind: "tool_result",
              toolCallId: "toolu_02",
              isError: true,
              content: [
                { kind: "text", text: "one photo" },
                { kind: "image", source: { type: "base64", mediaType: "image/png", data: "iVBORw0K" } },
              ],
            },
            { kind: "file", source: { type: "base64", mediaType: "application/pdf", data: "JVBERi0=" }, title: "spec.pdf" },
            { kind: "file", source: { type: "base64", mediaType: "text/plain", data: Buffer.from("plain notes").toString("base64") } },
            { kind: "text", text: "Thanks!" },
          ],
        },
      ],
    });
    const body = built(request, "gpt-5.2");
    assert.deepEqual(body, expected);
    assert.deepEqual(Object.keys(body), Object.keys(expected), "same field order");
    assert.equal(body.messages![4]!.content, "Error: one photo");
    assert.equal(upstream.endpoint("https://api.openai.com/v1", "gpt-5.2", true), "https://api.openai.com/v1/chat/completions");
  });

  test("fields Anthropic clients never sent: response formats, reasoning effort, strict tools, refusals; no tool settings without tools", () => {
    const body = built(
      hub({
        toolChoice: { type: "tool", name: "f" },
        parallelToolCalls: false,
        responseFormat: { type: "json_schema", name: "out", schema: { type: "object" }, strict: true },
        reasoning: { effort: "high" },
        messages: [
          { role: "user", parts: [{ kind: "image", source: { type: "url", url: "https://x/y.png" }, detail: "low" }] },
          { role: "assistant", parts: [{ kind: "refusal", text: "No." }] },
        ],
      }),
    );
    assert.deepEqual(body, {
      model: "m",
      messages: [
        { role: "user", content: [{ type: "image_url", image_url: { url: "https://x/y.png", detail: "low" } }] },
        { role: "assistant", content: null, refusal: "No." },
      ],
      response_format: { type: "json_schema", json_schema: { name: "out", schema: { type: "object" }, strict: true } },
      reasoning_effort: "high",
    });
    const withTools = built(hub({ tools: [{ name: "f", strict: true }], toolChoice: { type: "tool", name: "f" } }));
    assert.deepEqual(withTools.tools, [{ type: "function", function: { name: "f", parameters: { type: "object", properties: {} }, strict: true } }]);
    assert.deepEqual(withTools.tool_choice, { type: "function", function: { name: "f" } });
    assert.deepEqual(built(hub({ responseFormat: { type: "json_object" } })).response_format, { type: "json_object" });
    assert.equal("response_format" in built(hub({ responseFormat: { type: "text" } })), false);
  });

  test("round trip: a client's body parsed, then built for an OpenAI upstream, says the same", () => {
    const original = {
      model: "gpt-5.2",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "Look:" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}`, detail: "high" } }] },
        { role: "assistant", content: "Checking.", tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }] },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
        { role: "user", content: "Thanks" },
        { role: "assistant", content: null, refusal: "No." },
        { role: "user", content: [{ type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } }] },
      ],
      max_completion_tokens: 300,
      temperature: 0.5,
      top_p: 0.9,
      stop: ["END"],
      stream: true,
      stream_options: { include_usage: true },
      tools: [{ type: "function", function: { name: "get_weather", description: "Weather", parameters: { type: "object" }, strict: true } }],
      tool_choice: "required",
      parallel_tool_calls: false,
      user: "u",
      response_format: { type: "json_schema", json_schema: { name: "out", schema: { type: "object" }, strict: true } },
      reasoning_effort: "medium",
    };
    assert.deepEqual(built(parsed(original), "gpt-5.2"), original);
  });
});

function completion(message: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    id: "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
    object: "chat.completion",
    created: 1_741_569_952,
    model: "gpt-5.2",
    choices: [{ index: 0, message: { role: "assistant", content: null, refusal: null, ...message }, finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: 19, completion_tokens: 10, total_tokens: 29 },
    ...extra,
  };
}

function hubResponse(body: unknown, request?: HubRequest): HubResponse {
  const result = upstream.parseResponse(body, request);
  assert.ok(!isProblem(result));
  return result;
}

describe("upstream side: parseResponse", () => {
  test("text, tool calls, usage with cached and reasoning tokens", () => {
    const response = hubResponse(
      completion(
        {
          content: "On it.",
          tool_calls: [
            { id: "call_abc", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
            { id: "functions.now:1", type: "function", function: { name: "now", arguments: "" } },
          ],
        },
        { usage: { prompt_tokens: 1200, completion_tokens: 30, total_tokens: 1230, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 12 } } },
      ),
    );
    assert.deepEqual(response, {
      id: "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
      model: "gpt-5.2",
      created: 1_741_569_952,
      parts: [
        { kind: "text", text: "On it." },
        { kind: "tool_call", id: "call_abc", name: "get_weather", arguments: '{"city":"Oslo"}' },
        { kind: "tool_call", id: "functions.now:1", name: "now", arguments: "" },
      ],
      // finish_reason was "stop", but a turn that calls tools must say so or the client will not run them.
      stopReason: "tool_calls",
      usage: { inputTokens: 1200, outputTokens: 30, cacheReadTokens: 1024, reasoningTokens: 12 },
    });
  });

  test("finish reasons, stop sequences named by vLLM/SGLang only when the client asked for them, refusals, missing ids", () => {
    const stop = (finish_reason: unknown) => {
      const base = completion({ content: "x" });
      return hubResponse({ ...base, choices: [{ ...base.choices[0]!, finish_reason }] }).stopReason;
    };
    assert.equal(stop("stop"), "end");
    assert.equal(stop("length"), "max_tokens");
    assert.equal(stop("tool_calls"), "tool_calls");
    assert.equal(stop("function_call"), "tool_calls");
    assert.equal(stop("content_filter"), "content_filter");
    assert.equal(stop(null), "end");
    assert.equal(stop("constructor"), "end");

    const stopped = (fields: Record<string, unknown>, stops: string[] | undefined, finish_reason = "stop") => {
      const base = completion({ content: "1, 2, 3" });
      const response = hubResponse({ ...base, choices: [{ ...base.choices[0]!, finish_reason, ...fields }] }, stops ? hub({ stop: stops }) : undefined);
      return [response.stopReason, response.stopSequence];
    };
    assert.deepEqual(stopped({ stop_reason: "4," }, ["4,", "END"]), ["stop_sequence", "4,"]);
    assert.deepEqual(stopped({ matched_stop: "END" }, ["4,", "END"]), ["stop_sequence", "END"]);
    assert.deepEqual(stopped({}, ["4,", "END"]), ["end", undefined]);
    assert.deepEqual(stopped({ stop_reason: 128009 }, ["4,"]), ["end", undefined]);
    assert.deepEqual(stopped({ stop_reason: "<|im_end|>" }, ["4,"]), ["end", undefined]);
    assert.deepEqual(stopped({ stop_reason: "4," }, undefined), ["end", undefined]);
    assert.deepEqual(stopped({ stop_reason: "4," }, ["4,"], "length"), ["max_tokens", undefined]);

    const refused = hubResponse(completion({ refusal: "I can't help with that." }, { id: "" }));
    assert.deepEqual(refused.parts, [{ kind: "refusal", text: "I can't help with that." }]);
    assert.match(refused.id, /^chatcmpl-[0-9a-f]{24}$/);
    assert.ok(isProblem(upstream.parseResponse("nope")));
  });

  test("errorMessage", () => {
    assert.equal(upstream.errorMessage({ error: { message: "Invalid model", type: "invalid_request_error" } }), "Invalid model");
    assert.equal(upstream.errorMessage({ error: "bad" }), "bad");
    assert.equal(upstream.errorMessage({ message: "m" }), "m");
    assert.equal(upstream.errorMessage({ detail: "Not Found" }), "Not Found");
    assert.equal(upstream.errorMessage({ error: {} }), undefined);
    assert.equal(upstream.errorMessage("text"), undefined);
  });
});

describe("client side: renderResponse", () => {
  // What the retired OpenAI ← Anthropic translator (toOpenAIResponse) wrote for
  // this Anthropic message (thinking with a signature, text, a tool call, cache
  // read and written), frozen when it was removed; `created` was its clock.
  const GOLDEN_CHAT_COMPLETION = {
    id: "chatcmpl-01XFDUDYJgAACzvnptvVoYEL",
    object: "chat.completion",
    created: 1_795_971_999,
    model: "anthropic/claude-opus-4-6",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: "Sure.",
          refusal: null,
          tool_calls: [{ id: "toolu_01", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo","days":2}' } }],
        },
        finish_reason: "tool_calls",
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 115, completion_tokens: 20, total_tokens: 135, prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 5 } },
  };

  test("renders what the retired translator's toOpenAIResponse wrote for the same answer", () => {
    const expected = GOLDEN_CHAT_COMPLETION;
    const rendered = clientSide.renderResponse(
      {
        id: "msg_01XFDUDYJgAACzvnptvVoYEL",
        model: "claude-opus-4-6",
        created: expected.created,
        parts: [
          { kind: "thinking", text: "hmm", signature: "sig" },
          { kind: "text", text: "Sure." },
          { kind: "tool_call", id: "toolu_01", name: "get_weather", arguments: '{"city":"Oslo","days":2}' },
        ],
        stopReason: "tool_calls",
        usage: { inputTokens: 115, outputTokens: 20, cacheReadTokens: 100, cacheWriteTokens: 5 },
      },
      "anthropic/claude-opus-4-6",
    );
    assert.deepEqual(rendered, expected);
    assert.deepEqual(JSON.stringify(rendered), JSON.stringify(expected), "same field order");
  });

  test("finish reasons, refusals, reasoning tokens", () => {
    const render = (extra: Partial<HubResponse>) =>
      clientSide.renderResponse({ id: "chatcmpl-1", model: "m", created: 1, parts: [], stopReason: "end", usage: { inputTokens: 1, outputTokens: 2 }, ...extra }, "client/m") as any;
    const finish = (stopReason: HubResponse["stopReason"]) => render({ stopReason }).choices[0].finish_reason;
    assert.deepEqual(
      (["end", "stop_sequence", "pause", "max_tokens", "tool_calls", "content_filter", "refusal"] as const).map(finish),
      ["stop", "stop", "stop", "length", "tool_calls", "content_filter", "content_filter"],
    );
    assert.equal(render({}).id, "chatcmpl-1");
    assert.deepEqual(render({ parts: [{ kind: "refusal", text: "No." }], stopReason: "refusal" }).choices[0].message, { role: "assistant", content: null, refusal: "No." });
    assert.deepEqual(render({ usage: { inputTokens: 10, outputTokens: 7, reasoningTokens: 5 } }).usage, {
      prompt_tokens: 10,
      completion_tokens: 7,
      total_tokens: 17,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 5 },
    });
  });

  test("round trip: an upstream's chat.completion parsed, then rendered for a client, says the same", () => {
    const original = completion(
      { content: "On it.", tool_calls: [{ id: "call_abc", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }] },
      {
        usage: {
          prompt_tokens: 1200,
          completion_tokens: 30,
          total_tokens: 1230,
          prompt_tokens_details: { cached_tokens: 1024 },
          completion_tokens_details: { reasoning_tokens: 12 },
        },
      },
    );
    const base = original.choices[0]!;
    const withFinish = { ...original, choices: [{ ...base, finish_reason: "tool_calls" }] };
    const rendered = clientSide.renderResponse(hubResponse(withFinish), "gpt-5.2");
    assert.deepEqual(rendered, { ...withFinish, choices: [{ ...base, message: { ...base.message, refusal: null }, finish_reason: "tool_calls" }] });
    // And an Anthropic client gets what the retired translator's toAnthropicResponse wrote for it (frozen).
    assert.deepEqual(ADAPTERS["anthropic-messages"].client!.renderResponse(hubResponse(withFinish), "m"), {
      id: "msg_B9MBs8CjcvOU2jLn4n570S5qMJKcT",
      type: "message",
      role: "assistant",
      model: "m",
      content: [
        { type: "text", text: "On it." },
        { type: "tool_use", id: "call_abc", name: "get_weather", input: { city: "Oslo" } },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 176, output_tokens: 30, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024 },
    });
  });
});

// ------------------------------------------------------------------- streams

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

/** Upstream SSE text, cut into `size`-character pieces, through the parser and a decoder, as the gateway will. */
function decodeAll(decoder: StreamDecoder, text: string, size = Infinity): HubStreamEvent[] {
  const parser = new SseParser();
  const events: HubStreamEvent[] = [];
  const step = Math.min(size, Math.max(text.length, 1));
  for (let at = 0; at < text.length; at += step) for (const event of parser.push(text.slice(at, at + step))) events.push(...decoder.decode(event));
  for (const event of parser.end()) events.push(...decoder.decode(event));
  return [...events, ...decoder.end()];
}

function encodeAll(encoder: StreamEncoder, events: HubStreamEvent[]): string {
  return events.map((event) => encoder.encode(event)).join("") + encoder.end();
}

function chunks(text: string): Array<Record<string, any> | "[DONE]"> {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()].map((event) => (event.data === "[DONE]" ? "[DONE]" : JSON.parse(event.data)));
}

/** What an OpenAI client assembles from the chunks, the way the SDK's ChatCompletionStream does. */
function accumulate(list: Array<Record<string, any> | "[DONE]">) {
  const message = { content: "", refusal: "", tool_calls: [] as Array<{ id: string; name: string; arguments: string }> };
  let finish: string | null = null;
  let usage: unknown;
  for (const chunk of list) {
    if (chunk === "[DONE]") continue;
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    message.content += choice.delta.content ?? "";
    message.refusal += choice.delta.refusal ?? "";
    for (const call of choice.delta.tool_calls ?? []) {
      const slot = (message.tool_calls[call.index] ??= { id: "", name: "", arguments: "" });
      if (call.id) slot.id = call.id;
      if (call.function?.name) slot.name = call.function.name;
      slot.arguments += call.function?.arguments ?? "";
    }
    finish = choice.finish_reason ?? finish;
  }
  return { message, finish, usage };
}

describe("streams", () => {
  test("decoder: a streamed tool call, in awkward pieces, becomes hub events", () => {
    for (const size of [Infinity, 1, 2, 5, 17]) {
      const events = decodeAll(upstream.streamDecoder(), TOOL_STREAM, size);
      assert.deepEqual(
        events,
        [
          { type: "start", id: "chatcmpl-up1", model: "gpt-5.2", created: 1_741_569_952 },
          { type: "part_start", index: 0, part: { kind: "text" } },
          { type: "text_delta", index: 0, text: "Let me " },
          { type: "text_delta", index: 0, text: "check Osló ☀️." },
          { type: "part_stop", index: 0 },
          { type: "part_start", index: 1, part: { kind: "tool_call", id: "call_1", name: "get_weather" } },
          { type: "tool_arguments_delta", index: 1, json: '{"city":' },
          { type: "tool_arguments_delta", index: 1, json: '"Osló"}' },
          { type: "part_stop", index: 1 },
          { type: "part_start", index: 2, part: { kind: "tool_call", id: "call_2", name: "now" } },
          { type: "tool_arguments_delta", index: 2, json: '{"tz":"CET"}' },
          { type: "part_stop", index: 2 },
          { type: "finish", stopReason: "tool_calls", usage: { inputTokens: 50, outputTokens: 20, cacheReadTokens: 10 } },
        ],
        `piece size ${size}`,
      );
    }
  });

  test("round trip: upstream chunks decoded, then encoded for a client with include_usage, assemble to the same answer", () => {
    const encoder = clientSide.streamEncoder("openai/gpt-5.2", { stream: true, stream_options: { include_usage: true } });
    const out = chunks(encodeAll(encoder, decodeAll(upstream.streamDecoder(), TOOL_STREAM, 3)));
    const original = accumulate(chunks(TOOL_STREAM));
    const relayed = accumulate(out);
    assert.deepEqual(relayed.message, original.message);
    assert.equal(relayed.finish, "tool_calls");
    assert.deepEqual(relayed.usage, { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70, prompt_tokens_details: { cached_tokens: 10 } });
    for (const chunk of out.slice(0, -1)) {
      assert.notEqual(chunk, "[DONE]");
      const json = chunk as Record<string, any>;
      assert.equal(json.id, "chatcmpl-up1");
      assert.equal(json.object, "chat.completion.chunk");
      assert.equal(json.model, "openai/gpt-5.2");
      assert.equal(json.created, 1_741_569_952);
    }
    assert.deepEqual((out[0] as any).choices, [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }]);
    assert.equal((out[0] as any).usage, null);
    assert.deepEqual((out.at(-2) as any).choices, []);
    assert.equal(out.at(-1), "[DONE]");
  });

  // The hub events an Anthropic stream decoder yields for the Anthropic tool-call stream the retired stream translator was tested with.
  const FROM_ANTHROPIC: HubStreamEvent[] = [
    { type: "start", id: "msg_stream1", model: "claude-opus-4-6", created: 1_700_000_000, usage: { inputTokens: 30, outputTokens: 1, cacheReadTokens: 5, cacheWriteTokens: 0 } },
    { type: "part_start", index: 0, part: { kind: "thinking" } },
    { type: "thinking_delta", index: 0, text: "The user wants weather." },
    { type: "thinking_signature", index: 0, signature: "EqQB" },
    { type: "part_stop", index: 0 },
    { type: "part_start", index: 1, part: { kind: "text" } },
    { type: "text_delta", index: 1, text: "Checking Osló " },
    { type: "text_delta", index: 1, text: "☀️ now." },
    { type: "part_stop", index: 1 },
    { type: "part_start", index: 2, part: { kind: "tool_call", id: "toolu_01", name: "get_weather" } },
    { type: "tool_arguments_delta", index: 2, json: "" },
    { type: "tool_arguments_delta", index: 2, json: '{"city": ' },
    { type: "tool_arguments_delta", index: 2, json: '"Osló"}' },
    { type: "part_stop", index: 2 },
    { type: "part_start", index: 3, part: { kind: "tool_call", id: "toolu_02", name: "now" } },
    { type: "tool_arguments_delta", index: 3, json: '{"tz":"CET"}' },
    { type: "part_stop", index: 3 },
    { type: "finish", stopReason: "tool_calls", usage: { outputTokens: 42 } },
  ];

  test("encoder: the chunks the retired Anthropic → OpenAI stream translator wrote for the same stream", () => {
    const out = chunks(encodeAll(clientSide.streamEncoder("anthropic/claude-opus-4-6", { stream_options: { include_usage: true } }), FROM_ANTHROPIC));
    assert.ok(out.slice(0, -1).every((chunk) => chunk !== "[DONE]" && chunk.id === "chatcmpl-stream1"));
    const toolDeltas = out.flatMap((chunk) => (chunk === "[DONE]" ? [] : (chunk.choices[0]?.delta.tool_calls ?? [])));
    assert.deepEqual(toolDeltas, [
      { index: 0, id: "toolu_01", type: "function", function: { name: "get_weather", arguments: "" } },
      { index: 0, function: { arguments: '{"city": ' } },
      { index: 0, function: { arguments: '"Osló"}' } },
      { index: 1, id: "toolu_02", type: "function", function: { name: "now", arguments: "" } },
      { index: 1, function: { arguments: '{"tz":"CET"}' } },
    ]);
    const { message, finish, usage } = accumulate(out);
    assert.equal(message.content, "Checking Osló ☀️ now.");
    assert.equal(finish, "tool_calls");
    assert.deepEqual(usage, { prompt_tokens: 30, completion_tokens: 42, total_tokens: 72, prompt_tokens_details: { cached_tokens: 5 } });
    assert.equal(out.filter((chunk) => chunk === "[DONE]").length, 1);
  });

  test("encoder: without include_usage no chunk has a usage field; refusals go as refusal deltas", () => {
    const out = chunks(encodeAll(clientSide.streamEncoder("m"), FROM_ANTHROPIC));
    for (const chunk of out) if (chunk !== "[DONE]") assert.equal("usage" in chunk, false);
    assert.equal((out.at(-2) as any).choices[0].finish_reason, "tool_calls");
    const refusal = chunks(
      encodeAll(clientSide.streamEncoder("m"), [
        { type: "start", id: "x", model: "m", created: 1 },
        { type: "part_start", index: 0, part: { kind: "refusal" } },
        { type: "text_delta", index: 0, text: "No." },
        { type: "part_stop", index: 0 },
        { type: "finish", stopReason: "refusal" },
      ]),
    );
    assert.deepEqual(accumulate(refusal).message.refusal, "No.");
    assert.equal(accumulate(refusal).finish, "content_filter");
  });

  test("an empty or truncated stream still ends well-formed, both ways; end() twice adds nothing", () => {
    const encoder = clientSide.streamEncoder("m");
    assert.deepEqual(
      chunks(encoder.end()).map((chunk) => (chunk === "[DONE]" ? chunk : chunk.choices[0])),
      [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }, { index: 0, delta: {}, logprobs: null, finish_reason: "stop" }, "[DONE]"],
    );
    assert.equal(encoder.end(), "");

    const decoder = upstream.streamDecoder();
    const events = decodeAll(decoder, openAISse([delta({ role: "assistant", content: "" }), delta({ content: "half a sen" })], false));
    assert.deepEqual(
      events.map((event) => event.type),
      ["start", "part_start", "text_delta", "part_stop", "finish"],
    );
    assert.deepEqual(events.at(-1), { type: "finish", stopReason: "end", usage: { inputTokens: 0, outputTokens: 0 } });
    assert.deepEqual(decoder.end(), []);
    const empty = decodeAll(upstream.streamDecoder(), "");
    assert.deepEqual(
      empty.map((event) => event.type),
      ["start", "finish"],
    );
    assert.match((empty[0] as { id: string }).id, /^chatcmpl-/);
  });

  test("decoder: stop sequences the client asked for, whole tool calls without index, length", () => {
    const ending = (fields: Record<string, unknown>, stops?: string[]) => {
      const text = openAISse([delta({ content: "1, 2, 3" }), { choices: [{ index: 0, delta: {}, finish_reason: "stop", ...fields }] }]);
      return decodeAll(upstream.streamDecoder(stops ? hub({ stop: stops }) : undefined), text).at(-1);
    };
    assert.deepEqual(ending({ stop_reason: "4," }, ["4,"]), { type: "finish", stopReason: "stop_sequence", stopSequence: "4,", usage: { inputTokens: 0, outputTokens: 0 } });
    assert.deepEqual(ending({ matched_stop: "4," }, ["4,"]), { type: "finish", stopReason: "stop_sequence", stopSequence: "4,", usage: { inputTokens: 0, outputTokens: 0 } });
    assert.equal((ending({}, ["4,"]) as any).stopReason, "end");
    assert.equal((ending({ stop_reason: "4," }) as any).stopReason, "end");

    const whole = decodeAll(
      upstream.streamDecoder(),
      openAISse([
        delta({
          tool_calls: [
            { id: "functions.a:0", type: "function", function: { name: "a", arguments: "{}" } },
            { id: "functions.b:1", type: "function", function: { name: "b", arguments: '{"x":1}' } },
          ],
        }),
        delta({}, "length"),
      ]),
    );
    assert.deepEqual(
      whole.filter((event) => event.type === "part_start" || event.type === "tool_arguments_delta" || event.type === "finish"),
      [
        { type: "part_start", index: 0, part: { kind: "tool_call", id: "functions.a:0", name: "a" } },
        { type: "tool_arguments_delta", index: 0, json: "{}" },
        { type: "part_start", index: 1, part: { kind: "tool_call", id: "functions.b:1", name: "b" } },
        { type: "tool_arguments_delta", index: 1, json: '{"x":1}' },
        { type: "finish", stopReason: "max_tokens", usage: { inputTokens: 0, outputTokens: 0 } },
      ],
    );
  });

  test("an error chunk mid-stream becomes a hub error, and an OpenAI error chunk then [DONE] for the client", () => {
    const decoder = upstream.streamDecoder();
    const events = decodeAll(decoder, openAISse([delta({ content: "Hi" }), { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } }, delta({ content: "more" })]));
    assert.deepEqual(events.at(-1), { type: "error", message: "Rate limit reached", errorType: "rate_limit_error" });
    assert.equal(events.filter((event) => event.type === "error" || event.type === "finish").length, 1, "nothing after the error");
    const out = chunks(encodeAll(clientSide.streamEncoder("m"), events));
    assert.deepEqual(out.slice(-2), [{ error: { message: "Rate limit reached", type: "rate_limit_error", param: null, code: null } }, "[DONE]"]);
  });
});

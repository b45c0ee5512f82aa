// The Gemini (generateContent) upstream adapter: request bodies, answers, streams.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SseParser } from "../sse.ts";
import type { HubRequest, HubResponse, HubStreamEvent } from "./hub.ts";
import { isProblem } from "./hub.ts";
import { googleGenerativeAiAdapter } from "./google-generative-ai/index.ts";
import { geminiJsonSchema } from "./google-generative-ai/schema.ts";

const upstream = googleGenerativeAiAdapter.upstream;
const BASE = "https://generativelanguage.googleapis.com/v1beta";

function hub(overrides: Partial<HubRequest>): HubRequest {
  return { model: "gemini", system: [], messages: [], stream: false, ...overrides };
}

function build(request: HubRequest, model = "gemini-3-pro-preview"): Record<string, any> {
  const body = upstream.buildRequest(request, model);
  assert.ok(!isProblem(body), `unexpected problem: ${JSON.stringify(body)}`);
  return JSON.parse(JSON.stringify(body)); // what goes on the wire
}

function parsed(body: unknown): HubResponse {
  const response = upstream.parseResponse(body);
  assert.ok(!isProblem(response), `unexpected problem: ${JSON.stringify(response)}`);
  return response;
}

/** Feeds SSE text through the parser and the decoder as the gateway does, in `size`-character pieces. */
function decode(sse: string, size = Infinity): HubStreamEvent[] {
  const parser = new SseParser();
  const decoder = upstream.streamDecoder();
  const events: HubStreamEvent[] = [];
  for (let at = 0; at < sse.length; at += Math.min(size, sse.length)) {
    for (const event of parser.push(sse.slice(at, at + Math.min(size, sse.length)))) events.push(...decoder.decode(event));
  }
  for (const event of parser.end()) events.push(...decoder.decode(event));
  return [...events, ...decoder.end()];
}

function sse(chunks: unknown[]): string {
  return chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`).join("");
}

describe("endpoint", () => {
  test("generateContent, or streamGenerateContent as SSE", () => {
    assert.equal(upstream.endpoint(BASE, "gemini-3-pro-preview", false), `${BASE}/models/gemini-3-pro-preview:generateContent`);
    assert.equal(upstream.endpoint(`${BASE}/`, "gemini-3-pro-preview", true), `${BASE}/models/gemini-3-pro-preview:streamGenerateContent?alt=sse`);
  });

  test("a models/ prefix is not doubled; characters that would end the path segment are encoded", () => {
    assert.equal(upstream.endpoint(BASE, "models/gemini-2.5-flash", false), `${BASE}/models/gemini-2.5-flash:generateContent`);
    assert.equal(upstream.endpoint(BASE, "odd:id/x?y", false), `${BASE}/models/odd%3Aid%2Fx%3Fy:generateContent`);
    assert.equal(upstream.endpoint(BASE, "tunedModels/my-model", false), `${BASE}/tunedModels/my-model:generateContent`);
  });
});

describe("buildRequest", () => {
  test("system, text, images and files, generation settings", () => {
    const body = build(
      hub({
        system: [{ kind: "text", text: "Be brief." }, { kind: "text", text: "Answer in French." }],
        messages: [
          {
            role: "user",
            parts: [
              { kind: "text", text: "What is in these?", cache: true },
              { kind: "image", source: { type: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" } },
              { kind: "image", source: { type: "url", url: "https://example.com/cat.JPG?size=large" } },
              { kind: "image", source: { type: "url", url: "data:image/gif;base64,R0lGODlh" } },
              { kind: "file", source: { type: "url", url: "gs://bucket/report" }, filename: "report" },
              { kind: "file", source: { type: "base64", mediaType: "application/pdf", data: "JVBERi0=" } },
            ],
          },
        ],
        maxTokens: 1000,
        temperature: 0.5,
        topP: 0.9,
        topK: 40,
        stop: ["END", ""],
        user: "user-42",
        responseFormat: { type: "json_object" },
      }),
    );
    assert.deepEqual(body, {
      systemInstruction: { parts: [{ text: "Be brief.\n\nAnswer in French." }] },
      contents: [
        {
          role: "user",
          parts: [
            { text: "What is in these?" },
            { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
            { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/cat.JPG?size=large" } },
            { inlineData: { mimeType: "image/gif", data: "R0lGODlh" } },
            { fileData: { fileUri: "gs://bucket/report" } },
            { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } },
          ],
        },
      ],
      generationConfig: { maxOutputTokens: 1000, temperature: 0.5, topP: 0.9, topK: 40, stopSequences: ["END"], responseMimeType: "application/json" },
    });
  });

  test("a tool call round trip: names found by call id, results first in the merged user turn, thinking dropped", () => {
    const request = hub({
      messages: [
        { role: "user", parts: [{ kind: "text", text: "Weather in Paris and Oslo?" }] },
        {
          role: "assistant",
          parts: [
            { kind: "thinking", text: "Two cities.", signature: "sig-from-anthropic" },
            { kind: "text", text: "Checking." },
            { kind: "tool_call", id: "toolu_1", name: "get_weather", arguments: '{"city":"Paris"}' },
            { kind: "tool_call", id: "toolu_2", name: "get_time", arguments: "" },
          ],
        },
        {
          role: "user",
          parts: [
            { kind: "tool_result", toolCallId: "toolu_2", content: [{ kind: "text", text: "12:00" }] },
            { kind: "tool_result", toolCallId: "toolu_1", content: [{ kind: "text", text: "no such city" }], isError: true },
          ],
        },
        { role: "user", parts: [{ kind: "text", text: "Thanks." }] },
      ],
      tools: [
        { name: "get_weather", description: "Weather now", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
        { name: "get_time", parameters: { type: "object", properties: {} } },
      ],
      toolChoice: { type: "tool", name: "get_weather" },
    });
    const body = build(request);
    assert.deepEqual(body.contents, [
      { role: "user", parts: [{ text: "Weather in Paris and Oslo?" }] },
      {
        role: "model",
        parts: [
          { text: "Checking." },
          { functionCall: { name: "get_weather", args: { city: "Paris" } }, thoughtSignature: "skip_thought_signature_validator" },
          { functionCall: { name: "get_time", args: {} }, thoughtSignature: "skip_thought_signature_validator" },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "get_time", response: { result: "12:00" } } },
          { functionResponse: { name: "get_weather", response: { error: "no such city" } } },
          { text: "Thanks." },
        ],
      },
    ]);
    assert.deepEqual(body.tools, [
      {
        functionDeclarations: [
          { name: "get_weather", description: "Weather now", parametersJsonSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
          { name: "get_time" },
        ],
      },
    ]);
    assert.deepEqual(body.toolConfig, { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] } });

    // Models before Gemini 3 neither need nor get the stand-in signature.
    const older = build(request, "gemini-2.5-flash");
    assert.equal(older.contents[1].parts[1].thoughtSignature, undefined);
  });

  test("tool choices map to function-calling modes", () => {
    const tools = [{ name: "f" }];
    const mode = (toolChoice: HubRequest["toolChoice"]) => build(hub({ tools, toolChoice })).toolConfig;
    assert.deepEqual(mode({ type: "auto" }), { functionCallingConfig: { mode: "AUTO" } });
    assert.deepEqual(mode({ type: "none" }), { functionCallingConfig: { mode: "NONE" } });
    assert.deepEqual(mode({ type: "required" }), { functionCallingConfig: { mode: "ANY" } });
    assert.equal(mode(undefined), undefined);
    assert.equal(build(hub({ toolChoice: { type: "none" } })).toolConfig, undefined, "no tools, no tool config");
  });

  test("json_schema output and reasoning settings", () => {
    const schema = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: { answer: { type: "string" }, tags: { type: "array", items: { $ref: "#/$defs/tag" } } },
      $defs: { tag: { type: "string", enum: ["a", "b"] } },
      required: ["answer"],
      additionalProperties: false,
    };
    const body = build(hub({ responseFormat: { type: "json_schema", name: "reply", schema }, reasoning: { budgetTokens: 2048 } }));
    const { $schema: _dropped, ...rest } = schema;
    assert.deepEqual(body.generationConfig, {
      responseMimeType: "application/json",
      responseJsonSchema: rest,
      thinkingConfig: { thinkingBudget: 2048, includeThoughts: true },
    });
    assert.deepEqual(build(hub({ reasoning: { effort: "medium" } })).generationConfig, { thinkingConfig: { thinkingLevel: "high", includeThoughts: true } });
    assert.deepEqual(build(hub({ reasoning: { effort: "low" } }), "gemini-2.5-pro").generationConfig, {
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
    });
  });

  test("a request with only a system prompt still has a user turn", () => {
    const body = build(hub({ system: [{ kind: "text", text: "Say hi." }] }));
    assert.deepEqual(body.contents, [{ role: "user", parts: [{ text: "(continue)" }] }]);
  });

  test("what Gemini cannot take is a problem naming the part", () => {
    const problem = (request: HubRequest) => {
      const result = upstream.buildRequest(request, "gemini-3-pro-preview");
      assert.ok(isProblem(result), "expected a problem");
      return result;
    };
    const call = (args: string) =>
      hub({ messages: [{ role: "user", parts: [{ kind: "text", text: "hi" }] }, { role: "assistant", parts: [{ kind: "tool_call", id: "c1", name: "f", arguments: args }] }] });
    assert.deepEqual(problem(call("{not json")), { problem: 'the arguments of tool call "c1" are not valid JSON', param: "messages[1].parts[0]" });
    assert.equal(problem(call("[1]")).param, "messages[1].parts[0]");
    assert.match(
      problem(hub({ messages: [{ role: "user", parts: [{ kind: "tool_result", toolCallId: "nowhere", content: [] }] }] })).problem,
      /no earlier tool call/,
    );
    const image = (url: string) => hub({ messages: [{ role: "user", parts: [{ kind: "text", text: "x" }, { kind: "image", source: { type: "url", url } }] }] });
    assert.deepEqual(problem(image("http://example.com/a.png")).param, "messages[0].parts[1]");
    assert.match(problem(image("ftp://example.com/a.png")).problem, /https:\/\/ and gs:\/\//);
    assert.match(problem(hub({ messages: [{ role: "user", parts: [{ kind: "file", source: { type: "file_id", id: "file-abc" } }] }] })).problem, /file-abc/);
    assert.equal(problem(hub({ stop: ["1", "2", "3", "4", "5", "6"] })).param, "stop");
    assert.equal(problem(hub({ system: [{ kind: "image", source: { type: "base64", mediaType: "image/png", data: "" } }] })).param, "system[0]");
  });

  test("__proto__ as a tool name, an argument and a property name is ordinary data", () => {
    const parameters = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string","$schema":"x"}},"required":["__proto__"]}');
    const body = build(
      hub({
        messages: [
          { role: "user", parts: [{ kind: "text", text: "go" }] },
          { role: "assistant", parts: [{ kind: "tool_call", id: "__proto__", name: "__proto__", arguments: '{"__proto__":"value"}' }] },
          { role: "user", parts: [{ kind: "tool_result", toolCallId: "__proto__", content: [{ kind: "text", text: "done" }] }] },
        ],
        tools: [{ name: "__proto__", parameters }],
      }),
      "gemini-2.5-flash",
    );
    assert.deepEqual(body.contents[1].parts[0], { functionCall: { name: "__proto__", args: JSON.parse('{"__proto__":"value"}') } });
    assert.deepEqual(body.contents[2].parts[0], { functionResponse: { name: "__proto__", response: { result: "done" } } });
    const declared = body.tools[0].functionDeclarations[0];
    assert.equal(declared.name, "__proto__");
    assert.ok(Object.hasOwn(declared.parametersJsonSchema.properties, "__proto__"));
    assert.deepEqual(Object.keys(declared.parametersJsonSchema.properties.__proto__), ["type"]);
  });
});

describe("schema conversion", () => {
  test("$schema goes wherever a schema stands; names in properties and everything else stay", () => {
    const input = {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: {
        $schema: { type: "string", description: "a property that happens to be called $schema" },
        list: { type: "array", items: [{ $schema: "x", type: "string" }], prefixItems: [{ $schema: "x", const: 1 }] },
        choice: { anyOf: [{ $schema: "x", type: "null" }, { type: ["string", "null"], format: "uri" }] },
        map: { type: "object", additionalProperties: { $schema: "x", type: "integer", minimum: 0 } },
      },
      definitions: { node: { $schema: "x", type: "object", properties: { next: { $ref: "#/definitions/node" } } } },
      default: { $schema: "kept: this is a value, not a schema" },
    };
    const before = JSON.stringify(input);
    assert.deepEqual(geminiJsonSchema(input), {
      type: "object",
      properties: {
        $schema: { type: "string", description: "a property that happens to be called $schema" },
        list: { type: "array", items: [{ type: "string" }], prefixItems: [{ const: 1 }] },
        choice: { anyOf: [{ type: "null" }, { type: ["string", "null"], format: "uri" }] },
        map: { type: "object", additionalProperties: { type: "integer", minimum: 0 } },
      },
      definitions: { node: { type: "object", properties: { next: { $ref: "#/definitions/node" } } } },
      default: { $schema: "kept: this is a value, not a schema" },
    });
    assert.equal(JSON.stringify(input), before, "the client's schema is not modified");
  });
});

describe("parseResponse", () => {
  test("text, thought summaries and function calls; usage; ids", () => {
    const response = parsed({
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { text: "Planning the lookup.", thought: true },
              { text: "Let me " },
              { text: "check." },
              { functionCall: { name: "get_weather", args: { city: "Paris" } }, thoughtSignature: "c2ln" },
              { functionCall: { name: "get_time", args: {} } },
            ],
          },
          finishReason: "STOP",
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 120, cachedContentTokenCount: 100, candidatesTokenCount: 30, thoughtsTokenCount: 50, totalTokenCount: 200 },
      modelVersion: "gemini-3-pro-preview",
      responseId: "resp-123",
    });
    assert.equal(response.id, "resp-123");
    assert.equal(response.model, "gemini-3-pro-preview");
    assert.equal(response.stopReason, "tool_calls");
    assert.deepEqual(response.usage, { inputTokens: 120, outputTokens: 80, cacheReadTokens: 100, reasoningTokens: 50 });
    assert.deepEqual(response.parts.slice(0, 2), [
      { kind: "thinking", text: "Planning the lookup." },
      { kind: "text", text: "Let me check." },
    ]);
    const [weather, time] = response.parts.slice(2);
    assert.ok(weather?.kind === "tool_call" && time?.kind === "tool_call");
    assert.match(weather.id, /^call_0_[0-9a-f]{16}$/);
    assert.match(time.id, /^call_1_[0-9a-f]{16}$/);
    assert.deepEqual({ name: weather.name, arguments: weather.arguments }, { name: "get_weather", arguments: '{"city":"Paris"}' });
    assert.equal(time.arguments, "{}");
  });

  test("finish reasons", () => {
    const stop = (finishReason: string) => parsed({ candidates: [{ content: { parts: [{ text: "x" }] }, finishReason }] }).stopReason;
    assert.equal(stop("STOP"), "end");
    assert.equal(stop("MAX_TOKENS"), "max_tokens");
    for (const reason of ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"]) assert.equal(stop(reason), "content_filter");
    assert.equal(stop("OTHER"), "end");
    assert.equal(stop("constructor"), "end");
    const malformed = upstream.parseResponse({ candidates: [{ finishReason: "MALFORMED_FUNCTION_CALL", finishMessage: "Malformed function call: print(" }] });
    assert.deepEqual(malformed, { problem: "Gemini produced a malformed function call: Malformed function call: print(" });
  });

  test("a blocked prompt is an error, and so is an error body", () => {
    assert.deepEqual(upstream.parseResponse({ promptFeedback: { blockReason: "SAFETY" }, usageMetadata: { promptTokenCount: 9 } }), {
      problem: "blocked by Gemini's safety filters: SAFETY",
    });
    const error = { error: { code: 400, message: "API key not valid. Please pass a valid API key.", status: "INVALID_ARGUMENT" } };
    assert.equal(upstream.errorMessage(error), "API key not valid. Please pass a valid API key.");
    assert.equal(upstream.errorMessage([error]), "API key not valid. Please pass a valid API key.");
    assert.equal(upstream.errorMessage({ candidates: [] }), undefined);
    assert.deepEqual(upstream.parseResponse(error), { problem: "API key not valid. Please pass a valid API key." });
  });
});

describe("errors", () => {
  test("a 429's RetryInfo is the wait to retry after (Gemini sends no Retry-After header; found by test/e2e/client-matrix.test.ts)", () => {
    const limited = (retryDelay: unknown) => ({
      error: {
        code: 429,
        message: "You exceeded your current quota.",
        status: "RESOURCE_EXHAUSTED",
        details: [
          { "@type": "type.googleapis.com/google.rpc.QuotaFailure", violations: [] },
          { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay },
        ],
      },
    });
    assert.equal(upstream.retryAfterMs?.(limited("37s")), 37_000);
    assert.equal(upstream.retryAfterMs?.(limited("1.5s")), 1_500);
    assert.equal(upstream.retryAfterMs?.([limited("2s")]), 2_000, "a streamed error comes as a list");
    for (const odd of ["37", "soon", 5, null]) assert.equal(upstream.retryAfterMs?.(limited(odd)), undefined);
    assert.equal(upstream.retryAfterMs?.({ error: { code: 429, message: "quota", status: "RESOURCE_EXHAUSTED" } }), undefined);
    assert.equal(upstream.retryAfterMs?.("not json"), undefined);
  });
});

describe("streamDecoder", () => {
  const chunks = [
    { candidates: [{ content: { role: "model", parts: [{ text: "Thinking about weather.", thought: true }] } }], modelVersion: "gemini-3-pro-preview", responseId: "r-1" },
    { candidates: [{ content: { role: "model", parts: [{ text: "Let me " }] } }], usageMetadata: { promptTokenCount: 10 }, responseId: "r-1" },
    { candidates: [{ content: { role: "model", parts: [{ text: "check the weather." }] } }], responseId: "r-1" },
    {
      candidates: [{ content: { role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } }, thoughtSignature: "c2ln" }] }, finishReason: "STOP" }],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 25, thoughtsTokenCount: 7, totalTokenCount: 42 },
      modelVersion: "gemini-3-pro-preview",
      responseId: "r-1",
    },
  ];

  test("text, then a function call, then the finish with usage", () => {
    for (const size of [Infinity, 7]) {
      const events = decode(sse(chunks), size);
      const call = events.find((event) => event.type === "part_start" && event.part.kind === "tool_call");
      assert.ok(call?.type === "part_start" && call.part.kind === "tool_call");
      assert.match(call.part.id, /^call_0_/);
      assert.ok(events[0]?.type === "start" && typeof events[0].created === "number");
      assert.deepEqual(events, [
        { type: "start", id: "r-1", model: "gemini-3-pro-preview", created: events[0].created },
        { type: "part_start", index: 0, part: { kind: "thinking" } },
        { type: "thinking_delta", index: 0, text: "Thinking about weather." },
        { type: "part_stop", index: 0 },
        { type: "part_start", index: 1, part: { kind: "text" } },
        { type: "text_delta", index: 1, text: "Let me " },
        { type: "text_delta", index: 1, text: "check the weather." },
        { type: "part_stop", index: 1 },
        { type: "part_start", index: 2, part: { kind: "tool_call", id: call.part.id, name: "get_weather" } },
        { type: "tool_arguments_delta", index: 2, json: '{"city":"Paris"}' },
        { type: "part_stop", index: 2 },
        { type: "finish", stopReason: "tool_calls", usage: { inputTokens: 10, outputTokens: 32, reasoningTokens: 7 } },
      ]);
    }
  });

  test("the prompt's token count, known from the first chunk, goes with the start (found by test/e2e/client-matrix.test.ts)", () => {
    // LangChain's ChatAnthropic reads input tokens only from message_start, which the start becomes.
    const events = decode(sse(chunks.slice(1)));
    assert.ok(events[0]?.type === "start");
    assert.deepEqual(events[0].usage, { inputTokens: 10 });
    const cached = decode(sse([{ ...chunks[1], usageMetadata: { promptTokenCount: 10, cachedContentTokenCount: 4 } }, chunks[3]]));
    assert.ok(cached[0]?.type === "start");
    assert.deepEqual(cached[0].usage, { inputTokens: 10, cacheReadTokens: 4 });
    assert.deepEqual(cached.at(-1), { type: "finish", stopReason: "tool_calls", usage: { inputTokens: 10, outputTokens: 32, reasoningTokens: 7 } });
  });

  test("a stream that breaks off still ends; one that never answered is an error", () => {
    const events = decode(sse(chunks.slice(1, 3)));
    assert.deepEqual(events.slice(-2), [
      { type: "part_stop", index: 0 },
      { type: "finish", stopReason: "end", usage: { inputTokens: 10, outputTokens: 0 } },
    ]);
    assert.deepEqual(decode(""), [{ type: "error", message: "Gemini's stream ended before it answered" }]);
  });

  test("a blocked prompt, an error chunk and a failed call are errors", () => {
    assert.deepEqual(decode(sse([{ promptFeedback: { blockReason: "PROHIBITED_CONTENT" }, usageMetadata: { promptTokenCount: 5 } }])), [
      { type: "error", message: "blocked by Gemini's safety filters: PROHIBITED_CONTENT", errorType: "content_filter" },
    ]);
    const overloaded = decode(sse([chunks[1], { error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } }, chunks[2]]));
    assert.deepEqual(overloaded.at(-1), { type: "error", message: "The model is overloaded.", errorType: "UNAVAILABLE" });
    assert.equal(overloaded.filter((event) => event.type === "error").length, 1);
    const malformed = decode(sse([chunks[1], { candidates: [{ finishReason: "MALFORMED_FUNCTION_CALL" }] }]));
    assert.deepEqual(malformed.slice(-2), [
      { type: "part_stop", index: 0 },
      { type: "error", message: "Gemini produced a malformed function call" },
    ]);
  });

  test("a safety stop mid-answer finishes as content_filter", () => {
    const events = decode(sse([chunks[1], { candidates: [{ content: { parts: [{ text: "" }] }, finishReason: "SAFETY" }] }]));
    assert.deepEqual(events.at(-1), { type: "finish", stopReason: "content_filter", usage: { inputTokens: 10, outputTokens: 0 } });
  });
});

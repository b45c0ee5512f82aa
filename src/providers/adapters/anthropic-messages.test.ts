// The Anthropic Messages adapter: both sides, golden cases frozen from the
// retired per-pair translators' outputs, round trips through the hub, and streams.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SseParser } from "../sse.ts";
import type { SseEvent, StreamDecoder, StreamEncoder } from "./adapter.ts";
import { anthropicMessagesAdapter as adapter, DEFAULT_MAX_TOKENS, PLACEHOLDER_USER_TEXT } from "./anthropic-messages/index.ts";
import { isProblem, type HubProblem, type HubRequest, type HubResponse, type HubStreamEvent } from "./hub.ts";

const client = adapter.client!;
const upstream = adapter.upstream;
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

function parse(body: Record<string, unknown>): HubRequest {
  const hub = client.parseRequest(body);
  assert.ok(!isProblem(hub), `refused: ${JSON.stringify(hub)}`);
  return hub as HubRequest;
}

function refusal(body: Record<string, unknown>): HubProblem {
  const hub = client.parseRequest(body);
  assert.ok(isProblem(hub), "expected a refusal");
  return hub;
}

function build(hub: HubRequest, model = "claude-opus-4-6"): Record<string, any> {
  const body = upstream.buildRequest(hub, model);
  assert.ok(!isProblem(body), `refused: ${JSON.stringify(body)}`);
  return body as Record<string, any>;
}

function hub(extra: Partial<HubRequest>): HubRequest {
  return { model: "anthropic/claude-opus-4-6", system: [], messages: [], stream: false, ...extra };
}

function sseEvents(text: string): SseEvent[] {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()];
}

function anthropicSse(events: Array<Record<string, unknown>>): string {
  return events.map((data) => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`).join("");
}

function decodeAll(decoder: StreamDecoder, text: string): HubStreamEvent[] {
  return [...sseEvents(text).flatMap((event) => decoder.decode(event)), ...decoder.end()];
}

function encodeAll(encoder: StreamEncoder, events: HubStreamEvent[]): string {
  return events.map((event) => encoder.encode(event)).join("") + encoder.end();
}

/** `created` is the clock's; the rest must match. */
function withoutCreated(events: HubStreamEvent[]): unknown[] {
  return events.map((event) => (event.type === "start" ? { ...event, created: 0 } : event));
}

test("the constants the retired OpenAI → Anthropic translator used", () => {
  assert.equal(DEFAULT_MAX_TOKENS, 4096);
  assert.equal(PLACEHOLDER_USER_TEXT, "(continue)");
  assert.equal(adapter.api, "anthropic-messages");
  assert.equal(upstream.endpoint("https://api.anthropic.com", "claude-opus-4-6", true), "https://api.anthropic.com/v1/messages");
});

// ======================================================== client side

describe("client: parseRequest", () => {
  test("a full request: system with cache breakpoints, every block kind, tools, choice, parameters", () => {
    const request = parse({
      model: "openai/gpt-5.2",
      max_tokens: 1024,
      system: [
        { type: "text", text: "You are a CLI.", cache_control: { type: "ephemeral" } },
        { type: "text", text: "Answer tersely." },
      ],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Look", cache_control: { type: "ephemeral", ttl: "1h" } },
            { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
            { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" }, title: "a.pdf" },
            { type: "document", source: { type: "text", media_type: "text/plain", data: "hello" } },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Need weather.", signature: "EqQB" },
            { type: "redacted_thinking", data: "EmwK" },
            { type: "text", text: "Checking." },
            { type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Osló" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_01", content: [{ type: "text", text: "sunny" }, { type: "image", source: { type: "url", url: "https://example.com/sky.png" } }] },
            { type: "tool_result", tool_use_id: "toolu_02", content: "boom", is_error: true },
            { type: "text", text: "And?" },
          ],
        },
      ],
      tools: [
        { name: "get_weather", description: "Weather for a city", input_schema: { type: "object", properties: { city: { type: "string" } } }, cache_control: { type: "ephemeral" } },
        { type: "custom", name: "now", input_schema: { type: "object" }, strict: true },
      ],
      tool_choice: { type: "any", disable_parallel_tool_use: true },
      temperature: 0.2,
      top_p: 0.8,
      top_k: 40,
      stop_sequences: ["END"],
      stream: true,
      metadata: { user_id: "user-1" },
      thinking: { type: "enabled", budget_tokens: 2000 },
      output_config: { format: { type: "json_schema", schema: { type: "object", additionalProperties: false } } },
      service_tier: "auto",
      container: "container_1",
    });
    assert.deepEqual(request, {
      model: "openai/gpt-5.2",
      system: [
        { kind: "text", text: "You are a CLI.", cache: true },
        { kind: "text", text: "Answer tersely." },
      ],
      messages: [
        {
          role: "user",
          parts: [
            { kind: "text", text: "Look", cache: true },
            { kind: "image", source: { type: "base64", mediaType: "image/png", data: PNG } },
            { kind: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
            { kind: "file", source: { type: "base64", mediaType: "application/pdf", data: "JVBERi0=" }, title: "a.pdf" },
            { kind: "file", source: { type: "base64", mediaType: "text/plain", data: Buffer.from("hello").toString("base64") } },
          ],
        },
        {
          role: "assistant",
          parts: [
            { kind: "thinking", text: "Need weather.", signature: "EqQB" },
            { kind: "thinking", text: "", encrypted: "EmwK" },
            { kind: "text", text: "Checking." },
            { kind: "tool_call", id: "toolu_01", name: "get_weather", arguments: '{"city":"Osló"}' },
          ],
        },
        {
          role: "user",
          parts: [
            {
              kind: "tool_result",
              toolCallId: "toolu_01",
              content: [
                { kind: "text", text: "sunny" },
                { kind: "image", source: { type: "url", url: "https://example.com/sky.png" } },
              ],
            },
            { kind: "tool_result", toolCallId: "toolu_02", content: [{ kind: "text", text: "boom" }], isError: true },
            { kind: "text", text: "And?" },
          ],
        },
      ],
      stream: true,
      maxTokens: 1024,
      temperature: 0.2,
      topP: 0.8,
      topK: 40,
      stop: ["END"],
      tools: [
        { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } } } },
        { name: "now", parameters: { type: "object" }, strict: true },
      ],
      toolChoice: { type: "required" },
      parallelToolCalls: false,
      responseFormat: { type: "json_schema", name: "response", schema: { type: "object", additionalProperties: false }, strict: true },
      reasoning: { budgetTokens: 2000 },
      user: "user-1",
    });
  });

  test("system as a string; tool_choice kinds; thinking kinds; absent options stay absent", () => {
    const base = { model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] };
    const plain = parse({ ...base, system: "Be brief." });
    assert.deepEqual(plain, { model: "m", system: [{ kind: "text", text: "Be brief." }], messages: [{ role: "user", parts: [{ kind: "text", text: "hi" }] }], stream: false, maxTokens: 10 });
    const choice = (tool_choice: unknown) => parse({ ...base, tool_choice });
    assert.deepEqual(choice({ type: "auto" }).toolChoice, { type: "auto" });
    assert.deepEqual(choice({ type: "none" }).toolChoice, { type: "none" });
    assert.deepEqual(choice({ type: "tool", name: "f" }).toolChoice, { type: "tool", name: "f" });
    assert.equal(choice({ type: "auto", disable_parallel_tool_use: true }).parallelToolCalls, false);
    assert.equal("parallelToolCalls" in choice({ type: "auto", disable_parallel_tool_use: false }), false);
    const reasoning = (extra: Record<string, unknown>) => parse({ ...base, ...extra }).reasoning;
    assert.equal(reasoning({ thinking: { type: "disabled" } }), undefined);
    assert.deepEqual(reasoning({ thinking: { type: "adaptive" } }), {});
    assert.deepEqual(reasoning({ thinking: { type: "adaptive" }, output_config: { effort: "medium" } }), { effort: "medium" });
    assert.deepEqual(reasoning({ output_config: { effort: "max" } }), { effort: "high" });
    // The beta's top-level output_format is structured output too.
    assert.deepEqual(parse({ ...base, output_format: { type: "json_schema", schema: { type: "object" } } }).responseFormat, {
      type: "json_schema",
      name: "response",
      schema: { type: "object" },
      strict: true,
    });
  });

  test("refusals name their param: server tools, MCP servers, server-tool blocks, other formats", () => {
    const base = { model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] };
    for (const tool of [
      { type: "web_search_20250305", name: "web_search" },
      { type: "bash_20250124", name: "bash" },
      { type: "text_editor_20250728", name: "str_replace_based_edit_tool" },
      { type: "computer_20250124", name: "computer", display_width_px: 1024 },
      { type: "mcp_toolset", mcp_server_name: "x" },
    ]) {
      const problem = refusal({ ...base, tools: [{ name: "f", input_schema: { type: "object" } }, tool] });
      assert.equal(problem.param, "tools");
      assert.match(problem.problem, /tools\[1\]/);
    }
    assert.equal(refusal({ ...base, mcp_servers: [{ type: "url", url: "https://mcp.example.com", name: "x" }] }).param, "mcp_servers");
    const serverBlock = refusal({
      ...base,
      messages: [
        { role: "user", content: "search" },
        { role: "assistant", content: [{ type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "x" } }] },
      ],
    });
    assert.equal(serverBlock.param, "messages");
    assert.match(serverBlock.problem, /messages\[1\].*server_tool_use/);
    assert.equal(refusal({ ...base, output_config: { format: { type: "grammar" } } }).param, "output_config.format");
    assert.equal(refusal({ ...base, system: [{ type: "image", source: { type: "url", url: "https://x" } }] }).param, "system");
    // Harmless fields are not refusals.
    parse({ ...base, service_tier: "standard_only", container: "c", context_management: { edits: [] }, mcp_servers: null });
  });

  test("__proto__ as a tool name, tool id, tool_choice name and user id is an ordinary string", () => {
    const request = parse({
      model: "m",
      max_tokens: 10,
      messages: [
        { role: "user", content: "x" },
        { role: "assistant", content: [{ type: "tool_use", id: "__proto__", name: "__proto__", input: { __proto__: 1 } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "__proto__", content: "ok" }] },
      ],
      tools: [{ name: "__proto__", input_schema: { type: "object" } }],
      tool_choice: { type: "tool", name: "__proto__" },
      metadata: { user_id: "__proto__" },
    });
    assert.deepEqual(request.tools, [{ name: "__proto__", parameters: { type: "object" } }]);
    assert.deepEqual(request.toolChoice, { type: "tool", name: "__proto__" });
    assert.equal(request.user, "__proto__");
    assert.deepEqual(request.messages[1]!.parts, [{ kind: "tool_call", id: "__proto__", name: "__proto__", arguments: "{}" }]);
    const body = build(request);
    assert.deepEqual(body.tools, [{ name: "__proto__", input_schema: { type: "object" } }]);
    assert.deepEqual(body.tool_choice, { type: "tool", name: "__proto__" });
    assert.deepEqual(body.messages[1].content, [{ type: "tool_use", id: "__proto__", name: "__proto__", input: {} }]);
    assert.deepEqual(body.messages[2].content, [{ type: "tool_result", tool_use_id: "__proto__", content: "ok" }]);
    assert.equal(Object.getPrototypeOf(body.metadata), Object.prototype);
  });

  test("a client request survives parse → build (the hub carries everything Anthropic says here)", () => {
    const original = {
      model: "claude-opus-4-6",
      max_tokens: 8000,
      messages: [
        { role: "user", content: [{ type: "text", text: "Weather?", cache_control: { type: "ephemeral" } }] },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Use the tool.", signature: "EqQB" },
            { type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Oslo" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_01", content: "sunny", is_error: true },
            { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" }, title: "a.pdf" },
          ],
        },
      ],
      system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
      stop_sequences: ["END"],
      stream: true,
      tools: [{ name: "get_weather", description: "Weather", input_schema: { type: "object", properties: {} } }],
      tool_choice: { type: "auto", disable_parallel_tool_use: true },
      metadata: { user_id: "u" },
      thinking: { type: "enabled", budget_tokens: 4000 },
      output_config: { format: { type: "json_schema", schema: { type: "object" } } },
    };
    assert.deepEqual(build(parse(original)), original);
    const sampled = { model: "m", max_tokens: 100, messages: [{ role: "user", content: "hi" }], temperature: 0.5, top_k: 5 };
    assert.deepEqual(build(parse(sampled), "m"), sampled);
  });
});

describe("client: renderResponse", () => {
  const response = (extra: Partial<HubResponse>): HubResponse => ({
    id: "chatcmpl-up1",
    model: "gpt-5.2",
    created: 1_741_569_952,
    parts: [{ kind: "text", text: "Hello!" }],
    stopReason: "end",
    usage: { inputTokens: 50, outputTokens: 20, cacheReadTokens: 10 },
    ...extra,
  });

  test("as the retired translator's toAnthropicResponse: id, content, stop, usage with the cache apart", () => {
    assert.deepEqual(client.renderResponse(response({}), "openai/gpt-5.2"), {
      id: "msg_up1",
      type: "message",
      role: "assistant",
      model: "openai/gpt-5.2",
      content: [{ type: "text", text: "Hello!" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 40, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 10 },
    });
  });

  test("tool calls (ids made safe, bad JSON → {}), unsigned thinking left out, stop reasons", () => {
    const rendered = client.renderResponse(
      response({
        parts: [
          { kind: "thinking", text: "someone else's reasoning" },
          { kind: "text", text: "Let me check." },
          { kind: "tool_call", id: "functions.now:1", name: "now", arguments: '{"cut' },
        ],
        stopReason: "end",
      }),
      "m",
    );
    assert.deepEqual(rendered.content, [
      { type: "text", text: "Let me check." },
      { type: "tool_use", id: "functions_now_1", name: "now", input: {} },
    ]);
    assert.equal(rendered.stop_reason, "tool_use");
    const stop = (extra: Partial<HubResponse>) => {
      const { stop_reason, stop_sequence } = client.renderResponse(response(extra), "m");
      return [stop_reason, stop_sequence];
    };
    assert.deepEqual(stop({ stopReason: "stop_sequence", stopSequence: "4," }), ["stop_sequence", "4,"]);
    assert.deepEqual(stop({ stopReason: "stop_sequence" }), ["end_turn", null]);
    assert.deepEqual(stop({ stopReason: "max_tokens" }), ["max_tokens", null]);
    assert.deepEqual(stop({ stopReason: "content_filter" }), ["end_turn", null]);
    assert.deepEqual(stop({ stopReason: "refusal" }), ["refusal", null]);
    assert.deepEqual(stop({ stopReason: "pause" }), ["pause_turn", null]);
    assert.deepEqual(stop({ stopReason: "tool_calls" }), ["tool_use", null]);
  });
});

// ======================================================== upstream side

// The bodies below are what the retired OpenAI → Anthropic translator
// (toAnthropicRequest, model "claude-opus-4-6") built for the Chat Completions
// request each hub request comes from, frozen when it was removed.
describe("upstream: buildRequest reproduces the retired translator's toAnthropicRequest", () => {
  test("parameters, defaults, clamping, stop filtering", () => {
    const body = build(
      hub({
        system: [{ kind: "text", text: "Be brief." }, { kind: "text", text: "Use metric units." }],
        messages: [{ role: "user", parts: [{ kind: "text", text: "hi" }] }],
        maxTokens: 100,
        temperature: 0.3,
        topP: 0.9,
        stop: ["END"],
        stream: true,
        user: "user-1",
      }),
    );
    // From system "Be brief.", developer "Use metric units.", user "hi", max_completion_tokens 100,
    // temperature 0.3, top_p 0.9, stop "END", stream, user "user-1".
    const expected = {
      model: "claude-opus-4-6",
      max_tokens: 100,
      messages: [{ role: "user", content: "hi" }],
      system: "Be brief.\n\nUse metric units.",
      temperature: 0.3,
      stop_sequences: ["END"],
      stream: true,
      metadata: { user_id: "user-1" },
    };
    assert.equal(JSON.stringify(body), JSON.stringify(expected));
    const defaults = build(hub({ messages: [{ role: "user", parts: [{ kind: "text", text: "x" }] }], stop: ["###", " ", "", "STOP"], temperature: 1.7, topP: 0.5 }));
    assert.equal(defaults.max_tokens, DEFAULT_MAX_TOKENS);
    assert.deepEqual(defaults.stop_sequences, ["###", "STOP"]);
    assert.equal(defaults.temperature, 1);
    assert.equal("top_p" in defaults, false);
    assert.deepEqual(build(hub({ system: [{ kind: "text", text: "Say hi." }] })).messages, [{ role: "user", content: PLACEHOLDER_USER_TEXT }]);
  });

  test("messages: merging, placeholder, images, documents, tool calls and results first, ids made safe", () => {
    const hubRequest = hub({
      messages: [
        { role: "assistant", parts: [{ kind: "text", text: "Hello!" }] },
        {
          role: "user",
          parts: [
            { kind: "text", text: "What is in these?" },
            { kind: "image", source: { type: "url", url: `data:image/png;base64,${PNG}` }, detail: "high" },
            { kind: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
            { kind: "file", source: { type: "url", url: "data:application/pdf;base64,JVBERi0=" }, filename: "a.pdf" },
          ],
        },
        {
          role: "assistant",
          parts: [
            { kind: "text", text: "Let me check." },
            { kind: "tool_call", id: "call_1", name: "get_weather", arguments: '{"city":"Oslo"}' },
            { kind: "tool_call", id: "functions.now:1", name: "now", arguments: "" },
          ],
        },
        { role: "user", parts: [{ kind: "tool_result", toolCallId: "call_1", content: [{ kind: "text", text: "sunny, 21°C" }] }] },
        { role: "user", parts: [{ kind: "tool_result", toolCallId: "functions.now:1", content: [{ kind: "text", text: "12:00" }] }] },
        { role: "user", parts: [{ kind: "text", text: "And tomorrow?" }] },
        { role: "assistant", parts: [{ kind: "tool_call", id: "call_9", name: "f", arguments: '{"cut off' }] },
        { role: "user", parts: [{ kind: "tool_result", toolCallId: "call_9", content: [{ kind: "text", text: "" }] }] },
      ],
    });
    // From the same conversation in Chat Completions form (assistant first, image_url parts,
    // a file part, tool_calls, role "tool" messages, a cut-off arguments string).
    const expected = {
      model: "claude-opus-4-6",
      max_tokens: 4096,
      messages: [
        { role: "user", content: "(continue)" },
        { role: "assistant", content: "Hello!" },
        {
          role: "user",
          content: [
            { type: "text", text: "What is in these?" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
            { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" }, title: "a.pdf" },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Let me check." },
            { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Oslo" } },
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
        { role: "assistant", content: [{ type: "tool_use", id: "call_9", name: "f", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "call_9" }] },
      ],
    };
    assert.equal(JSON.stringify(build(hubRequest)), JSON.stringify(expected));
  });

  test("tools, tool_choice and parallel tool calls as the retired translator mapped them", () => {
    const parameters = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const tools = [{ name: "get_weather", description: "Weather for a city", parameters, strict: true }, { name: "now" }];
    const messages: HubRequest["messages"] = [{ role: "user", parts: [{ kind: "text", text: "x" }] }];
    const body = build(hub({ messages, tools }));
    assert.deepEqual(body.tools, [
      { name: "get_weather", description: "Weather for a city", input_schema: parameters },
      { name: "now", input_schema: { type: "object", properties: {} } },
    ]);
    assert.equal("tool_choice" in body, false);
    const choice = (extra: Partial<HubRequest>) => build(hub({ messages, tools, ...extra })).tool_choice;
    assert.deepEqual(choice({ toolChoice: { type: "auto" } }), { type: "auto" });
    assert.deepEqual(choice({ toolChoice: { type: "none" } }), { type: "none" });
    assert.deepEqual(choice({ toolChoice: { type: "required" } }), { type: "any" });
    assert.deepEqual(choice({ toolChoice: { type: "tool", name: "get_weather" } }), { type: "tool", name: "get_weather" });
    assert.deepEqual(choice({ parallelToolCalls: false }), { type: "auto", disable_parallel_tool_use: true });
    assert.deepEqual(choice({ toolChoice: { type: "required" }, parallelToolCalls: false }), { type: "any", disable_parallel_tool_use: true });
    assert.deepEqual(choice({ toolChoice: { type: "none" }, parallelToolCalls: false }), { type: "none" });
    assert.equal(choice({ parallelToolCalls: true }), undefined);
    assert.equal("tool_choice" in build(hub({ messages, toolChoice: { type: "required" } })), false);
  });

  test("cache flags make the system prompt text blocks; tool results with images keep blocks and is_error", () => {
    const body = build(
      hub({
        system: [{ kind: "text", text: "A", cache: true }, { kind: "text", text: "B" }],
        messages: [
          { role: "user", parts: [{ kind: "text", text: "x", cache: true }] },
          { role: "assistant", parts: [{ kind: "tool_call", id: "t1", name: "shot", arguments: "{}" }] },
          {
            role: "user",
            parts: [
              { kind: "text", text: "here" },
              { kind: "tool_result", toolCallId: "t1", isError: true, content: [{ kind: "text", text: "half" }, { kind: "image", source: { type: "base64", mediaType: "image/png", data: PNG } }] },
            ],
          },
        ],
      }),
    );
    assert.deepEqual(body.system, [
      { type: "text", text: "A", cache_control: { type: "ephemeral" } },
      { type: "text", text: "B" },
    ]);
    assert.deepEqual(body.messages[0], { role: "user", content: [{ type: "text", text: "x", cache_control: { type: "ephemeral" } }] });
    assert.deepEqual(body.messages[2].content, [
      {
        type: "tool_result",
        tool_use_id: "t1",
        content: [
          { type: "text", text: "half" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
        ],
        is_error: true,
      },
      { type: "text", text: "here" },
    ]);
  });

  test("thinking: signed parts only; effort → budget under max_tokens; no thinking with a forced tool; sampling left to the model", () => {
    const messages: HubRequest["messages"] = [
      { role: "user", parts: [{ kind: "text", text: "x" }] },
      {
        role: "assistant",
        parts: [
          { kind: "thinking", text: "mine", signature: "EqQB" },
          { kind: "thinking", text: "OpenAI's", encrypted: "gAAAA" },
          { kind: "thinking", text: "a local model's" },
          { kind: "text", text: "y" },
        ],
      },
    ];
    const body = build(hub({ messages, reasoning: { effort: "high" }, temperature: 0, topP: 0.5, topK: 3 }));
    assert.deepEqual(body.messages[1].content, [
      { type: "thinking", thinking: "mine", signature: "EqQB" },
      { type: "text", text: "y" },
    ]);
    assert.deepEqual(body.thinking, { type: "enabled", budget_tokens: 4096 });
    assert.equal(body.max_tokens, 4096 + DEFAULT_MAX_TOKENS);
    assert.equal("temperature" in body || "top_p" in body || "top_k" in body, false);
    const thinking = (extra: Partial<HubRequest>) => {
      const built = build(hub({ messages, ...extra }));
      return [built.thinking, built.max_tokens];
    };
    assert.deepEqual(thinking({ reasoning: { effort: "low" }, maxTokens: 2000 }), [{ type: "enabled", budget_tokens: 1024 }, 2000]);
    assert.deepEqual(thinking({ reasoning: { effort: "high" }, maxTokens: 3000 }), [{ type: "enabled", budget_tokens: 2999 }, 3000]);
    assert.deepEqual(thinking({ reasoning: { effort: "medium" }, maxTokens: 500 }), [undefined, 500]);
    assert.deepEqual(thinking({ reasoning: { budgetTokens: 10_000 }, maxTokens: 20_000 }), [{ type: "enabled", budget_tokens: 10_000 }, 20_000]);
    assert.deepEqual(thinking({ reasoning: {} }), [{ type: "enabled", budget_tokens: 2048 }, 2048 + DEFAULT_MAX_TOKENS]);
    const forced = build(hub({ messages, reasoning: { effort: "high" }, tools: [{ name: "f" }], toolChoice: { type: "required" } }));
    assert.equal("thinking" in forced, false);
    assert.equal(build(hub({ messages, reasoning: { effort: "low" }, topP: 0.97 })).top_p, 0.97);
  });

  test("structured output: json_schema → output_config.format; text sends nothing; json_object is a problem naming response_format", () => {
    const messages: HubRequest["messages"] = [{ role: "user", parts: [{ kind: "text", text: "JSON please" }] }];
    const schema = { type: "object", properties: { a: { type: "string" } }, required: ["a"], additionalProperties: false };
    const body = build(hub({ messages, responseFormat: { type: "json_schema", name: "answer", schema, strict: true } }));
    assert.deepEqual(body.output_config, { format: { type: "json_schema", schema } });
    assert.equal("output_config" in build(hub({ messages, responseFormat: { type: "text" } })), false);
    // JSON mode has no Anthropic form (structured outputs take closed schemas only): refused, never sent without a format (found by test/e2e/client-matrix.test.ts).
    const refused = upstream.buildRequest(hub({ messages, responseFormat: { type: "json_object" } }), "m");
    assert.ok(isProblem(refused), JSON.stringify(refused));
    assert.equal(refused.param, "response_format");
    assert.match(refused.problem, /JSON mode .*json_schema/);
  });

  test("what Anthropic cannot read is a problem naming messages, not a silent drop", () => {
    const user = (part: HubRequest["messages"][number]["parts"][number]) => upstream.buildRequest(hub({ messages: [{ role: "user", parts: [part] }] }), "m");
    for (const part of [
      { kind: "image", source: { type: "file_id", id: "file-abc" } },
      { kind: "file", source: { type: "file_id", id: "file-abc" } },
      { kind: "file", source: { type: "base64", mediaType: "application/zip", data: "UEs=" } },
      { kind: "image", source: { type: "url", url: "ftp://x/y.png" } },
    ] as const) {
      const result = user(part);
      assert.ok(isProblem(result), JSON.stringify(part));
      assert.equal(result.param, "messages");
    }
    // Text files become text documents, images sent as files images.
    assert.deepEqual(build(hub({ messages: [{ role: "user", parts: [{ kind: "file", source: { type: "url", url: "data:text/plain,hi%20there" }, filename: "n.txt" }] }] })).messages[0].content, [
      { type: "document", source: { type: "text", media_type: "text/plain", data: "hi there" }, title: "n.txt" },
    ]);
  });
});

describe("upstream: parseResponse and errorMessage", () => {
  const message = {
    id: "msg_01XFDUDYJgAACzvnptvVoYEL",
    type: "message",
    role: "assistant",
    model: "claude-opus-4-6",
    content: [
      { type: "thinking", thinking: "hmm", signature: "sig" },
      { type: "redacted_thinking", data: "EmwK" },
      { type: "text", text: "Checking.", citations: [] },
      { type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Oslo", days: 2 } },
    ],
    stop_reason: "tool_use",
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 20, cache_read_input_tokens: 100, cache_creation_input_tokens: 5 },
  };

  test("parts, stop reason and usage (the cache inside input tokens, as the hub counts)", () => {
    const parsed = upstream.parseResponse(message) as HubResponse;
    assert.ok(!isProblem(parsed));
    assert.ok(Math.abs(parsed.created - Date.now() / 1000) < 5);
    assert.deepEqual({ ...parsed, created: 0 }, {
      id: "msg_01XFDUDYJgAACzvnptvVoYEL",
      model: "claude-opus-4-6",
      created: 0,
      parts: [
        { kind: "thinking", text: "hmm", signature: "sig" },
        { kind: "thinking", text: "", encrypted: "EmwK" },
        { kind: "text", text: "Checking." },
        { kind: "tool_call", id: "toolu_01", name: "get_weather", arguments: '{"city":"Oslo","days":2}' },
      ],
      stopReason: "tool_calls",
      usage: { inputTokens: 115, outputTokens: 20, cacheReadTokens: 100, cacheWriteTokens: 5 },
    });
    const stop = (stop_reason: unknown, stop_sequence: unknown = null) => {
      const { stopReason, stopSequence } = upstream.parseResponse({ ...message, stop_reason, stop_sequence }) as HubResponse;
      return [stopReason, stopSequence];
    };
    assert.deepEqual(stop("end_turn"), ["end", undefined]);
    assert.deepEqual(stop("stop_sequence", "4,"), ["stop_sequence", "4,"]);
    assert.deepEqual(stop("max_tokens"), ["max_tokens", undefined]);
    assert.deepEqual(stop("model_context_window_exceeded"), ["max_tokens", undefined]);
    assert.deepEqual(stop("pause_turn"), ["pause", undefined]);
    assert.deepEqual(stop("refusal"), ["refusal", undefined]);
    assert.deepEqual(stop(null), ["end", undefined]);
    assert.deepEqual(stop("constructor"), ["end", undefined]);
    assert.ok(isProblem(upstream.parseResponse({ type: "error" })));
  });

  test("a response round trip: parse → render gives the message back (but the redacted block, which the hub cannot tell from OpenAI's)", () => {
    const back = client.renderResponse(upstream.parseResponse(message) as HubResponse, "claude-opus-4-6");
    assert.deepEqual(back, { ...message, content: message.content.filter((block) => block.type !== "redacted_thinking").map((block) => (block.type === "text" ? { type: "text", text: "Checking." } : block)) });
    const stopped = { ...message, content: [{ type: "text", text: "1, 2, 3, " }], stop_reason: "stop_sequence", stop_sequence: "4," };
    assert.deepEqual(client.renderResponse(upstream.parseResponse(stopped) as HubResponse, "claude-opus-4-6"), stopped);
  });

  test("errorMessage", () => {
    assert.equal(upstream.errorMessage({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }), "Overloaded");
    assert.equal(upstream.errorMessage('{"type":"error","error":{"type":"api_error","message":"Internal"}}'), "Internal");
    assert.equal(upstream.errorMessage({ type: "error" }), undefined);
    assert.equal(upstream.errorMessage("<html>"), undefined);
  });
});

// ======================================================== streams

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

/** The Anthropic tool-call stream the retired Anthropic → OpenAI stream translator was tested with. */
const TOOL_STREAM_EVENTS = [
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
];

const TOOL_STREAM_HUB: HubStreamEvent[] = [
  { type: "start", id: "msg_stream1", model: "claude-opus-4-6", created: 0, usage: { inputTokens: 30, outputTokens: 1, cacheReadTokens: 5, cacheWriteTokens: 0 } },
  { type: "part_start", index: 0, part: { kind: "thinking" } },
  { type: "thinking_delta", index: 0, text: "The user wants weather." },
  { type: "thinking_signature", index: 0, signature: "EqQB" },
  { type: "part_stop", index: 0 },
  { type: "part_start", index: 1, part: { kind: "text" } },
  { type: "text_delta", index: 1, text: "Checking Osló " },
  { type: "text_delta", index: 1, text: "☀️ now." },
  { type: "part_stop", index: 1 },
  { type: "part_start", index: 2, part: { kind: "tool_call", id: "toolu_01", name: "get_weather" } },
  { type: "tool_arguments_delta", index: 2, json: '{"city": ' },
  { type: "tool_arguments_delta", index: 2, json: '"Osló"}' },
  { type: "part_stop", index: 2 },
  { type: "part_start", index: 3, part: { kind: "tool_call", id: "toolu_02", name: "now" } },
  { type: "tool_arguments_delta", index: 3, json: '{"tz":"CET"}' },
  { type: "part_stop", index: 3 },
  { type: "finish", stopReason: "tool_calls", usage: { inputTokens: 30, outputTokens: 42, cacheReadTokens: 5, cacheWriteTokens: 0 } },
];

describe("upstream: streamDecoder", () => {
  test("a thinking + text + two tool calls stream, ping ignored, usage from message_start and message_delta", () => {
    const events = decodeAll(upstream.streamDecoder(), anthropicSse(TOOL_STREAM_EVENTS));
    assert.deepEqual(withoutCreated(events), TOOL_STREAM_HUB);
  });

  test("stop sequences, running usage totals, a cut-off stream, an empty one, an error", () => {
    const stopped = decodeAll(
      upstream.streamDecoder(),
      anthropicSse([
        MESSAGE_START,
        { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
        { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "1, 2, 3, " } },
        { type: "content_block_stop", index: 0 },
        { type: "message_delta", delta: { stop_reason: "stop_sequence", stop_sequence: "4," }, usage: { output_tokens: 5, input_tokens: 40, cache_read_input_tokens: null } },
        { type: "message_stop" },
      ]),
    );
    assert.deepEqual(stopped.at(-1), { type: "finish", stopReason: "stop_sequence", stopSequence: "4,", usage: { inputTokens: 45, outputTokens: 5, cacheReadTokens: 5, cacheWriteTokens: 0 } });

    const cut = decodeAll(
      upstream.streamDecoder(),
      anthropicSse([
        MESSAGE_START,
        { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_9", name: "f", input: {} } },
        { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"a":' } },
      ]),
    );
    assert.deepEqual(cut.slice(-2), [
      { type: "part_stop", index: 0 },
      { type: "finish", stopReason: "end", usage: { inputTokens: 30, outputTokens: 1, cacheReadTokens: 5, cacheWriteTokens: 0 } },
    ]);

    const empty = decodeAll(upstream.streamDecoder(), "");
    assert.deepEqual(
      empty.map((event) => event.type),
      ["start", "finish"],
    );

    const decoder = upstream.streamDecoder();
    const failed = decodeAll(decoder, anthropicSse([MESSAGE_START, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, { type: "message_stop" }]));
    assert.deepEqual(failed.slice(1), [{ type: "error", message: "Overloaded", errorType: "overloaded_error" }]);
    assert.deepEqual(decoder.end(), []);
  });

  test("redacted thinking and server-tool blocks are skipped; hub indexes stay dense", () => {
    const events = decodeAll(
      upstream.streamDecoder(),
      anthropicSse([
        MESSAGE_START,
        { type: "content_block_start", index: 0, content_block: { type: "redacted_thinking", data: "EmwK" } },
        { type: "content_block_stop", index: 0 },
        { type: "content_block_start", index: 1, content_block: { type: "text", text: "Hi" } },
        { type: "content_block_delta", index: 1, delta: { type: "citations_delta", citation: {} } },
        { type: "content_block_stop", index: 1 },
        { type: "message_stop" },
      ]),
    );
    assert.deepEqual(withoutCreated(events).slice(1, -1), [
      { type: "part_start", index: 0, part: { kind: "text" } },
      { type: "text_delta", index: 0, text: "Hi" },
      { type: "part_stop", index: 0 },
    ]);
  });
});

describe("client: streamEncoder", () => {
  test("decode → encode gives the upstream's stream back (but ping and the empty JSON fragment)", () => {
    const text = encodeAll(client.streamEncoder("claude-opus-4-6"), decodeAll(upstream.streamDecoder(), anthropicSse(TOOL_STREAM_EVENTS)));
    const expected = TOOL_STREAM_EVENTS.filter((event) => event.type !== "ping" && !(event.type === "content_block_delta" && (event as any).delta.partial_json === "")).map((event) =>
      event.type === "message_delta" ? { ...event, usage: { input_tokens: 25, output_tokens: 42, cache_creation_input_tokens: 0, cache_read_input_tokens: 5 } } : event,
    );
    // Same events, same order (key order inside usage is the encoder's, not the fixture's).
    assert.deepEqual(sseEvents(text).map((event) => [event.event, JSON.parse(event.data)]), expected.map((event) => [event.type, event]));
    // And encode → decode gives the hub events back.
    assert.deepEqual(withoutCreated(decodeAll(upstream.streamDecoder(), text)), TOOL_STREAM_HUB);
  });

  test("byte for byte the retired OpenAI → Anthropic stream translator's output, from the hub events that OpenAI stream means", () => {
    // The OpenAI stream was: role, "Let me ", "check Osló ☀️.", tool call call_1 get_weather in two
    // argument chunks, tool call "call.2" now whole, finish_reason tool_calls, then a usage chunk
    // (50 prompt tokens, 10 of them cached, 20 completion); id chatcmpl-up1. The translator, for a
    // client that asked for "openai/gpt-5.2", wrote exactly these events (frozen when it was removed):
    const usage = { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    const events = [
      { type: "message_start", message: { id: "msg_up1", type: "message", role: "assistant", model: "openai/gpt-5.2", content: [], stop_reason: null, stop_sequence: null, usage } },
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Let me " } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "check Osló ☀️." } },
      { type: "content_block_stop", index: 0 },
      { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "call_1", name: "get_weather", input: {} } },
      { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"city":' } },
      { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '"Osló"}' } },
      { type: "content_block_stop", index: 1 },
      { type: "content_block_start", index: 2, content_block: { type: "tool_use", id: "call_2", name: "now", input: {} } },
      { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: '{"tz":"CET"}' } },
      { type: "content_block_stop", index: 2 },
      {
        type: "message_delta",
        delta: { stop_reason: "tool_use", stop_sequence: null },
        usage: { input_tokens: 40, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 10 },
      },
      { type: "message_stop" },
    ];
    const expected = events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join("");
    const hubEvents: HubStreamEvent[] = [
      { type: "start", id: "chatcmpl-up1", model: "gpt-5.2", created: 1 },
      { type: "part_start", index: 0, part: { kind: "text" } },
      { type: "text_delta", index: 0, text: "Let me " },
      { type: "text_delta", index: 0, text: "check Osló ☀️." },
      { type: "part_start", index: 1, part: { kind: "tool_call", id: "call_1", name: "get_weather" } },
      { type: "tool_arguments_delta", index: 1, json: '{"city":' },
      { type: "tool_arguments_delta", index: 1, json: '"Osló"}' },
      { type: "part_stop", index: 0 },
      { type: "part_stop", index: 1 },
      { type: "part_start", index: 2, part: { kind: "tool_call", id: "call.2", name: "now" } },
      { type: "tool_arguments_delta", index: 2, json: '{"tz":"CET"}' },
      { type: "part_stop", index: 2 },
      { type: "finish", stopReason: "tool_calls", usage: { inputTokens: 50, outputTokens: 20, cacheReadTokens: 10 } },
    ];
    assert.equal(encodeAll(client.streamEncoder("openai/gpt-5.2"), hubEvents), expected);
  });

  test("message_start without usage says 0; a stop sequence; unsigned thinking is held back and dropped; an error event", () => {
    const events = sseEvents(
      encodeAll(client.streamEncoder("m"), [
        { type: "start", id: "chatcmpl-x", model: "up", created: 1 },
        { type: "part_start", index: 0, part: { kind: "thinking" } },
        { type: "thinking_delta", index: 0, text: "local reasoning" },
        { type: "part_stop", index: 0 },
        { type: "part_start", index: 1, part: { kind: "refusal" } },
        { type: "text_delta", index: 1, text: "1, 2, 3, " },
        { type: "part_stop", index: 1 },
        { type: "finish", stopReason: "stop_sequence", stopSequence: "4,", usage: { inputTokens: 31, outputTokens: 2 } },
      ]),
    ).map((event) => JSON.parse(event.data));
    assert.deepEqual(events[0].message, {
      id: "msg_x",
      type: "message",
      role: "assistant",
      model: "m",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
    assert.deepEqual(
      events.slice(1).map((event) => event.type),
      ["content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_delta".replace("delta", "stop")],
    );
    assert.equal(events[1].index, 0);
    assert.deepEqual(events.at(-2), {
      type: "message_delta",
      delta: { stop_reason: "stop_sequence", stop_sequence: "4," },
      usage: { input_tokens: 31, output_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });

    const encoder = client.streamEncoder("m");
    const failed = sseEvents(
      encodeAll(encoder, [
        { type: "start", id: "x", model: "up", created: 1 },
        { type: "error", message: "Rate limited", errorType: "rate_limit_exceeded" },
        { type: "finish", stopReason: "end" },
      ]),
    );
    assert.deepEqual(failed.at(-1), { event: "error", data: JSON.stringify({ type: "error", error: { type: "rate_limit_error", message: "Rate limited" } }) });
    assert.equal(failed.length, 2);
    assert.equal(encoder.end(), "");
  });

  test("a stream that never finishes still ends as a whole message", () => {
    const events = sseEvents(encodeAll(client.streamEncoder("m"), [{ type: "part_start", index: 0, part: { kind: "text" } }, { type: "text_delta", index: 0, text: "hi" }]));
    assert.deepEqual(
      events.map((event) => event.event),
      ["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
    );
  });
});

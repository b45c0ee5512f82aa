// Anthropic-format client, OpenAI-format provider.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { toAnthropicResponse, toOpenAIRequest } from "./anthropic-to-openai.ts";
import type { AnthropicMessage, AnthropicRequest, OpenAIChatCompletion } from "./types.ts";

function request(messages: AnthropicMessage[], extra: Partial<AnthropicRequest> = {}): AnthropicRequest {
  return { model: "openai/gpt-5.2", max_tokens: 1024, messages, ...extra };
}

describe("toOpenAIRequest", () => {
  test("the system prompt leads; parameters map; what OpenAI lacks is dropped", () => {
    const body = toOpenAIRequest(
      request([{ role: "user", content: "hi" }], {
        system: "Be brief.",
        temperature: 0.2,
        top_p: 0.8,
        top_k: 40,
        stop_sequences: ["END", "###"],
        stream: true,
        metadata: { user_id: "user-1" },
        thinking: { type: "enabled", budget_tokens: 2000 },
        service_tier: "auto",
      }),
      "gpt-5.2",
    );
    assert.deepEqual(body, {
      model: "gpt-5.2",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "hi" },
      ],
      max_completion_tokens: 1024,
      temperature: 0.2,
      top_p: 0.8,
      stop: ["END", "###"],
      stream: true,
      stream_options: { include_usage: true },
      user: "user-1",
    });
  });

  test("system text blocks join into one system message; no stream means no stream fields", () => {
    const body = toOpenAIRequest(
      request([{ role: "user", content: "x" }], {
        system: [
          { type: "text", text: "You are a CLI.", cache_control: { type: "ephemeral" } },
          { type: "text", text: "Answer tersely." },
        ],
      }),
      "m",
    );
    assert.deepEqual(body.messages[0], { role: "system", content: "You are a CLI.\n\nAnswer tersely." });
    assert.equal("stream" in body, false);
    assert.equal("stream_options" in body, false);
    assert.equal("tools" in body, false);
  });

  test("multi-turn text: blocks, strings, thinking dropped, in-conversation system messages kept in place", () => {
    const body = toOpenAIRequest(
      request([
        { role: "user", content: [{ type: "text", text: "first", cache_control: { type: "ephemeral" } }] },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "hmm", signature: "sig" },
            { type: "text", text: "Hello " },
            { type: "text", text: "there." },
          ],
        },
        { role: "system", content: "Now answer in French." },
        { role: "user", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] },
        { role: "assistant", content: "Bonjour" },
      ]),
      "m",
    );
    assert.deepEqual(body.messages, [
      { role: "user", content: "first" },
      { role: "assistant", content: "Hello there." },
      { role: "system", content: "Now answer in French." },
      {
        role: "user",
        content: [
          { type: "text", text: "a" },
          { type: "text", text: "b" },
        ],
      },
      { role: "assistant", content: "Bonjour" },
    ]);
  });

  test("images become image_url parts (data URLs for base64); documents become file or text parts", () => {
    const body = toOpenAIRequest(
      request([
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/4AAQ" } },
            { type: "image", source: { type: "url", url: "https://example.com/cat.png" } },
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" }, title: "spec.pdf" },
            { type: "document", source: { type: "text", media_type: "text/plain", data: "plain notes" } },
            { type: "text", text: "Describe them." },
          ],
        },
      ]),
      "m",
    );
    assert.deepEqual(body.messages[0]!.content, [
      { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/4AAQ" } },
      { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
      { type: "file", file: { filename: "spec.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } },
      { type: "text", text: "plain notes" },
      { type: "text", text: "Describe them." },
    ]);
  });

  test("tool definitions, tool_choice and disable_parallel_tool_use", () => {
    const input_schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const tools = [
      { name: "get_weather", description: "Weather for a city", input_schema, cache_control: { type: "ephemeral" } },
      { name: "now", input_schema: { type: "object" }, type: "custom" },
      { name: "web_search", type: "web_search_20250305", max_uses: 3 },
    ];
    const messages: AnthropicMessage[] = [{ role: "user", content: "x" }];
    assert.deepEqual(toOpenAIRequest(request(messages, { tools }), "m").tools, [
      { type: "function", function: { name: "get_weather", description: "Weather for a city", parameters: input_schema } },
      { type: "function", function: { name: "now", parameters: { type: "object" } } },
    ]);
    const mapped = (tool_choice: AnthropicRequest["tool_choice"]) => {
      const body = toOpenAIRequest(request(messages, { tools, tool_choice }), "m");
      return [body.tool_choice, body.parallel_tool_calls];
    };
    assert.deepEqual(mapped({ type: "auto" }), ["auto", undefined]);
    assert.deepEqual(mapped({ type: "any" }), ["required", undefined]);
    assert.deepEqual(mapped({ type: "none" }), ["none", undefined]);
    assert.deepEqual(mapped({ type: "tool", name: "get_weather" }), [{ type: "function", function: { name: "get_weather" } }, undefined]);
    assert.deepEqual(mapped({ type: "auto", disable_parallel_tool_use: true }), ["auto", false]);
    assert.deepEqual(mapped({ type: "any", disable_parallel_tool_use: false }), ["required", undefined]);
    // OpenAI rejects tool settings when no tools are sent.
    const toolless = toOpenAIRequest(request(messages, { tool_choice: { type: "any", disable_parallel_tool_use: true } }), "m");
    assert.equal("tool_choice" in toolless || "parallel_tool_calls" in toolless, false);
  });

  test("tool_use blocks become tool_calls; tool results become tool messages ahead of the user's text", () => {
    const body = toOpenAIRequest(
      request([
        { role: "user", content: "Weather and a photo of Oslo?" },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Checking." },
            { type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Oslo" } },
            { type: "tool_use", id: "toolu_02", name: "photo", input: {} },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_01", content: "sunny" },
            {
              type: "tool_result",
              tool_use_id: "toolu_02",
              is_error: false,
              content: [
                { type: "text", text: "one photo" },
                { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0K" } },
              ],
            },
            { type: "text", text: "Thanks!" },
          ],
        },
      ]),
      "m",
    );
    assert.deepEqual(body.messages.slice(1), [
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: [
          { id: "toolu_01", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
          { id: "toolu_02", type: "function", function: { name: "photo", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "toolu_01", content: "sunny" },
      { role: "tool", tool_call_id: "toolu_02", content: "one photo" },
      // Tool messages carry text only, so the tool's image follows in a user message.
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0K" } },
          { type: "text", text: "Thanks!" },
        ],
      },
    ]);
  });

  test("an assistant turn with only tool calls has null content; a user turn with only results adds no user message", () => {
    const body = toOpenAIRequest(
      request([
        { role: "user", content: "go" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_9", name: "f", input: { a: 1 } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_9" }] },
      ]),
      "m",
    );
    assert.deepEqual(body.messages.slice(1), [
      { role: "assistant", content: null, tool_calls: [{ id: "toolu_9", type: "function", function: { name: "f", arguments: '{"a":1}' } }] },
      { role: "tool", tool_call_id: "toolu_9", content: "" },
    ]);
  });
});

function completion(message: Record<string, unknown>, extra: Partial<OpenAIChatCompletion> = {}): OpenAIChatCompletion {
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

describe("tool results that report an error", () => {
  test("is_error: true is said in the tool message's text (OpenAI has no flag for it)", () => {
    const result = (block: Record<string, unknown>) =>
      toOpenAIRequest(
        request([
          { role: "assistant", content: [{ type: "tool_use", id: "toolu_01", name: "read_file", input: { path: "a.txt" } }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01", ...block }] },
        ]),
        "m",
      ).messages.at(-1);
    assert.deepEqual(result({ is_error: true, content: "ENOENT: no such file" }), { role: "tool", tool_call_id: "toolu_01", content: "Error: ENOENT: no such file" });
    assert.deepEqual(result({ is_error: true, content: [{ type: "text", text: "permission denied" }] })!.content, "Error: permission denied");
    // Already says so; no content at all.
    assert.deepEqual(result({ is_error: true, content: "Error: file not found" })!.content, "Error: file not found");
    assert.deepEqual(result({ is_error: true })!.content, "Error");
    // Not an error: untouched.
    assert.deepEqual(result({ is_error: false, content: "Error handling is fine" })!.content, "Error handling is fine");
    assert.deepEqual(result({ content: "ok" })!.content, "ok");
  });
});

describe("toAnthropicResponse", () => {
  test("text, ids and usage", () => {
    const message = toAnthropicResponse(completion({ content: "Hello!" }), "openai/gpt-5.2");
    assert.deepEqual(message, {
      id: "msg_B9MBs8CjcvOU2jLn4n570S5qMJKcT",
      type: "message",
      role: "assistant",
      model: "openai/gpt-5.2",
      content: [{ type: "text", text: "Hello!" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 19, output_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
  });

  test("tool calls become tool_use blocks; cached prompt tokens move to cache_read_input_tokens", () => {
    const message = toAnthropicResponse(
      completion(
        {
          content: "On it.",
          tool_calls: [
            { id: "call_abc", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
            { id: "call_def", type: "function", function: { name: "now", arguments: "" } },
          ],
        },
        { usage: { prompt_tokens: 1200, completion_tokens: 30, total_tokens: 1230, prompt_tokens_details: { cached_tokens: 1024 } } },
      ),
      "m",
    );
    assert.deepEqual(message.content, [
      { type: "text", text: "On it." },
      { type: "tool_use", id: "call_abc", name: "get_weather", input: { city: "Oslo" } },
      { type: "tool_use", id: "call_def", name: "now", input: {} },
    ]);
    // finish_reason was "stop", but a turn that calls tools must say tool_use or the client will not run them.
    assert.equal(message.stop_reason, "tool_use");
    assert.deepEqual(message.usage, { input_tokens: 176, output_tokens: 30, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024 });
  });

  test("stop reasons", () => {
    const stop = (finish_reason: OpenAIChatCompletion["choices"][number]["finish_reason"]) => {
      const base = completion({ content: "x" });
      return toAnthropicResponse({ ...base, choices: [{ ...base.choices[0]!, finish_reason }] }, "m").stop_reason;
    };
    assert.equal(stop("stop"), "end_turn");
    assert.equal(stop("length"), "max_tokens");
    assert.equal(stop("tool_calls"), "tool_use");
    assert.equal(stop("content_filter"), "end_turn");
    assert.equal(stop(null), "end_turn");
  });

  test("a stop sequence is reported only when the upstream names one the client asked for (vLLM stop_reason, SGLang matched_stop)", () => {
    const stopped = (fields: Record<string, unknown>, stops: string[] | undefined, finish_reason: "stop" | "length" = "stop") => {
      const base = completion({ content: "1, 2, 3" });
      const message = toAnthropicResponse({ ...base, choices: [{ ...base.choices[0]!, finish_reason, ...fields }] }, "m", stops);
      return [message.stop_reason, message.stop_sequence];
    };
    assert.deepEqual(stopped({ stop_reason: "4," }, ["4,", "END"]), ["stop_sequence", "4,"]);
    assert.deepEqual(stopped({ matched_stop: "END" }, ["4,", "END"]), ["stop_sequence", "END"]);
    // OpenAI says only "stop": a natural end and a stop sequence look the same, so end_turn stays.
    assert.deepEqual(stopped({}, ["4,", "END"]), ["end_turn", null]);
    // A stop token id, a string the client never asked for, or a request without stop sequences.
    assert.deepEqual(stopped({ stop_reason: 128009 }, ["4,"]), ["end_turn", null]);
    assert.deepEqual(stopped({ stop_reason: "<|im_end|>" }, ["4,"]), ["end_turn", null]);
    assert.deepEqual(stopped({ stop_reason: "4," }, undefined), ["end_turn", null]);
    assert.deepEqual(stopped({ stop_reason: "4," }, ["4,"], "length"), ["max_tokens", null]);
  });

  test("a refusal is passed on as text; a missing id gets a msg_ id", () => {
    const message = toAnthropicResponse(completion({ refusal: "I can't help with that." }, { id: "" }), "m");
    assert.deepEqual(message.content, [{ type: "text", text: "I can't help with that." }]);
    assert.match(message.id, /^msg_[0-9a-f]{24}$/);
  });
});

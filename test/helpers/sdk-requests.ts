// Requests shaped as the official SDKs send them, typed with the SDKs' own
// request types so the compiler vouches that each one is something a client
// may send: images, tool calls and results (with images), documents, thinking
// blocks, server tools, cache_control, and the nulls the SDKs allow. The
// gateway must accept every one of them.
import type { ChatCompletionCreateParams } from "openai/resources/chat/completions";
import type { MessageCreateParams } from "@anthropic-ai/sdk/resources/messages";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==";
const PDF = Buffer.from("%PDF-1.4\n%fake\n").toString("base64");

const weather = { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false };

export const OPENAI_SDK_REQUESTS: Record<string, ChatCompletionCreateParams> = {
  minimal: { model: "openai/gpt-5.2", messages: [{ role: "user", content: "hi" }] },
  "every message kind, tool calls and results": {
    model: "openai/gpt-5.2",
    messages: [
      { role: "developer", content: [{ type: "text", text: "Be brief." }] },
      { role: "system", content: "You are helpful.", name: "sys" },
      {
        role: "user",
        name: "alice",
        content: [
          { type: "text", text: "What is in this picture, and the weather?" },
          { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}`, detail: "high" } },
          { type: "image_url", image_url: { url: "https://example.invalid/cat.png" } },
          { type: "file", file: { file_data: `data:application/pdf;base64,${PDF}`, filename: "report.pdf" } },
          { type: "file", file: { file_id: "file-abc123" } },
          { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
        ],
      },
      {
        role: "assistant",
        content: null,
        refusal: null,
        audio: null,
        function_call: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
          { id: "call_2", type: "custom", custom: { name: "grammar", input: "x" } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "12°C" },
      { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "done" }] },
      { role: "assistant", content: [{ type: "text", text: "It is" }, { type: "refusal", refusal: "no" }] },
      { role: "function", name: "legacy", content: null },
    ],
    tools: [
      { type: "function", function: { name: "get_weather", description: "Weather", parameters: weather, strict: true } },
      { type: "function", function: { name: "no_params" } },
      { type: "custom", custom: { name: "grammar", description: "free form", format: { type: "grammar", grammar: { definition: "start: /.+/", syntax: "lark" } } } },
    ],
    tool_choice: { type: "function", function: { name: "get_weather" } },
    parallel_tool_calls: false,
  },
  "every nullable option set to null": {
    model: "openai/gpt-5.2",
    messages: [{ role: "user", content: "hi" }],
    audio: null,
    frequency_penalty: null,
    logit_bias: null,
    logprobs: null,
    max_completion_tokens: null,
    max_tokens: null,
    metadata: null,
    modalities: null,
    n: null,
    prediction: null,
    presence_penalty: null,
    prompt_cache_key: null,
    reasoning_effort: null,
    safety_identifier: null,
    seed: null,
    service_tier: null,
    stop: null,
    store: null,
    stream: null,
    stream_options: null,
    temperature: null,
    top_logprobs: null,
    top_p: null,
    verbosity: null,
  },
  "streaming with options": {
    model: "anthropic/claude-opus-4-6",
    messages: [{ role: "user", content: "stream" }],
    stream: true,
    stream_options: { include_usage: true, include_obfuscation: false },
    max_completion_tokens: 100,
    temperature: 1.5,
    top_p: 0.9,
    stop: ["END", "STOP"],
    user: "user-1",
    safety_identifier: "sid",
    response_format: { type: "json_schema", json_schema: { name: "w", schema: weather, strict: true } },
    reasoning_effort: "low",
    metadata: { team: "a" },
    web_search_options: { search_context_size: "low" },
    prompt_cache_key: "k",
    logit_bias: { "50256": -100 },
  },
  "other tool choices": {
    model: "openai/gpt-5.2",
    messages: [{ role: "user", content: "pick" }],
    stop: "END",
    tools: [{ type: "function", function: { name: "a", parameters: { type: "object", properties: {} } } }],
    tool_choice: { type: "allowed_tools", allowed_tools: { mode: "required", tools: [{ type: "function", function: { name: "a" } }] } },
  },
  "tool choice strings and custom": {
    model: "openai/gpt-5.2",
    messages: [{ role: "user", content: "pick" }],
    tools: [{ type: "custom", custom: { name: "c" } }],
    tool_choice: { type: "custom", custom: { name: "c" } },
  },
};

export const ANTHROPIC_SDK_REQUESTS: Record<string, MessageCreateParams> = {
  minimal: { model: "anthropic/claude-opus-4-6", max_tokens: 64, messages: [{ role: "user", content: "hi" }] },
  "images, documents, tool use and results with images, thinking": {
    model: "anthropic/claude-opus-4-6",
    max_tokens: 1024,
    system: [
      { type: "text", text: "You are helpful.", cache_control: { type: "ephemeral" } },
      { type: "text", text: "Second part.", cache_control: { type: "ephemeral", ttl: "1h" }, citations: null },
    ],
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "Look at these.", cache_control: null },
          { type: "image", source: { type: "base64", media_type: "image/png", data: PNG }, cache_control: { type: "ephemeral" } },
          { type: "image", source: { type: "url", url: "https://example.invalid/cat.png" } },
          { type: "image", source: { type: "file", file_id: "file_01" } },
          { type: "document", source: { type: "base64", media_type: "application/pdf", data: PDF }, title: "Report", context: null, citations: { enabled: true } },
          { type: "document", source: { type: "text", media_type: "text/plain", data: "plain" }, title: null },
          { type: "document", source: { type: "content", content: [{ type: "text", text: "inner" }, { type: "image", source: { type: "url", url: "https://example.invalid/a.png" } }] } },
          { type: "document", source: { type: "url", url: "https://example.invalid/a.pdf" } },
          { type: "document", source: { type: "file", file_id: "file_02" } },
          { type: "search_result", source: "https://example.invalid", title: "Result", content: [{ type: "text", text: "found" }], citations: { enabled: true } },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "Let me look.", signature: "sig" },
          { type: "redacted_thinking", data: "opaque" },
          { type: "text", text: "Checking.", citations: [{ type: "char_location", cited_text: "x", document_index: 0, document_title: null, start_char_index: 0, end_char_index: 1 }] },
          { type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Oslo" }, cache_control: { type: "ephemeral" } },
          { type: "server_tool_use", id: "srvtoolu_01", name: "web_search", input: { query: "news" } },
          { type: "web_search_tool_result", tool_use_id: "srvtoolu_01", content: { type: "web_search_tool_result_error", error_code: "unavailable" } },
          { type: "web_search_tool_result", tool_use_id: "srvtoolu_02", content: [{ type: "web_search_result", url: "https://example.invalid", title: "T", encrypted_content: "e" }] },
        ],
      },
      {
        role: "user",
        content: [
          {
            type: "tool_result",
            tool_use_id: "toolu_01",
            is_error: false,
            content: [
              { type: "text", text: "12°C" },
              { type: "image", source: { type: "base64", media_type: "image/jpeg", data: PNG } },
              { type: "search_result", source: "s", title: "t", content: [{ type: "text", text: "r" }] },
              { type: "document", source: { type: "text", media_type: "text/plain", data: "d" } },
            ],
          },
          { type: "tool_result", tool_use_id: "toolu_02", content: "plain result" },
          { type: "tool_result", tool_use_id: "toolu_03" },
          { type: "text", text: "Thanks" },
        ],
      },
      { role: "assistant", content: "Sure." },
    ],
    tools: [
      { name: "get_weather", description: "Weather", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }, cache_control: { type: "ephemeral" }, strict: true },
      { name: "typed", type: "custom", input_schema: { type: "object" } },
      { name: "untyped", type: null, input_schema: { type: "object" } },
      { type: "web_search_20250305", name: "web_search", max_uses: 3 },
      { type: "bash_20250124", name: "bash" },
      { type: "text_editor_20250728", name: "str_replace_based_edit_tool" },
      { type: "computer_toolset_20260801" },
    ],
    tool_choice: { type: "auto", disable_parallel_tool_use: true },
    thinking: { type: "enabled", budget_tokens: 512 },
    metadata: { user_id: null },
    stop_sequences: ["END"],
    cache_control: null,
    container: null,
    inference_geo: null,
    speed: null,
  },
  streaming: {
    model: "openai/gpt-5.2",
    max_tokens: 100,
    stream: true,
    system: "Be brief.",
    messages: [
      { role: "user", content: "hi" },
      { role: "assistant", content: [{ type: "text", text: "Hello" }] },
      { role: "user", content: "again" },
    ],
    tool_choice: { type: "tool", name: "get_weather" },
    tools: [{ name: "get_weather", input_schema: { type: "object" } }],
    metadata: { user_id: "user-1" },
    service_tier: "auto",
  },
  "tool choice none and any, a system message": {
    model: "anthropic/claude-opus-4-6",
    max_tokens: 10,
    messages: [
      { role: "system", content: [{ type: "text", text: "sys" }] },
      { role: "user", content: "x" },
    ],
    tool_choice: { type: "none" },
  },
};

/** What the SDK types cannot express but clients do send: sampling options the v1 SDK types dropped. */
export const ANTHROPIC_EXTRA_REQUESTS: Record<string, Record<string, unknown>> = {
  "sampling options": { model: "anthropic/claude-opus-4-6", max_tokens: 10, temperature: 0.5, top_p: 0.9, top_k: 40, messages: [{ role: "user", content: "x" }], tool_choice: { type: "any" } },
};

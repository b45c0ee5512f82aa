// One fake model provider on 127.0.0.1 that speaks all four wire APIs at their
// real paths, streamed and not, in each API's own shapes (event sequences,
// usage, stop reasons, error bodies):
//   POST /v1/chat/completions                         OpenAI Chat Completions
//   POST /v1/responses                                OpenAI Responses
//   POST /v1/messages                                 Anthropic Messages
//   POST /v1beta/models/{model}:generateContent       Gemini
//   POST /v1beta/models/{model}:streamGenerateContent?alt=sse
//
// It behaves like a (very simple) model, so a gateway that drops part of a
// request makes the client fail:
// - offered tools and no tool result yet (and tool choice not "none"): it calls
//   the first (or the forced) tool, with arguments made from the tool's schema;
//   every tool at once (parallel calls) when the prompt says `[parallel]`;
// - after tool results: text that quotes them;
// - structured output asked in the API's own field: JSON text that satisfies the
//   schema (an object for plain JSON mode); prose otherwise, so a dropped
//   schema fails the client's parse;
// - else an echo of the last user message.
// Errors: `[fail 400]` or `[fail 429]` in the last user message, or answers
// scripted per credential, come back in the API's own error shape; so do the
// requests the real APIs refuse (refusal()). Like OpenAI, its Responses API
// keeps the items it answered (unless `store: false`) for item references.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type WireApi = "chat" | "responses" | "messages" | "gemini";

export interface SeenWireRequest {
  api: WireApi;
  path: string;
  headers: IncomingMessage["headers"];
  body: any;
  raw: Buffer;
  /** x-api-key, x-goog-api-key or the Bearer token. */
  credential: string | undefined;
  /** The model: from the body, or Gemini's URL. */
  model: string;
  stream: boolean;
  /** The conversation as the fake's model read it (Responses item references resolved, as OpenAI does for stored items). */
  conversation: Conversation;
}

export interface ScriptedError {
  status: number;
  message?: string;
  headers?: Record<string, string>;
}

export interface FakeWireUpstream {
  url: string;
  requests: SeenWireRequest[];
  /** Errors for a credential, used in order; the last one repeats until scripted again (no answers: back to normal). */
  script(credential: string, ...answers: ScriptedError[]): void;
  close(): Promise<void>;
}

export const USAGE = { input: 11, output: 7 };

/** What the fake answers to a prompt, and to a tool result. */
export const echo = (prompt: string) => `Echo: ${prompt}`;
export const toolAnswer = (result: string) => `The tool said: ${result}`;

// ------------------------------------------------------------------ the model

type Schema = Record<string, any>;
type Call = { id: string; name: string; args: Record<string, unknown> };
/** `cut`: the answer stopped at the request's token limit. */
type Turn = { kind: "text"; text: string; cut?: boolean } | { kind: "tools"; calls: Call[]; preamble?: string };

/** A token limit at or under this cuts the answer off (16 is the least the Responses API takes). */
export const CUT_AT_TOKENS = 16;
/** What an answer cut off by its token limit says: the start of the echo. */
export const cutOff = (text: string) => text.slice(0, 12);

/** A value that satisfies `schema`: the first enum/const, a sample per type, every property of an object. */
export function sampleOf(schema: Schema | undefined, name = "value", root: Schema | undefined = schema, depth = 0): unknown {
  if (!schema || typeof schema !== "object" || depth > 8) return null;
  if (typeof schema.$ref === "string" && root) {
    const target = schema.$ref.replace(/^#\//, "").split("/").reduce((node: any, key: string) => node?.[key], root);
    return sampleOf(target, name, root, depth + 1);
  }
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  for (const key of ["anyOf", "oneOf", "allOf"]) if (Array.isArray(schema[key])) return sampleOf(schema[key][0], name, root, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== "null") : schema.type;
  switch (String(type ?? (schema.properties ? "object" : "string")).toLowerCase()) {
    case "object":
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, sub]) => [key, sampleOf(sub as Schema, key, root, depth + 1)]));
    case "array":
      return [sampleOf(schema.items, name, root, depth + 1)];
    case "number":
      return 21.5;
    case "integer":
      return 42;
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return `${name} sample`;
  }
}

export interface Conversation {
  /** System/developer instructions, joined. */
  system: string;
  prompt: string;
  /** What the assistant said earlier in the conversation, joined. */
  said: string;
  /** The turns that hold text, in order: "user: …", "assistant: …". */
  history: string[];
  /** The images in the last user message that holds text, inline. */
  images: { mediaType: string; data: string }[];
  /** The assistant's earlier tool calls, replayed in the conversation (Gemini's id: the function's name). */
  toolCalls: { id: string; name: string; args: unknown }[];
  /** The tool results, with the call id each answers (Gemini: the function's name). */
  toolResults: { for: string; text: string }[];
  tools: { name: string; schema?: Schema }[];
  /** "none", "any" (some tool), or a tool's name; undefined is auto. */
  choice?: string;
  /** The schema asked for in this API's structured-output field; `{}` for plain JSON mode. */
  format?: Schema;
  /** The answer's token limit, in the API's own field. */
  maxTokens?: number;
}

/** The id of the fake's n-th call in a turn, per API (Gemini's calls have none: results name the function). */
export function callId(api: WireApi, n: number, name: string): string {
  return api === "messages" ? `toolu_fake${n + 1}` : api === "gemini" ? name : `call_fake_${n + 1}`;
}

/** In the prompt: call every tool offered at once (parallel tool calls), not just the first. */
export const PARALLEL = "[parallel]";
/** In the prompt: say something before the calls, as Claude often does. */
export const PREAMBLE = "[preamble]";
export const PREAMBLE_TEXT = "Let me check that for you.";

const parseArgs = (text: unknown) => {
  try {
    return JSON.parse(String(text));
  } catch {
    return text;
  }
};

function think(api: WireApi, c: Conversation): Turn {
  if (c.toolResults.length === 0 && c.tools.length > 0 && c.choice !== "none") {
    const forced = c.tools.find((t) => t.name === c.choice);
    const chosen = forced ? [forced] : c.prompt.includes(PARALLEL) ? c.tools : c.tools.slice(0, 1);
    const calls = chosen.map((tool, n) => ({ id: callId(api, n, tool.name), name: tool.name, args: (sampleOf(tool.schema ?? { type: "object" }) ?? {}) as Record<string, unknown> }));
    return { kind: "tools", calls, ...(c.prompt.includes(PREAMBLE) ? { preamble: PREAMBLE_TEXT } : {}) };
  }
  if (c.maxTokens !== undefined && c.maxTokens <= CUT_AT_TOKENS) return { kind: "text", text: cutOff(echo(c.prompt)), cut: true };
  if (c.format) return { kind: "text", text: JSON.stringify(Object.keys(c.format).length ? sampleOf(c.format) : { answer: echo(c.prompt) }) };
  return { kind: "text", text: c.toolResults.length > 0 ? toolAnswer(c.toolResults.map((result) => result.text).join(" | ")) : echo(c.prompt) };
}

const partsOf = (content: unknown): any[] => (Array.isArray(content) ? content : []);
/** A data URL's media type and base64 payload. */
const inline = (url: unknown) => {
  const match = typeof url === "string" ? /^data:([^;,]+);base64,(.*)$/s.exec(url) : null;
  return match ? [{ mediaType: match[1]!, data: match[2]! }] : [];
};
const turnsOf = (turns: string[][]) => turns.filter(([, text]) => text).map(([role, text]) => `${role}: ${text}`);

const texts = (content: unknown, types: string[]): string =>
  typeof content === "string" ? content : Array.isArray(content) ? content.filter((p: any) => types.includes(p?.type)).map((p: any) => p.text ?? "").join("") : "";

function readChat(body: any): Conversation {
  const messages: any[] = body.messages ?? [];
  const user = messages.filter((m) => m.role === "user").at(-1);
  const choice = body.tool_choice;
  const format = body.response_format;
  return {
    system: messages.filter((m) => m.role === "system" || m.role === "developer").map((m) => texts(m.content, ["text"])).join("\n"),
    prompt: texts(user?.content, ["text"]),
    said: messages.filter((m) => m.role === "assistant").map((m) => texts(m.content, ["text"])).join(""),
    history: turnsOf(messages.filter((m) => m.role === "user" || m.role === "assistant").map((m) => [m.role, texts(m.content, ["text"])])),
    images: partsOf(user?.content).filter((p) => p.type === "image_url").flatMap((p) => inline(p.image_url?.url)),
    toolCalls: messages.flatMap((m) => (m.role === "assistant" ? (m.tool_calls ?? []) : [])).map((call: any) => ({ id: call.id, name: call.function?.name, args: parseArgs(call.function?.arguments) })),
    toolResults: messages.filter((m) => m.role === "tool").map((m) => ({ for: m.tool_call_id, text: texts(m.content, ["text"]) })),
    tools: (body.tools ?? []).map((t: any) => ({ name: t.function?.name, schema: t.function?.parameters })),
    choice: choice === "required" ? "any" : typeof choice === "string" && choice !== "auto" ? choice : choice?.function?.name,
    ...(format?.type === "json_schema" ? { format: format.json_schema?.schema ?? {} } : format?.type === "json_object" ? { format: {} } : {}),
    ...limit(body.max_completion_tokens ?? body.max_tokens),
  };
}

const limit = (value: unknown) => (typeof value === "number" ? { maxTokens: value } : {});

function readResponses(body: any): Conversation {
  const items: any[] = typeof body.input === "string" ? [{ role: "user", content: body.input }] : body.input ?? [];
  const user = items.filter((i) => i.role === "user").at(-1);
  const choice = body.tool_choice;
  const format = body.text?.format;
  const system = items.filter((i) => i.role === "system" || i.role === "developer").map((i) => texts(i.content, ["input_text"]));
  return {
    system: [...(body.instructions ? [body.instructions] : []), ...system].join("\n"),
    prompt: texts(user?.content, ["input_text"]),
    said: items.filter((i) => i.role === "assistant").map((i) => texts(i.content, ["output_text", "input_text"])).join(""),
    history: turnsOf(items.filter((i) => i.role === "user" || i.role === "assistant").map((i) => [i.role, texts(i.content, ["input_text", "output_text"])])),
    images: partsOf(user?.content).filter((p) => p.type === "input_image").flatMap((p) => inline(p.image_url)),
    toolCalls: items.filter((i) => i.type === "function_call").map((call) => ({ id: call.call_id, name: call.name, args: parseArgs(call.arguments) })),
    toolResults: items
      .filter((i) => i.type === "function_call_output")
      .map((output) => ({ for: output.call_id, text: typeof output.output === "string" ? output.output : texts(output.output, ["input_text"]) })),
    tools: (body.tools ?? []).filter((t: any) => t.type === "function").map((t: any) => ({ name: t.name, schema: t.parameters })),
    choice: choice === "required" ? "any" : typeof choice === "string" && choice !== "auto" ? choice : choice?.name,
    ...(format?.type === "json_schema" ? { format: format.schema ?? {} } : format?.type === "json_object" ? { format: {} } : {}),
    ...limit(body.max_output_tokens),
  };
}

function readMessages(body: any): Conversation {
  const messages: any[] = body.messages ?? [];
  const user = messages.filter((m) => m.role === "user" && texts(m.content, ["text"]) !== "").at(-1);
  const blocks = messages.flatMap((m) => (Array.isArray(m.content) ? m.content : []));
  const choice = body.tool_choice;
  const format = body.output_config?.format ?? body.output_format;
  return {
    system: texts(body.system, ["text"]),
    prompt: texts(user?.content, ["text"]),
    said: messages.filter((m) => m.role === "assistant").map((m) => texts(m.content, ["text"])).join(""),
    history: turnsOf(messages.map((m) => [m.role, texts(m.content, ["text"])])),
    images: partsOf(user?.content).filter((p) => p.type === "image" && p.source?.type === "base64").map((p) => ({ mediaType: p.source.media_type, data: p.source.data })),
    toolCalls: blocks.filter((b: any) => b.type === "tool_use").map((call: any) => ({ id: call.id, name: call.name, args: call.input })),
    toolResults: blocks.filter((b: any) => b.type === "tool_result").map((result: any) => ({ for: result.tool_use_id, text: texts(result.content, ["text"]) })),
    tools: (body.tools ?? []).map((t: any) => ({ name: t.name, schema: t.input_schema })),
    choice: choice?.type === "tool" ? choice.name : choice?.type === "none" ? "none" : choice?.type === "any" ? "any" : undefined,
    ...(format?.type === "json_schema" ? { format: format.schema ?? {} } : {}),
    ...limit(body.max_tokens),
  };
}

function readGemini(body: any): Conversation {
  const contents: any[] = body.contents ?? [];
  const parts = contents.flatMap((c) => c.parts ?? []);
  const user = contents.filter((c) => c.role === "user" && (c.parts ?? []).some((p: any) => typeof p.text === "string")).at(-1);
  const config = body.toolConfig?.functionCallingConfig;
  const generation = body.generationConfig ?? {};
  const json = generation.responseMimeType === "application/json";
  const schema = generation.responseJsonSchema ?? generation.responseSchema;
  const resultText = (response: any) => (typeof response?.result === "string" ? response.result : JSON.stringify(response));
  return {
    system: (body.systemInstruction?.parts ?? []).map((p: any) => p.text ?? "").join(""),
    prompt: (user?.parts ?? []).map((p: any) => p.text ?? "").join(""),
    said: contents.filter((c) => c.role === "model").flatMap((c) => c.parts ?? []).map((p: any) => p.text ?? "").join(""),
    history: turnsOf(contents.map((c) => [c.role === "model" ? "assistant" : "user", (c.parts ?? []).map((p: any) => p.text ?? "").join("")])),
    images: partsOf(user?.parts).filter((p) => p.inlineData).map((p) => ({ mediaType: p.inlineData.mimeType, data: p.inlineData.data })),
    toolCalls: parts.filter((p: any) => p.functionCall).map(({ functionCall: call }: any) => ({ id: call.name, name: call.name, args: call.args })),
    toolResults: parts.filter((p: any) => p.functionResponse).map(({ functionResponse: answered }: any) => ({ for: answered.name, text: resultText(answered.response) })),
    tools: (body.tools ?? []).flatMap((t: any) => t.functionDeclarations ?? []).map((d: any) => ({ name: d.name, schema: d.parametersJsonSchema ?? d.parameters })),
    choice: config?.mode === "NONE" ? "none" : config?.mode === "ANY" ? (config.allowedFunctionNames?.[0] ?? "any") : undefined,
    ...(json ? { format: schema ?? {} } : {}),
    ...limit(generation.maxOutputTokens),
  };
}

// ------------------------------------------------------------------ answers, per API

const CREATED = 1_764_000_000;
const sseOf = (events: [string | undefined, unknown][], eol = "\n") =>
  events.map(([event, data]) => `${event ? `event: ${event}${eol}` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}${eol}${eol}`).join("");
const pieces = (text: string) => text.match(/.{1,12}/gs) ?? [""];

function chatAnswer(model: string, turn: Turn, stream: boolean, includeUsage: boolean): string | object {
  const usage = { prompt_tokens: USAGE.input, completion_tokens: USAGE.output, total_tokens: USAGE.input + USAGE.output };
  const finish = turn.kind === "tools" ? "tool_calls" : turn.cut ? "length" : "stop";
  const calls = turn.kind === "tools" ? turn.calls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: JSON.stringify(call.args) } })) : [];
  if (!stream) {
    const message = { role: "assistant", content: turn.kind === "text" ? turn.text : (turn.preamble ?? null), refusal: null, ...(calls.length ? { tool_calls: calls } : {}) };
    return { id: "chatcmpl-fake1", object: "chat.completion", created: CREATED, model, choices: [{ index: 0, message, finish_reason: finish, logprobs: null }], usage };
  }
  const chunk = (delta: object, finishReason: string | null) => ({ id: "chatcmpl-fake1", object: "chat.completion.chunk", created: CREATED, model, choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }] });
  const deltas =
    turn.kind === "text"
      ? pieces(turn.text).map((piece) => chunk({ content: piece }, null))
      : [...(turn.preamble ? pieces(turn.preamble).map((piece) => chunk({ content: piece }, null)) : []), ...calls.flatMap((call, index) => [
          chunk({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.function.name, arguments: "" } }] }, null),
          ...pieces(call.function.arguments).map((piece) => chunk({ tool_calls: [{ index, function: { arguments: piece } }] }, null)),
        ])];
  const events: unknown[] = [chunk({ role: "assistant", content: turn.kind === "text" ? "" : null, refusal: null }, null), ...deltas, chunk({}, finish)];
  if (includeUsage) events.push({ id: "chatcmpl-fake1", object: "chat.completion.chunk", created: CREATED, model, choices: [], usage });
  return sseOf([...events.map((e): [undefined, unknown] => [undefined, e]), [undefined, "[DONE]"]]);
}

/** `serial` makes the items' ids unique; `keep` stores them, as OpenAI does unless `store: false`, for item references. */
function responsesAnswer(model: string, turn: Turn, stream: boolean, body: any, serial: number, keep: (items: Record<string, any>[]) => void): string | object {
  const usage = { input_tokens: USAGE.input, input_tokens_details: { cached_tokens: 0 }, output_tokens: USAGE.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: USAGE.input + USAGE.output };
  const items: Record<string, any>[] =
    turn.kind === "text"
      ? [{ type: "message", id: `msg_fake${serial}`, status: "completed", role: "assistant", content: [{ type: "output_text", text: turn.text, annotations: [], logprobs: [] }] }]
      : [
          ...(turn.preamble ? [{ type: "message", id: `msg_fake${serial}`, status: "completed", role: "assistant", content: [{ type: "output_text", text: turn.preamble, annotations: [], logprobs: [] }] }] : []),
          ...turn.calls.map((call, n) => ({ type: "function_call", id: `fc_fake${serial}_${n + 1}`, call_id: call.id, name: call.name, arguments: JSON.stringify(call.args), status: "completed" })),
        ];
  const cut = turn.kind === "text" && turn.cut === true;
  const response = (status: string, output: object[], withUsage: boolean) => ({
    id: "resp_fake1",
    object: "response",
    created_at: CREATED,
    status,
    error: null,
    incomplete_details: status === "incomplete" ? { reason: "max_output_tokens" } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: "text" } },
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: "disabled",
    usage: withUsage ? usage : null,
    user: null,
    metadata: {},
  });
  if (body.store !== false) keep(items);
  const ending = cut ? "incomplete" : "completed";
  if (cut) items[0]!.status = "incomplete";
  if (!stream) return response(ending, items, true);
  const events: object[] = [{ type: "response.created", response: response("in_progress", [], false) }, { type: "response.in_progress", response: response("in_progress", [], false) }];
  items.forEach((item, output_index) => {
    if (item.type === "message") {
      const text = item.content[0].text as string;
      const ids = { item_id: item.id, output_index, content_index: 0 };
      events.push(
        { type: "response.output_item.added", output_index, item: { ...item, status: "in_progress", content: [] } },
        { type: "response.content_part.added", ...ids, part: { type: "output_text", text: "", annotations: [], logprobs: [] } },
        ...pieces(text).map((delta) => ({ type: "response.output_text.delta", ...ids, delta, logprobs: [] })),
        { type: "response.output_text.done", ...ids, text, logprobs: [] },
        { type: "response.content_part.done", ...ids, part: item.content[0] },
      );
    } else {
      events.push(
        { type: "response.output_item.added", output_index, item: { ...item, arguments: "", status: "in_progress" } },
        ...pieces(item.arguments).map((delta) => ({ type: "response.function_call_arguments.delta", item_id: item.id, output_index, delta })),
        { type: "response.function_call_arguments.done", item_id: item.id, output_index, arguments: item.arguments },
      );
    }
    events.push({ type: "response.output_item.done", output_index, item });
  });
  events.push({ type: `response.${ending}`, response: response(ending, items, true) });
  return sseOf(events.map((event, n) => [(event as { type: string }).type, { ...event, sequence_number: n }]));
}

function messagesAnswer(model: string, turn: Turn, stream: boolean): string | object {
  const stop = turn.kind === "tools" ? "tool_use" : turn.cut ? "max_tokens" : "end_turn";
  const blocks =
    turn.kind === "text"
      ? [{ type: "text", text: turn.text }]
      : [...(turn.preamble ? [{ type: "text", text: turn.preamble }] : []), ...turn.calls.map((call) => ({ type: "tool_use", id: call.id, name: call.name, input: call.args }))];
  const usage = { input_tokens: USAGE.input, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: USAGE.output };
  const message = { id: "msg_fake1", type: "message", role: "assistant", model, content: blocks, stop_reason: stop, stop_sequence: null, usage };
  if (!stream) return message;
  const events: object[] = [{ type: "message_start", message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } }];
  blocks.forEach((block, index) => {
    const deltas =
      block.type === "text"
        ? pieces(String((block as { text: string }).text)).map((text) => ({ type: "text_delta", text }))
        : pieces(JSON.stringify((block as { input: unknown }).input)).map((partial_json) => ({ type: "input_json_delta", partial_json }));
    events.push(
      { type: "content_block_start", index, content_block: block.type === "text" ? { type: "text", text: "" } : { ...block, input: {} } },
      ...(index === 0 ? [{ type: "ping" }] : []),
      ...deltas.map((delta) => ({ type: "content_block_delta", index, delta })),
      { type: "content_block_stop", index },
    );
  });
  events.push({ type: "message_delta", delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: USAGE.output } }, { type: "message_stop" });
  return sseOf(events.map((event) => [(event as { type: string }).type, event]));
}

function geminiAnswer(model: string, turn: Turn, stream: boolean): string | object {
  const usageMetadata = { promptTokenCount: USAGE.input, candidatesTokenCount: USAGE.output, totalTokenCount: USAGE.input + USAGE.output };
  // Gemini 3 signs its calls, and wants the signature back when they are replayed (refusal()).
  const signed = /^gemini-3/.test(model) ? { thoughtSignature: "ZmFrZS1zaWduYXR1cmU=" } : {};
  const parts =
    turn.kind === "text"
      ? [{ text: turn.text }]
      : [...(turn.preamble ? [{ text: turn.preamble }] : []), ...turn.calls.map((call) => ({ functionCall: { name: call.name, args: call.args }, ...signed }))];
  const finishReason = turn.kind === "text" && turn.cut ? "MAX_TOKENS" : "STOP";
  const whole = { candidates: [{ content: { role: "model", parts }, finishReason, index: 0 }], usageMetadata, modelVersion: model, responseId: "gem-fake1" };
  if (!stream) return whole;
  // Function calls come whole, in one chunk; text in pieces, with running usage on every chunk and the finish on the last.
  if (turn.kind === "tools") {
    const said = turn.preamble ? [{ candidates: [{ content: { role: "model", parts: parts.slice(0, 1) }, index: 0 }], usageMetadata: { promptTokenCount: USAGE.input, totalTokenCount: USAGE.input }, modelVersion: model, responseId: "gem-fake1" }] : [];
    const calls = { ...whole, candidates: [{ ...whole.candidates[0]!, content: { role: "model", parts: parts.slice(said.length) } }] };
    return sseOf([...said, calls].map((chunk): [undefined, unknown] => [undefined, chunk]), "\r\n");
  }
  const texts = pieces(turn.text);
  const chunks = texts.map((text, n) => {
    const last = n === texts.length - 1;
    const candidate = { content: { role: "model", parts: [{ text }] }, index: 0, ...(last ? { finishReason } : {}) };
    return { candidates: [candidate], usageMetadata: last ? usageMetadata : { promptTokenCount: USAGE.input, totalTokenCount: USAGE.input }, modelVersion: model, responseId: "gem-fake1" };
  });
  return sseOf(chunks.map((chunk) => [undefined, chunk]), "\r\n");
}

// ------------------------------------------------------------------ what the real APIs refuse

/**
 * The conversation rules each real API enforces with a 400 (tool results must answer the calls
 * just before them, by id; Gemini 3 wants its thought signature back on replayed calls), so a
 * gateway that builds a conversation the real provider would refuse fails here too.
 */
export function refusal(api: WireApi, body: any, model: string): string | undefined {
  switch (api) {
    case "chat": {
      const messages: any[] = body.messages ?? [];
      if (body.stream_options != null && body.stream !== true) return "The 'stream_options' parameter is only allowed when 'stream' is enabled.";
      if (body.tool_choice != null && !(body.tools?.length > 0)) return "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.";
      for (const [at, message] of messages.entries()) {
        if (message.role !== "tool") continue;
        const owner = messages.slice(0, at).reverse().find((m) => m.role !== "tool");
        if (!owner?.tool_calls?.some((call: any) => call.id === message.tool_call_id)) return `messages[${at}]: messages with role 'tool' must be a response to a preceding message with 'tool_calls'`;
      }
      for (const [at, message] of messages.entries()) {
        const after = messages.slice(at + 1);
        const end = after.findIndex((m) => m.role !== "tool");
        const answers = (end === -1 ? after : after.slice(0, end)).map((m) => m.tool_call_id);
        if (after.length > 0 && (message.tool_calls ?? []).some((call: any) => !answers.includes(call.id))) {
          return `messages[${at}]: an assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'`;
        }
      }
      return undefined;
    }
    case "responses": {
      const items: any[] = Array.isArray(body.input) ? body.input : [];
      if (typeof body.max_output_tokens === "number" && body.max_output_tokens < 16) return `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got ${body.max_output_tokens} instead.`;
      for (const [at, item] of items.entries()) {
        if (item.type === "function_call_output" && !items.slice(0, at).some((i) => i.type === "function_call" && i.call_id === item.call_id)) return `No tool call found for function call output with call_id ${item.call_id}.`;
      }
      return undefined;
    }
    case "messages": {
      const messages: any[] = body.messages ?? [];
      if (typeof body.max_tokens !== "number") return "max_tokens: Field required";
      if (messages[0]?.role !== "user") return "messages: the first message must use the \"user\" role";
      for (const [at, message] of messages.entries()) {
        const blocks: any[] = Array.isArray(message.content) ? message.content : [];
        if (message.content === "" || blocks.some((b) => b.type === "text" && !b.text)) return `messages.${at}: text content blocks must be non-empty`;
        const calls = blocks.filter((b) => b.type === "tool_use").map((b) => b.id);
        if (message.role === "assistant" && calls.length > 0 && at < messages.length - 1) {
          const next: any[] = Array.isArray(messages[at + 1].content) ? messages[at + 1].content : [];
          const results = next.filter((b) => b.type === "tool_result");
          const leading = next.slice(0, results.length).every((b) => b.type === "tool_result");
          if (!calls.every((id: string) => results.some((r) => r.tool_use_id === id)) || !leading) return `messages.${at + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${calls.join(", ")}`;
        }
        const previous: any[] = Array.isArray(messages[at - 1]?.content) ? messages[at - 1].content : [];
        for (const result of blocks.filter((b) => b.type === "tool_result")) {
          if (!previous.some((b) => b.type === "tool_use" && b.id === result.tool_use_id)) return `messages.${at}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${result.tool_use_id}`;
        }
      }
      return undefined;
    }
    case "gemini": {
      const contents: any[] = body.contents ?? [];
      for (const [at, content] of contents.entries()) {
        const parts: any[] = content.parts ?? [];
        if (!["user", "model"].includes(content.role)) return `contents[${at}]: role must be user or model`;
        if (parts.length === 0 || parts.some((p) => p.text === "")) return `* GenerateContentRequest.contents[${at}].parts: contains an empty text parameter or no parts`;
        const calls = parts.filter((p) => p.functionCall);
        if (/^gemini-3/.test(model) && calls.some((p) => !p.thoughtSignature)) return `Function call is missing a thought_signature in functionCall parts. (contents[${at}])`;
        const responses = parts.filter((p) => p.functionResponse);
        if (responses.length === 0) continue;
        const asked = (contents[at - 1]?.parts ?? []).filter((p: any) => p.functionCall);
        if (asked.length !== responses.length || responses.some((r, n) => r.functionResponse.name !== asked[n]?.functionCall.name)) {
          return "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.";
        }
      }
      return undefined;
    }
  }
}

// ------------------------------------------------------------------ errors, per API

function errorAnswer(api: WireApi, error: ScriptedError): { body: object; headers: Record<string, string> } {
  const limited = error.status === 429;
  const message = error.message ?? (limited ? "Rate limit reached for requests (fake)" : "Invalid value for 'temperature': the fake refuses this request");
  const retry: Record<string, string> = limited ? { "retry-after": "1" } : {};
  switch (api) {
    case "chat":
    case "responses":
      return {
        body: { error: { message, type: limited ? "requests" : "invalid_request_error", param: limited ? null : "temperature", code: limited ? "rate_limit_exceeded" : "invalid_value" } },
        headers: { ...retry, "x-request-id": "req_fake1", ...error.headers },
      };
    case "messages":
      return { body: { type: "error", error: { type: limited ? "rate_limit_error" : "invalid_request_error", message }, request_id: "req_fake1" }, headers: { ...retry, "request-id": "req_fake1", ...error.headers } };
    case "gemini": {
      const status = limited ? "RESOURCE_EXHAUSTED" : error.status === 400 ? "INVALID_ARGUMENT" : "UNKNOWN";
      const details = limited ? [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "1s" }] : [];
      return { body: { error: { code: error.status, message, status, details } }, headers: { ...error.headers } };
    }
  }
}

// ------------------------------------------------------------------ the server

function credentialOf(req: IncomingMessage): string | undefined {
  for (const header of ["x-api-key", "x-goog-api-key"]) {
    const value = req.headers[header];
    if (typeof value === "string") return value;
  }
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
}

function route(method: string | undefined, url: string): { api: WireApi; model?: string; stream?: boolean } | undefined {
  if (method !== "POST") return undefined;
  if (url === "/v1/chat/completions") return { api: "chat" };
  if (url === "/v1/responses") return { api: "responses" };
  if (url === "/v1/messages") return { api: "messages" };
  const gemini = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent\?alt=sse)$/.exec(url);
  if (gemini) return { api: "gemini", model: decodeURIComponent(gemini[1]!), stream: gemini[2] !== "generateContent" };
  return undefined;
}

const READ = { chat: readChat, responses: readResponses, messages: readMessages, gemini: readGemini };

/** A request as the fake's model read it: prompt, tool result, tools offered, tool choice, structured-output schema. */
export function conversationOf(request: SeenWireRequest): Conversation {
  return request.conversation;
}

/** A Responses body with its item references replaced by the stored items, or the id that is not stored. */
function resolveReferences(body: any, stored: Map<string, object>): { body: any } | { missing: string } {
  if (!Array.isArray(body.input)) return { body };
  const input: any[] = [];
  for (const item of body.input) {
    if (item?.type !== "item_reference") input.push(item);
    else if (stored.has(item.id)) input.push(stored.get(item.id));
    else return { missing: String(item.id) };
  }
  return { body: { ...body, input } };
}

export async function startFakeWireUpstream(): Promise<FakeWireUpstream> {
  const requests: SeenWireRequest[] = [];
  const scripts = new Map<string, ScriptedError[]>();
  const stored = new Map<string, object>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const found = route(req.method, req.url ?? "");
    if (!found) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
      return;
    }
    const body = JSON.parse(raw.toString("utf8") || "{}");
    const stream = found.stream ?? body.stream === true;
    const model = found.model ?? String(body.model ?? "");
    const resolved = found.api === "responses" ? resolveReferences(body, stored) : { body };
    const read = "body" in resolved ? resolved.body : body;
    const conversation = READ[found.api](read);
    const seen: SeenWireRequest = { api: found.api, path: req.url ?? "", headers: req.headers, body, raw, credential: credentialOf(req), model, stream, conversation };
    requests.push(seen);

    const queue = scripts.get(seen.credential ?? "") ?? [];
    const directive = /\[fail (\d{3})\]/.exec(conversation.prompt);
    const refused = "missing" in resolved ? `Item with id '${resolved.missing}' not found.` : refusal(found.api, read, model);
    const failure = queue.length > 1 ? queue.shift() : queue[0] ?? (refused ? { status: 400, message: refused } : directive ? { status: Number(directive[1]) } : undefined);
    if (failure) {
      const { body: errorBody, headers } = errorAnswer(found.api, failure);
      res.writeHead(failure.status, { "content-type": "application/json", ...headers }).end(JSON.stringify(errorBody));
      return;
    }
    const turn = think(found.api, conversation);
    const answer =
      found.api === "chat"
        ? chatAnswer(model, turn, stream, body.stream_options?.include_usage === true)
        : found.api === "responses"
          ? responsesAnswer(model, turn, stream, body, requests.length, (items) => items.forEach((item) => stored.set(item.id, item)))
          : found.api === "messages"
            ? messagesAnswer(model, turn, stream)
            : geminiAnswer(model, turn, stream);
    if (typeof answer === "string") res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" }).end(answer);
    else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => res.writeHead(500, { "content-type": "text/plain" }).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (credential, ...answers) => void (answers.length ? scripts.set(credential, answers) : scripts.delete(credential)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
